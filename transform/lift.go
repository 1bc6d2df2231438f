package transform

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
)

// Campaign lift statistics (CONTRACT §5), computed as GrowthBook's
// frequentist engine does: per-arm means and variances from sufficient
// statistics, the absolute and relative effect of treatment (b) over control
// (a), a two-sided Student t test with Welch–Satterthwaite degrees of freedom
// and 95% confidence intervals; plus the sample ratio mismatch check.

// LiftKind is how a metric's per-member values are distributed.
type LiftKind string

// The kinds of campaign_lift rows.
const (
	// LiftProportion is a share of members with an outcome: each member is
	// 0 or 1, the variance is p(1−p).
	LiftProportion LiftKind = "proportion"
	// LiftMean is a mean of per-member values (members without the outcome
	// count as 0), with the sample variance (n−1 denominator).
	LiftMean LiftKind = "mean"
	// LiftCampaignKind marks a campaign's summary row (metric
	// LiftCampaignMetric): arm sizes, SRM and why effects are missing; it
	// carries no effect.
	LiftCampaignKind LiftKind = "campaign"
)

// LiftConfidence is the confidence level of every lift interval (95%,
// two-sided).
const LiftConfidence = 0.95

// Low-sample thresholds: a metric is flagged low_sample when an arm has fewer
// than LiftMinMembers members or fewer than LiftMinEvents members with the
// outcome.
const (
	LiftMinMembers = 100
	LiftMinEvents  = 10
)

// LiftSRMThreshold is the SRM p-value below which reports flag a campaign's
// assignment as broken (CONTRACT §5).
const LiftSRMThreshold = 0.001

// LiftArm holds the sufficient statistics of one arm for one metric.
type LiftArm struct {
	// N is the number of members (the denominator of the mean).
	N int64
	// Sum is, for a proportion, the number of members with the outcome; for
	// a mean, the sum over members of their values (zeros included).
	Sum float64
	// SumSquares is, for a mean, the sum over members of the square of each
	// member's value. Unused for proportions.
	SumSquares float64
	// Events is the number of members with a nonzero outcome, for the
	// low-sample flag. For proportions it is taken from Sum.
	Events int64
}

// Mean is Sum/N; NaN when N is 0.
func (a LiftArm) Mean() float64 {
	if a.N == 0 {
		return math.NaN()
	}
	return a.Sum / float64(a.N)
}

// Variance is the per-member variance of the arm: p(1−p) for a proportion,
// the sample variance (Σx² − (Σx)²/n)/(n−1) for a mean. It is NaN when it is
// undefined (no members; a mean with one member). A mean's variance that is
// below 1e-12 of the mean square (cancellation noise, possibly negative) is
// 0.
func (a LiftArm) Variance(kind LiftKind) float64 {
	n := float64(a.N)
	switch {
	case a.N == 0:
		return math.NaN()
	case kind == LiftProportion:
		p := a.Sum / n
		return p * (1 - p)
	case a.N == 1:
		return math.NaN()
	}
	v := (a.SumSquares - a.Sum*a.Sum/n) / (n - 1)
	if v < 1e-12*a.SumSquares/n {
		v = 0
	}
	return v
}

// Outcomes is the number of members with the outcome, the count the
// low-sample flag checks: Sum for a proportion, Events for a mean.
func (a LiftArm) Outcomes(kind LiftKind) int64 {
	if kind == LiftProportion {
		return int64(math.Round(a.Sum))
	}
	return a.Events
}

// LiftEffect is one estimated effect of treatment over control.
type LiftEffect struct {
	// Estimate is m_b − m_a (absolute) or (m_b − m_a)/|m_a| (relative, a
	// fraction: 0.1 is +10%).
	Estimate float64
	// StdErr is the standard error of Estimate (delta method for relative).
	StdErr float64
	// CILow and CIHigh bound the two-sided LiftConfidence interval.
	CILow, CIHigh float64
	// PValue is the two-sided p-value of "no effect".
	PValue float64
}

// LiftResult compares the treatment arm of a metric with its control arm.
// Pointers are nil where a value is undefined; Reason then says why.
type LiftResult struct {
	Kind      LiftKind
	Control   LiftArm
	Treatment LiftArm
	// ControlMean and TreatmentMean are the arms' means (a share for
	// proportions, value per member for means); nil for an empty arm.
	ControlMean, TreatmentMean *float64
	// ControlVar and TreatmentVar are the per-member variances.
	ControlVar, TreatmentVar *float64
	// DF is the Welch–Satterthwaite degrees of freedom of both tests.
	DF *float64
	// Abs is the absolute effect, Rel the relative one.
	Abs, Rel *LiftEffect
	// LowSample is set when an arm has fewer than LiftMinMembers members or
	// fewer than LiftMinEvents members with the outcome.
	LowSample bool
	// Reason explains missing effects ("" when both are present).
	Reason string
}

// LiftTest compares treatment b with control a for a metric of the given
// kind. It never fails: when an arm has n ≤ 1 or zero variance, both effects
// are nil; when the control mean is zero, the relative effect is nil; Reason
// says which.
func LiftTest(kind LiftKind, a, b LiftArm) LiftResult {
	r := LiftResult{Kind: kind, Control: a, Treatment: b}
	r.LowSample = a.N < LiftMinMembers || b.N < LiftMinMembers ||
		a.Outcomes(kind) < LiftMinEvents || b.Outcomes(kind) < LiftMinEvents
	r.ControlMean, r.TreatmentMean = finite(a.Mean()), finite(b.Mean())
	va, vb := a.Variance(kind), b.Variance(kind)
	r.ControlVar, r.TreatmentVar = finite(va), finite(vb)
	switch {
	case a.N <= 1 && b.N <= 1:
		r.Reason = "fewer than 2 members in each arm"
		return r
	case a.N <= 1:
		r.Reason = "fewer than 2 members in the control arm"
		return r
	case b.N <= 1:
		r.Reason = "fewer than 2 members in the treatment arm"
		return r
	case !(va > 0) && !(vb > 0):
		r.Reason = "zero variance in both arms"
		return r
	case !(va > 0):
		r.Reason = "zero variance in the control arm"
		return r
	case !(vb > 0):
		r.Reason = "zero variance in the treatment arm"
		return r
	}
	na, nb := float64(a.N), float64(b.N)
	ma, mb := a.Mean(), b.Mean()
	sa, sb := va/na, vb/nb // squared standard errors of the means
	df := (sa + sb) * (sa + sb) / (sa*sa/(na-1) + sb*sb/(nb-1))
	r.DF = &df
	r.Abs = tTest(mb-ma, sa+sb, df)
	if ma == 0 {
		r.Reason = "zero control mean: relative effect undefined"
		return r
	}
	ma2 := ma * ma
	r.Rel = tTest((mb-ma)/math.Abs(ma), vb/(nb*ma2)+va*mb*mb/(na*ma2*ma2), df)
	return r
}

// tTest is the two-sided Student t test of estimate with variance v on df
// degrees of freedom.
func tTest(estimate, v, df float64) *LiftEffect {
	se := math.Sqrt(v)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	w := t.Quantile(1-(1-LiftConfidence)/2) * se
	return &LiftEffect{
		Estimate: estimate,
		StdErr:   se,
		CILow:    estimate - w,
		CIHigh:   estimate + w,
		PValue:   math.Min(1, 2*t.Survival(math.Abs(estimate/se))),
	}
}

func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// LiftSRM is the sample ratio mismatch p-value: Pearson's chi-square
// goodness-of-fit test of the observed arm sizes against the expected shares
// (weights, normalised to sum to 1), with one degree of freedom fewer than
// the number of weighted arms. Arms with a weight ≤ 0 are left out entirely,
// as GrowthBook does. ok is false when fewer than two arms have a positive
// weight or no member is in a weighted arm.
func LiftSRM(observed []int64, weights []float64) (p float64, ok bool) {
	var total, wsum float64
	arms := 0
	for i, o := range observed {
		if i < len(weights) && weights[i] > 0 {
			total += float64(o)
			wsum += weights[i]
			arms++
		}
	}
	if arms < 2 || total == 0 {
		return 0, false
	}
	var x float64
	for i, o := range observed {
		if i < len(weights) && weights[i] > 0 {
			e := weights[i] / wsum * total
			x += (float64(o) - e) * (float64(o) - e) / e
		}
	}
	return distuv.ChiSquared{K: float64(arms - 1)}.Survival(x), true
}

// LiftCampaignSRM is the SRM p-value of a two-arm campaign whose intended
// control share (a fraction, crm.campaigns.control_share) is controlShare.
// It is nil, with a reason, when the share is unknown or not strictly
// between 0 and 1, or when both arms are empty.
func LiftCampaignSRM(control, treatment int64, controlShare *float64) (*float64, string) {
	switch {
	case controlShare == nil:
		return nil, "control_share unknown: no SRM check"
	case !(*controlShare > 0 && *controlShare < 1):
		return nil, fmt.Sprintf("control_share %g is not between 0 and 1: no SRM check", *controlShare)
	}
	p, ok := LiftSRM([]int64{control, treatment}, []float64{*controlShare, 1 - *controlShare})
	if !ok {
		return nil, "no members: no SRM check"
	}
	return &p, ""
}

// The campaign arms signals compares. Any other arm is a data-quality
// problem.
const (
	CampaignControl   = "control"
	CampaignTreatment = "treatment"
)

// LiftCampaignMetric is the metric name of a campaign's summary row.
const LiftCampaignMetric = "_campaign"

// LiftRetainedMetric is the retention metric's name.
const LiftRetainedMetric = "retained"

// CampaignArmStats is one arm of one campaign for run month M, as the
// warehouse aggregates it (query campaign_arms): members assigned before the
// end of M.
type CampaignArmStats struct {
	CampaignID string
	Arm        string
	// Known is false for members whose campaign has no crm.campaigns row.
	Known bool
	// ControlShare is the campaign's intended control share (a fraction);
	// nil when unknown.
	ControlShare *float64
	// Members is the number of members in the arm.
	Members int64
	// MRRMembers is how many had MRR when assigned.
	MRRMembers int64
	// Retained is how many of MRRMembers still had MRR at the end of their
	// window or of M, whichever came first.
	Retained int64
}

// CampaignEventStats is one event's outcomes in one arm of one campaign
// (query campaign_events): only events inside each member's window and
// before the end of M count.
type CampaignEventStats struct {
	CampaignID string
	Arm        string
	Event      string
	// Members is the number of members with at least one such event.
	Members int64
	// Occurrences is the number of events.
	Occurrences int64
	// Sum is the sum of the events' values (currency units).
	Sum float64
	// SumSquares is the sum over members of the square of the member's
	// summed values.
	SumSquares float64
}

// CampaignLift is a row of campaign_lift: one metric of one campaign in
// month M, or the campaign's summary row (Metric LiftCampaignMetric, Kind
// LiftCampaignKind) that every campaign gets, whose Control.N and
// Treatment.N are the arm sizes and whose Reason says why the campaign has
// no effect rows ("no control arm") or no SRM check.
type CampaignLift struct {
	Month      Month
	CampaignID string
	// Metric is "<event>_rate", "<event>_per_member", "retained" or
	// LiftCampaignMetric.
	Metric string
	// ControlShare is the campaign's intended control share; nil if unknown.
	ControlShare *float64
	// SRMPValue is the campaign's sample ratio mismatch p-value (the same on
	// every row of the campaign); nil when there is no check.
	SRMPValue *float64
	LiftResult
}

// CampaignQualityIssue is a data_quality row of the campaigns job: Rows
// members failed Check; Example names one.
type CampaignQualityIssue struct {
	Check   string
	Rows    int64
	Example string
}

// Data-quality checks of the campaigns job (source crm.campaign_members).
const (
	// CampaignCheckUnknownArm counts members in an arm other than
	// "control" and "treatment"; they are left out of every statistic.
	CampaignCheckUnknownArm = "unknown_arm"
	// CampaignCheckUnknownCampaign counts members whose campaign has no
	// crm.campaigns row; they are left out.
	CampaignCheckUnknownCampaign = "unknown_campaign"
)

type campaignAcc struct {
	id           string
	controlShare *float64
	arms         map[string]CampaignArmStats
	events       map[string]map[string]CampaignEventStats // event -> arm
}

// CampaignLifts computes month m's campaign_lift rows from the warehouse's
// per-arm aggregates. Every campaign gets its summary row; a campaign with
// both a control and a treatment arm also gets, for every event name E seen
// in either arm, "E_rate" (a proportion) and "E_per_member" (a mean), and
// "retained" (a proportion over members with MRR when assigned). Rows come
// ordered by campaign, then summary, events by name (rate before
// per_member), retained. Members of unknown arms or campaigns are left out
// and reported as data-quality issues, ordered by check.
func CampaignLifts(m Month, arms []CampaignArmStats, events []CampaignEventStats) ([]CampaignLift, []CampaignQualityIssue) {
	camps := map[string]*campaignAcc{}
	var badArm, badCampaign CampaignQualityIssue
	for _, a := range arms {
		switch {
		case !a.Known:
			noteIssue(&badCampaign, a.Members, fmt.Sprintf("campaign %q (arm %q): %d member(s)", a.CampaignID, a.Arm, a.Members))
			continue
		case a.Arm != CampaignControl && a.Arm != CampaignTreatment:
			noteIssue(&badArm, a.Members, fmt.Sprintf("campaign %q arm %q: %d member(s)", a.CampaignID, a.Arm, a.Members))
		}
		c := camps[a.CampaignID]
		if c == nil {
			c = &campaignAcc{id: a.CampaignID, controlShare: a.ControlShare, arms: map[string]CampaignArmStats{}, events: map[string]map[string]CampaignEventStats{}}
			camps[a.CampaignID] = c
		}
		c.arms[a.Arm] = a
	}
	for _, e := range events {
		c := camps[e.CampaignID]
		if c == nil || (e.Arm != CampaignControl && e.Arm != CampaignTreatment) {
			continue
		}
		if c.events[e.Event] == nil {
			c.events[e.Event] = map[string]CampaignEventStats{}
		}
		c.events[e.Event][e.Arm] = e
	}

	ids := make([]string, 0, len(camps))
	for id := range camps {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var rows []CampaignLift
	for _, id := range ids {
		rows = append(rows, camps[id].lifts(m)...)
	}
	var issues []CampaignQualityIssue
	for _, is := range []struct {
		check string
		v     CampaignQualityIssue
	}{{CampaignCheckUnknownArm, badArm}, {CampaignCheckUnknownCampaign, badCampaign}} {
		if is.v.Rows > 0 {
			is.v.Check = is.check
			issues = append(issues, is.v)
		}
	}
	slices.SortFunc(issues, func(x, y CampaignQualityIssue) int { return cmp.Compare(x.Check, y.Check) })
	return rows, issues
}

// noteIssue adds rows to an issue, keeping the smallest example so that the
// result does not depend on the order rows arrive in.
func noteIssue(is *CampaignQualityIssue, rows int64, example string) {
	is.Rows += rows
	if is.Example == "" || example < is.Example {
		is.Example = example
	}
}

func (c *campaignAcc) lifts(m Month) []CampaignLift {
	ctl, hasCtl := c.arms[CampaignControl]
	trt, hasTrt := c.arms[CampaignTreatment]
	srm, srmReason := LiftCampaignSRM(ctl.Members, trt.Members, c.controlShare)
	row := func(metric string, r LiftResult) CampaignLift {
		return CampaignLift{Month: m, CampaignID: c.id, Metric: metric, ControlShare: c.controlShare, SRMPValue: srm, LiftResult: r}
	}

	var reasons []string
	switch {
	case !hasCtl && !hasTrt:
		reasons = append(reasons, "no control or treatment arm")
	case !hasCtl:
		reasons = append(reasons, "no control arm")
	case !hasTrt:
		reasons = append(reasons, "no treatment arm")
	}
	if !hasCtl || !hasTrt {
		srm, srmReason = nil, ""
	}
	if srmReason != "" {
		reasons = append(reasons, srmReason)
	}
	summary := row(LiftCampaignMetric, LiftResult{
		Kind:      LiftCampaignKind,
		Control:   LiftArm{N: ctl.Members},
		Treatment: LiftArm{N: trt.Members},
		LowSample: ctl.Members < LiftMinMembers || trt.Members < LiftMinMembers,
		Reason:    strings.Join(reasons, "; "),
	})
	if !hasCtl || !hasTrt {
		return []CampaignLift{summary}
	}

	rows := []CampaignLift{summary}
	names := make([]string, 0, len(c.events))
	for e := range c.events {
		names = append(names, e)
	}
	slices.Sort(names)
	for _, e := range names {
		ec, et := c.events[e][CampaignControl], c.events[e][CampaignTreatment]
		rows = append(rows,
			row(e+"_rate", LiftTest(LiftProportion,
				LiftArm{N: ctl.Members, Sum: float64(ec.Members)},
				LiftArm{N: trt.Members, Sum: float64(et.Members)})),
			row(e+"_per_member", LiftTest(LiftMean,
				LiftArm{N: ctl.Members, Sum: ec.Sum, SumSquares: ec.SumSquares, Events: ec.Members},
				LiftArm{N: trt.Members, Sum: et.Sum, SumSquares: et.SumSquares, Events: et.Members})),
		)
	}
	ret := LiftTest(LiftProportion,
		LiftArm{N: ctl.MRRMembers, Sum: float64(ctl.Retained)},
		LiftArm{N: trt.MRRMembers, Sum: float64(trt.Retained)})
	if ctl.MRRMembers == 0 || trt.MRRMembers == 0 {
		ret.Reason = "no members with MRR when assigned in an arm"
	}
	rows = append(rows, row(LiftRetainedMetric, ret))
	return rows
}
