package jobs

import (
	"context"
	"fmt"

	"github.com/signalsdev/signals/load"
	"github.com/signalsdev/signals/transform"
)

// MRR is the revenue and churn job (CONTRACT §3): the MRR bridge, logo and
// revenue churn, GRR/NRR per dimension member, per-customer movements and
// cohort retention. The warehouse computes each customer's MRR at the
// instants needed; Go classifies and sums while the rows stream into COPY.
type MRR struct{}

// Name implements Job.
func (MRR) Name() string { return "mrr" }

// Source implements Job.
func (MRR) Source() string { return "billing.subscriptions" }

// BulkTables implements BulkWriter.
func (MRR) BulkTables() []string { return []string{"customer_mrr_monthly", "cohort_retention"} }

// Run implements Job.
func (MRR) Run(ctx context.Context, jc *JobContext) error {
	w, err := load.NewMRRWriter(ctx, jc.Tx, jc.Month)
	if err != nil {
		return err
	}
	defer w.Abort() // on failure, end the open COPY so that the caller can roll back
	agg := transform.NewMRRAggregator(jc.Month, jc.Config.Currency)
	n, err := jc.Warehouse.CustomerMRR(ctx, jc.Month, jc.Loc(), jc.Config.Currency, func(c transform.CustomerMonth) error {
		row, ok := agg.Add(c)
		if !ok {
			return nil
		}
		return w.Customer(row)
	})
	jc.RowsRead += n
	if err != nil {
		return err
	}
	written, err := w.Finish(ctx, agg.Totals(), agg.Cohorts())
	if err != nil {
		return fmt.Errorf("write mrr for %s: %w", jc.Month, err)
	}
	jc.RowsWritten += written
	return nil
}
