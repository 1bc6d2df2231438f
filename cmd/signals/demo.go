package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/signalsdev/signals/internal/pgcluster"
	"github.com/signalsdev/signals/internal/seed"
	"github.com/signalsdev/signals/jobs"
	"github.com/signalsdev/signals/transform"
)

func cmdSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommon("seed", stderr)
	customers := c.fs.Int("customers", 2000, "number of customers")
	months := c.fs.Int("months", 24, "months of history")
	until := c.fs.String("until", "", "last month of data, YYYY-MM (default: the last closed month)")
	seedN := c.fs.Int64("seed", 1, "random seed; the same options give the same data")
	tz := c.fs.String("tz", "", "time zone that places events in months (env SIGNALS_TZ, default UTC)")
	if err := c.parse(args); err != nil {
		return err
	}
	c.tz = *tz
	cfg, _, err := c.config(getenv)
	if err != nil {
		return err
	}
	o, err := seedOptions(*customers, *months, *until, *seedN, cfg)
	if err != nil {
		return err
	}
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	return runSeed(ctx, db, o, stdout)
}

func seedOptions(customers, months int, until string, seedN int64, cfg jobs.Config) (seed.Options, error) {
	if customers < 1 || customers > 10_000_000 {
		return seed.Options{}, usagef("--customers %d: want 1 to 10,000,000", customers)
	}
	if months < 1 || months > 240 {
		return seed.Options{}, usagef("--months %d: want 1 to 240", months)
	}
	u := transform.LastClosed(time.Now(), cfg.Loc)
	if until != "" {
		var err error
		if u, err = transform.ParseMonth(until); err != nil {
			return seed.Options{}, usageErr{fmt.Errorf("--until: %w", err)}
		}
	}
	return seed.Options{Customers: customers, Months: months, Until: u, Seed: seedN, Loc: cfg.Loc}, nil
}

func runSeed(ctx context.Context, db *sqlx.DB, o seed.Options, stdout io.Writer) error {
	st, err := seed.Run(ctx, db, o)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	var total int64
	for _, n := range st.Rows {
		total += n
	}
	fmt.Fprintf(stdout, "seeded %d customers over %d months to %s: %d rows in %s\n",
		o.Customers, o.Months, o.Until, total, st.Elapsed.Round(time.Millisecond))
	return nil
}

// cmdDemo starts a local PostgreSQL under OUT/pgdata (unless DATABASE_URL is
// set), migrates, seeds a few thousand customers over two years, runs the
// last closed month with every job, and says where everything is.
func cmdDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommon("demo", stderr)
	customers := c.fs.Int("customers", 3000, "number of customers to seed")
	months := c.fs.Int("months", 24, "months of history to seed")
	out := c.fs.String("out", "out", "output folder (workbooks, outbox and the demo database)")
	port := c.fs.Int("port", 55432, "port of the local demo PostgreSQL")
	if err := c.parse(args); err != nil {
		return err
	}
	dbURL := first(c.databaseURL, getenv("DATABASE_URL"))
	if dbURL == "" {
		dir := filepath.Join(*out, "pgdata")
		fmt.Fprintf(stdout, "starting a local PostgreSQL in %s on port %d ...\n", dir, *port)
		cl, err := pgcluster.Start(ctx, dir, *port)
		if err != nil {
			return err
		}
		if err := createDB(ctx, cl.URL("postgres"), "signals"); err != nil {
			return err
		}
		dbURL = cl.URL("signals")
	}
	c.databaseURL = dbURL
	c.out = *out
	cfg, e, err := c.config(getenv)
	if err != nil {
		return err
	}
	log, err := newLogger(env{getenv: func(k string) string {
		if k == "SIGNALS_LOG_FORMAT" && e.get(k) == "" {
			return "text"
		}
		return e.get(k)
	}}, stderr)
	if err != nil {
		return err
	}
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	r := newRunner(cfg, db, log, e)
	m := transform.LastClosed(r.Now(), cfg.Loc)
	o, err := seedOptions(*customers, *months, m.String(), 1, cfg)
	if err != nil {
		return err
	}
	if err := runSeed(ctx, db, o, stdout); err != nil {
		return err
	}
	outs, err := r.RunMonth(ctx, m, jobs.Registry(), true)
	printOutcomes(stdout, outs)
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(cfg.OutDir)
	fmt.Fprintf(stdout, `
demo month %s is done.
  workbooks:        %s
  digests (outbox): %s
  reporting tables: psql '%s' -c 'select * from %s.mrr_monthly where dimension = ''all'''
  stop the database: make demo-stop
`, m, filepath.Join(abs, m.String()), filepath.Join(abs, m.String(), "outbox"), dbURL, cfg.Schema)
	return nil
}

func createDB(ctx context.Context, adminURL, name string) error {
	db, err := sqlx.ConnectContext(ctx, "postgres", adminURL)
	if err != nil {
		return fmt.Errorf("connect to the demo server: %w", err)
	}
	defer db.Close()
	var exists bool
	if err := db.GetContext(ctx, &exists, "select exists (select 1 from pg_database where datname = $1)", name); err != nil {
		return err
	}
	if !exists {
		if _, err := db.ExecContext(ctx, "create database "+name); err != nil {
			return fmt.Errorf("create database %s: %w", name, err)
		}
	}
	return nil
}
