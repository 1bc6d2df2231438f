package transform

import (
	"cmp"
	"slices"
)

// Movement classifies a customer's MRR change over a month (CONTRACT §3).
type Movement string

// The movements. A customer with no MRR at either end has no movement.
const (
	MoveNew          Movement = "new"          // s = 0, e > 0, never had MRR before
	MoveReactivation Movement = "reactivation" // s = 0, e > 0, had MRR before
	MoveExpansion    Movement = "expansion"    // e > s > 0
	MoveContraction  Movement = "contraction"  // s > e > 0
	MoveChurn        Movement = "churn"        // s > 0, e = 0
	MoveFlat         Movement = "flat"         // e = s > 0
)

// None is the dimension member of a customer whose attribute is null.
const None = "(none)"

// Dimensions lists the dimensions of mrr_monthly, in report order.
var Dimensions = []string{"all", "segment", "region", "industry", "acquisition_channel"}

// CustomerMonth is one customer's MRR around month M, as the warehouse
// computes it: each amount is the customer's MRR at an instant, converted to
// the reporting currency and rounded to the cent.
type CustomerMonth struct {
	CustomerID         string
	Segment            string // "" when null
	Region             string
	Industry           string
	AcquisitionChannel string
	// Cohort is the first month at whose end the customer had MRR; Cohort <= M.
	Cohort Month
	// StartPrev is the MRR at the end of M-1 at M-1's rates (M-1's mrr_end).
	StartPrev Money
	// Start (s) is the MRR at the end of M-1 at M's rates.
	Start Money
	// End (e) is the MRR at the end of M at M's rates.
	End Money
	// CohortMRR is the MRR at the end of the cohort month at its rates.
	CohortMRR Money
}

// Classify returns the customer's movement in month m, and false when the
// customer had no MRR at either end of the month (no row).
func Classify(c CustomerMonth, m Month) (Movement, bool) {
	s, e := c.Start, c.End
	switch {
	case s == 0 && e == 0:
		return "", false
	case s == 0 && c.Cohort < m:
		return MoveReactivation, true
	case s == 0:
		return MoveNew, true
	case e == 0:
		return MoveChurn, true
	case e > s:
		return MoveExpansion, true
	case e < s:
		return MoveContraction, true
	default:
		return MoveFlat, true
	}
}

// CustomerMRR is a row of customer_mrr_monthly.
type CustomerMRR struct {
	Month      Month
	CustomerID string
	Start      Money // s: end of M-1 at M's rates
	End        Money // e
	FX         Money // s minus the MRR at the end of M-1 at M-1's rates
	Movement   Movement
	Cohort     Month
	Customer   CustomerMonth
}

// MRRMonthly is a row of mrr_monthly: the bridge and rates of one dimension
// member for one month. Money is in the reporting currency; rates are
// fractions, nil where their denominator is zero.
type MRRMonthly struct {
	Month     Month
	Dimension string
	Member    string
	Currency  string

	CustomersStart, CustomersNew, CustomersReactivated, CustomersExpanded int
	CustomersContracted, CustomersChurned, CustomersEnd                   int

	MRRStart, MRRFX, MRRNew, MRRReactivation, MRRExpansion Money
	MRRContraction, MRRChurned, MRREnd                     Money

	// sumStart is S = Σs, the denominator of the rates.
	SumStart Money

	LogoChurnRate, GrossMRRChurnRate, NetMRRChurnRate *float64
	GRR, NRR, QuickRatio, NetCustomerChangeRate       *float64
}

// BridgeHolds reports whether end = start + fx + new + reactivation +
// expansion − contraction − churned, exactly.
func (r MRRMonthly) BridgeHolds() bool {
	return r.MRREnd == r.MRRStart+r.MRRFX+r.MRRNew+r.MRRReactivation+r.MRRExpansion-r.MRRContraction-r.MRRChurned
}

// CohortRow is a row of cohort_retention for run month M: cohort c with
// k = M − c months since.
type CohortRow struct {
	Month           Month
	Cohort          Month
	MonthsSince     int
	Customers       int
	CustomersActive int
	MRRCohort       Money
	MRRActive       Money
}

type memberKey struct{ dim, member string }

// MRRAggregator folds a stream of CustomerMonth rows into the month's
// per-customer rows, dimension totals and cohort rows. Its memory grows with
// the number of dimension members and cohorts, not customers.
type MRRAggregator struct {
	month    Month
	currency string
	totals   map[memberKey]*MRRMonthly
	cohorts  map[Month]*CohortRow
}

// NewMRRAggregator starts the aggregation of month m in currency.
func NewMRRAggregator(m Month, currency string) *MRRAggregator {
	return &MRRAggregator{
		month:    m,
		currency: currency,
		totals:   map[memberKey]*MRRMonthly{},
		cohorts:  map[Month]*CohortRow{},
	}
}

// Add folds one customer in and returns its customer_mrr_monthly row, or
// false when the customer had no MRR at either end of the month.
func (a *MRRAggregator) Add(c CustomerMonth) (CustomerMRR, bool) {
	if c.Cohort <= a.month {
		cr := a.cohorts[c.Cohort]
		if cr == nil {
			cr = &CohortRow{Month: a.month, Cohort: c.Cohort, MonthsSince: a.month.Sub(c.Cohort)}
			a.cohorts[c.Cohort] = cr
		}
		cr.Customers++
		cr.MRRCohort += c.CohortMRR
		if c.End > 0 {
			cr.CustomersActive++
			cr.MRRActive += c.End
		}
	}
	mv, ok := Classify(c, a.month)
	if !ok {
		return CustomerMRR{}, false
	}
	for _, k := range [...]memberKey{
		{"all", "all"},
		{"segment", orNone(c.Segment)},
		{"region", orNone(c.Region)},
		{"industry", orNone(c.Industry)},
		{"acquisition_channel", orNone(c.AcquisitionChannel)},
	} {
		t := a.totals[k]
		if t == nil {
			t = &MRRMonthly{Month: a.month, Dimension: k.dim, Member: k.member, Currency: a.currency}
			a.totals[k] = t
		}
		t.add(c, mv)
	}
	return CustomerMRR{
		Month: a.month, CustomerID: c.CustomerID, Start: c.Start, End: c.End,
		FX: c.Start - c.StartPrev, Movement: mv, Cohort: c.Cohort, Customer: c,
	}, true
}

func (t *MRRMonthly) add(c CustomerMonth, mv Movement) {
	s, e := c.Start, c.End
	t.MRRStart += c.StartPrev
	t.SumStart += s
	t.MRREnd += e
	if s > 0 {
		t.CustomersStart++
	}
	if e > 0 {
		t.CustomersEnd++
	}
	switch mv {
	case MoveNew:
		t.CustomersNew++
		t.MRRNew += e
	case MoveReactivation:
		t.CustomersReactivated++
		t.MRRReactivation += e
	case MoveExpansion:
		t.CustomersExpanded++
		t.MRRExpansion += e - s
	case MoveContraction:
		t.CustomersContracted++
		t.MRRContraction += s - e
	case MoveChurn:
		t.CustomersChurned++
		t.MRRChurned += s
	}
}

func orNone(s string) string {
	if s == "" {
		return None
	}
	return s
}

// Totals returns the month's mrr_monthly rows with their rates, ordered by
// dimension (as in Dimensions) and member.
func (a *MRRAggregator) Totals() []MRRMonthly {
	rows := make([]MRRMonthly, 0, len(a.totals)+1)
	if _, ok := a.totals[memberKey{"all", "all"}]; !ok {
		// A month with no MRR at all still has its "all" row of zeros.
		a.totals[memberKey{"all", "all"}] = &MRRMonthly{Month: a.month, Dimension: "all", Member: "all", Currency: a.currency}
	}
	for _, t := range a.totals {
		r := *t
		r.MRRFX = r.SumStart - r.MRRStart
		r.computeRates()
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(x, y MRRMonthly) int {
		return cmp.Or(cmp.Compare(slices.Index(Dimensions, x.Dimension), slices.Index(Dimensions, y.Dimension)),
			cmp.Compare(x.Member, y.Member))
	})
	return rows
}

func (r *MRRMonthly) computeRates() {
	S := r.SumStart.Float()
	exp, con, chu, rea, nw := r.MRRExpansion.Float(), r.MRRContraction.Float(), r.MRRChurned.Float(), r.MRRReactivation.Float(), r.MRRNew.Float()
	r.LogoChurnRate = Ratio(float64(r.CustomersChurned), float64(r.CustomersStart))
	r.GrossMRRChurnRate = Ratio(con+chu, S)
	r.NetMRRChurnRate = Ratio(con+chu-exp-rea, S)
	r.GRR = Ratio(S-con-chu, S)
	r.NRR = Ratio(S+exp-con-chu, S)
	r.QuickRatio = Ratio(nw+exp+rea, con+chu)
	r.NetCustomerChangeRate = Ratio(float64(r.CustomersEnd-r.CustomersStart), float64(r.CustomersStart))
}

// Cohorts returns the month's cohort_retention rows, oldest cohort first.
func (a *MRRAggregator) Cohorts() []CohortRow {
	rows := make([]CohortRow, 0, len(a.cohorts))
	for _, c := range a.cohorts {
		rows = append(rows, *c)
	}
	slices.SortFunc(rows, func(x, y CohortRow) int { return cmp.Compare(x.Cohort, y.Cohort) })
	return rows
}
