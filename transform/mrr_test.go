package transform_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/signalsdev/signals/transform"
)

var (
	march      = transform.NewMonth(2026, time.March)
	rateFields = cmpopts.IgnoreFields(transform.MRRMonthly{},
		"LogoChurnRate", "GrossMRRChurnRate", "NetMRRChurnRate", "GRR", "NRR", "QuickRatio", "NetCustomerChangeRate")
	approx = cmpopts.EquateApprox(0, 1e-12)
)

func fp(v float64) *float64 { return &v }

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		c      transform.CustomerMonth
		want   transform.Movement
		wantOK bool
	}{
		{name: "new: nothing at the start, MRR at the end, cohort is this month",
			c: transform.CustomerMonth{Cohort: march, End: 100}, want: transform.MoveNew, wantOK: true},
		{name: "reactivation: nothing at the start, MRR at the end, had MRR in an earlier month",
			c: transform.CustomerMonth{Cohort: march.Add(-3), End: 100}, want: transform.MoveReactivation, wantOK: true},
		{name: "reactivation: the cohort one month back is enough",
			c: transform.CustomerMonth{Cohort: march.Add(-1), End: 1}, want: transform.MoveReactivation, wantOK: true},
		{name: "churn: MRR at the start, nothing at the end",
			c: transform.CustomerMonth{Cohort: march.Add(-2), StartPrev: 100, Start: 100}, want: transform.MoveChurn, wantOK: true},
		{name: "expansion: end above start, both positive",
			c: transform.CustomerMonth{Cohort: march.Add(-2), StartPrev: 100, Start: 100, End: 150}, want: transform.MoveExpansion, wantOK: true},
		{name: "expansion by one cent",
			c: transform.CustomerMonth{Cohort: march.Add(-2), StartPrev: 100, Start: 100, End: 101}, want: transform.MoveExpansion, wantOK: true},
		{name: "contraction: end below start, both positive",
			c: transform.CustomerMonth{Cohort: march.Add(-2), StartPrev: 100, Start: 100, End: 40}, want: transform.MoveContraction, wantOK: true},
		{name: "flat: end equals start",
			c: transform.CustomerMonth{Cohort: march.Add(-2), StartPrev: 100, Start: 100, End: 100}, want: transform.MoveFlat, wantOK: true},
		{name: "an FX-only change is flat: s is already at this month's rates",
			c: transform.CustomerMonth{Cohort: march.Add(-2), StartPrev: 100, Start: 110, End: 110}, want: transform.MoveFlat, wantOK: true},
		{name: "a rate rise is not an expansion when the plan shrank in currency",
			c: transform.CustomerMonth{Cohort: march.Add(-2), StartPrev: 100, Start: 120, End: 110}, want: transform.MoveContraction, wantOK: true},
		{name: "no row: nothing at either end though the customer had MRR before",
			c: transform.CustomerMonth{Cohort: march.Add(-5)}, wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := transform.Classify(tt.c, march)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Classify = %q, %v; want %q, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// example is one month (March 2026) with every movement, an FX move, null
// attributes and a customer long gone. The expected totals below are worked
// by hand from these rows.
func example() []transform.CustomerMonth {
	return []transform.CustomerMonth{
		// expansion 100 -> 150
		{CustomerID: "a", Segment: "SMB", Region: "EU", Industry: "X", Cohort: march.Add(-2), StartPrev: 100_00, Start: 100_00, End: 150_00, CohortMRR: 100_00},
		// churn 200 -> 0
		{CustomerID: "b", Segment: "SMB", Cohort: march.Add(-1), StartPrev: 200_00, Start: 200_00, End: 0, CohortMRR: 200_00},
		// new 0 -> 300
		{CustomerID: "c", Segment: "Ent", Region: "EU", Cohort: march, End: 300_00, CohortMRR: 300_00},
		// reactivation 0 -> 80
		{CustomerID: "d", Segment: "Ent", Region: "US", Cohort: march.Add(-3), End: 80_00, CohortMRR: 70_00},
		// contraction 440 -> 400 at March rates; 400 at February's: fx +40
		{CustomerID: "e", Segment: "Ent", Region: "US", Cohort: march.Add(-3), StartPrev: 400_00, Start: 440_00, End: 400_00, CohortMRR: 380_00},
		// flat 50
		{CustomerID: "f", Cohort: march.Add(-2), StartPrev: 50_00, Start: 50_00, End: 50_00, CohortMRR: 50_00},
		// gone long ago: no row, but still in its cohort
		{CustomerID: "g", Segment: "SMB", Cohort: march.Add(-9), CohortMRR: 60_00},
	}
}

func aggregate(m transform.Month, cs []transform.CustomerMonth) (*transform.MRRAggregator, []transform.CustomerMRR) {
	agg := transform.NewMRRAggregator(m, "USD")
	var rows []transform.CustomerMRR
	for _, c := range cs {
		if r, ok := agg.Add(c); ok {
			rows = append(rows, r)
		}
	}
	return agg, rows
}

type counts struct{ start, nw, react, exp, con, churn, end int }
type amounts struct{ start, sum, fx, nw, react, exp, con, churn, end transform.Money }

func total(dim, member string, n counts, a amounts) transform.MRRMonthly {
	return transform.MRRMonthly{
		Month: march, Dimension: dim, Member: member, Currency: "USD",
		CustomersStart: n.start, CustomersNew: n.nw, CustomersReactivated: n.react, CustomersExpanded: n.exp,
		CustomersContracted: n.con, CustomersChurned: n.churn, CustomersEnd: n.end,
		MRRStart: a.start, SumStart: a.sum, MRRFX: a.fx, MRRNew: a.nw, MRRReactivation: a.react,
		MRRExpansion: a.exp, MRRContraction: a.con, MRRChurned: a.churn, MRREnd: a.end,
	}
}

func TestMRRAggregatorTotals(t *testing.T) {
	t.Parallel()
	agg, _ := aggregate(march, example())
	want := []transform.MRRMonthly{
		total("all", "all", counts{start: 4, nw: 1, react: 1, exp: 1, con: 1, churn: 1, end: 5},
			amounts{start: 750_00, sum: 790_00, fx: 40_00, nw: 300_00, react: 80_00, exp: 50_00, con: 40_00, churn: 200_00, end: 980_00}),
		// "(none)" sorts before letters; f has no segment.
		total("segment", "(none)", counts{start: 1, end: 1},
			amounts{start: 50_00, sum: 50_00, end: 50_00}),
		total("segment", "Ent", counts{start: 1, nw: 1, react: 1, con: 1, end: 3},
			amounts{start: 400_00, sum: 440_00, fx: 40_00, nw: 300_00, react: 80_00, con: 40_00, end: 780_00}),
		total("segment", "SMB", counts{start: 2, exp: 1, churn: 1, end: 1},
			amounts{start: 300_00, sum: 300_00, exp: 50_00, churn: 200_00, end: 150_00}),
		total("region", "(none)", counts{start: 2, churn: 1, end: 1},
			amounts{start: 250_00, sum: 250_00, churn: 200_00, end: 50_00}),
		total("region", "EU", counts{start: 1, nw: 1, exp: 1, end: 2},
			amounts{start: 100_00, sum: 100_00, nw: 300_00, exp: 50_00, end: 450_00}),
		total("region", "US", counts{start: 1, react: 1, con: 1, end: 2},
			amounts{start: 400_00, sum: 440_00, fx: 40_00, react: 80_00, con: 40_00, end: 480_00}),
		total("industry", "(none)", counts{start: 3, nw: 1, react: 1, con: 1, churn: 1, end: 4},
			amounts{start: 650_00, sum: 690_00, fx: 40_00, nw: 300_00, react: 80_00, con: 40_00, churn: 200_00, end: 830_00}),
		total("industry", "X", counts{start: 1, exp: 1, end: 1},
			amounts{start: 100_00, sum: 100_00, exp: 50_00, end: 150_00}),
		total("acquisition_channel", "(none)", counts{start: 4, nw: 1, react: 1, exp: 1, con: 1, churn: 1, end: 5},
			amounts{start: 750_00, sum: 790_00, fx: 40_00, nw: 300_00, react: 80_00, exp: 50_00, con: 40_00, churn: 200_00, end: 980_00}),
	}
	got := agg.Totals()
	if diff := cmp.Diff(want, got, rateFields); diff != "" {
		t.Errorf("Totals (-want +got)\n%s", diff)
	}
	for _, r := range got {
		if !r.BridgeHolds() {
			t.Errorf("bridge of %s=%s does not hold: %+v", r.Dimension, r.Member, r)
		}
	}
	// Totals is a view: calling it again gives the same rows.
	if diff := cmp.Diff(got, agg.Totals()); diff != "" {
		t.Errorf("second Totals differs (-first +second)\n%s", diff)
	}
}

func TestMRRAggregatorRates(t *testing.T) {
	t.Parallel()
	type rates struct {
		Logo, Gross, Net, GRR, NRR, Quick, NetCustomerChange *float64
	}
	tests := []struct {
		name string
		cs   []transform.CustomerMonth
		want rates
	}{
		{
			// S = 790, contraction 40, churned 200, expansion 50, reactivation 80, new 300;
			// 4 customers at the start, 1 churned, 5 at the end.
			name: "every rate from the worked example",
			cs:   example(),
			want: rates{
				Logo:              fp(1.0 / 4),
				Gross:             fp(240.0 / 790),
				Net:               fp((240.0 - 50 - 80) / 790),
				GRR:               fp((790.0 - 240) / 790),
				NRR:               fp((790.0 + 50 - 240) / 790),
				Quick:             fp((300.0 + 50 + 80) / 240),
				NetCustomerChange: fp((5.0 - 4) / 4),
			},
		},
		{
			name: "only new customers: every rate over S or the start count is nil, and the quick ratio too",
			cs:   []transform.CustomerMonth{{CustomerID: "c", Cohort: march, End: 300_00}},
			want: rates{},
		},
		{
			name: "no contraction or churn: churn rates are zero, the quick ratio is nil",
			cs: []transform.CustomerMonth{
				{CustomerID: "a", Cohort: march.Add(-1), StartPrev: 100_00, Start: 100_00, End: 100_00},
				{CustomerID: "b", Cohort: march.Add(-1), StartPrev: 100_00, Start: 100_00, End: 150_00},
			},
			want: rates{Logo: fp(0), Gross: fp(0), Net: fp(-0.25), GRR: fp(1), NRR: fp(1.25), NetCustomerChange: fp(0)},
		},
		{
			name: "everyone churns: GRR and NRR are zero, net customer change is -1",
			cs: []transform.CustomerMonth{
				{CustomerID: "a", Cohort: march.Add(-1), StartPrev: 100_00, Start: 100_00},
				{CustomerID: "b", Cohort: march.Add(-1), StartPrev: 300_00, Start: 300_00},
			},
			want: rates{Logo: fp(1), Gross: fp(1), Net: fp(1), GRR: fp(0), NRR: fp(0), Quick: fp(0), NetCustomerChange: fp(-1)},
		},
		{
			name: "an empty month still has an all row, with every rate nil",
			want: rates{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			agg, _ := aggregate(march, tt.cs)
			all := agg.Totals()[0]
			if all.Dimension != "all" || all.Member != "all" {
				t.Fatalf("first row is %s=%s, want all=all", all.Dimension, all.Member)
			}
			got := rates{all.LogoChurnRate, all.GrossMRRChurnRate, all.NetMRRChurnRate, all.GRR, all.NRR, all.QuickRatio, all.NetCustomerChangeRate}
			if diff := cmp.Diff(tt.want, got, approx); diff != "" {
				t.Errorf("rates (-want +got)\n%s", diff)
			}
		})
	}
}

func TestMRRAggregatorEmptyMonth(t *testing.T) {
	t.Parallel()
	agg, rows := aggregate(march, nil)
	want := []transform.MRRMonthly{{Month: march, Dimension: "all", Member: "all", Currency: "USD"}}
	if diff := cmp.Diff(want, agg.Totals()); diff != "" {
		t.Errorf("Totals of an empty month (-want +got)\n%s", diff)
	}
	if len(rows) != 0 || len(agg.Cohorts()) != 0 {
		t.Errorf("an empty month has customer rows %v and cohorts %v, want none", rows, agg.Cohorts())
	}
}

func TestMRRAggregatorCustomerRows(t *testing.T) {
	t.Parallel()
	cs := example()
	_, got := aggregate(march, cs)
	row := func(c transform.CustomerMonth, mv transform.Movement, fx transform.Money) transform.CustomerMRR {
		return transform.CustomerMRR{Month: march, CustomerID: c.CustomerID, Start: c.Start, End: c.End,
			FX: fx, Movement: mv, Cohort: c.Cohort, Customer: c}
	}
	// g had no MRR at either end: no row.
	want := []transform.CustomerMRR{
		row(cs[0], transform.MoveExpansion, 0),
		row(cs[1], transform.MoveChurn, 0),
		row(cs[2], transform.MoveNew, 0),
		row(cs[3], transform.MoveReactivation, 0),
		row(cs[4], transform.MoveContraction, 40_00), // fx = s - start at last month's rates
		row(cs[5], transform.MoveFlat, 0),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("customer rows (-want +got)\n%s", diff)
	}
}

func TestMRRAggregatorCohorts(t *testing.T) {
	t.Parallel()
	agg, _ := aggregate(march, example())
	want := []transform.CohortRow{
		// g: churned long ago, still counted in its cohort's size.
		{Month: march, Cohort: march.Add(-9), MonthsSince: 9, Customers: 1, CustomersActive: 0, MRRCohort: 60_00, MRRActive: 0},
		// d, e: MRR at the end of the cohort month 70 + 380; at the end of March 80 + 400.
		{Month: march, Cohort: march.Add(-3), MonthsSince: 3, Customers: 2, CustomersActive: 2, MRRCohort: 450_00, MRRActive: 480_00},
		// a, f
		{Month: march, Cohort: march.Add(-2), MonthsSince: 2, Customers: 2, CustomersActive: 2, MRRCohort: 150_00, MRRActive: 200_00},
		// b churned this month: in the cohort, not active.
		{Month: march, Cohort: march.Add(-1), MonthsSince: 1, Customers: 1, CustomersActive: 0, MRRCohort: 200_00, MRRActive: 0},
		// c is new: the cohort of the run month, k = 0.
		{Month: march, Cohort: march, MonthsSince: 0, Customers: 1, CustomersActive: 1, MRRCohort: 300_00, MRRActive: 300_00},
	}
	if diff := cmp.Diff(want, agg.Cohorts()); diff != "" {
		t.Errorf("cohorts (-want +got)\n%s", diff)
	}
}

func TestMRRBridgeIdentity(t *testing.T) {
	t.Parallel()
	// Many generated customers in every shape (FX moves included): the bridge
	// holds to the cent for every member, and the members of each dimension
	// add up to the all row.
	r := rand.New(rand.NewPCG(1, 2))
	segs := []string{"SMB", "Mid-Market", "Enterprise", ""}
	amount := func() transform.Money {
		if r.IntN(3) == 0 {
			return 0
		}
		return transform.Money(1 + r.IntN(500_00))
	}
	var cs []transform.CustomerMonth
	for i := range 2000 {
		c := transform.CustomerMonth{
			CustomerID: string(rune('a'+i%26)) + string(rune('0'+i/26%10)),
			Segment:    segs[r.IntN(len(segs))],
			Region:     segs[r.IntN(len(segs))],
			Cohort:     march.Add(-r.IntN(24)),
			StartPrev:  amount(),
			End:        amount(),
		}
		if c.StartPrev > 0 {
			c.Start = c.StartPrev + transform.Money(r.IntN(2001)-1000) // FX move of up to ±10.00
			c.Start = max(c.Start, 1)
		}
		if c.Cohort == march && c.Start > 0 {
			c.Cohort = march.Add(-1) // had MRR at the end of February
		}
		cs = append(cs, c)
	}
	agg, rows := aggregate(march, cs)
	var sumEnd transform.Money
	for _, row := range rows {
		sumEnd += row.End
	}
	sums := map[string]transform.MRRMonthly{}
	for _, tr := range agg.Totals() {
		if !tr.BridgeHolds() {
			t.Errorf("bridge of %s=%s does not hold: %+v", tr.Dimension, tr.Member, tr)
		}
		if tr.MRRFX != tr.SumStart-tr.MRRStart {
			t.Errorf("%s=%s: mrr_fx %v, want Σs − mrr_start = %v", tr.Dimension, tr.Member, tr.MRRFX, tr.SumStart-tr.MRRStart)
		}
		s := sums[tr.Dimension]
		s.Dimension, s.Member, s.Month, s.Currency = tr.Dimension, "all", tr.Month, tr.Currency
		s.CustomersStart += tr.CustomersStart
		s.CustomersNew += tr.CustomersNew
		s.CustomersReactivated += tr.CustomersReactivated
		s.CustomersExpanded += tr.CustomersExpanded
		s.CustomersContracted += tr.CustomersContracted
		s.CustomersChurned += tr.CustomersChurned
		s.CustomersEnd += tr.CustomersEnd
		s.MRRStart += tr.MRRStart
		s.SumStart += tr.SumStart
		s.MRRFX += tr.MRRFX
		s.MRRNew += tr.MRRNew
		s.MRRReactivation += tr.MRRReactivation
		s.MRRExpansion += tr.MRRExpansion
		s.MRRContraction += tr.MRRContraction
		s.MRRChurned += tr.MRRChurned
		s.MRREnd += tr.MRREnd
		sums[tr.Dimension] = s
	}
	all := sums["all"]
	if all.MRREnd != sumEnd {
		t.Errorf("all mrr_end %v, want the sum of customer ends %v", all.MRREnd, sumEnd)
	}
	for _, dim := range transform.Dimensions {
		s := sums[dim]
		s.Dimension = "all"
		if diff := cmp.Diff(all, s); diff != "" {
			t.Errorf("the members of %s do not add up to the all row (-all +sum)\n%s", dim, diff)
		}
	}
}

func TestBridgeHolds(t *testing.T) {
	t.Parallel()
	agg, _ := aggregate(march, example())
	tests := []struct {
		name   string
		tamper func(*transform.MRRMonthly)
		want   bool
	}{
		{name: "an aggregated row holds", tamper: func(*transform.MRRMonthly) {}, want: true},
		{name: "one cent off the end breaks it", tamper: func(r *transform.MRRMonthly) { r.MRREnd++ }, want: false},
		{name: "contraction counted with the wrong sign breaks it", tamper: func(r *transform.MRRMonthly) { r.MRRContraction = -r.MRRContraction }, want: false},
		{name: "a dropped fx line breaks it", tamper: func(r *transform.MRRMonthly) { r.MRRFX = 0 }, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := agg.Totals()[0]
			tt.tamper(&r)
			if got := r.BridgeHolds(); got != tt.want {
				t.Errorf("BridgeHolds = %v, want %v", got, tt.want)
			}
		})
	}
}
