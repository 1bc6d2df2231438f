package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/signalsdev/signals/extract"
	"github.com/signalsdev/signals/transform"
)

// Job computes one kind of result for one month. The runner gives it a
// JobContext whose Tx is the job-month's transaction: the job deletes the
// month's old rows and writes the new ones through it, and the runner
// commits, so a month is written whole or not at all.
type Job interface {
	// Name is the job's name on the command line ("mrr", "surveys", ...).
	Name() string
	// Source is the job's primary source table ("billing.subscriptions").
	// The runner refuses to run the job when it holds no rows at all,
	// unless --allow-empty. Empty means the job has no primary source.
	Source() string
	// Run computes and writes month jc.Month.
	Run(ctx context.Context, jc *JobContext) error
}

// BulkWriter is implemented by a job that bulk-writes reporting tables other
// jobs (and analysts) then query. After the job-month commits, the runner
// refreshes those tables' planner statistics: autovacuum may not have
// analysed them yet, and with stale statistics the next job's planner takes
// a month's tens of thousands of customers for a handful and picks plans
// that run for minutes (seen in a 12-month parallel backfill at 100,000
// customers: 9.5 minutes per month for health, 7 minutes for reports).
type BulkWriter interface {
	// BulkTables names the reporting tables the job writes in bulk, each
	// with a month column that its readers filter on.
	BulkTables() []string
}

// JobContext is what a job run gets: its month, the configuration, a reader
// of the warehouse, the transaction to write in, and counters the runner
// records in job_runs.
type JobContext struct {
	RunID     string
	Month     transform.Month
	Config    *Config
	Warehouse *extract.Warehouse
	// Tx is the job-month transaction on the reporting database (search_path
	// is the reporting schema, so reporting tables are unqualified).
	Tx  *sqlx.Tx
	Log *slog.Logger
	// Watermark is the newest source row's time (zero when unknown).
	Watermark time.Time
	// Send tells the reports job to deliver digests.
	Send bool

	RowsRead    int64
	RowsWritten int64
}

// Loc is the reporting time zone.
func (jc *JobContext) Loc() *time.Location { return jc.Config.Loc }
