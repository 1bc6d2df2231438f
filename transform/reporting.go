package transform

import "time"

// Row types of the reporting tables, as package extract reads them back and
// package report renders them. They are declared once, here, so both sides
// share them without importing each other; report re-exports them under the
// same names.

// JobStatus is the latest run of one job for the reporting month, from
// job_runs.
type JobStatus struct {
	Job        string
	Status     string // running, succeeded, failed, cancelled, skipped
	RunID      string
	FinishedAt time.Time // zero while running
}

// DataQualityRow is a row of data_quality: rows of a source that failed a
// check in the month and were left out of the results.
type DataQualityRow struct {
	Source  string
	Check   string
	Rows    int64
	Example string
}

// MovementRow is one customer's MRR movement in the month
// (customer_mrr_monthly with the customer's name). Start is s (MRR at the
// end of the previous month at this month's rates), End is e, Change is
// e − s and FX is s minus the previous month's MRR at its own rates.
type MovementRow struct {
	CustomerID         string
	Name               string
	Segment            string
	Region             string
	Industry           string
	AcquisitionChannel string
	Cohort             Month // 0 when unknown
	Movement           Movement
	Start              Money
	End                Money
	Change             Money
	FX                 Money
}

// SurveyRow is a row of survey_monthly. Scores are NPS points (−100..100),
// CSAT percent (0..100) or the CES mean; nil where suppressed (fewer than 5
// responses).
type SurveyRow struct {
	Month                          Month
	SurveyType                     string // nps, csat, ces
	Dimension                      string // all, segment, region, touchpoint
	Member                         string
	Responses, Skipped             int
	Positive, Neutral, Negative    int
	Score, StdError, CILow, CIHigh *float64
	PrevResponses                  *int
	PrevScore, Delta, PValue       *float64
	Significant                    *bool
	LowSample                      bool
}

// HealthMonth counts a month's customer_health rows by band, with the MRR
// they carry.
type HealthMonth struct {
	Month              Month
	Red, Yellow, Green int
	RedMRR, YellowMRR  Money
	GreenMRR           Money
}

// AtRiskRow is a red or yellow account: its health score (0–100), band,
// MRR at the end of the month, owner and the signals behind it.
type AtRiskRow struct {
	CustomerID string
	Name       string
	Owner      string
	Segment    string
	Band       string // red, yellow
	Score      float64
	PrevScore  *float64
	MRR        Money
	Signals    []Signal
}

// AtRiskCounts counts a month's red and yellow accounts, and those of them
// with a critical signal.
type AtRiskCounts struct {
	Accounts, Critical int
}

// Signal is a row of customer_signals.
type Signal struct {
	Signal   string // contract_request, cancel_intent, detractor, ...
	Severity string // info, warning, critical
	Evidence string
}

// LiftRow is a row of campaign_lift with the campaign's name. Means are
// shares for kind "proportion" and per-member values for kind "mean";
// relative lifts are fractions; intervals are 95%.
type LiftRow struct {
	CampaignID, CampaignName, Metric, Kind  string
	NControl, NTreatment                    int
	ControlMean, TreatmentMean              *float64
	AbsLift, AbsCILow, AbsCIHigh, AbsPValue *float64
	RelLift, RelCILow, RelCIHigh, RelPValue *float64
	SRMPValue                               *float64
	LowSample                               bool
	Reason                                  string
}

// SRM reports whether the campaign's arm sizes are a sample ratio mismatch:
// an SRM p-value below LiftSRMThreshold.
func (l LiftRow) SRM() bool { return l.SRMPValue != nil && *l.SRMPValue < LiftSRMThreshold }

// Significant reports whether the absolute lift's 95% interval excludes
// zero, and its sign.
func (l LiftRow) Significant() (bool, int) {
	if l.AbsCILow == nil || l.AbsCIHigh == nil {
		return false, 0
	}
	switch {
	case *l.AbsCILow > 0:
		return true, 1
	case *l.AbsCIHigh < 0:
		return true, -1
	}
	return false, 0
}

// Verbatim is one survey comment of the month. RespondedAt is an instant;
// it is shown in the reporting time zone.
type Verbatim struct {
	RespondedAt time.Time
	CustomerID  string
	Name        string
	Segment     string
	SurveyType  string
	Score       int
	Touchpoint  string
	Comment     string
}
