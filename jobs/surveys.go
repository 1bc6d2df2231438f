package jobs

import (
	"context"
	"fmt"

	"github.com/signalsdev/signals/load"
	"github.com/signalsdev/signals/transform"
)

// Surveys is the survey scores job (CONTRACT §4): NPS, CSAT and CES per
// month and dimension member (all, segment, region, touchpoint) with their
// standard errors, 95% intervals and month-over-month z-tests. The warehouse
// aggregates the answers of M and M−1 per cell; Go computes the statistics.
// Out-of-scale answers are counted in data_quality and logged as a warning;
// they do not fail the run.
type Surveys struct{}

// Name implements Job.
func (Surveys) Name() string { return "surveys" }

// Source implements Job.
func (Surveys) Source() string { return "survey.responses" }

// Run implements Job.
func (Surveys) Run(ctx context.Context, jc *JobContext) error {
	cfg := jc.Config.Surveys.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return UsageError{fmt.Errorf("surveys configuration: %w", err)}
	}
	checks, err := jc.Warehouse.SurveyOutOfRange(ctx, jc.Month, jc.Loc(), cfg)
	if err != nil {
		return err
	}
	for _, c := range checks {
		jc.Log.Warn("survey answers left out of the scores", "month", jc.Month.String(), "check", c.Check,
			"rows", c.Rows, "example_response_id", c.Example)
	}
	agg := transform.NewSurveyAggregator(jc.Month, cfg)
	n, err := jc.Warehouse.SurveyCells(ctx, jc.Month, jc.Loc(), cfg, agg.Add)
	jc.RowsRead += n
	if err != nil {
		return err
	}
	written, err := load.WriteSurveys(ctx, jc.Tx, jc.Month, agg.Rows(), checks)
	if err != nil {
		return fmt.Errorf("write surveys for %s: %w", jc.Month, err)
	}
	jc.RowsWritten += written
	return nil
}
