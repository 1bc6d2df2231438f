// Package pgtest gives each test a PostgreSQL database of its own.
//
// It uses TEST_DATABASE_URL or DATABASE_URL when set (the role must be allowed
// to create databases); otherwise it boots one throwaway cluster per test
// binary from the local server binaries (see internal/pgcluster) and stops it
// when the tests end. It never skips: no server and no binaries fail the test
// with an install hint.
//
// A package that uses it declares
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// and each test calls New, which creates a fresh database (optionally with the
// source warehouse schema) and drops it when the test ends, so tests can run
// in parallel and commit for real.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the PostgreSQL driver

	"github.com/signalsdev/signals/internal/pgcluster"
	"github.com/signalsdev/signals/load"
	sqlfiles "github.com/signalsdev/signals/sql"
)

type server struct {
	once     sync.Once
	adminURL string
	cluster  *pgcluster.Cluster
	tmp      string
	err      error
	inMain   bool
}

var srv server // one per test binary; set up lazily, torn down by Main

// Main runs the package's tests and then stops the throwaway cluster, if one
// was started. Call it from TestMain.
func Main(m *testing.M) {
	srv.inMain = true
	code := m.Run()
	if srv.cluster != nil {
		_ = srv.cluster.Stop()
		_ = os.RemoveAll(srv.tmp)
	}
	os.Exit(code)
}

// AdminURL returns the URL of a database on the test server with the right to
// create databases, booting the server on first use.
func AdminURL(tb testing.TB) string {
	tb.Helper()
	if !srv.inMain {
		tb.Fatal("pgtest: declare func TestMain(m *testing.M) { pgtest.Main(m) } in this package")
	}
	srv.once.Do(func() {
		for _, k := range []string{"TEST_DATABASE_URL", "DATABASE_URL"} {
			if v := os.Getenv(k); v != "" {
				srv.adminURL = v
				return
			}
		}
		srv.tmp, srv.err = os.MkdirTemp("", "signals-pgtest-")
		if srv.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		srv.cluster, srv.err = pgcluster.Start(ctx, srv.tmp+"/data", 0)
		if srv.err == nil {
			srv.adminURL = srv.cluster.URL("postgres")
		}
	})
	if srv.err != nil {
		tb.Fatalf("pgtest: no PostgreSQL for the tests: %v\nhint: %s", srv.err, pgcluster.InstallHint)
	}
	return srv.adminURL
}

// Cluster returns the throwaway cluster, or nil when the tests use a server
// given by the environment. Tests that restart the server need it.
func Cluster(tb testing.TB) *pgcluster.Cluster {
	AdminURL(tb)
	return srv.cluster
}

// DB is a database created for one test.
type DB struct {
	*sqlx.DB
	URL  string // connection URL of the test database
	Name string
}

// Option configures New.
type Option func(*options)

type options struct{ warehouse bool }

// WithWarehouse creates the default source schema (contract/warehouse.sql),
// empty, in the new database.
func WithWarehouse() Option { return func(o *options) { o.warehouse = true } }

// New creates an empty database for tb and drops it when tb ends.
func New(tb testing.TB, opts ...Option) *DB {
	tb.Helper()
	var o options
	for _, f := range opts {
		f(&o)
	}
	admin := AdminURL(tb)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	adb, err := sqlx.ConnectContext(ctx, "postgres", admin)
	if err != nil {
		tb.Fatalf("pgtest: connect to %s: %v\nhint: %s", Redact(admin), err, pgcluster.InstallHint)
	}
	defer adb.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "signals_test_" + hex.EncodeToString(b)
	if _, err := adb.ExecContext(ctx, "create database "+name); err != nil {
		tb.Fatalf("pgtest: create database %s: %v", name, err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatalf("pgtest: parse admin URL: %v", err)
	}
	u.Path = "/" + name
	q := u.Query()
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	db, err := sqlx.ConnectContext(ctx, "postgres", u.String())
	if err != nil {
		tb.Fatalf("pgtest: connect to %s: %v", name, err)
	}
	tb.Cleanup(func() {
		db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		adb, err := sqlx.ConnectContext(ctx, "postgres", admin)
		if err != nil {
			tb.Errorf("pgtest: drop %s: %v", name, err)
			return
		}
		defer adb.Close()
		if _, err := adb.ExecContext(ctx, "drop database if exists "+name+" with (force)"); err != nil {
			tb.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	if o.warehouse {
		if _, err := db.ExecContext(ctx, sqlfiles.Warehouse); err != nil {
			tb.Fatalf("pgtest: create the warehouse schema: %v", err)
		}
	}
	return &DB{DB: db, URL: u.String(), Name: name}
}

// Redact hides the password in a connection URL.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Exec runs statements and fails the test on error; for fixtures.
func (d *DB) Exec(tb testing.TB, query string, args ...any) {
	tb.Helper()
	if _, err := d.DB.Exec(query, args...); err != nil {
		tb.Fatalf("pgtest: %v\n%s", err, query)
	}
}

// NewReporting creates a database with the empty source warehouse and the
// migrated reporting schema, and returns it with a second handle connected
// as signals connects: search_path is the reporting schema, so reporting
// tables are unqualified and source tables qualified.
func NewReporting(tb testing.TB) (*DB, *sqlx.DB) {
	tb.Helper()
	db := New(tb, WithWarehouse())
	u, err := load.ConnURL(db.URL, "reporting")
	if err != nil {
		tb.Fatal(err)
	}
	rdb, err := sqlx.Open("postgres", u)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rdb.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := load.Migrate(ctx, rdb.DB, "reporting"); err != nil {
		tb.Fatalf("pgtest: migrate the reporting schema: %v", err)
	}
	return db, rdb
}

// ReportingDB is NewReporting for a test that needs only the signals handle.
func ReportingDB(tb testing.TB) *sqlx.DB {
	tb.Helper()
	_, rdb := NewReporting(tb)
	return rdb
}
