package load

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/signalsdev/signals/transform"
)

// CampaignQualitySource is the data_quality source of the campaigns job's
// checks.
const CampaignQualitySource = "crm.campaign_members"

// WriteCampaignLift replaces month m of the campaigns job: it deletes the
// month's campaign_lift rows and its data_quality rows from
// CampaignQualitySource (other jobs' data_quality rows stay), then writes
// rows and issues with COPY. runID may be empty. It returns the number of
// rows written.
func WriteCampaignLift(ctx context.Context, tx *sqlx.Tx, m transform.Month, rows []transform.CampaignLift, issues []transform.CampaignQualityIssue, runID string) (int64, error) {
	if _, err := DeleteMonth(ctx, tx, "campaign_lift", "month", m); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `delete from data_quality where month = $1 and source = $2`, m.Date(), CampaignQualitySource); err != nil {
		return 0, fmt.Errorf("delete %s data_quality rows of %s: %w", CampaignQualitySource, m, err)
	}
	cp, err := Copy(ctx, tx, "campaign_lift",
		"month", "campaign_id", "metric", "kind", "n_control", "n_treatment",
		"control_mean", "treatment_mean", "control_var", "treatment_var",
		"abs_lift", "abs_ci_low", "abs_ci_high", "abs_p_value", "abs_std_error",
		"rel_lift", "rel_ci_low", "rel_ci_high", "rel_p_value", "rel_std_error",
		"df", "srm_p_value", "control_share", "control_events", "treatment_events",
		"low_sample", "reason", "run_id")
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		var ctlEvents, trtEvents any
		if r.Kind != transform.LiftCampaignKind {
			ctlEvents, trtEvents = r.Control.Outcomes(r.Kind), r.Treatment.Outcomes(r.Kind)
		}
		abs, rel := liftEffectCols(r.Abs), liftEffectCols(r.Rel)
		if err := cp.Row(append(append(append([]any{
			r.Month.Date(), r.CampaignID, r.Metric, string(r.Kind), r.Control.N, r.Treatment.N,
			Float(r.ControlMean), Float(r.TreatmentMean), Float(r.ControlVar), Float(r.TreatmentVar)},
			abs...), rel...),
			Float(r.DF), Float(r.SRMPValue), Float(r.ControlShare), ctlEvents, trtEvents,
			r.LowSample, nullText(r.Reason), nullText(runID))...); err != nil {
			return 0, err
		}
	}
	n, err := cp.Close()
	if err != nil {
		return 0, err
	}
	if len(issues) == 0 {
		return n, nil
	}
	cp, err = Copy(ctx, tx, "data_quality", "month", "source", "check", "rows", "example")
	if err != nil {
		return 0, err
	}
	for _, is := range issues {
		if err := cp.Row(m.Date(), CampaignQualitySource, is.Check, is.Rows, nullText(is.Example)); err != nil {
			return 0, err
		}
	}
	k, err := cp.Close()
	if err != nil {
		return 0, err
	}
	return n + k, nil
}

// liftEffectCols is an effect's estimate, interval, p-value and standard
// error, all null when the effect is.
func liftEffectCols(e *transform.LiftEffect) []any {
	if e == nil {
		return []any{nil, nil, nil, nil, nil}
	}
	return []any{e.Estimate, e.CILow, e.CIHigh, e.PValue, e.StdErr}
}
