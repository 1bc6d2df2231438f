package extract

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sqlfiles "github.com/signalsdev/signals/sql"
	"github.com/signalsdev/signals/transform"
)

// Reporting reads back what the jobs wrote to the reporting tables, for
// the workbooks and digests, plus the few warehouse facts reports show
// beside them (customer names and owners, campaign names, this month's
// detractor comments). Its queries are the report_*.sql files. It reads
// through q, normally the reports job's transaction, whose search_path is
// the reporting schema.
//
// It returns the reporting row types of package transform, which package
// report renders as they are.
type Reporting struct {
	q sqlx.QueryerContext
}

// NewReporting reads through q.
func NewReporting(q sqlx.QueryerContext) *Reporting { return &Reporting{q: q} }

func monthOf(t time.Time) transform.Month { return transform.NewMonth(t.Year(), t.Month()) }

type mrrRow struct {
	Month                 time.Time       `db:"month"`
	Dimension             string          `db:"dimension"`
	Member                string          `db:"member"`
	Currency              string          `db:"currency"`
	CustomersStart        int             `db:"customers_start"`
	CustomersNew          int             `db:"customers_new"`
	CustomersReactivated  int             `db:"customers_reactivated"`
	CustomersExpanded     int             `db:"customers_expanded"`
	CustomersContracted   int             `db:"customers_contracted"`
	CustomersChurned      int             `db:"customers_churned"`
	CustomersEnd          int             `db:"customers_end"`
	Start                 transform.Money `db:"mrr_start_cents"`
	FX                    transform.Money `db:"mrr_fx_cents"`
	New                   transform.Money `db:"mrr_new_cents"`
	Reactivation          transform.Money `db:"mrr_reactivation_cents"`
	Expansion             transform.Money `db:"mrr_expansion_cents"`
	Contraction           transform.Money `db:"mrr_contraction_cents"`
	Churned               transform.Money `db:"mrr_churned_cents"`
	End                   transform.Money `db:"mrr_end_cents"`
	LogoChurnRate         *float64        `db:"logo_churn_rate"`
	GrossMRRChurnRate     *float64        `db:"gross_mrr_churn_rate"`
	NetMRRChurnRate       *float64        `db:"net_mrr_churn_rate"`
	GRR                   *float64        `db:"grr"`
	NRR                   *float64        `db:"nrr"`
	QuickRatio            *float64        `db:"quick_ratio"`
	NetCustomerChangeRate *float64        `db:"net_customer_change_rate"`
}

// MRRMonths returns the mrr_monthly rows of months from first to last
// (inclusive) for the given dimensions, ordered by month, dimension, member.
func (r *Reporting) MRRMonths(ctx context.Context, first, last transform.Month, dims []string) ([]transform.MRRMonthly, error) {
	var rows []mrrRow
	if err := sqlx.SelectContext(ctx, r.q, &rows, sqlfiles.Query("report_mrr_months"), first.Date(), last.Date(), pq.Array(dims)); err != nil {
		return nil, fmt.Errorf("select mrr_monthly %s to %s: %w", first, last, err)
	}
	out := make([]transform.MRRMonthly, len(rows))
	for i, x := range rows {
		out[i] = transform.MRRMonthly{
			Month: monthOf(x.Month), Dimension: x.Dimension, Member: x.Member, Currency: x.Currency,
			CustomersStart: x.CustomersStart, CustomersNew: x.CustomersNew, CustomersReactivated: x.CustomersReactivated,
			CustomersExpanded: x.CustomersExpanded, CustomersContracted: x.CustomersContracted,
			CustomersChurned: x.CustomersChurned, CustomersEnd: x.CustomersEnd,
			MRRStart: x.Start, MRRFX: x.FX, MRRNew: x.New, MRRReactivation: x.Reactivation, MRRExpansion: x.Expansion,
			MRRContraction: x.Contraction, MRRChurned: x.Churned, MRREnd: x.End, SumStart: x.Start + x.FX,
			LogoChurnRate: x.LogoChurnRate, GrossMRRChurnRate: x.GrossMRRChurnRate, NetMRRChurnRate: x.NetMRRChurnRate,
			GRR: x.GRR, NRR: x.NRR, QuickRatio: x.QuickRatio, NetCustomerChangeRate: x.NetCustomerChangeRate,
		}
	}
	return out, nil
}

// Cohorts returns the cohort_retention rows of cohorts from first on, as
// computed for months up to m.
func (r *Reporting) Cohorts(ctx context.Context, first, m transform.Month) ([]transform.CohortRow, error) {
	var rows []struct {
		Cohort          time.Time       `db:"cohort_month"`
		MonthsSince     int             `db:"months_since"`
		Month           time.Time       `db:"month"`
		Customers       int             `db:"customers"`
		CustomersActive int             `db:"customers_active"`
		MRRCohort       transform.Money `db:"mrr_cohort_cents"`
		MRRActive       transform.Money `db:"mrr_active_cents"`
	}
	if err := sqlx.SelectContext(ctx, r.q, &rows, sqlfiles.Query("report_cohorts"), first.Date(), m.Date()); err != nil {
		return nil, fmt.Errorf("select cohort_retention for %s: %w", m, err)
	}
	out := make([]transform.CohortRow, len(rows))
	for i, x := range rows {
		out[i] = transform.CohortRow{Month: monthOf(x.Month), Cohort: monthOf(x.Cohort), MonthsSince: x.MonthsSince,
			Customers: x.Customers, CustomersActive: x.CustomersActive, MRRCohort: x.MRRCohort, MRRActive: x.MRRActive}
	}
	return out, nil
}

type movementRow struct {
	CustomerID         string          `db:"customer_id"`
	Name               string          `db:"name"`
	Segment            string          `db:"segment"`
	Region             string          `db:"region"`
	Industry           string          `db:"industry"`
	AcquisitionChannel string          `db:"acquisition_channel"`
	Cohort             sql.NullTime    `db:"cohort_month"`
	Movement           string          `db:"movement"`
	Start              transform.Money `db:"start_cents"`
	End                transform.Money `db:"end_cents"`
	Change             transform.Money `db:"change_cents"`
	FX                 transform.Money `db:"fx_cents"`
}

func (x movementRow) row() transform.MovementRow {
	var co transform.Month
	if x.Cohort.Valid {
		co = monthOf(x.Cohort.Time)
	}
	return transform.MovementRow{CustomerID: x.CustomerID, Name: x.Name, Segment: x.Segment, Region: x.Region, Industry: x.Industry,
		AcquisitionChannel: x.AcquisitionChannel, Cohort: co, Movement: transform.Movement(x.Movement),
		Start: x.Start, End: x.End, Change: x.Change, FX: x.FX}
}

// Movements streams month m's customer movements in sheet order. The rows
// are read one at a time: nothing holds the whole month. The stream ends
// early when the consumer stops; a query error is yielded last. While it
// runs, no other query may use the same transaction.
func (r *Reporting) Movements(ctx context.Context, m transform.Month) iter.Seq2[transform.MovementRow, error] {
	return streamRows(ctx, r.q, "movements for "+m.String(), movementRow.row, sqlfiles.Query("report_movements"), m.Date())
}

// streamRows runs query and yields each row scanned into a fresh S and
// converted by conv, one at a time; what names the rows in errors.
func streamRows[S, T any](ctx context.Context, q sqlx.QueryerContext, what string, conv func(S) T, query string, args ...any) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		rows, err := q.QueryxContext(ctx, query, args...)
		if err != nil {
			yield(zero, fmt.Errorf("select %s: %w", what, err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			var x S
			if err := rows.StructScan(&x); err != nil {
				yield(zero, fmt.Errorf("scan %s: %w", what, err))
				return
			}
			if !yield(conv(x), nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(zero, fmt.Errorf("read %s: %w", what, err))
		}
	}
}

// TopMovements returns month m's n largest customer changes (not flat).
func (r *Reporting) TopMovements(ctx context.Context, m transform.Month, n int) ([]transform.MovementRow, error) {
	var rows []movementRow
	if err := sqlx.SelectContext(ctx, r.q, &rows, sqlfiles.Query("report_top_movements"), m.Date(), n); err != nil {
		return nil, fmt.Errorf("select top movements for %s: %w", m, err)
	}
	out := make([]transform.MovementRow, len(rows))
	for i, x := range rows {
		out[i] = x.row()
	}
	return out, nil
}

// SurveyMonths returns the survey_monthly rows of months first to last.
func (r *Reporting) SurveyMonths(ctx context.Context, first, last transform.Month) ([]transform.SurveyRow, error) {
	var rows []struct {
		Month         time.Time `db:"month"`
		SurveyType    string    `db:"survey_type"`
		Dimension     string    `db:"dimension"`
		Member        string    `db:"member"`
		Responses     int       `db:"responses"`
		Skipped       int       `db:"skipped"`
		Positive      int       `db:"positive"`
		Neutral       int       `db:"neutral"`
		Negative      int       `db:"negative"`
		Score         *float64  `db:"score"`
		StdError      *float64  `db:"std_error"`
		CILow         *float64  `db:"ci_low"`
		CIHigh        *float64  `db:"ci_high"`
		PrevResponses *int      `db:"prev_responses"`
		PrevScore     *float64  `db:"prev_score"`
		Delta         *float64  `db:"delta"`
		PValue        *float64  `db:"p_value"`
		Significant   *bool     `db:"significant"`
		LowSample     bool      `db:"low_sample"`
	}
	if err := sqlx.SelectContext(ctx, r.q, &rows, sqlfiles.Query("report_survey_months"), first.Date(), last.Date()); err != nil {
		return nil, fmt.Errorf("select survey_monthly %s to %s: %w", first, last, err)
	}
	out := make([]transform.SurveyRow, len(rows))
	for i, x := range rows {
		out[i] = transform.SurveyRow{Month: monthOf(x.Month), SurveyType: x.SurveyType, Dimension: x.Dimension, Member: x.Member,
			Responses: x.Responses, Skipped: x.Skipped, Positive: x.Positive, Neutral: x.Neutral, Negative: x.Negative,
			Score: x.Score, StdError: x.StdError, CILow: x.CILow, CIHigh: x.CIHigh, PrevResponses: x.PrevResponses,
			PrevScore: x.PrevScore, Delta: x.Delta, PValue: x.PValue, Significant: x.Significant, LowSample: x.LowSample}
	}
	return out, nil
}

// HealthMonths returns band counts of customer_health for months first to
// last (months without scores are absent).
func (r *Reporting) HealthMonths(ctx context.Context, first, last transform.Month) ([]transform.HealthMonth, error) {
	var rows []struct {
		Month  time.Time       `db:"month"`
		Red    int             `db:"red"`
		Yellow int             `db:"yellow"`
		Green  int             `db:"green"`
		RedM   transform.Money `db:"red_cents"`
		YelM   transform.Money `db:"yellow_cents"`
		GreenM transform.Money `db:"green_cents"`
	}
	if err := sqlx.SelectContext(ctx, r.q, &rows, sqlfiles.Query("report_health_months"), first.Date(), last.Date()); err != nil {
		return nil, fmt.Errorf("select customer_health %s to %s: %w", first, last, err)
	}
	out := make([]transform.HealthMonth, len(rows))
	for i, x := range rows {
		out[i] = transform.HealthMonth{Month: monthOf(x.Month), Red: x.Red, Yellow: x.Yellow, Green: x.Green, RedMRR: x.RedM, YellowMRR: x.YelM, GreenMRR: x.GreenM}
	}
	return out, nil
}

type atRiskRow struct {
	CustomerID string          `db:"customer_id"`
	Name       string          `db:"name"`
	Owner      string          `db:"owner"`
	Segment    string          `db:"segment"`
	Band       string          `db:"band"`
	Score      float64         `db:"score"`
	PrevScore  *float64        `db:"prev_score"`
	MRR        transform.Money `db:"mrr_cents"`
	Signals    pq.StringArray  `db:"signals"`
	Severities pq.StringArray  `db:"severities"`
	Evidence   pq.StringArray  `db:"evidence"`
}

func (x atRiskRow) row() transform.AtRiskRow {
	a := transform.AtRiskRow{CustomerID: x.CustomerID, Name: x.Name, Owner: x.Owner, Segment: x.Segment, Band: x.Band,
		Score: x.Score, PrevScore: x.PrevScore, MRR: x.MRR}
	for i := range x.Signals {
		a.Signals = append(a.Signals, transform.Signal{Signal: x.Signals[i], Severity: x.Severities[i], Evidence: x.Evidence[i]})
	}
	return a
}

// AtRisk streams month m's red and yellow accounts, worst first, each with
// its signals (most severe first), one at a time like Movements: a month
// of a million customers has tens of thousands. While it runs, no other
// query may use the same transaction.
func (r *Reporting) AtRisk(ctx context.Context, m transform.Month) iter.Seq2[transform.AtRiskRow, error] {
	return streamRows(ctx, r.q, "at-risk accounts for "+m.String(), atRiskRow.row, sqlfiles.Query("report_at_risk"), m.Date(), nil)
}

// TopAtRisk returns the first n of AtRisk, and how many accounts are at
// risk and how many of them raised a critical signal.
func (r *Reporting) TopAtRisk(ctx context.Context, m transform.Month, n int) ([]transform.AtRiskRow, transform.AtRiskCounts, error) {
	var c struct {
		Accounts int `db:"accounts"`
		Critical int `db:"critical"`
	}
	if err := sqlx.GetContext(ctx, r.q, &c, sqlfiles.Query("report_at_risk_counts"), m.Date()); err != nil {
		return nil, transform.AtRiskCounts{}, fmt.Errorf("count at-risk accounts for %s: %w", m, err)
	}
	counts := transform.AtRiskCounts{Accounts: c.Accounts, Critical: c.Critical}
	var rows []atRiskRow
	if err := sqlx.SelectContext(ctx, r.q, &rows, sqlfiles.Query("report_at_risk"), m.Date(), n); err != nil {
		return nil, counts, fmt.Errorf("select at-risk accounts for %s: %w", m, err)
	}
	out := make([]transform.AtRiskRow, len(rows))
	for i, x := range rows {
		out[i] = x.row()
	}
	return out, counts, nil
}

// CampaignLift returns month m's campaign_lift rows.
func (r *Reporting) CampaignLift(ctx context.Context, m transform.Month) ([]transform.LiftRow, error) {
	var rows []struct {
		CampaignID    string   `db:"campaign_id"`
		CampaignName  string   `db:"campaign_name"`
		Metric        string   `db:"metric"`
		Kind          string   `db:"kind"`
		NControl      int      `db:"n_control"`
		NTreatment    int      `db:"n_treatment"`
		ControlMean   *float64 `db:"control_mean"`
		TreatmentMean *float64 `db:"treatment_mean"`
		AbsLift       *float64 `db:"abs_lift"`
		AbsCILow      *float64 `db:"abs_ci_low"`
		AbsCIHigh     *float64 `db:"abs_ci_high"`
		AbsPValue     *float64 `db:"abs_p_value"`
		RelLift       *float64 `db:"rel_lift"`
		RelCILow      *float64 `db:"rel_ci_low"`
		RelCIHigh     *float64 `db:"rel_ci_high"`
		RelPValue     *float64 `db:"rel_p_value"`
		SRMPValue     *float64 `db:"srm_p_value"`
		LowSample     bool     `db:"low_sample"`
		Reason        string   `db:"reason"`
	}
	if err := sqlx.SelectContext(ctx, r.q, &rows, sqlfiles.Query("report_campaign_lift"), m.Date()); err != nil {
		return nil, fmt.Errorf("select campaign_lift for %s: %w", m, err)
	}
	out := make([]transform.LiftRow, len(rows))
	for i, x := range rows {
		out[i] = transform.LiftRow{CampaignID: x.CampaignID, CampaignName: x.CampaignName, Metric: x.Metric, Kind: x.Kind,
			NControl: x.NControl, NTreatment: x.NTreatment, ControlMean: x.ControlMean, TreatmentMean: x.TreatmentMean,
			AbsLift: x.AbsLift, AbsCILow: x.AbsCILow, AbsCIHigh: x.AbsCIHigh, AbsPValue: x.AbsPValue,
			RelLift: x.RelLift, RelCILow: x.RelCILow, RelCIHigh: x.RelCIHigh, RelPValue: x.RelPValue,
			SRMPValue: x.SRMPValue, LowSample: x.LowSample, Reason: x.Reason}
	}
	return out, nil
}

// Verbatims returns up to limit NPS detractor comments of month m (in time
// zone loc) from survey.responses, lowest score first.
func (r *Reporting) Verbatims(ctx context.Context, m transform.Month, loc *time.Location, limit int) ([]transform.Verbatim, error) {
	var rows []struct {
		RespondedAt time.Time `db:"responded_at"`
		CustomerID  string    `db:"customer_id"`
		Name        string    `db:"name"`
		Segment     string    `db:"segment"`
		SurveyType  string    `db:"survey_type"`
		Score       int       `db:"score"`
		Touchpoint  string    `db:"touchpoint"`
		Comment     string    `db:"comment"`
	}
	if err := sqlx.SelectContext(ctx, r.q, &rows, sqlfiles.Query("report_verbatims"), m.Start(loc), m.End(loc), limit); err != nil {
		return nil, fmt.Errorf("select detractor comments for %s: %w", m, err)
	}
	out := make([]transform.Verbatim, len(rows))
	for i, x := range rows {
		out[i] = transform.Verbatim(x)
	}
	return out, nil
}

// DataQuality returns month m's data_quality rows.
func (r *Reporting) DataQuality(ctx context.Context, m transform.Month) ([]transform.DataQualityRow, error) {
	var rows []struct {
		Source  string `db:"source"`
		Check   string `db:"check"`
		Rows    int64  `db:"rows"`
		Example string `db:"example"`
	}
	if err := sqlx.SelectContext(ctx, r.q, &rows, sqlfiles.Query("report_data_quality"), m.Date()); err != nil {
		return nil, fmt.Errorf("select data_quality for %s: %w", m, err)
	}
	out := make([]transform.DataQualityRow, len(rows))
	for i, x := range rows {
		out[i] = transform.DataQualityRow(x)
	}
	return out, nil
}

// JobStatuses returns the latest run of each job for month m.
func (r *Reporting) JobStatuses(ctx context.Context, m transform.Month) ([]transform.JobStatus, error) {
	var rows []struct {
		Job        string       `db:"job"`
		Status     string       `db:"status"`
		RunID      string       `db:"run_id"`
		FinishedAt sql.NullTime `db:"finished_at"`
	}
	if err := sqlx.SelectContext(ctx, r.q, &rows, sqlfiles.Query("report_job_status"), m.Date()); err != nil {
		return nil, fmt.Errorf("select job runs for %s: %w", m, err)
	}
	out := make([]transform.JobStatus, len(rows))
	for i, x := range rows {
		out[i] = transform.JobStatus{Job: x.Job, Status: x.Status, RunID: x.RunID, FinishedAt: x.FinishedAt.Time}
	}
	return out, nil
}
