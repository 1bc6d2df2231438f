package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/signalsdev/signals/transform"
)

// LockKey is the session advisory lock key of (schema, job, month): 64 bits
// of FNV-1a. Another tool can take it to keep signals off a month.
func LockKey(schema, job string, m transform.Month) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "signals:%s:%s:%s", schema, job, m)
	return int64(h.Sum64())
}

// jobLock is a session advisory lock held on a pinned connection: it lasts
// as long as that connection, so a killed process releases it.
type jobLock struct {
	conn *sqlx.Conn
	key  int64
}

// acquireLock tries to take the lock for up to wait. It returns nil, nil
// when another session still holds it after wait.
func acquireLock(ctx context.Context, db *sqlx.DB, key int64, wait time.Duration) (*jobLock, error) {
	conn, err := db.Connx(ctx)
	if err != nil {
		return nil, fmt.Errorf("pin a connection for the job lock: %w", err)
	}
	deadline := time.Now().Add(wait)
	for {
		var ok bool
		if err := conn.GetContext(ctx, &ok, "select pg_try_advisory_lock($1)", key); err != nil {
			conn.Close()
			return nil, fmt.Errorf("take the job lock: %w", err)
		}
		if ok {
			return &jobLock{conn: conn, key: key}, nil
		}
		if !time.Now().Before(deadline) {
			conn.Close()
			return nil, nil
		}
		if err := sleep(ctx, 250*time.Millisecond); err != nil {
			conn.Close()
			return nil, err
		}
	}
}

// release unlocks and returns the connection to the pool.
func (l *jobLock) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := l.conn.ExecContext(ctx, "select pg_advisory_unlock($1)", l.key); err != nil {
		// The connection is probably gone, and the lock with it; make sure
		// the pool does not reuse it.
		_ = l.conn.Raw(func(any) error { return sql.ErrConnDone })
	}
	l.conn.Close()
}

// alive reports whether the pinned connection (and so the lock) survives.
func (l *jobLock) alive(ctx context.Context) bool {
	return l.conn.PingContext(ctx) == nil
}

// lockHolder describes the session holding key, for the skip message.
func lockHolder(ctx context.Context, db *sqlx.DB, key int64) string {
	u := uint64(key)
	var h struct {
		PID   int       `db:"pid"`
		App   string    `db:"application_name"`
		Addr  string    `db:"client_addr"`
		Since time.Time `db:"backend_start"`
	}
	err := db.GetContext(ctx, &h, `select a.pid, a.application_name, coalesce(host(a.client_addr), 'local') as client_addr, a.backend_start
		from pg_locks l join pg_stat_activity a using (pid)
		where l.locktype = 'advisory' and l.granted and l.classid = $1 and l.objid = $2 and l.objsubid = 1`,
		int64(u>>32), int64(u&0xffffffff))
	if err != nil {
		return "another session"
	}
	return fmt.Sprintf("pid %d (%s from %s, connected %s)", h.PID, h.App, h.Addr, h.Since.UTC().Format(time.RFC3339))
}
