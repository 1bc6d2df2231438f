package jobs

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/signalsdev/signals/internal/pgtest"
	"github.com/signalsdev/signals/transform"
)

// workersJob records max_parallel_workers_per_gather as its transaction
// sees it.
type workersJob struct {
	mu   *sync.Mutex
	seen *[]string
}

func (workersJob) Name() string   { return "workers" }
func (workersJob) Source() string { return "" }
func (j workersJob) Run(ctx context.Context, jc *JobContext) error {
	var v string
	if err := jc.Tx.GetContext(ctx, &v, "select current_setting('max_parallel_workers_per_gather')"); err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	*j.seen = append(*j.seen, v)
	return nil
}

// TestQueryWorkers: a month runs with the server's parallel workers unless
// configured; a backfill of several months at once runs them with none.
func TestQueryWorkers(t *testing.T) {
	t.Parallel()
	_, rdb := pgtest.NewReporting(t)
	var server string
	if err := rdb.Get(&server, "select current_setting('max_parallel_workers_per_gather')"); err != nil {
		t.Fatal(err)
	}
	if server == "0" {
		t.Fatal("the test server has no parallel workers, so no case below could fail")
	}
	jan := transform.NewMonth(2026, 1)
	run := func(cfg Config, backfill int) []string {
		t.Helper()
		var seen []string
		j := workersJob{mu: &sync.Mutex{}, seen: &seen}
		cfg.AllowEmpty, cfg.Force = true, true
		r := NewRunner(cfg.WithDefaults(), rdb, slog.New(slog.NewTextHandler(io.Discard, nil)))
		var err error
		if backfill > 0 {
			_, err = r.Backfill(context.Background(), BackfillOptions{From: jan, To: jan.Add(1), Jobs: []Job{j}, Parallel: backfill})
		} else {
			_, err = r.RunMonth(context.Background(), jan, []Job{j}, false)
		}
		if err != nil {
			t.Fatal(err)
		}
		return seen
	}
	three := 3
	tests := []struct {
		name     string
		cfg      Config
		backfill int
		want     []string
	}{
		{name: "a month keeps the server's setting", want: []string{server}},
		{name: "configured", cfg: Config{QueryWorkers: &three}, want: []string{"3"}},
		{name: "a backfill one month at a time keeps the server's", backfill: 1, want: []string{server, server}},
		{name: "a parallel backfill runs without workers", backfill: 2, want: []string{"0", "0"}},
		{name: "a parallel backfill keeps a configured value", cfg: Config{QueryWorkers: &three}, backfill: 2, want: []string{"3", "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, run(tt.cfg, tt.backfill)); diff != "" {
				t.Errorf("max_parallel_workers_per_gather seen by the job (-want +got):\n%s", diff)
			}
		})
	}
}
