package jobs

import (
	"context"
	"database/sql"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jmoiron/sqlx"

	"github.com/signalsdev/signals/extract"
	"github.com/signalsdev/signals/internal/pgtest"
	"github.com/signalsdev/signals/transform"
)

// runCampaigns runs the job for month m in loc and commits.
func runCampaigns(t *testing.T, rdb *sqlx.DB, m transform.Month, loc *time.Location) *JobContext {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cfg := Config{Loc: loc}.WithDefaults()
	tx := rdb.MustBeginTx(ctx, nil)
	jc := &JobContext{Month: m, Config: &cfg, Warehouse: extract.NewWarehouse(rdb), Tx: tx, Log: slog.Default()}
	if err := (Campaigns{}).Run(ctx, jc); err != nil {
		tx.Rollback()
		t.Fatalf("campaigns %s: %v", m, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return jc
}

// liftRow is a campaign_lift row as the tests read it.
type liftRow struct {
	CampaignID    string          `db:"campaign_id"`
	Metric        string          `db:"metric"`
	Kind          string          `db:"kind"`
	NControl      int64           `db:"n_control"`
	NTreatment    int64           `db:"n_treatment"`
	ControlMean   sql.NullFloat64 `db:"control_mean"`
	TreatmentMean sql.NullFloat64 `db:"treatment_mean"`
	AbsLift       sql.NullFloat64 `db:"abs_lift"`
	RelLift       sql.NullFloat64 `db:"rel_lift"`
	RelCILow      sql.NullFloat64 `db:"rel_ci_low"`
	RelCIHigh     sql.NullFloat64 `db:"rel_ci_high"`
	RelPValue     sql.NullFloat64 `db:"rel_p_value"`
	SRMPValue     sql.NullFloat64 `db:"srm_p_value"`
	LowSample     bool            `db:"low_sample"`
	Reason        sql.NullString  `db:"reason"`
}

func liftRows(t *testing.T, rdb *sqlx.DB, m transform.Month) map[string]liftRow {
	t.Helper()
	var rows []liftRow
	if err := rdb.Select(&rows, `select campaign_id, metric, kind, n_control, n_treatment, control_mean, treatment_mean,
			abs_lift, rel_lift, rel_ci_low, rel_ci_high, rel_p_value, srm_p_value, low_sample, reason
		from campaign_lift where month = $1 order by campaign_id, metric`, m.Date()); err != nil {
		t.Fatal(err)
	}
	byKey := map[string]liftRow{}
	for _, r := range rows {
		byKey[r.CampaignID+"/"+r.Metric] = r
	}
	return byKey
}

func nf(x float64) sql.NullFloat64 { return sql.NullFloat64{Float64: x, Valid: true} }
func ns(s string) sql.NullString   { return sql.NullString{String: s, Valid: true} }

// TestCampaignsWindows checks which members and events count: windows are
// half-open, counted in days of the reporting time zone (here across the
// start of US daylight saving time), cut at the end of the month; events of
// other campaigns, of non-members and before assignment are ignored; odd
// arms and unknown campaigns go to data_quality; a rerun replaces the month.
func TestCampaignsWindows(t *testing.T) {
	t.Parallel()
	rdb := pgtest.ReportingDB(t)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	march, april := transform.NewMonth(2026, time.March), transform.NewMonth(2026, time.April)
	for _, q := range []string{
		`insert into crm.campaigns (campaign_id, name, channel, started_at, window_days, control_share) values
			('spring', 'Spring promo', 'email', '2026-02-20T00:00Z', 7, 0.5),
			('solo',   'No holdout',   'email', '2026-03-01T00:00Z', 30, null)`,
		// 2026-03-02 14:00Z is 09:00 EST; seven local days later is
		// 2026-03-09 09:00 EDT = 13:00Z, an hour before 7 × 24 h.
		`insert into crm.campaign_members (campaign_id, customer_id, arm, assigned_at) values
			('spring', 't1', 'treatment', '2026-03-02T14:00Z'),
			('spring', 't2', 'treatment', '2026-03-28T12:00Z'),
			('spring', 't3', 'treatment', '2026-02-20T12:00Z'),
			('spring', 'late', 'treatment', '2026-04-01T04:00Z'),
			('spring', 'c1', 'control',   '2026-03-02T14:00Z'),
			('spring', 'c2', 'control',   '2026-03-05T14:00Z'),
			('spring', 'x1', 'holdout',   '2026-03-02T14:00Z'),
			('solo',   's1', 'treatment', '2026-03-10T12:00Z'),
			('solo',   't1', 'treatment', '2026-03-10T12:00Z'),
			('ghost',  'g1', 'control',   '2026-03-10T12:00Z')`,
		`insert into crm.campaign_events (campaign_id, customer_id, event, value, occurred_at) values
			('spring', 't1', 'purchase', 10.00,  '2026-03-02T15:00Z'),
			('spring', 't1', 'purchase', 5.50,   '2026-03-05T00:00Z'),
			('spring', 't1', 'purchase', 100.00, '2026-03-09T13:30Z'), -- after the local window end
			('spring', 't1', 'purchase', 7.00,   '2026-03-02T13:59Z'), -- before assignment
			('spring', 't2', 'purchase', 20.00,  '2026-03-30T00:00Z'),
			('spring', 't2', 'purchase', 30.00,  '2026-04-02T00:00Z'), -- after the end of March (NY)
			('spring', 't3', 'purchase', 8.00,   '2026-02-21T00:00Z'), -- assigned and bought in February
			('spring', 't3', 'purchase', 9.00,   '2026-02-27T12:00Z'), -- exactly at the window end
			('spring', 'c1', 'visit',    0,      '2026-03-03T00:00Z'),
			('spring', 'c2', 'purchase', 4.00,   '2026-03-06T00:00Z'),
			('spring', 'x1', 'purchase', 50.00,  '2026-03-03T00:00Z'), -- odd arm
			('spring', 'nobody', 'purchase', 60.00, '2026-03-03T00:00Z'), -- not a member
			('solo',   't1', 'purchase', 70.00,  '2026-03-11T00:00Z')`,
		// t1: MRR throughout. c1: MRR at assignment, gone before the window
		// ends. t3: the subscription ends exactly at the window end, which
		// still counts as active. t2 starts paying after assignment; c2 is
		// on a trial: neither had MRR when assigned.
		`insert into billing.subscriptions (subscription_id, customer_id, plan, currency, interval_months, amount, is_trial, started_at, ended_at) values
			('s-t1', 't1', 'pro', 'USD', 1, 100, false, '2026-01-01T00:00Z', null),
			('s-c1', 'c1', 'pro', 'USD', 1, 100, false, '2026-01-01T00:00Z', '2026-03-05T00:00Z'),
			('s-t3', 't3', 'pro', 'USD', 12, 1200, false, '2025-12-01T00:00Z', '2026-02-27T12:00Z'),
			('s-t2', 't2', 'pro', 'USD', 1, 100, false, '2026-03-29T00:00Z', null),
			('s-c2', 'c2', 'pro', 'USD', 1, 100, true, '2026-01-01T00:00Z', null)`,
		`insert into data_quality (month, source, "check", rows, example) values
			('2026-03-01', 'survey.responses', 'score_out_of_scale', 3, 'nps 11')`,
	} {
		if _, err := rdb.Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}

	runCampaigns(t, rdb, march, ny)
	jc := runCampaigns(t, rdb, march, ny) // a rerun replaces the month
	got := liftRows(t, rdb, march)
	if jc.RowsWritten != int64(len(got)+2) {
		t.Errorf("rows written %d, want %d lift rows + 2 data_quality rows", jc.RowsWritten, len(got))
	}

	// Treatment t1 15.50, t2 20, t3 8 (mean 14.5, variance 36.75); control
	// c1 0, c2 4 (mean 2, variance 8).
	opts := cmpopts.EquateApprox(0, 1e-9)
	want := map[string]liftRow{
		"solo/_campaign": {CampaignID: "solo", Metric: "_campaign", Kind: "campaign", NTreatment: 2,
			LowSample: true, Reason: ns("no control arm")},
		"spring/_campaign": {CampaignID: "spring", Metric: "_campaign", Kind: "campaign", NControl: 2, NTreatment: 3,
			SRMPValue: nf(0.654720846018577), LowSample: true},
		"spring/purchase_rate": {CampaignID: "spring", Metric: "purchase_rate", Kind: "proportion", NControl: 2, NTreatment: 3,
			ControlMean: nf(0.5), TreatmentMean: nf(1), SRMPValue: nf(0.654720846018577), LowSample: true,
			Reason: ns("zero variance in the treatment arm")},
		"spring/purchase_per_member": {CampaignID: "spring", Metric: "purchase_per_member", Kind: "mean", NControl: 2, NTreatment: 3,
			ControlMean: nf(2), TreatmentMean: nf(14.5), AbsLift: nf(12.5), RelLift: nf(6.25),
			SRMPValue: nf(0.654720846018577), LowSample: true},
		"spring/visit_rate": {CampaignID: "spring", Metric: "visit_rate", Kind: "proportion", NControl: 2, NTreatment: 3,
			ControlMean: nf(0.5), TreatmentMean: nf(0), SRMPValue: nf(0.654720846018577), LowSample: true,
			Reason: ns("zero variance in the treatment arm")},
		"spring/visit_per_member": {CampaignID: "spring", Metric: "visit_per_member", Kind: "mean", NControl: 2, NTreatment: 3,
			ControlMean: nf(0), TreatmentMean: nf(0), SRMPValue: nf(0.654720846018577), LowSample: true,
			Reason: ns("zero variance in both arms")},
		// Retained: treatment t1 and t3 of 2; control c1 lost its MRR.
		"spring/retained": {CampaignID: "spring", Metric: "retained", Kind: "proportion", NControl: 1, NTreatment: 2,
			ControlMean: nf(0), TreatmentMean: nf(1), SRMPValue: nf(0.654720846018577), LowSample: true,
			Reason: ns("fewer than 2 members in the control arm")},
	}
	ignoreCI := cmpopts.IgnoreFields(liftRow{}, "RelCILow", "RelCIHigh", "RelPValue")
	if diff := cmp.Diff(want, got, opts, ignoreCI); diff != "" {
		t.Errorf("campaign_lift for %s (-want +got):\n%s", march, diff)
	}
	if r := got["spring/purchase_per_member"]; !(r.RelCILow.Valid && r.RelCILow.Float64 < 6.25 && r.RelCIHigh.Float64 > 6.25 && r.RelPValue.Valid) {
		t.Errorf("purchase_per_member relative interval %v..%v p %v", r.RelCILow, r.RelCIHigh, r.RelPValue)
	}

	type dq struct {
		Source  string `db:"source"`
		Check   string `db:"check"`
		Rows    int64  `db:"rows"`
		Example string `db:"example"`
	}
	var dqs []dq
	if err := rdb.Select(&dqs, `select source, "check", rows, example from data_quality where month = $1 order by source, "check"`, march.Date()); err != nil {
		t.Fatal(err)
	}
	wantDQ := []dq{
		{"crm.campaign_members", "unknown_arm", 1, `campaign "spring" arm "holdout": 1 member(s)`},
		{"crm.campaign_members", "unknown_campaign", 1, `campaign "ghost" (arm "control"): 1 member(s)`},
		{"survey.responses", "score_out_of_scale", 3, "nps 11"}, // another job's row stays
	}
	if diff := cmp.Diff(wantDQ, dqs); diff != "" {
		t.Errorf("data_quality (-want +got):\n%s", diff)
	}

	// April: "late" joins the treatment arm and t2's April purchase counts.
	runCampaigns(t, rdb, april, ny)
	apr := liftRows(t, rdb, april)
	r := apr["spring/purchase_per_member"]
	if r.NTreatment != 4 || math.Abs(r.TreatmentMean.Float64-(15.5+50+8)/4) > 1e-9 {
		t.Errorf("April purchase_per_member: n %d, mean %v; want 4, %v", r.NTreatment, r.TreatmentMean, (15.5+50+8)/4)
	}
	if n := len(liftRows(t, rdb, march)); n != len(got) {
		t.Errorf("running April changed March: %d rows, want %d", n, len(got))
	}
}
