package load

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/lib/pq"
	"github.com/pressly/goose/v3"

	sqlfiles "github.com/signalsdev/signals/sql"
)

// migrateLockKey is the advisory lock that serialises migrations: two
// `signals migrate` at once wait for each other instead of racing.
const migrateLockKey = 0x5167_6e61_6c73 // "Signals"

// Migrate creates the reporting schema if missing and applies the embedded
// goose migrations in it. db must connect with search_path set to schema
// (ConnURL). It is idempotent and safe to run concurrently. It returns the
// schema version after migrating.
func Migrate(ctx context.Context, db *sql.DB, schema string) (int64, error) {
	if err := ValidSchema(schema); err != nil {
		return 0, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: connect: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "select pg_advisory_lock($1)", migrateLockKey); err != nil {
		return 0, fmt.Errorf("migrate: take the migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "select pg_advisory_unlock($1)", migrateLockKey) //nolint:errcheck
	if _, err := conn.ExecContext(ctx, "create schema if not exists "+pq.QuoteIdentifier(schema)); err != nil {
		return 0, fmt.Errorf("migrate: create schema %s: %w", schema, err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sqlfiles.Migrations(),
		goose.WithTableName(schema+".goose_db_version"))
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, fmt.Errorf("migrate schema %s: %w", schema, err)
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: read version: %w", err)
	}
	return v, nil
}
