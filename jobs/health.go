package jobs

import (
	"context"
	"fmt"

	"github.com/signalsdev/signals/extract"
	"github.com/signalsdev/signals/load"
	"github.com/signalsdev/signals/transform"
)

// Health is the customer health job (CONTRACT §6): for every customer with
// MRR at the end of the month, a 0–100 score from weighted components
// (survey sentiment, billing, support load, MRR trend, product usage), a
// band, and churn-risk signals with evidence. It reads the month's customers
// from customer_mrr_monthly, so the mrr job must have run for the month.
// prev_score is the customer's score of M-1; writing M also relinks M+1's
// prev_score, so months may be written in any order or at once.
// The warehouse sends one row of features per customer; Go matches phrases
// in the candidate texts, scores, and streams the rows out with COPY.
type Health struct{}

// Name implements Job.
func (Health) Name() string { return "health" }

// Source implements Job.
func (Health) Source() string { return "billing.subscriptions" }

// BulkTables implements BulkWriter.
func (Health) BulkTables() []string { return []string{"customer_health", "customer_signals"} }

// Run implements Job.
func (Health) Run(ctx context.Context, jc *JobContext) error {
	ready, err := jc.Warehouse.HealthMRRReady(ctx, jc.Month)
	if err != nil {
		return err
	}
	if !ready {
		return extract.Inputf("no customer MRR for %s in customer_mrr_monthly: the health job scores the customers the mrr job wrote; run the mrr job for %s first (signals run --month %s --jobs mrr,health)",
			jc.Month, jc.Month, jc.Month)
	}
	ces := jc.Config.Surveys.WithDefaults()
	if err := ces.Validate(); err != nil {
		return UsageError{fmt.Errorf("surveys configuration: %w", err)}
	}
	scorer, err := transform.NewHealthScorer(jc.Month, jc.Config.Health, ces, jc.Config.Currency)
	if err != nil {
		return UsageError{fmt.Errorf("health configuration: %w", err)}
	}
	w, err := load.NewHealthWriter(ctx, jc.Tx, jc.Month)
	if err != nil {
		return err
	}
	params := extract.HealthParams{
		SentimentMonths:  scorer.Config().SentimentMonths,
		CESMin:           ces.CESMin,
		CESMax:           ces.CESMax,
		DocumentPatterns: scorer.DocumentPatterns(),
	}
	n, err := jc.Warehouse.HealthCustomers(ctx, jc.Month, jc.Loc(), params, func(f transform.HealthFeatures) error {
		return w.Add(ctx, scorer.Score(f))
	})
	jc.RowsRead += n
	if err != nil {
		return err
	}
	written, err := w.Finish(ctx)
	if err != nil {
		return fmt.Errorf("write health for %s: %w", jc.Month, err)
	}
	jc.RowsWritten += written
	// prev_score copies M-1's score, which a parallel backfill may be
	// writing at this moment. Link the months once the neighbours are
	// settled: this transaction-scoped lock makes health runs of different
	// months take turns for the link (milliseconds), not for the scoring.
	if _, err := jc.Tx.ExecContext(ctx, "select pg_advisory_xact_lock($1)", LockKey(jc.Config.Schema, "health-link", 0)); err != nil {
		return fmt.Errorf("wait to link health months: %w", err)
	}
	linked, err := load.LinkHealthMonths(ctx, jc.Tx, jc.Month)
	if err != nil {
		return err
	}
	if linked > 0 && jc.Log != nil {
		jc.Log.Info("linked prev_score to the neighbouring months", "rows", linked)
	}
	return nil
}
