package jobs

import (
	"context"
	"fmt"
	"sync"

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
	// Clear the month and open the COPY while the warehouse computes: the
	// first customer row comes only once PostgreSQL has aggregated every
	// subscription, and the delete fits in that wait.
	type opened struct {
		w   *load.MRRWriter
		err error
	}
	ready := make(chan opened, 1)
	go func() {
		w, err := load.NewMRRWriter(ctx, jc.Tx, jc.Month)
		ready <- opened{w, err}
	}()
	writer := sync.OnceValue(func() opened { return <-ready })
	defer func() {
		if o := writer(); o.w != nil {
			o.w.Abort() // on failure, end the open COPY so that the caller can roll back
		}
	}()

	agg := transform.NewMRRAggregator(jc.Month, jc.Config.Currency)
	n, err := jc.Warehouse.CustomerMRR(ctx, jc.Month, jc.Loc(), jc.Config.Currency, func(c transform.CustomerMonth) error {
		row, ok := agg.Add(c)
		if !ok {
			return nil
		}
		o := writer()
		if o.err != nil {
			return o.err
		}
		return o.w.Customer(row)
	})
	jc.RowsRead += n
	o := writer() // the writer's goroutine is done with the transaction past this point
	if err != nil {
		return err
	}
	if o.err != nil {
		return o.err
	}
	written, err := o.w.Finish(ctx, agg.Totals(), agg.Cohorts())
	if err != nil {
		return fmt.Errorf("write mrr for %s: %w", jc.Month, err)
	}
	jc.RowsWritten += written
	return nil
}
