// Command bench measures signals at scale (make bench): it boots a
// throwaway PostgreSQL, seeds a warehouse (default 100,000 customers over 36
// months), then times the real binary, as a subprocess, for each job of one
// month, a whole month, and a 12-month backfill with --parallel 2, with peak
// RSS from the kernel's accounting of the child. Beside them it times the
// floors: PostgreSQL alone computing the revenue table in one statement, a
// bare excelize StreamWriter loop, and exceljs's streaming writer. Each
// figure is the median of -runs runs. Nothing here asserts: it prints.
package main

import (
	"context"
	"database/sql"
	_ "embed"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"github.com/signalsdev/signals/extract"
	"github.com/signalsdev/signals/internal/pgcluster"
	sqlfiles "github.com/signalsdev/signals/sql"
	"github.com/signalsdev/signals/transform"
)

//go:embed floor.sql
var floorSQL string

type measure struct {
	name  string
	wall  time.Duration
	rss   int64 // KiB
	rows  int64
	extra string
}

func main() {
	customers := flag.Int("customers", 100_000, "customers to seed")
	months := flag.Int("months", 36, "months of history")
	runs := flag.Int("runs", 3, "runs per figure (median)")
	bin := flag.String("bin", "bin/signals", "the signals binary (make build)")
	keep := flag.Bool("keep", false, "keep the cluster running at the end")
	backfill := flag.Bool("backfill", true, "time the 12-month backfill (the longest step)")
	mode := flag.String("mode", "", "internal: excelize (the bare StreamWriter workbook) or finance (the finance workbook), written to -file")
	file := flag.String("file", "", "internal: output of -mode")
	flag.IntVar(&wbRows, "rows", wbRows, "rows of the workbooks' list (-mode)")
	flag.Parse()
	if *mode != "" {
		write := bareExcelize
		if *mode == "finance" {
			write = financeWorkbook
		}
		if err := write(*file); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*customers, *months, *runs, *bin, *keep, *backfill); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(customers, months, runs int, bin string, keep, backfill bool) error {
	ctx := context.Background()
	bin, _ = filepath.Abs(bin)
	tmp, err := os.MkdirTemp("", "signals-bench-")
	if err != nil {
		return err
	}
	cl, err := pgcluster.Start(ctx, filepath.Join(tmp, "pg"), 0)
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(tmp)
		defer cl.Stop()
	}
	url := cl.URL("postgres")
	db := sqlx.MustConnect("postgres", url+"&search_path=reporting,public")
	defer db.Close()
	until := transform.NewMonth(2026, 9)
	month := until
	out := filepath.Join(tmp, "out")
	env := append(os.Environ(), "DATABASE_URL="+url, "SIGNALS_LOG_FORMAT=json", "SIGNALS_LOG_LEVEL=warn", "SIGNALS_OUT="+out)

	fmt.Printf("signals bench: %d customers x %d months, month %s, median of %d; %s\n", customers, months, month, runs, machine())
	var ms []measure
	add := func(m measure) {
		ms = append(ms, m)
		fmt.Printf("  %-44s %9s  %7.0f MiB  %s\n", m.name, m.wall.Round(time.Millisecond), float64(m.rss)/1024, m.extra)
	}

	seed, err := proc(env, bin, "seed", "--customers", fmt.Sprint(customers), "--months", fmt.Sprint(months), "--until", until.String())
	if err != nil {
		return err
	}
	rows := countSource(db)
	seed.name, seed.rows = "seed", rows
	seed.extra = fmt.Sprintf("%d source rows, %.0f rows/s", rows, float64(rows)/seed.wall.Seconds())
	add(seed)
	if _, err := db.Exec("vacuum analyze"); err != nil {
		return err
	}

	floor, err := median(runs, func() (measure, error) { return sqlFloor(ctx, db, month, true) })
	if err != nil {
		return err
	}
	floor.name = "SQL floor: mrr_monthly in one statement"
	add(floor)
	// Where the revenue job's time goes beyond the floor: its own query,
	// with the per-customer rows shipped to a client that drops them.
	shipped, err := median(runs, func() (measure, error) { return sqlFloor(ctx, db, month, false) })
	if err != nil {
		return err
	}
	shipped.name = "  the job's query alone, rows shipped"
	shipped.extra += fmt.Sprintf("; %.2fx the SQL floor", shipped.wall.Seconds()/floor.wall.Seconds())
	add(shipped)

	for _, job := range []string{"mrr", "surveys", "campaigns", "health", "reports"} {
		m, err := median(runs, func() (measure, error) {
			return proc(env, bin, "run", "--month", month.String(), "--jobs", job, "--no-send")
		})
		if err != nil {
			return fmt.Errorf("job %s: %w", job, err)
		}
		m.name = "job " + job
		m.rows = jobRows(db, job, month)
		m.extra = fmt.Sprintf("%d rows read+written, %.0f rows/s", m.rows, float64(m.rows)/m.wall.Seconds())
		if job == "mrr" {
			m.extra += fmt.Sprintf("; %.2fx the SQL floor", m.wall.Seconds()/floor.wall.Seconds())
		}
		add(m)
	}
	whole, err := median(runs, func() (measure, error) {
		return proc(env, bin, "run", "--month", month.String(), "--no-send")
	})
	if err != nil {
		return err
	}
	whole.name = "whole month: every job and both workbooks"
	add(whole)

	if backfill {
		bf, err := proc(env, bin, "backfill", "--from", month.Add(-11).String(), "--to", month.String(), "--parallel", "2", "--force")
		if err != nil {
			return err
		}
		bf.name = "backfill 12 months, --parallel 2"
		bf.extra = fmt.Sprintf("%.1fx one month", bf.wall.Seconds()/whole.wall.Seconds())
		add(bf)
	}

	for _, w := range workbookBenches(ctx, tmp, runs) {
		add(w)
	}
	return planCheck(ctx, db, cl.DataDir, env, bin, month)
}

// planCheck runs one whole month with auto_explain and prints, for every
// statement slower than planMinDuration, what its executed plan did wrong.
func planCheck(ctx context.Context, db *sqlx.DB, dataDir string, env []string, bin string, month transform.Month) error {
	logFile := filepath.Join(dataDir, "server.log")
	st, err := os.Stat(logFile)
	if err != nil {
		return err
	}
	if err := enableAutoExplain(ctx, db); err != nil {
		return err
	}
	_, runErr := proc(env, bin, "run", "--month", month.String(), "--no-send")
	if err := disableAutoExplain(ctx, db); err != nil {
		return err
	}
	if runErr != nil {
		return runErr
	}
	findings, err := checkPlans(logFile, st.Size())
	if err != nil {
		return err
	}
	fmt.Printf("plan check: the statements of one whole month over %s, as executed (auto_explain)\n", planMinDuration)
	for _, f := range findings {
		verdict := "ok: no nested-loop rescans, nothing spilled"
		if len(f.Problems) > 0 {
			verdict = strings.Join(f.Problems, "; ")
		}
		fmt.Printf("  %-42s %8.0f ms  %s\n", f.Query, f.Duration, verdict)
	}
	return nil
}

// proc runs the binary and returns its wall time and peak RSS.
func proc(env []string, bin string, args ...string) (measure, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	m := measure{wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rss = ru.Maxrss
	}
	if err != nil {
		return m, fmt.Errorf("%s %s: %w\n%s", filepath.Base(bin), strings.Join(args, " "), err, stderr.String())
	}
	return m, nil
}

func median(n int, f func() (measure, error)) (measure, error) {
	var all []measure
	for i := 0; i < n; i++ {
		m, err := f()
		if err != nil {
			return m, err
		}
		all = append(all, m)
	}
	slices.SortFunc(all, func(a, b measure) int { return int(a.wall - b.wall) })
	return all[len(all)/2], nil
}

// sqlFloor times the floor statement (aggregate) or the revenue job's own
// per-customer query on its own (!aggregate), reading every row it returns.
func sqlFloor(ctx context.Context, db *sqlx.DB, m transform.Month, aggregate bool) (measure, error) {
	q := sqlfiles.Query("mrr_customers")
	if aggregate {
		q = "with customers as (\n" + q + "\n)\n" + floorSQL
	}
	// The same room for hash aggregates as the job's warehouse reads get.
	tx, err := db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return measure{}, err
	}
	defer tx.Rollback() //nolint:errcheck // read only
	if err := extract.MonthSettings(ctx, tx, nil); err != nil {
		return measure{}, err
	}
	start := time.Now()
	rows, err := tx.QueryContext(ctx, q, m.Start(time.UTC), m.End(time.UTC), m.Date(), m.Add(-1).Date(), "UTC", "USD")
	if err != nil {
		return measure{}, fmt.Errorf("sql floor: %w", err)
	}
	cols, _ := rows.Columns()
	dest := make([]any, len(cols))
	for i := range dest {
		dest[i] = new(sql.RawBytes)
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return measure{}, err
		}
		n++
	}
	rows.Close()
	return measure{wall: time.Since(start), rows: n, extra: fmt.Sprintf("%d rows", n)}, rows.Err()
}

func countSource(db *sqlx.DB) int64 {
	var n int64
	for _, t := range []string{"crm.customers", "billing.subscriptions", "billing.fx_rates", "billing.invoices", "survey.responses",
		"support.tickets", "product.usage_daily", "crm.campaigns", "crm.campaign_members", "crm.campaign_events"} {
		var c int64
		_ = db.Get(&c, "select count(*) from "+t)
		n += c
	}
	return n
}

func jobRows(db *sqlx.DB, job string, m transform.Month) int64 {
	var n int64
	_ = db.Get(&n, `select rows_read + rows_written from job_runs where job = $1 and month = $2 and status = 'succeeded' order by started_at desc limit 1`, job, m.Date())
	return n
}

func machine() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	model := ""
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			_, model, _ = strings.Cut(l, ": ")
			break
		}
	}
	return fmt.Sprintf("%d CPUs (%s)", numCPU(), strings.TrimSpace(model))
}
