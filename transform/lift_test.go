package transform

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// round5 rounds to 5 decimals, the precision GrowthBook's tests assert.
func round5(x float64) float64 { return math.Round(x*1e5) / 1e5 }

type effect5 struct{ Estimate, CILow, CIHigh, PValue float64 }

func rounded(e *LiftEffect) *effect5 {
	if e == nil {
		return nil
	}
	return &effect5{round5(e.Estimate), round5(e.CILow), round5(e.CIHigh), round5(e.PValue)}
}

func ptr(x float64) *float64 { return &x }

func TestLiftTestGrowthBookVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		kind     LiftKind
		a, b     LiftArm
		abs, rel *effect5
	}{
		{
			// gbstats tests/frequentist/test_tests.py: test_two_sided_ttest
			// and test_two_sided_ttest_absolute (mean 0.41, sd 3.9 vs 0.7, 6.2).
			name: "means from sums and sums of squares",
			kind: LiftMean,
			a:    LiftArm{N: 3407, Sum: 1396.87, SumSquares: 52377.9767},
			b:    LiftArm{N: 3461, Sum: 2422.7, SumSquares: 134698.29},
			abs:  &effect5{0.29, 0.04538, 0.53462, 0.02016},
			rel:  &effect5{0.70732, -0.03526, 1.44989, 0.06191},
		},
		{
			// test_two_sided_ttest_binom: only the relative effect is published;
			// the absolute one is checked against the same formulas by hand:
			// SE² = .25/28 + (16/30)(14/30)/30, df from Welch–Satterthwaite.
			name: "proportions 14/28 vs 16/30",
			kind: LiftProportion,
			a:    LiftArm{N: 28, Sum: 14},
			b:    LiftArm{N: 30, Sum: 16},
			rel:  &effect5{0.06667, -0.47767, 0.61101, 0.80707},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := LiftTest(tt.kind, tt.a, tt.b)
			if got.Reason != "" {
				t.Fatalf("reason %q, want none", got.Reason)
			}
			if tt.abs != nil {
				if diff := cmp.Diff(tt.abs, rounded(got.Abs)); diff != "" {
					t.Errorf("absolute effect (-want +got):\n%s", diff)
				}
			}
			if diff := cmp.Diff(tt.rel, rounded(got.Rel)); diff != "" {
				t.Errorf("relative effect (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLiftTestProportionAbsolute(t *testing.T) {
	t.Parallel()
	got := LiftTest(LiftProportion, LiftArm{N: 28, Sum: 14}, LiftArm{N: 30, Sum: 16})
	va, vb := 0.25, (16.0/30)*(14.0/30)
	sa, sb := va/28, vb/30
	df := (sa + sb) * (sa + sb) / (sa*sa/27 + sb*sb/29)
	want := LiftResult{
		Kind: LiftProportion, Control: LiftArm{N: 28, Sum: 14}, Treatment: LiftArm{N: 30, Sum: 16},
		ControlMean: ptr(0.5), TreatmentMean: ptr(16.0 / 30), ControlVar: ptr(va), TreatmentVar: ptr(vb),
		DF: ptr(df), LowSample: true,
		Abs: &LiftEffect{Estimate: 16.0/30 - 0.5, StdErr: math.Sqrt(sa + sb)},
		Rel: &LiftEffect{Estimate: (16.0/30 - 0.5) / 0.5, StdErr: 0.2717},
	}
	opts := cmp.Options{
		cmpopts.EquateApprox(0, 1e-4),
		cmpopts.IgnoreFields(LiftEffect{}, "CILow", "CIHigh", "PValue"),
	}
	if diff := cmp.Diff(want, got, opts); diff != "" {
		t.Errorf("LiftTest (-want +got):\n%s", diff)
	}
	// The interval is symmetric around the estimate and excludes 0 iff p < 0.05.
	for _, e := range []*LiftEffect{got.Abs, got.Rel} {
		if d := (e.CIHigh - e.Estimate) - (e.Estimate - e.CILow); math.Abs(d) > 1e-12 {
			t.Errorf("interval %v not symmetric around %v", [2]float64{e.CILow, e.CIHigh}, e.Estimate)
		}
		if (e.CILow > 0 || e.CIHigh < 0) != (e.PValue < 0.05) {
			t.Errorf("interval %v and p %v disagree", [2]float64{e.CILow, e.CIHigh}, e.PValue)
		}
	}
}

// sameValues sums n members who each have value x, one at a time, as the
// warehouse would: for 300 × 19.99 the variance formula leaves +4.6e-12 of
// rounding noise, not 0.
func sameValues(n int64, x float64) LiftArm {
	a := LiftArm{N: n, Events: n}
	for range n {
		a.Sum += x
		a.SumSquares += x * x
	}
	return a
}

func TestLiftTestGuards(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		kind      LiftKind
		a, b      LiftArm
		wantAbs   bool
		wantRel   bool
		reason    string
		lowSample bool
	}{
		{
			name: "one member in control", kind: LiftMean,
			a: LiftArm{N: 1, Sum: 5, SumSquares: 25, Events: 1}, b: LiftArm{N: 500, Sum: 50, SumSquares: 400, Events: 20},
			reason: "fewer than 2 members in the control arm", lowSample: true,
		},
		{
			name: "empty treatment", kind: LiftProportion,
			a: LiftArm{N: 500, Sum: 50}, b: LiftArm{},
			reason: "fewer than 2 members in the treatment arm", lowSample: true,
		},
		{
			name: "no conversions in control is zero variance", kind: LiftProportion,
			a: LiftArm{N: 500, Sum: 0}, b: LiftArm{N: 500, Sum: 20},
			reason: "zero variance in the control arm", lowSample: true,
		},
		{
			name: "everyone converted in treatment is zero variance", kind: LiftProportion,
			a: LiftArm{N: 500, Sum: 250}, b: LiftArm{N: 500, Sum: 500},
			reason: "zero variance in the treatment arm",
		},
		{
			name: "all members spend the same", kind: LiftMean,
			a:      sameValues(300, 19.99),
			b:      sameValues(300, 19.99),
			reason: "zero variance in both arms",
		},
		{
			name: "zero control mean with refunds keeps the absolute effect", kind: LiftMean,
			a:       LiftArm{N: 200, Sum: 0, SumSquares: 2000, Events: 40},
			b:       LiftArm{N: 200, Sum: 100, SumSquares: 3000, Events: 40},
			wantAbs: true, reason: "zero control mean: relative effect undefined",
		},
		{
			name: "nine converters in an arm is low sample", kind: LiftProportion,
			a: LiftArm{N: 1000, Sum: 9}, b: LiftArm{N: 1000, Sum: 30},
			wantAbs: true, wantRel: true, lowSample: true,
		},
		{
			name: "99 members in an arm is low sample", kind: LiftMean,
			a:       LiftArm{N: 99, Sum: 50, SumSquares: 400, Events: 20},
			b:       LiftArm{N: 1000, Sum: 700, SumSquares: 9000, Events: 200},
			wantAbs: true, wantRel: true, lowSample: true,
		},
		{
			name: "100 members and 10 converters is enough", kind: LiftProportion,
			a: LiftArm{N: 100, Sum: 10}, b: LiftArm{N: 100, Sum: 12},
			wantAbs: true, wantRel: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := LiftTest(tt.kind, tt.a, tt.b)
			type summary struct {
				Abs, Rel, LowSample bool
				Reason              string
			}
			want := summary{tt.wantAbs, tt.wantRel, tt.lowSample, tt.reason}
			if diff := cmp.Diff(want, summary{got.Abs != nil, got.Rel != nil, got.LowSample, got.Reason}); diff != "" {
				t.Errorf("LiftTest (-want +got):\n%s", diff)
			}
			if (got.Abs != nil) != (got.DF != nil) {
				t.Errorf("DF %v with absolute effect %v", got.DF, got.Abs)
			}
		})
	}
}

func TestLiftSRM(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		observed []int64
		weights  []float64
		want     float64
		ok       bool
	}{
		// GrowthBook's checkSrm vectors (back-end util/stats tests, gbstats check_srm).
		{"simple 2-way", []int64{1000, 1200}, []float64{0.5, 0.5}, 0.000020079, true},
		{"another 2-way", []int64{135, 115}, []float64{0.5, 0.5}, 0.205903211, true},
		{"uneven weights", []int64{310, 98}, []float64{0.75, 0.25}, 0.647434186, true},
		{"more than 2 arms", []int64{500, 500, 600}, []float64{0.34, 0.33, 0.33}, 0.000592638, true},
		{"zero-weight arm left out", []int64{1000, 1200, 900}, []float64{0.5, 0.5, 0}, 0.000020079, true},
		{"completely equal", []int64{500, 500}, []float64{0.5, 0.5}, 1, true},
		{"one weighted arm", []int64{1000, 900, 800}, []float64{1, 0, 0}, 0, false},
		{"no members", []int64{0, 0}, []float64{0.5, 0.5}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := LiftSRM(tt.observed, tt.weights)
			got = math.Round(got*1e9) / 1e9
			if diff := cmp.Diff([2]any{tt.want, tt.ok}, [2]any{got, ok}); diff != "" {
				t.Errorf("LiftSRM (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLiftCampaignSRM(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		control, treatment int64
		share              *float64
		want               *float64
		reason             string
	}{
		// [310, 98] at 75/25 is GrowthBook's vector: the 75% arm has 310, so
		// it holds for a 310-member control with control_share 0.75 and,
		// mirrored, for a 310-member treatment with control_share 0.25.
		{"control of 310 with a 75% control share", 310, 98, ptr(0.75), ptr(0.647434186), ""},
		{"treatment of 310 with a 25% control share", 98, 310, ptr(0.25), ptr(0.647434186), ""},
		{"control of 310 with a 25% control share is a mismatch", 310, 98, ptr(0.25), ptr(0), ""},
		{"50/50 with 1000 and 1200", 1000, 1200, ptr(0.5), ptr(0.000020079), ""},
		{"unknown share", 1000, 1200, nil, nil, "control_share unknown: no SRM check"},
		{"share of 1", 1000, 0, ptr(1), nil, "control_share 1 is not between 0 and 1: no SRM check"},
		{"no members", 0, 0, ptr(0.5), nil, "no members: no SRM check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, reason := LiftCampaignSRM(tt.control, tt.treatment, tt.share)
			if got != nil {
				*got = math.Round(*got*1e9) / 1e9
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || reason != tt.reason {
				t.Errorf("LiftCampaignSRM = %v, %q; want %v, %q\n%s", got, reason, tt.want, tt.reason, diff)
			}
		})
	}
}

func TestCampaignLifts(t *testing.T) {
	t.Parallel()
	m := NewMonth(2026, 3)
	half := 0.5
	arms := []CampaignArmStats{
		// "b" comes first on purpose: rows are ordered by campaign, not input.
		{CampaignID: "b", Arm: "treatment", Known: true, ControlShare: &half, Members: 40},
		{CampaignID: "a", Arm: "control", Known: true, ControlShare: &half, Members: 1000, MRRMembers: 400, Retained: 360},
		{CampaignID: "a", Arm: "treatment", Known: true, ControlShare: &half, Members: 1200, MRRMembers: 500, Retained: 470},
		{CampaignID: "a", Arm: "holdout", Known: true, ControlShare: &half, Members: 7},
		{CampaignID: "c", Arm: "control", Known: true, Members: 3},
		{CampaignID: "c", Arm: "treatment", Known: true, Members: 3},
		{CampaignID: "zz", Arm: "control", Known: false, Members: 5},
	}
	events := []CampaignEventStats{
		{CampaignID: "a", Arm: "treatment", Event: "visit", Members: 300, Occurrences: 450},
		{CampaignID: "a", Arm: "control", Event: "visit", Members: 200, Occurrences: 260},
		// Only the treatment arm purchased: the control arm counts as zeros.
		{CampaignID: "a", Arm: "treatment", Event: "purchase", Members: 30, Occurrences: 31, Sum: 1500, SumSquares: 90000},
		{CampaignID: "a", Arm: "holdout", Event: "upgrade", Members: 7, Occurrences: 7, Sum: 7, SumSquares: 7},
		{CampaignID: "b", Arm: "treatment", Event: "visit", Members: 10, Occurrences: 10},
	}
	rows, issues := CampaignLifts(m, arms, events)

	type row struct {
		Campaign, Metric string
		Kind             LiftKind
		NC, NT           int64
		ControlMean      *float64
		HasAbs, HasRel   bool
		HasSRM           bool
		LowSample        bool
		Reason           string
	}
	var got []row
	for _, r := range rows {
		if r.Month != m {
			t.Errorf("%s %s: month %s, want %s", r.CampaignID, r.Metric, r.Month, m)
		}
		got = append(got, row{r.CampaignID, r.Metric, r.Kind, r.Control.N, r.Treatment.N, r.ControlMean,
			r.Abs != nil, r.Rel != nil, r.SRMPValue != nil, r.LowSample, r.Reason})
	}
	want := []row{
		{"a", "_campaign", LiftCampaignKind, 1000, 1200, nil, false, false, true, false, ""},
		{"a", "purchase_rate", LiftProportion, 1000, 1200, ptr(0), false, false, true, true, "zero variance in the control arm"},
		{"a", "purchase_per_member", LiftMean, 1000, 1200, ptr(0), false, false, true, true, "zero variance in the control arm"},
		{"a", "visit_rate", LiftProportion, 1000, 1200, ptr(0.2), true, true, true, false, ""},
		{"a", "visit_per_member", LiftMean, 1000, 1200, ptr(0), false, false, true, false, "zero variance in both arms"},
		{"a", "retained", LiftProportion, 400, 500, ptr(0.9), true, true, true, false, ""},
		{"b", "_campaign", LiftCampaignKind, 0, 40, nil, false, false, false, true, "no control arm"},
		{"c", "_campaign", LiftCampaignKind, 3, 3, nil, false, false, false, true, "control_share unknown: no SRM check"},
		{"c", "retained", LiftProportion, 0, 0, nil, false, false, false, true, "no members with MRR when assigned in an arm"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	wantIssues := []CampaignQualityIssue{
		{Check: CampaignCheckUnknownArm, Rows: 7, Example: `campaign "a" arm "holdout": 7 member(s)`},
		{Check: CampaignCheckUnknownCampaign, Rows: 5, Example: `campaign "zz" (arm "control"): 5 member(s)`},
	}
	if diff := cmp.Diff(wantIssues, issues); diff != "" {
		t.Errorf("issues (-want +got):\n%s", diff)
	}
	// The SRM p-value of campaign a is the 50/50 check of 1000 vs 1200 on
	// every one of its rows, whatever the metric's own n.
	for _, r := range rows[:6] {
		if r.SRMPValue == nil || math.Abs(*r.SRMPValue-0.000020079) > 1e-9 {
			t.Errorf("a %s: SRM %v, want 0.000020079", r.Metric, r.SRMPValue)
		}
	}
}
