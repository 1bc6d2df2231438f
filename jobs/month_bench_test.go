package jobs

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/signalsdev/signals/internal/pgtest"
	"github.com/signalsdev/signals/internal/seed"
	"github.com/signalsdev/signals/load"
	"github.com/signalsdev/signals/transform"
)

// BenchmarkMonth100k runs each job of month 2026-09 through the Runner (job
// lock, ledger, transaction, statistics refresh) on a seeded warehouse of
// 100,000 customers over 36 months: the path of `signals run --jobs J`,
// inside the test binary so that -cpuprofile sees it (make profile). The
// seed takes about half a minute before the first figure.
//
//	go test ./jobs -run '^$' -bench Month100k/mrr -benchtime 5x -cpuprofile cpu.prof
func BenchmarkMonth100k(b *testing.B) {
	db := pgtest.New(b)
	ctx := context.Background()
	sept := transform.NewMonth(2026, 9)
	if _, err := seed.Run(ctx, db.DB, seed.Options{Customers: 100_000, Months: 36, Until: sept, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	u, err := load.ConnURL(db.URL, "reporting")
	if err != nil {
		b.Fatal(err)
	}
	rdb := sqlx.MustOpen("postgres", u)
	defer rdb.Close()
	if _, err := load.Migrate(ctx, rdb.DB, "reporting"); err != nil {
		b.Fatal(err)
	}
	if _, err := rdb.Exec("vacuum analyze"); err != nil {
		b.Fatal(err)
	}
	cfg := Config{DatabaseURL: db.URL, Schema: "reporting", Loc: time.UTC, Currency: "USD", OutDir: b.TempDir()}.WithDefaults()
	r := NewRunner(cfg, rdb, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, j := range []Job{MRR{}, Surveys{}, Campaigns{}, Health{}, Reports{}} {
		b.Run(j.Name(), func(b *testing.B) {
			var rows int64
			for b.Loop() {
				o := r.RunJob(ctx, j, sept, time.Time{}, false)
				if o.Err != nil {
					b.Fatal(o.Err)
				}
				rows = o.RowsRead + o.RowsWritten
			}
			b.ReportMetric(float64(rows), "rows/op")
		})
	}
}
