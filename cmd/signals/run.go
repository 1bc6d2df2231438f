package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the PostgreSQL driver

	"github.com/signalsdev/signals/internal/redact"
	"github.com/signalsdev/signals/jobs"
	"github.com/signalsdev/signals/load"
	"github.com/signalsdev/signals/transform"
)

const usage = `signals: monthly revenue, churn, survey, health and campaign numbers from a PostgreSQL warehouse

usage:
  signals migrate                          create or upgrade the reporting schema
  signals seed [--customers N] [--months N] [--until YYYY-MM] [--seed N]
                                           fill the source schema with realistic data
  signals run [--month YYYY-MM] [--jobs mrr,surveys,campaigns,health,reports] [--out DIR] [--send|--no-send]
  signals backfill --from YYYY-MM --to YYYY-MM [--parallel N] [--jobs ...] [--out DIR] [--send] [--force] [--dry-run]
  signals schedule                         stay up and run on the configured cron schedule
  signals demo                             a local warehouse, seeded, one month run, workbooks in ./out

run, backfill and schedule also take --tz, --currency, --allow-empty, --require-fresh,
--allow-open-month, --database-url and --config FILE. Run "signals <command> -h" for a command's flags.
Exit status: 0 done or skipped, 1 failed, 2 bad usage or input.
`

// errUsage wraps errors that should exit 2.
type usageErr struct{ error }

func (e usageErr) Unwrap() error { return e.error }

func usagef(format string, args ...any) error { return usageErr{fmt.Errorf(format, args...)} }

func exitCode(err error) int {
	var ue usageErr
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue), jobs.IsUsage(err):
		return 2
	default:
		return 1
	}
}

// run is the whole command: it parses args, builds the configuration from
// flags, the environment (getenv) and defaults, and dispatches. Errors are
// printed here, once, redacted.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	err := dispatch(ctx, args, getenv, stdout, stderr)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stderr, "signals: %s\n", redact.String(err.Error(), getenv("DATABASE_URL"), getenv("SIGNALS_SMTP_URL")))
	}
	return err
}

func dispatch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usagef("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "migrate":
		return cmdMigrate(ctx, rest, getenv, stdout, stderr)
	case "seed":
		return cmdSeed(ctx, rest, getenv, stdout, stderr)
	case "run":
		return cmdRun(ctx, rest, getenv, stdout, stderr)
	case "backfill":
		return cmdBackfill(ctx, rest, getenv, stdout, stderr)
	case "schedule":
		return cmdSchedule(ctx, rest, getenv, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, rest, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "version", "--version":
		fmt.Fprintln(stdout, "signals", version)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return usagef("unknown command %q", cmd)
	}
}

// env layers the environment over an optional config file (KEY=VALUE lines).
type env struct {
	getenv func(string) string
	file   map[string]string
}

func (e env) get(k string) string {
	if v := e.getenv(k); v != "" {
		return v
	}
	return e.file[k]
}

// intIn reads k as a whole number from lo to hi; a value out of range or
// not a number is a usage error naming k, its value and want. ok is false
// when k is not set.
func (e env) intIn(k string, lo, hi int, want string) (n int, ok bool, err error) {
	v := e.get(k)
	if v == "" {
		return 0, false, nil
	}
	n, err = strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, false, usagef("%s=%q: want %s", k, v, want)
	}
	return n, true, nil
}

func loadConfigFile(path string) (map[string]string, error) {
	m := map[string]string{}
	if path == "" {
		return m, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("config file: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, usagef("config file %s line %d: want KEY=VALUE", path, n)
		}
		m[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"'`)
	}
	return m, sc.Err()
}

// common holds the flags shared by run, backfill, schedule and migrate.
type common struct {
	fs             *flag.FlagSet
	databaseURL    string
	configFile     string
	tz             string
	currency       string
	out            string
	allowEmpty     bool
	requireFresh   bool
	allowOpenMonth bool
	jobs           string
}

func newCommon(name string, stderr io.Writer) *common {
	c := &common{fs: flag.NewFlagSet("signals "+name, flag.ContinueOnError)}
	c.fs.SetOutput(stderr)
	c.fs.StringVar(&c.databaseURL, "database-url", "", "warehouse URL (env DATABASE_URL)")
	c.fs.StringVar(&c.configFile, "config", "", "optional KEY=VALUE config file, below the environment")
	return c
}

func (c *common) computeFlags() {
	c.fs.StringVar(&c.tz, "tz", "", "reporting time zone, IANA (env SIGNALS_TZ, default UTC)")
	c.fs.StringVar(&c.currency, "currency", "", "reporting currency, ISO 4217 (env SIGNALS_CURRENCY, default USD)")
	c.fs.StringVar(&c.out, "out", "", "output folder for workbooks and the outbox (env SIGNALS_OUT, default ./out)")
	c.fs.BoolVar(&c.allowEmpty, "allow-empty", false, "compute even when a job's primary source table is empty")
	c.fs.BoolVar(&c.requireFresh, "require-fresh", false, "refuse a month that ends after the data watermark")
	c.fs.BoolVar(&c.allowOpenMonth, "allow-open-month", false, "allow a month that has not closed yet")
	c.fs.StringVar(&c.jobs, "jobs", "", "comma-separated jobs to run (default all: "+strings.Join(jobs.Names(jobs.Registry()), ",")+")")
}

func (c *common) parse(args []string) error {
	if err := c.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageErr{err}
	}
	if c.fs.NArg() > 0 {
		return usagef("unexpected argument %q", c.fs.Arg(0))
	}
	return nil
}

// config builds the run configuration: flag > environment > config file > default.
func (c *common) config(getenv func(string) string) (jobs.Config, env, error) {
	file, err := loadConfigFile(c.configFile)
	if err != nil {
		return jobs.Config{}, env{}, err
	}
	e := env{getenv: getenv, file: file}
	cfg := jobs.Config{
		DatabaseURL:    first(c.databaseURL, e.get("DATABASE_URL")),
		Schema:         e.get("SIGNALS_SCHEMA"),
		Currency:       strings.ToUpper(first(c.currency, e.get("SIGNALS_CURRENCY"))),
		OutDir:         first(c.out, e.get("SIGNALS_OUT")),
		AllowEmpty:     c.allowEmpty,
		RequireFresh:   c.requireFresh,
		AllowOpenMonth: c.allowOpenMonth,
		Schedule:       e.get("SIGNALS_SCHEDULE"),
		Version:        version,
	}
	if cfg.DatabaseURL == "" {
		return cfg, e, usagef("no database: set DATABASE_URL or pass --database-url (postgres://USER@HOST:5432/DB?sslmode=require, password in the URL or PGPASSWORD)")
	}
	if tz := first(c.tz, e.get("SIGNALS_TZ")); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return cfg, e, usagef("time zone %q: not an IANA zone name (e.g. Europe/Berlin)", tz)
		}
		cfg.Loc = loc
	}
	if cfg.Currency != "" && !isCurrency(cfg.Currency) {
		return cfg, e, usagef("currency %q: want a three-letter ISO 4217 code such as USD", cfg.Currency)
	}
	if cfg.Schema != "" {
		if err := load.ValidSchema(cfg.Schema); err != nil {
			return cfg, e, usageErr{err}
		}
	}
	for _, d := range []struct {
		key string
		dst *time.Duration
	}{
		{"SIGNALS_LOCK_WAIT", &cfg.LockWait}, {"SIGNALS_JOB_TIMEOUT", &cfg.JobTimeout}, {"SIGNALS_STATEMENT_TIMEOUT", &cfg.StatementTimeout},
	} {
		if v := e.get(d.key); v != "" {
			dur, err := time.ParseDuration(v)
			if err != nil || dur <= 0 {
				return cfg, e, usagef("%s=%q: want a positive duration such as 30s", d.key, v)
			}
			*d.dst = dur
		}
	}
	if n, ok, err := e.intIn("SIGNALS_RETRIES", 0, math.MaxInt, "a number ≥ 0"); err != nil {
		return cfg, e, err
	} else if ok {
		cfg.Retries = n
	}
	if n, ok, err := e.intIn("SIGNALS_QUERY_WORKERS", 0, math.MaxInt, "a number ≥ 0 (PostgreSQL's max_parallel_workers_per_gather)"); err != nil {
		return cfg, e, err
	} else if ok {
		cfg.QueryWorkers = &n
	}
	if err := configureJobs(&cfg, e); err != nil {
		return cfg, e, err
	}
	return cfg.WithDefaults(), e, nil
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func newLogger(e env, stderr io.Writer) (*slog.Logger, error) {
	format := e.get("SIGNALS_LOG_FORMAT")
	if format == "" {
		format = "json"
		if f, ok := stderr.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	level := slog.LevelInfo
	if v := e.get("SIGNALS_LOG_LEVEL"); v != "" {
		if err := level.UnmarshalText([]byte(v)); err != nil {
			return nil, usagef("SIGNALS_LOG_LEVEL=%q: want debug, info, warn or error", v)
		}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(stderr, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(stderr, opts)), nil
	default:
		return nil, usagef("SIGNALS_LOG_FORMAT=%q: want json or text", format)
	}
}

// open connects to the database with the reporting schema on the
// search_path and migrates the schema (idempotent, serialised by a lock).
func open(ctx context.Context, cfg jobs.Config) (*sqlx.DB, error) {
	u, err := load.ConnURL(cfg.DatabaseURL, cfg.Schema)
	if err != nil {
		return nil, usageErr{err}
	}
	db, err := sqlx.Open("postgres", u)
	if err != nil {
		return nil, fmt.Errorf("open the database: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetConnMaxIdleTime(time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := pingWithRetry(pctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w", redact.URL(cfg.DatabaseURL), err)
	}
	if _, err := load.Migrate(pctx, db.DB, cfg.Schema); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func pingWithRetry(ctx context.Context, db *sqlx.DB) error {
	for i := 0; ; i++ {
		err := db.PingContext(ctx)
		if err == nil || !jobs.Transient(err) || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(i+1) * 300 * time.Millisecond):
		}
	}
}

func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommon("migrate", stderr)
	schema := c.fs.String("schema", "", "reporting schema (env SIGNALS_SCHEMA, default reporting)")
	if err := c.parse(args); err != nil {
		return err
	}
	cfg, _, err := c.config(getenv)
	if err != nil {
		return err
	}
	if *schema != "" {
		if err := load.ValidSchema(*schema); err != nil {
			return usageErr{err}
		}
		cfg.Schema = *schema
	}
	db, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := load.Migrate(ctx, db.DB, cfg.Schema)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema %s is at version %d\n", cfg.Schema, v)
	return nil
}

func cmdRun(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommon("run", stderr)
	c.computeFlags()
	month := c.fs.String("month", "", "month to compute, YYYY-MM (default: the last closed month in the reporting time zone)")
	send := c.fs.Bool("send", true, "deliver the digests (default true for run)")
	noSend := c.fs.Bool("no-send", false, "do not deliver the digests")
	if err := c.parse(args); err != nil {
		return err
	}
	var m transform.Month
	if *month != "" {
		var err error
		if m, err = transform.ParseMonth(*month); err != nil {
			return usageErr{fmt.Errorf("--month: %w", err)}
		}
	}
	r, js, cfg, closeDB, err := c.runner(ctx, getenv, stderr, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	if *month == "" {
		m = transform.LastClosed(r.Now(), cfg.Loc)
	}
	outs, err := r.RunMonth(ctx, m, js, *send && !*noSend)
	printOutcomes(stdout, outs)
	return err
}

func cmdBackfill(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommon("backfill", stderr)
	c.computeFlags()
	from := c.fs.String("from", "", "first month, YYYY-MM (required)")
	to := c.fs.String("to", "", "last month, YYYY-MM (required)")
	parallel := c.fs.Int("parallel", 1, "months to run at once")
	send := c.fs.Bool("send", false, "deliver the digests of every month (off by default)")
	force := c.fs.Bool("force", false, "rerun months that already succeeded with the same parameters and data")
	dryRun := c.fs.Bool("dry-run", false, "print the plan and run nothing")
	indexEnv := c.fs.String("index-from-env", "", "run only month from+N, N read from this environment variable (Kubernetes Indexed Job: JOB_COMPLETION_INDEX)")
	if err := c.parse(args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return usagef("backfill needs --from and --to (YYYY-MM)")
	}
	f, err := transform.ParseMonth(*from)
	if err != nil {
		return usageErr{fmt.Errorf("--from: %w", err)}
	}
	t, err := transform.ParseMonth(*to)
	if err != nil {
		return usageErr{fmt.Errorf("--to: %w", err)}
	}
	if t < f {
		return usagef("backfill range %s to %s is reversed: --from must not be after --to", f, t)
	}
	if *parallel < 1 || *parallel > 64 {
		return usagef("--parallel %d: want 1 to 64", *parallel)
	}
	if *indexEnv != "" {
		raw := getenv(*indexEnv)
		i, err := strconv.Atoi(raw)
		if err != nil || i < 0 {
			return usagef("--index-from-env %s: the variable holds %q, want a completion index ≥ 0", *indexEnv, raw)
		}
		if f.Add(i) > t {
			return usagef("completion index %d is past the range %s to %s (%d months): set completions to the number of months", i, f, t, t.Sub(f)+1)
		}
		f, t = f.Add(i), f.Add(i)
	}
	r, js, _, closeDB, err := c.runner(ctx, getenv, stderr, func(cfg *jobs.Config) { cfg.Force = *force })
	if err != nil {
		return err
	}
	defer closeDB()
	res, err := r.Backfill(ctx, jobs.BackfillOptions{
		From: f, To: t, Jobs: js, Parallel: *parallel, Send: *send, DryRun: *dryRun, Progress: stderr,
	})
	if !*dryRun {
		fmt.Fprintf(stdout, "backfill %s to %s: %d months run, %d skipped (already done), %d failed\n", f, t, res.Ran, res.Skipped, res.Failed)
	}
	return err
}

func cmdSchedule(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommon("schedule", stderr)
	c.computeFlags()
	spec := c.fs.String("schedule", "", "cron spec, five fields, in the reporting time zone (env SIGNALS_SCHEDULE, default \""+jobs.DefaultSchedule+"\")")
	noSend := c.fs.Bool("no-send", false, "do not deliver the digests")
	if err := c.parse(args); err != nil {
		return err
	}
	c.requireFresh = true // no digest goes out on a half-loaded warehouse
	r, js, _, closeDB, err := c.runner(ctx, getenv, stderr, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	return r.Schedule(ctx, jobs.ScheduleOptions{Spec: first(*spec, r.Config.Schedule), Jobs: js, Send: !*noSend})
}

// runner builds the configuration, selects the jobs, and connects: what
// run, backfill and schedule share. adjust, when given, edits the
// configuration before it is used.
func (c *common) runner(ctx context.Context, getenv func(string) string, stderr io.Writer, adjust func(*jobs.Config)) (*jobs.Runner, []jobs.Job, jobs.Config, func(), error) {
	cfg, e, err := c.config(getenv)
	if err != nil {
		return nil, nil, cfg, nil, err
	}
	if adjust != nil {
		adjust(&cfg)
	}
	js, err := jobs.Select(splitList(c.jobs))
	if err != nil {
		return nil, nil, cfg, nil, err
	}
	log, err := newLogger(e, stderr)
	if err != nil {
		return nil, nil, cfg, nil, err
	}
	db, err := open(ctx, cfg)
	if err != nil {
		return nil, nil, cfg, nil, err
	}
	return newRunner(cfg, db, log, e), js, cfg, func() { db.Close() }, nil
}

func newRunner(cfg jobs.Config, db *sqlx.DB, log *slog.Logger, e env) *jobs.Runner {
	r := jobs.NewRunner(cfg, db, log)
	if u := e.get("SIGNALS_PUSHGATEWAY_URL"); u != "" {
		r.Metrics = jobs.Pushgateway(u, log)
	}
	return r
}

func printOutcomes(w io.Writer, outs []jobs.Outcome) {
	for _, o := range outs {
		line := fmt.Sprintf("%-9s %s  %-9s rows read %d, written %d  %s  run %s",
			o.Job, o.Month, o.Status, o.RowsRead, o.RowsWritten, o.Duration.Round(time.Millisecond), o.RunID)
		if o.Status == jobs.StatusSkipped {
			line += "  (held by " + o.Holder + ")"
		}
		fmt.Fprintln(w, line)
	}
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
