package transform

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
)

// SurveyType is the kind of survey question (CONTRACT §4).
type SurveyType string

// The survey types, as stored in survey.responses.survey_type.
const (
	SurveyNPS  SurveyType = "nps"  // Net Promoter Score: 0–10
	SurveyCSAT SurveyType = "csat" // Customer Satisfaction: 1–5
	SurveyCES  SurveyType = "ces"  // Customer Effort Score: configurable, default 0–5
)

// SurveyTypes lists the survey types in report order.
var SurveyTypes = []SurveyType{SurveyNPS, SurveyCSAT, SurveyCES}

// SurveyDimensions lists the dimensions of survey_monthly in report order.
// Segment and region are the customer's current attributes; touchpoint is
// the response's own. A null attribute is the member None.
var SurveyDimensions = []string{"all", "segment", "region", "touchpoint"}

// Survey sample-size thresholds (CONTRACT §4).
const (
	// SurveySuppressBelow: a cell with fewer responses has no score.
	SurveySuppressBelow = 5
	// SurveyTestMin: both months need this many responses for a p-value;
	// cells from SurveySuppressBelow to SurveyTestMin-1 are low_sample.
	SurveyTestMin = 30
	// SurveyAlpha is the significance level of the month-over-month test.
	SurveyAlpha = 0.05
)

// SurveyConfig configures the CES scale. NPS (0–10) and CSAT (1–5) are fixed.
type SurveyConfig struct {
	// CESMin and CESMax bound the CES scale, inclusive; higher is easier.
	// Default 0 and 5.
	CESMin, CESMax int
	// CESEasy is the lowest "easy" (positive) answer. Default 4.
	//
	// The bands: easy (positive) is CESEasy..CESMax; hard (negative) is
	// every answer below the scale's midpoint, 2×score < CESMin+CESMax
	// (0–2 on the default scale); the rest is middle (neutral: 3 on the
	// default scale). Easy wins where the two would overlap.
	CESEasy int
}

// DefaultSurveyConfig is the default CES scale: 0–5 with 4–5 easy.
func DefaultSurveyConfig() SurveyConfig { return SurveyConfig{CESMin: 0, CESMax: 5, CESEasy: 4} }

// WithDefaults fills a zero configuration: a zero scale (min = max = 0)
// becomes 0–5, and a zero easy threshold on the 0–5 scale becomes 4.
func (c SurveyConfig) WithDefaults() SurveyConfig {
	if c.CESMin == 0 && c.CESMax == 0 {
		c.CESMax = 5
	}
	if c.CESEasy == 0 && c.CESMin == 0 && c.CESMax == 5 {
		c.CESEasy = 4
	}
	return c
}

// Validate checks that the CES scale has at least two points and that the
// easy threshold lies above its minimum and within it.
func (c SurveyConfig) Validate() error {
	if c.CESMax <= c.CESMin {
		return fmt.Errorf("ces scale %d-%d: want min < max", c.CESMin, c.CESMax)
	}
	if c.CESEasy <= c.CESMin || c.CESEasy > c.CESMax {
		return fmt.Errorf("ces easy threshold %d: want a value in %d-%d above the minimum", c.CESEasy, c.CESMin, c.CESMax)
	}
	return nil
}

// ParseSurveyScale reads a CES scale written "min-max", such as "0-5" or
// "1-7", for configuration (SIGNALS_CES_SCALE).
func ParseSurveyScale(s string) (lo, hi int, err error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if ok {
		lo, err = strconv.Atoi(strings.TrimSpace(a))
	}
	if ok && err == nil {
		hi, err = strconv.Atoi(strings.TrimSpace(b))
	}
	if !ok || err != nil || hi <= lo {
		return 0, 0, fmt.Errorf("ces scale %q: want min-max, such as 0-5", s)
	}
	return lo, hi, nil
}

// SurveyScale is the valid answer range of a survey type, inclusive.
func (c SurveyConfig) SurveyScale(t SurveyType) (lo, hi int) {
	switch t {
	case SurveyNPS:
		return 0, 10
	case SurveyCSAT:
		return 1, 5
	default:
		return c.CESMin, c.CESMax
	}
}

// SurveyBand classifies one answer as positive (+1: NPS promoter 9–10, CSAT
// 4–5, CES easy), negative (−1: NPS detractor 0–6, CSAT 1–2, CES hard) or
// neutral (0). The warehouse query applies the same rules in SQL; this is
// their reference.
func (c SurveyConfig) SurveyBand(t SurveyType, score int) int {
	switch t {
	case SurveyNPS:
		return surveyBand(score >= 9, score <= 6)
	case SurveyCSAT:
		return surveyBand(score >= 4, score <= 2)
	default:
		return surveyBand(score >= c.CESEasy, 2*score < c.CESMin+c.CESMax)
	}
}

func surveyBand(pos, neg bool) int {
	switch {
	case pos:
		return 1
	case neg:
		return -1
	}
	return 0
}

// surveyScoreRange is the range a score (not an answer) can take: the CI is
// clamped to it.
func (c SurveyConfig) surveyScoreRange(t SurveyType) (lo, hi float64) {
	switch t {
	case SurveyNPS:
		return -100, 100
	case SurveyCSAT:
		return 0, 100
	default:
		return float64(c.CESMin), float64(c.CESMax)
	}
}

// SurveyCell is the warehouse's aggregate of one cell: the valid answers of
// one survey type in one month for one dimension member. Sums are over the
// answers (not skips), so CES needs no individual responses.
type SurveyCell struct {
	Month     Month
	Type      SurveyType
	Dimension string
	Member    string
	// Responses counts valid answers; Skipped counts null scores.
	Responses, Skipped int
	// Positive, Neutral and Negative count answers by band (SurveyBand).
	Positive, Neutral, Negative int
	// Sum and SumSquares are Σscore and Σscore² over the answers.
	Sum, SumSquares int64
}

// SurveyMonthly is a row of survey_monthly. Scores are on the survey's scale:
// NPS −100..100, CSAT 0..100 (percent satisfied), CES the mean answer.
// Pointers are nil where the value is suppressed or undefined.
type SurveyMonthly struct {
	Month     Month
	Type      SurveyType
	Dimension string
	Member    string

	Responses, Skipped          int
	Positive, Neutral, Negative int

	// Score is nil below SurveySuppressBelow responses.
	Score *float64
	// StdError is the score's standard error, same units as Score.
	StdError *float64
	// CILow and CIHigh bound the normal 95% interval, clamped to the scale.
	CILow, CIHigh *float64
	// PrevResponses counts the same cell's answers in the previous month
	// (0 when it had none); PrevScore is that month's score.
	PrevResponses int
	PrevScore     *float64
	// Delta is Score − PrevScore, nil unless both are present.
	Delta *float64
	// PValue is the two-sided z-test of Delta, nil unless both months have
	// at least SurveyTestMin responses. Significant is PValue < SurveyAlpha.
	PValue      *float64
	Significant *bool
	// LowSample is true from SurveySuppressBelow to SurveyTestMin−1 responses.
	LowSample bool
}

// SurveyStat is a cell's score and standard error; ok is false when the
// cell is suppressed (fewer than SurveySuppressBelow responses).
type SurveyStat struct {
	Score, StdError float64
	OK              bool
}

// SurveyScore computes a cell's score and standard error with the formulas
// of CONTRACT §4:
//
//	NPS:  100·(p − d), SE = 100·sqrt((p + d − (p − d)²)/n), p, d the promoter and detractor shares
//	CSAT: 100·p, SE = 100·sqrt(p(1 − p)/n), p the share answering 4 or 5
//	CES:  the mean, SE = s/sqrt(n), s the sample standard deviation (n − 1)
func (c SurveyConfig) SurveyScore(cell SurveyCell) SurveyStat {
	n := cell.Responses
	if n < SurveySuppressBelow {
		return SurveyStat{}
	}
	fn := float64(n)
	switch cell.Type {
	case SurveyNPS:
		p, d := float64(cell.Positive)/fn, float64(cell.Negative)/fn
		return SurveyStat{Score: 100 * (p - d), StdError: 100 * math.Sqrt(math.Max(0, p+d-(p-d)*(p-d))/fn), OK: true}
	case SurveyCSAT:
		p := float64(cell.Positive) / fn
		return SurveyStat{Score: 100 * p, StdError: 100 * math.Sqrt(p*(1-p)/fn), OK: true}
	default:
		// n·Σx² − (Σx)² is exact in integers; the sample variance divides it
		// by n(n−1).
		num := int64(n)*cell.SumSquares - cell.Sum*cell.Sum
		variance := float64(num) / (fn * (fn - 1))
		return SurveyStat{Score: float64(cell.Sum) / fn, StdError: math.Sqrt(math.Max(0, variance) / fn), OK: true}
	}
}

// SurveyZTest is the two-sided p-value of the difference cur − prev between
// two independent scores with standard errors seCur and sePrev: z = Δ/sqrt(se₁²
// + se₂²), p = 2Φ(−|z|). With both standard errors zero (every answer the
// same in both months) the p-value is 1 for no difference and 0 otherwise.
func SurveyZTest(cur, seCur, prev, sePrev float64) float64 {
	d := cur - prev
	se := math.Sqrt(seCur*seCur + sePrev*sePrev)
	if se == 0 {
		if d == 0 {
			return 1
		}
		return 0
	}
	z := math.Abs(d / se)
	return 2 * distuv.Normal{Mu: 0, Sigma: 1}.CDF(-z)
}

// surveyZ975 is the two-sided 95% normal quantile, 1.959963984540054.
func surveyZ975() float64 { return distuv.Normal{Mu: 0, Sigma: 1}.Quantile(0.975) }

type surveyKey struct {
	typ       SurveyType
	dim, memb string
}

// SurveyAggregator pairs the cells of month M with those of M−1 and computes
// the survey_monthly rows of M. Its memory grows with the number of cells
// (types × dimension members), never with responses.
type SurveyAggregator struct {
	month Month
	cfg   SurveyConfig
	cur   map[surveyKey]SurveyCell
	prev  map[surveyKey]SurveyCell
}

// NewSurveyAggregator starts month m with the CES scale of cfg.
func NewSurveyAggregator(m Month, cfg SurveyConfig) *SurveyAggregator {
	return &SurveyAggregator{month: m, cfg: cfg, cur: map[surveyKey]SurveyCell{}, prev: map[surveyKey]SurveyCell{}}
}

// Add takes one cell of month M or M−1; cells of other months are an error.
func (a *SurveyAggregator) Add(c SurveyCell) error {
	k := surveyKey{c.Type, c.Dimension, c.Member}
	switch c.Month {
	case a.month:
		a.cur[k] = c
	case a.month.Add(-1):
		a.prev[k] = c
	default:
		return fmt.Errorf("survey cell of %s in the aggregation of %s", c.Month, a.month)
	}
	return nil
}

// Rows returns the survey_monthly rows of M, one per cell with answers or
// skips in M, ordered by type, dimension (as in SurveyTypes and
// SurveyDimensions) and member.
func (a *SurveyAggregator) Rows() []SurveyMonthly {
	rows := make([]SurveyMonthly, 0, len(a.cur))
	for k, c := range a.cur {
		prev, hasPrev := a.prev[k]
		rows = append(rows, a.cfg.SurveyRow(c, prev, hasPrev))
	}
	slices.SortFunc(rows, func(x, y SurveyMonthly) int {
		return cmp.Or(
			cmp.Compare(slices.Index(SurveyTypes, x.Type), slices.Index(SurveyTypes, y.Type)),
			cmp.Compare(slices.Index(SurveyDimensions, x.Dimension), slices.Index(SurveyDimensions, y.Dimension)),
			cmp.Compare(x.Member, y.Member))
	})
	return rows
}

// SurveyRow computes one survey_monthly row from the cell of M and, when
// hasPrev, the same cell of M−1.
func (c SurveyConfig) SurveyRow(cur, prev SurveyCell, hasPrev bool) SurveyMonthly {
	r := SurveyMonthly{
		Month: cur.Month, Type: cur.Type, Dimension: cur.Dimension, Member: cur.Member,
		Responses: cur.Responses, Skipped: cur.Skipped,
		Positive: cur.Positive, Neutral: cur.Neutral, Negative: cur.Negative,
		LowSample: cur.Responses >= SurveySuppressBelow && cur.Responses < SurveyTestMin,
	}
	s := c.SurveyScore(cur)
	if s.OK {
		lo, hi := c.surveyScoreRange(cur.Type)
		half := surveyZ975() * s.StdError
		r.Score = surveyPtr(s.Score)
		r.StdError = surveyPtr(s.StdError)
		r.CILow = surveyPtr(math.Max(lo, s.Score-half))
		r.CIHigh = surveyPtr(math.Min(hi, s.Score+half))
	}
	if !hasPrev {
		return r
	}
	r.PrevResponses = prev.Responses
	ps := c.SurveyScore(prev)
	if !ps.OK {
		return r
	}
	r.PrevScore = surveyPtr(ps.Score)
	if !s.OK {
		return r
	}
	r.Delta = surveyPtr(s.Score - ps.Score)
	if cur.Responses >= SurveyTestMin && prev.Responses >= SurveyTestMin {
		p := SurveyZTest(s.Score, s.StdError, ps.Score, ps.StdError)
		r.PValue = surveyPtr(p)
		r.Significant = surveyPtr(p < SurveyAlpha)
	}
	return r
}

// SurveyDataQuality is a data_quality row of the surveys job: answers that
// never reach a score because they are off their scale, or of an unknown
// survey type.
type SurveyDataQuality struct {
	Month Month
	// Check is "<type>_out_of_range" or "unknown_survey_type".
	Check string
	// Rows counts the offending responses; Example is one response_id.
	Rows    int64
	Example string
}

func surveyPtr[T any](v T) *T { return &v }
