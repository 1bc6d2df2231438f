package report

import (
	"cmp"
	"slices"

	"github.com/signalsdev/signals/transform"
)

// kind says how a figure is stored, formatted and compared.
type kind int

const (
	kindMoney   kind = iota // currency amount (cents)
	kindCount               // whole number
	kindPercent             // fraction shown as a percentage; changes in points
	kindRatio               // plain ratio (quick ratio)
	kindScore               // survey score, one decimal; changes in points
)

// val is an optional figure. Money stays exact in cents until written.
type val struct {
	ok    bool
	cents transform.Money
	f     float64
}

func money(m transform.Money) val { return val{ok: true, cents: m, f: m.Float()} }
func num(f float64) val           { return val{ok: true, f: f} }
func opt(p *float64) val {
	if p == nil {
		return val{}
	}
	return num(*p)
}

// change is a figure's change against a comparison month: relative (a
// fraction, for money and counts) or absolute (points, for rates).
type change struct {
	ok       bool
	relative bool
	v        float64
}

// kpi is a headline figure with its month-over-month and year-over-year
// comparisons. good is +1 when higher is better and -1 when lower is.
type kpi struct {
	key, label string
	kind       kind
	good       int
	cur        val
	prev       val
	yoy        val
	// absChange forces an absolute change even for money (net new MRR can
	// change sign, so a relative change means nothing).
	absChange bool
}

func (k kpi) change(against val) change {
	if !k.cur.ok || !against.ok {
		return change{}
	}
	switch {
	case (k.kind == kindMoney || k.kind == kindCount) && !k.absChange:
		if against.f == 0 {
			return change{}
		}
		return change{ok: true, relative: true, v: (k.cur.f - against.f) / abs(against.f)}
	case k.kind == kindMoney:
		return change{ok: true, v: (k.cur.cents - against.cents).Float()}
	default:
		return change{ok: true, v: k.cur.f - against.f}
	}
}

// tone is +1 when the change is good news, -1 when bad, 0 when flat or
// unknown.
func (k kpi) tone(c change) int {
	if !c.ok || abs(c.v) < k.flat(c) {
		return 0
	}
	if (c.v > 0) == (k.good > 0) {
		return 1
	}
	return -1
}

// flat is the size below which a change reads as no change: half of the
// last digit shown.
func (k kpi) flat(c change) float64 {
	switch {
	case c.relative, k.kind == kindPercent:
		return 0.0005
	case k.kind == kindMoney:
		return 0.5
	case k.kind == kindScore:
		return 0.05
	}
	return 0.005
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// netNew is new + reactivation + expansion − contraction − churned: the
// month's MRR change without FX.
func netNew(r transform.MRRMonthly) transform.Money {
	return r.MRRNew + r.MRRReactivation + r.MRRExpansion - r.MRRContraction - r.MRRChurned
}

// monthRow finds month m in rows.
func monthRow(rows []transform.MRRMonthly, m transform.Month) (transform.MRRMonthly, bool) {
	for _, r := range rows {
		if r.Month == m {
			return r, true
		}
	}
	return transform.MRRMonthly{}, false
}

// financeKPIs lists the finance headline figures for d.Month. withARR adds
// ARR (MRR × 12) after MRR, for the workbook.
func financeKPIs(d *FinanceData, withARR bool) []kpi {
	cur, okC := monthRow(d.Trend, d.Month)
	prev, okP := monthRow(d.Trend, d.Month.Add(-1))
	yoy, okY := monthRow(d.Trend, d.Month.Add(-12))
	type def struct {
		key, label string
		kind       kind
		good       int
		abs        bool
		get        func(transform.MRRMonthly) val
	}
	defs := []def{
		{"mrr", "MRR", kindMoney, 1, false, func(r transform.MRRMonthly) val { return money(r.MRREnd) }},
		{"arr", "ARR (MRR × 12)", kindMoney, 1, false, func(r transform.MRRMonthly) val { return money(r.MRREnd * 12) }},
		{"net_new", "Net new MRR", kindMoney, 1, true, func(r transform.MRRMonthly) val { return money(netNew(r)) }},
		{"customers", "Paying customers", kindCount, 1, false, func(r transform.MRRMonthly) val { return num(float64(r.CustomersEnd)) }},
		{"logo_churn", "Logo churn", kindPercent, -1, false, func(r transform.MRRMonthly) val { return opt(r.LogoChurnRate) }},
		{"gross_churn", "Gross MRR churn", kindPercent, -1, false, func(r transform.MRRMonthly) val { return opt(r.GrossMRRChurnRate) }},
		{"net_churn", "Net MRR churn", kindPercent, -1, false, func(r transform.MRRMonthly) val { return opt(r.NetMRRChurnRate) }},
		{"grr", "GRR", kindPercent, 1, false, func(r transform.MRRMonthly) val { return opt(r.GRR) }},
		{"nrr", "NRR", kindPercent, 1, false, func(r transform.MRRMonthly) val { return opt(r.NRR) }},
		{"quick_ratio", "Quick ratio", kindRatio, 1, false, func(r transform.MRRMonthly) val { return opt(r.QuickRatio) }},
	}
	var ks []kpi
	for _, df := range defs {
		if df.key == "arr" && !withARR {
			continue
		}
		k := kpi{key: df.key, label: df.label, kind: df.kind, good: df.good, absChange: df.abs}
		if okC {
			k.cur = df.get(cur)
		}
		if okP {
			k.prev = df.get(prev)
		}
		if okY {
			k.yoy = df.get(yoy)
		}
		ks = append(ks, k)
	}
	return ks
}

// surveyAll returns the "all" row of survey type t in month m.
func surveyAll(rows []SurveyRow, t string, m transform.Month) (SurveyRow, bool) {
	for _, r := range rows {
		if r.Month == m && r.SurveyType == t && r.Dimension == "all" {
			return r, true
		}
	}
	return SurveyRow{}, false
}

// surveyTypes is the order survey types are shown in.
var surveyTypes = []string{"nps", "csat", "ces"}

func surveyLabel(t string) string {
	switch t {
	case "nps":
		return "NPS"
	case "csat":
		return "CSAT"
	case "ces":
		return "CES"
	}
	return t
}

// surveyOrder sorts survey rows for display: survey type, dimension in
// report order, then member.
func surveyOrder(a, b SurveyRow) int {
	dims := []string{"all", "segment", "region", "touchpoint"}
	rank := func(s string, in []string) int {
		if i := slices.Index(in, s); i >= 0 {
			return i
		}
		return len(in)
	}
	return cmp.Or(
		cmp.Compare(rank(a.SurveyType, surveyTypes), rank(b.SurveyType, surveyTypes)),
		cmp.Compare(a.SurveyType, b.SurveyType),
		cmp.Compare(rank(a.Dimension, dims), rank(b.Dimension, dims)),
		cmp.Compare(a.Dimension, b.Dimension),
		cmp.Compare(a.Member, b.Member),
		cmp.Compare(a.Month, b.Month),
	)
}

// healthMonth returns the band counts of month m.
func healthMonth(rows []HealthMonth, m transform.Month) (HealthMonth, bool) {
	for _, r := range rows {
		if r.Month == m {
			return r, true
		}
	}
	return HealthMonth{}, false
}
