package extract

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	sqlfiles "github.com/signalsdev/signals/sql"
)

// Warehouse reads the source warehouse. Its queries live in sql/queries.
type Warehouse struct {
	db *sqlx.DB
	// QueryWorkers, when set, is max_parallel_workers_per_gather for the
	// month-sized reads (jobs.Config.QueryWorkers).
	QueryWorkers *int
}

// NewWarehouse reads through db.
func NewWarehouse(db *sqlx.DB) *Warehouse { return &Warehouse{db: db} }

// DB is the underlying handle, for callers that stream their own queries.
func (w *Warehouse) DB() *sqlx.DB { return w.db }

// WorkMem is the work_mem of month-sized statements, the warehouse's reads
// and the job's writes: room for a month's hash aggregate over 100,000
// customers without spilling to disk (the revenue query's aggregate spilled
// in five batches at the 32 MB a server is often configured with). Beyond
// that the aggregate spills, which is slower, never wrong.
const WorkMem = "64MB"

// MonthSettings sets, for the rest of transaction tx, what every
// month-sized statement of signals runs with: work_mem WorkMem and, when
// workers is set, max_parallel_workers_per_gather (jobs.Config.QueryWorkers).
// The warehouse's reads, the jobs' writes and the bench's floor share it.
func MonthSettings(ctx context.Context, tx sqlx.ExecerContext, workers *int) error {
	if _, err := tx.ExecContext(ctx, "set local work_mem = '"+WorkMem+"'"); err != nil {
		return fmt.Errorf("set work_mem: %w", err)
	}
	if workers != nil {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("set local max_parallel_workers_per_gather = %d", *workers)); err != nil {
			return fmt.Errorf("set max_parallel_workers_per_gather: %w", err)
		}
	}
	return nil
}

// stream runs a month-sized read in a read-only transaction of its own
// with MonthSettings. done closes the rows and ends the
// transaction; call it (deferred) once the rows are read.
func (w *Warehouse) stream(ctx context.Context, query string, args ...any) (rows *sqlx.Rows, done func(), err error) {
	tx, err := w.db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	if err := MonthSettings(ctx, tx, w.QueryWorkers); err != nil {
		_ = tx.Rollback()
		return nil, nil, err
	}
	if rows, err = tx.QueryxContext(ctx, query, args...); err != nil {
		_ = tx.Rollback()
		return nil, nil, err
	}
	return rows, func() {
		_ = rows.Close()
		_ = tx.Rollback() // read only: nothing to commit
	}, nil
}

// InputError is a problem with the warehouse's contents that the operator
// must fix in the data (a missing FX rate, an empty source table), as
// opposed to a failure worth retrying. The command exits 2 for it.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// InputError marks the error for jobs.IsUsage.
func (e *InputError) InputError() bool { return true }

// Inputf returns an *InputError with a formatted message.
func Inputf(format string, args ...any) error { return &InputError{Msg: fmt.Sprintf(format, args...)} }

// SourceTables are the source tables a job may name as its primary source.
var SourceTables = []string{
	"crm.customers", "billing.subscriptions", "billing.fx_rates", "billing.invoices",
	"survey.responses", "support.tickets", "product.usage_daily",
	"crm.campaigns", "crm.campaign_members", "crm.campaign_events",
}

// HasRows reports whether the source table holds any row. table must be one
// of SourceTables.
func (w *Warehouse) HasRows(ctx context.Context, table string) (bool, error) {
	ok := false
	for _, t := range SourceTables {
		ok = ok || t == table
	}
	if !ok {
		return false, fmt.Errorf("unknown source table %q", table)
	}
	var has bool
	if err := w.db.GetContext(ctx, &has, fmt.Sprintf(sqlfiles.Query("source_rows"), table)); err != nil {
		return false, fmt.Errorf("check %s for rows: %w", table, err)
	}
	return has, nil
}

// Watermark is the newest source row's time: the latest instant any source
// table records. The zero time means the warehouse is empty.
func (w *Warehouse) Watermark(ctx context.Context) (time.Time, error) {
	var t *time.Time
	if err := w.db.GetContext(ctx, &t, sqlfiles.Query("watermark")); err != nil {
		return time.Time{}, fmt.Errorf("read the data watermark: %w", err)
	}
	if t == nil {
		return time.Time{}, nil
	}
	return *t, nil
}
