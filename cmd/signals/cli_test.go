package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/signalsdev/signals/internal/pgtest"
	"github.com/signalsdev/signals/jobs"
	"github.com/signalsdev/signals/transform"
)

func TestBadUsage(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": "postgres://u:topsecret@127.0.0.1:1/db?sslmode=disable"}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no command", env, nil, "no command"},
		{"unknown command", env, []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag", env, []string{"run", "--frob"}, "flag provided but not defined"},
		{"month out of range", env, []string{"run", "--month", "2026-13"}, `month "2026-13"`},
		{"month without zero", env, []string{"run", "--month", "2026-9"}, `month "2026-9"`},
		{"unknown job", env, []string{"run", "--month", "2026-09", "--jobs", "mrr,nps"}, `unknown job "nps"`},
		{"bad time zone", env, []string{"run", "--tz", "Mars/Olympus"}, `time zone "Mars/Olympus"`},
		{"bad currency", env, []string{"run", "--currency", "dollars"}, `currency "DOLLARS"`},
		{"no database", map[string]string{}, []string{"run"}, "no database"},
		{"backfill without range", env, []string{"backfill", "--from", "2026-01"}, "needs --from and --to"},
		{"reversed range", env, []string{"backfill", "--from", "2026-05", "--to", "2026-01"}, "reversed"},
		{"bad parallel", env, []string{"backfill", "--from", "2026-01", "--to", "2026-02", "--parallel", "0"}, "--parallel 0"},
		{"index past the range", map[string]string{"DATABASE_URL": env["DATABASE_URL"], "JOB_COMPLETION_INDEX": "5"},
			[]string{"backfill", "--from", "2026-01", "--to", "2026-02", "--index-from-env", "JOB_COMPLETION_INDEX"}, "past the range"},
		{"bad lock wait", map[string]string{"DATABASE_URL": env["DATABASE_URL"], "SIGNALS_LOCK_WAIT": "soon"}, []string{"run"}, "SIGNALS_LOCK_WAIT"},
		{"bad query workers", map[string]string{"DATABASE_URL": env["DATABASE_URL"], "SIGNALS_QUERY_WORKERS": "-1"}, []string{"run"}, "SIGNALS_QUERY_WORKERS"},
		{"bad schema", map[string]string{"DATABASE_URL": env["DATABASE_URL"], "SIGNALS_SCHEMA": "rep;drop"}, []string{"run"}, `schema "rep;drop"`},
		{"stray argument", env, []string{"run", "2026-09"}, `unexpected argument "2026-09"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := cli(t, tc.env, tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr does not name the problem %q:\n%s", tc.want, stderr)
			}
			if strings.Contains(stderr, "topsecret") {
				t.Errorf("stderr leaks the password:\n%s", stderr)
			}
		})
	}
}

func TestBadInputExits2(t *testing.T) {
	t.Parallel()
	db, env := warehouse(t)
	if code, _, stderr := cli(t, env, "run", "--month", "2999-01", "--jobs", "mrr"); code != 2 || !strings.Contains(stderr, "has not closed") {
		t.Errorf("open month: exit %d, stderr:\n%s", code, stderr)
	}
	db.Exec(t, `delete from billing.fx_rates where month = '2025-06-01'`)
	code, _, stderr := cli(t, env, "run", "--month", "2025-06", "--jobs", "mrr")
	if code != 2 || !strings.Contains(stderr, "EUR") || !strings.Contains(stderr, "2025-06") {
		t.Errorf("missing FX rate: exit %d, want 2 and a message naming EUR and 2025-06:\n%s", code, stderr)
	}
	if got := dump(t, db, "mrr_monthly", "month = '2025-06-01'"); got != "" {
		t.Errorf("a failed month wrote rows:\n%s", got)
	}
	var status string
	if err := db.Get(&status, `select status from reporting.job_runs where month = '2025-06-01'`); err != nil || status != "failed" {
		t.Errorf("job_runs status = %q (%v), want failed", status, err)
	}
	empty := pgtest.New(t, pgtest.WithWarehouse())
	env2 := map[string]string{"DATABASE_URL": empty.URL, "SIGNALS_LOG_FORMAT": "text"}
	if code, _, stderr := cli(t, env2, "run", "--month", "2025-06", "--jobs", "mrr"); code != 2 || !strings.Contains(stderr, "billing.subscriptions holds no rows") {
		t.Errorf("empty source: exit %d, stderr:\n%s", code, stderr)
	}
	if code, _, stderr := cli(t, env2, "run", "--month", "2025-06", "--jobs", "mrr", "--allow-empty"); code != 0 {
		t.Errorf("--allow-empty: exit %d, stderr:\n%s", code, stderr)
	}
	if code, _, stderr := cli(t, env, "run", "--month", "2026-10", "--jobs", "mrr", "--require-fresh"); code != 2 || !strings.Contains(stderr, "watermark") {
		t.Errorf("--require-fresh past the watermark: exit %d, stderr:\n%s", code, stderr)
	}
}

func TestRerunIsIdentical(t *testing.T) {
	t.Parallel()
	db, env := warehouse(t)
	where := "month = '2025-08-01'"
	if code, _, stderr := cli(t, env, "run", "--month", "2025-08", "--jobs", "mrr"); code != 0 {
		t.Fatalf("first run: exit %d\n%s", code, stderr)
	}
	before := dump(t, db, "mrr_monthly", where) + dump(t, db, "customer_mrr_monthly", where) + dump(t, db, "cohort_retention", where)
	if !strings.Contains(before, "2025-08-01") {
		t.Fatalf("first run wrote nothing:\n%s", before)
	}
	if code, _, stderr := cli(t, env, "run", "--month", "2025-08", "--jobs", "mrr"); code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, stderr)
	}
	after := dump(t, db, "mrr_monthly", where) + dump(t, db, "customer_mrr_monthly", where) + dump(t, db, "cohort_retention", where)
	if before != after {
		t.Errorf("a rerun changed the month's rows")
	}
	var runs int
	_ = db.Get(&runs, `select count(*) from reporting.job_runs where status = 'succeeded' and `+where)
	if runs != 2 {
		t.Errorf("job_runs has %d succeeded runs, want 2", runs)
	}
}

func TestSimultaneousRuns(t *testing.T) {
	t.Parallel()
	db, env := warehouse(t)
	var wg sync.WaitGroup
	codes := make([]int, 4)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _, _ = cli(t, env, "run", "--month", "2025-09", "--jobs", "mrr")
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != 0 {
			t.Errorf("run %d exited %d, want 0 (done or skipped)", i, c)
		}
	}
	var dup int
	if err := db.Get(&dup, `select count(*) - count(distinct customer_id) from reporting.customer_mrr_monthly where month = '2025-09-01'`); err != nil || dup != 0 {
		t.Errorf("duplicate customer rows: %d (%v)", dup, err)
	}
}

// holdLock takes the advisory lock of (job, month) from another session, as
// a concurrent run would.
func holdLock(t *testing.T, db *pgtest.DB, job, month string) func() {
	t.Helper()
	m, _ := transform.ParseMonth(month)
	conn, err := db.Connx(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	key := jobs.LockKey("reporting", job, m)
	if _, err := conn.ExecContext(context.Background(), "select pg_advisory_lock($1)", key); err != nil {
		t.Fatal(err)
	}
	return func() {
		conn.ExecContext(context.Background(), "select pg_advisory_unlock($1)", key) //nolint:errcheck
		conn.Close()
	}
}

func TestSkipWhenHeldElsewhere(t *testing.T) {
	t.Parallel()
	db, env := warehouse(t)
	if code, _, stderr := cli(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: %s", stderr)
	}
	release := holdLock(t, db, "mrr", "2025-10")
	defer release()
	env["SIGNALS_LOCK_WAIT"] = "300ms"
	code, stdout, stderr := cli(t, env, "run", "--month", "2025-10", "--jobs", "mrr")
	if code != 0 || !strings.Contains(stdout, "skipped") || !strings.Contains(stderr, "running elsewhere") || !strings.Contains(stdout, "pid") {
		t.Errorf("exit %d; want 0 and a skip naming the holder\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestSIGTERMWhileWaitingForTheLock(t *testing.T) {
	t.Parallel()
	bin := signalsBinary(t)
	db, env := warehouse(t)
	if code, _, stderr := cli(t, env, "run", "--month", "2025-10", "--jobs", "mrr"); code != 0 {
		t.Fatalf("first run: %s", stderr)
	}
	before := dump(t, db, "mrr_monthly", "month = '2025-10-01'")
	// Another session holds a row lock the job's delete must wait for.
	tx := db.MustBegin()
	defer tx.Rollback() //nolint:errcheck
	if _, err := tx.Exec(`lock table reporting.mrr_monthly in exclusive mode`); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "--month", "2025-10", "--jobs", "mrr")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+env["DATABASE_URL"], "SIGNALS_LOG_FORMAT=text")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, db, `select count(*) > 0 from reporting.job_runs where month = '2025-10-01' and status = 'running'`)
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %s to stop after SIGTERM", took)
	}
	if err == nil {
		t.Errorf("exit 0 after SIGTERM, want non-zero\n%s", out.String())
	}
	_ = tx.Rollback()
	if after := dump(t, db, "mrr_monthly", "month = '2025-10-01'"); after != before {
		t.Errorf("the month's previous rows changed")
	}
	var status string
	_ = db.Get(&status, `select status from reporting.job_runs where month = '2025-10-01' order by started_at desc limit 1`)
	if status != "cancelled" {
		t.Errorf("last run status %q, want cancelled\n%s", status, out.String())
	}
}

func TestKill9MidWriteThenRerun(t *testing.T) {
	t.Parallel()
	bin := signalsBinary(t)
	db, env := warehouse(t)
	if code, _, stderr := cli(t, env, "run", "--month", "2025-11", "--jobs", "mrr"); code != 0 {
		t.Fatalf("first run: %s", stderr)
	}
	clean := dump(t, db, "mrr_monthly", "month = '2025-11-01'") + dump(t, db, "customer_mrr_monthly", "month = '2025-11-01'")
	tx := db.MustBegin()
	if _, err := tx.Exec(`lock table reporting.cohort_retention in exclusive mode`); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "--month", "2025-11", "--jobs", "mrr")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+env["DATABASE_URL"], "SIGNALS_LOG_FORMAT=text")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The job has deleted the month from mrr_monthly and customer_mrr_monthly
	// and now waits on cohort_retention: kill it there.
	waitFor(t, db, `select count(*) > 0 from pg_stat_activity where wait_event_type = 'Lock' and query like 'delete from "cohort_retention"%'`)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	_ = tx.Rollback()
	if got := dump(t, db, "mrr_monthly", "month = '2025-11-01'") + dump(t, db, "customer_mrr_monthly", "month = '2025-11-01'"); got != clean {
		t.Errorf("kill -9 mid-write left the month changed")
	}
	if code, _, stderr := cli(t, env, "run", "--month", "2025-11", "--jobs", "mrr"); code != 0 {
		t.Fatalf("rerun: %s", stderr)
	}
	if got := dump(t, db, "mrr_monthly", "month = '2025-11-01'") + dump(t, db, "customer_mrr_monthly", "month = '2025-11-01'"); got != clean {
		t.Errorf("rerun after kill -9 differs from a clean run")
	}
	var abandoned int
	_ = db.Get(&abandoned, `select count(*) from reporting.job_runs where month = '2025-11-01' and error like 'abandoned%'`)
	if abandoned != 1 {
		t.Errorf("%d runs marked abandoned, want the killed one", abandoned)
	}
}

func TestBackfillParallelAndResume(t *testing.T) {
	t.Parallel()
	db, env := warehouse(t)
	code, stdout, stderr := cli(t, env, "backfill", "--from", "2025-01", "--to", "2025-12", "--parallel", "2", "--jobs", "mrr")
	if code != 0 || !strings.Contains(stdout, "12 months run, 0 skipped") {
		t.Fatalf("backfill: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "month 12 of 12") {
		t.Errorf("no progress on stderr:\n%s", stderr)
	}
	// The bridge continues month to month: each start is the previous end.
	var breaks int
	if err := db.Get(&breaks, `select count(*) from reporting.mrr_monthly a join reporting.mrr_monthly b
		on b.month = a.month + interval '1 month' and (a.dimension, a.member) = (b.dimension, b.member)
		where a.dimension = 'all' and a.mrr_end <> b.mrr_start`); err != nil || breaks != 0 {
		t.Errorf("%d months whose mrr_start is not the previous mrr_end (%v)", breaks, err)
	}
	before := dump(t, db, "mrr_monthly", "true")
	code, stdout, stderr = cli(t, env, "backfill", "--from", "2025-01", "--to", "2025-12", "--parallel", "2", "--jobs", "mrr")
	if code != 0 || !strings.Contains(stdout, "0 months run, 12 skipped") {
		t.Errorf("resume: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if dump(t, db, "mrr_monthly", "true") != before {
		t.Errorf("a resumed backfill changed rows")
	}
	code, _, stderr = cli(t, env, "backfill", "--from", "2025-01", "--to", "2025-03", "--jobs", "mrr", "--force", "--dry-run")
	if code != 0 || strings.Count(stderr, " run: ") != 3 {
		t.Errorf("--force --dry-run: exit %d, plan:\n%s", code, stderr)
	}
}

// TestDatabaseRestartMidRun restarts the server while the job waits on a
// lock; the job's connection dies, and the runner retries and succeeds. It
// is not parallel: the restart cuts every connection of this test binary.
func TestDatabaseRestartMidRun(t *testing.T) {
	cl := pgtest.Cluster(t)
	if cl == nil {
		t.Log("the tests use a server from the environment; restarting it is not ours to do")
		return
	}
	db, env := warehouse(t)
	if code, _, stderr := cli(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: %s", stderr)
	}
	tx := db.MustBegin()
	if _, err := tx.Exec(`lock table reporting.cohort_retention in exclusive mode`); err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	go func() {
		code, stdout, stderr := cli(t, env, "run", "--month", "2025-07", "--jobs", "mrr")
		done <- fmt.Sprintf("%d\n%s\n%s", code, stdout, stderr)
	}()
	waitFor(t, db, `select count(*) > 0 from pg_stat_activity where wait_event_type = 'Lock' and query like 'delete from "cohort_retention"%'`)
	if err := cl.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if !strings.HasPrefix(res, "0\n") || !strings.Contains(res, "retrying") {
		t.Fatalf("want a retry and success after the restart, got exit/output:\n%s", res)
	}
	var n int
	if err := db.Get(&n, `select count(*) from reporting.mrr_monthly where month = '2025-07-01'`); err != nil || n == 0 {
		t.Errorf("no rows after the retried run (%v)", err)
	}
}

func waitFor(t *testing.T, db *pgtest.DB, cond string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var ok bool
		if err := db.Get(&ok, cond); err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for: %s", cond)
}
