package report

import (
	"iter"
	"time"

	"github.com/signalsdev/signals/transform"
)

// Meta describes the run a report was rendered from. RunID, Version,
// Watermark and Jobs are volatile: they change from run to run without the
// figures changing, so they are shown (About sheet, digest footer) but never
// enter a content hash.
type Meta struct {
	// Month is the reporting month.
	Month transform.Month
	// Currency is the reporting currency, ISO 4217 ("USD").
	Currency string
	// TZ is the IANA name of the reporting time zone ("Europe/Berlin").
	TZ string
	// RunID identifies the run (volatile).
	RunID string
	// Version is the signals build version (volatile).
	Version string
	// Watermark is the newest source row's instant; zero when unknown
	// (volatile).
	Watermark time.Time
	// Jobs is the latest run of each job for the month (volatile).
	Jobs []JobStatus
	// DataQuality lists the month's data quality findings.
	DataQuality []DataQualityRow
}

// JobStatus is the latest run of one job for the reporting month, from
// job_runs.
type JobStatus = transform.JobStatus

// DataQualityRow is a row of data_quality: rows of a source that failed a
// check in the month and were left out of the results.
type DataQualityRow = transform.DataQualityRow

// FinanceData is everything the finance workbook and digest show for one
// month. Money is in Meta.Currency.
type FinanceData struct {
	Meta
	// Trend holds the "all" rows of mrr_monthly from Month-12 to Month, oldest
	// first. Months that were never computed are simply absent.
	Trend []transform.MRRMonthly
	// Members holds Month's mrr_monthly rows for every dimension and member,
	// in dimension order (transform.Dimensions) then member.
	Members []transform.MRRMonthly
	// PrevMembers holds the same rows for Month-1, for month-over-month
	// change per member.
	PrevMembers []transform.MRRMonthly
	// Cohorts holds cohort_retention rows for cohorts from Month-11 to Month
	// at every run month up to Month: the retention triangle.
	Cohorts []transform.CohortRow
	// Movements streams Month's customer_mrr_monthly rows in the order the
	// sheet shows them. It is read once, by the workbook; a non-nil error
	// ends the stream and fails the workbook. Nil means no rows.
	Movements iter.Seq2[MovementRow, error]
	// TopMovements are the month's largest customer changes by absolute
	// amount, for the digest (a handful).
	TopMovements []MovementRow
	// TopAtRisk are the worst at-risk accounts (red first), for the
	// digest; AtRiskCounts counts them all.
	TopAtRisk    []AtRiskRow
	AtRiskCounts AtRiskCounts
}

// MovementRow is one customer's MRR movement in the month
// (customer_mrr_monthly with the customer's name); see transform.MovementRow.
type MovementRow = transform.MovementRow

// CXData is everything the CX workbook and digest show for one month.
type CXData struct {
	Meta
	// Surveys holds survey_monthly rows from Month-11 to Month (every
	// dimension), in any order.
	Surveys []SurveyRow
	// Health holds per-month band counts from Month-11 to Month.
	Health []HealthMonth
	// AtRisk streams Month's red and yellow accounts, worst first, to the
	// workbook's At risk sheet; like Movements, it is read once and nil
	// means none. AtRiskCounts counts them; TopAtRisk are the first few, for
	// the digest.
	AtRisk       iter.Seq2[AtRiskRow, error]
	AtRiskCounts AtRiskCounts
	TopAtRisk    []AtRiskRow
	// Campaigns holds Month's campaign_lift rows.
	Campaigns []LiftRow
	// Verbatims holds Month's detractor comments (NPS 0–6 with a comment).
	Verbatims []Verbatim
}

// SurveyRow is a row of survey_monthly; see transform.SurveyRow.
type SurveyRow = transform.SurveyRow

// HealthMonth counts a month's customer_health rows by band, with the MRR
// they carry.
type HealthMonth = transform.HealthMonth

// AtRiskRow is a red or yellow account with the signals behind it; see
// transform.AtRiskRow.
type AtRiskRow = transform.AtRiskRow

// AtRiskCounts counts the at-risk accounts; see transform.AtRiskCounts.
type AtRiskCounts = transform.AtRiskCounts

// Signal is a row of customer_signals.
type Signal = transform.Signal

// LiftRow is a row of campaign_lift with the campaign's name; see
// transform.LiftRow, which also declares its SRM and Significant methods.
type LiftRow = transform.LiftRow

// SRMThreshold is the sample-ratio-mismatch p-value below which a campaign
// is flagged (CONTRACT §5).
const SRMThreshold = transform.LiftSRMThreshold

// Verbatim is one survey comment of the month. RespondedAt is an instant;
// it is shown in the reporting time zone.
type Verbatim = transform.Verbatim
