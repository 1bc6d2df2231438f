package jobs

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/signalsdev/signals/load"
	"github.com/signalsdev/signals/transform"
)

// Campaigns is the campaign lift job (CONTRACT §5). For run month M it
// reports every campaign with members assigned before the end of M: the
// warehouse aggregates each arm's outcomes (events inside each member's
// window, cut at the end of M; retention of members with MRR), transform
// compares treatment with control as GrowthBook's frequentist engine does,
// and the month's campaign_lift rows are replaced.
//
// Representation: every campaign has a summary row (metric "_campaign",
// kind "campaign") with its arm sizes and SRM p-value; a campaign without a
// control (or treatment) arm has only that row, with reason "no control
// arm". Members in other arms are counted in data_quality (source
// crm.campaign_members, check "unknown_arm") and left out.
type Campaigns struct{}

// Name implements Job.
func (Campaigns) Name() string { return "campaigns" }

// Source implements Job.
func (Campaigns) Source() string { return "crm.campaign_members" }

// Run implements Job.
func (Campaigns) Run(ctx context.Context, jc *JobContext) error {
	var arms []transform.CampaignArmStats
	n, err := jc.Warehouse.CampaignArms(ctx, jc.Month, jc.Loc(), func(a transform.CampaignArmStats) error {
		arms = append(arms, a)
		return nil
	})
	jc.RowsRead += n
	if err != nil {
		return err
	}
	var events []transform.CampaignEventStats
	n, err = jc.Warehouse.CampaignEvents(ctx, jc.Month, jc.Loc(), func(e transform.CampaignEventStats) error {
		events = append(events, e)
		return nil
	})
	jc.RowsRead += n
	if err != nil {
		return err
	}
	rows, issues := transform.CampaignLifts(jc.Month, arms, events)
	log := jc.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for _, r := range rows {
		if r.Kind == transform.LiftCampaignKind && r.SRMPValue != nil && *r.SRMPValue < transform.LiftSRMThreshold {
			log.Warn("campaign arm sizes do not match control_share (sample ratio mismatch)",
				"month", jc.Month.String(), "campaign", r.CampaignID,
				"control", r.Control.N, "treatment", r.Treatment.N, "srm_p_value", *r.SRMPValue)
		}
	}
	for _, is := range issues {
		log.Warn("campaign members left out", "month", jc.Month.String(), "check", is.Check, "rows", is.Rows, "example", is.Example)
	}
	written, err := load.WriteCampaignLift(ctx, jc.Tx, jc.Month, rows, issues, jc.RunID)
	if err != nil {
		return fmt.Errorf("write campaign lift for %s: %w", jc.Month, err)
	}
	jc.RowsWritten += written
	return nil
}
