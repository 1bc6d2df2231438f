package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/signalsdev/signals/jobs"
	"github.com/signalsdev/signals/load"
	"github.com/signalsdev/signals/transform"
)

func TestSIGTERMWhileWaitingForTheAdvisoryLock(t *testing.T) {
	t.Parallel()
	bin := signalsBinary(t)
	db, env := warehouse(t)
	if code, _, stderr := cli(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: %s", stderr)
	}
	release := holdLock(t, db, "mrr", "2025-05")
	defer release()
	cmd := exec.Command(bin, "run", "--month", "2025-05", "--jobs", "mrr")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+env["DATABASE_URL"], "SIGNALS_LOG_FORMAT=text", "SIGNALS_LOCK_WAIT=5m")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	start := time.Now()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %s to stop after SIGTERM", took)
	}
	if err == nil || cmd.ProcessState.ExitCode() != 1 {
		t.Errorf("exit %v after SIGTERM, want 1\n%s", err, out.String())
	}
}

// TestScheduleCatchesUp runs the schedule's catch-up at a fixed clock: the
// first tick computes the last closed month only; after three months of
// downtime the next tick computes every month missed, in order.
func TestScheduleCatchesUp(t *testing.T) {
	t.Parallel()
	db, env := warehouse(t)
	cfg := jobs.Config{DatabaseURL: env["DATABASE_URL"]}.WithDefaults()
	u, _ := load.ConnURL(db.URL, cfg.Schema)
	rdb := sqlx.MustOpen("postgres", u)
	defer rdb.Close()
	if _, err := load.Migrate(context.Background(), rdb.DB, cfg.Schema); err != nil {
		t.Fatal(err)
	}
	r := jobs.NewRunner(cfg, rdb, slog.New(slog.NewTextHandler(io.Discard, nil)))
	js, _ := jobs.Select([]string{"mrr"})
	now := time.Date(2025, 6, 2, 7, 0, 0, 0, time.UTC)
	r.Now = func() time.Time { return now }
	if err := r.CatchUp(context.Background(), js, false); err != nil {
		t.Fatal(err)
	}
	now = time.Date(2025, 9, 2, 7, 0, 0, 0, time.UTC)
	if err := r.CatchUp(context.Background(), js, false); err != nil {
		t.Fatal(err)
	}
	var months []time.Time
	if err := db.Select(&months, `select month from reporting.job_runs where status = 'succeeded' order by started_at`); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range months {
		got = append(got, transform.NewMonth(m.Year(), m.Month()).String())
	}
	if want := "2025-05 2025-06 2025-07 2025-08"; strings.Join(got, " ") != want {
		t.Errorf("months run: %v, want %s", got, want)
	}
}

// TestPushgatewayKeepsLastSuccess checks that a failure pushes its own
// metrics but never the last-success ones, so it cannot erase them.
func TestPushgatewayKeepsLastSuccess(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	bodies := map[string][]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies[r.Method+" "+r.URL.Path] = append(bodies[r.Method+" "+r.URL.Path], string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	push := jobs.Pushgateway(srv.URL, slog.New(slog.NewTextHandler(io.Discard, nil)))
	m := transform.NewMonth(2026, 9)
	push(context.Background(), jobs.Outcome{Job: "mrr", Month: m, Status: jobs.StatusSucceeded, RowsWritten: 10, Duration: time.Second})
	push(context.Background(), jobs.Outcome{Job: "mrr", Month: m, Status: jobs.StatusFailed, Duration: time.Second})
	got := bodies["POST /metrics/job/signals/signals_job/mrr"]
	if len(got) != 2 {
		t.Fatalf("pushes: %v", bodies)
	}
	if !strings.Contains(got[0], "signals_last_success_timestamp_seconds") || !strings.Contains(got[0], "signals_last_run_success 1") {
		t.Errorf("success push lacks last success:\n%s", got[0])
	}
	if strings.Contains(got[1], "signals_last_success") || !strings.Contains(got[1], "signals_last_run_success 0") {
		t.Errorf("failure push touches last success:\n%s", got[1])
	}
}
