package transform

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var surveyApprox = cmpopts.EquateApprox(0, 1e-9)

// npsCell builds an NPS cell from band counts; Sum and SumSquares are not
// used by NPS.
func npsCell(m Month, prom, pass, det int) SurveyCell {
	return SurveyCell{Month: m, Type: SurveyNPS, Dimension: "all", Member: "all",
		Responses: prom + pass + det, Positive: prom, Neutral: pass, Negative: det}
}

// cesCell builds a CES cell from individual answers on the default scale.
func cesCell(m Month, answers ...int) SurveyCell {
	c := SurveyCell{Month: m, Type: SurveyCES, Dimension: "all", Member: "all", Responses: len(answers)}
	cfg := DefaultSurveyConfig()
	for _, a := range answers {
		c.Sum += int64(a)
		c.SumSquares += int64(a * a)
		switch cfg.SurveyBand(SurveyCES, a) {
		case 1:
			c.Positive++
		case -1:
			c.Negative++
		default:
			c.Neutral++
		}
	}
	return c
}

func TestSurveyScore(t *testing.T) {
	t.Parallel()
	m := NewMonth(2026, 1)
	cfg := DefaultSurveyConfig()
	tests := []struct {
		name string
		cell SurveyCell
		want SurveyStat
	}{
		{
			name: "worked case: 10 promoters 5 passives 5 detractors is 25 with se 18.54",
			cell: npsCell(m, 10, 5, 5),
			want: SurveyStat{Score: 25, StdError: 100 * math.Sqrt((0.5+0.25-0.0625)/20), OK: true},
		},
		{
			name: "NPS all detractors is -100 with zero se",
			cell: npsCell(m, 0, 0, 7),
			want: SurveyStat{Score: -100, StdError: 0, OK: true},
		},
		{
			name: "CSAT is the share of 4s and 5s with se from p(1-p)/n",
			cell: SurveyCell{Type: SurveyCSAT, Responses: 10, Positive: 8, Neutral: 1, Negative: 1},
			want: SurveyStat{Score: 80, StdError: 100 * math.Sqrt(0.8*0.2/10), OK: true},
		},
		{
			name: "CES is the mean with se = sample sd / sqrt(n)",
			cell: cesCell(m, 1, 2, 3, 4, 5), // mean 3, sample variance 2.5
			want: SurveyStat{Score: 3, StdError: math.Sqrt(2.5) / math.Sqrt(5), OK: true},
		},
		{
			name: "CES with identical answers has zero se",
			cell: cesCell(m, 4, 4, 4, 4, 4, 4),
			want: SurveyStat{Score: 4, StdError: 0, OK: true},
		},
		{
			name: "four responses are suppressed",
			cell: npsCell(m, 4, 0, 0),
			want: SurveyStat{},
		},
		{
			name: "five responses are not suppressed",
			cell: npsCell(m, 5, 0, 0),
			want: SurveyStat{Score: 100, StdError: 0, OK: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, cfg.SurveyScore(tt.cell), surveyApprox); diff != "" {
				t.Errorf("SurveyScore (-want +got):\n%s", diff)
			}
		})
	}
	if got := cfg.SurveyScore(npsCell(m, 10, 5, 5)).StdError; math.Abs(got-18.54) > 0.005 {
		t.Errorf("worked case se = %.4f, want ≈ 18.54", got)
	}
}

func TestSurveyZTest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                   string
		cur, seCur, prev, sePr float64
		want                   float64
	}{
		{"z = 1.96 is p = 0.05", 1.959963984540054, 1, 0, 0, 0.05},
		{"sign does not matter: two-sided", 0, 0, 1.959963984540054, 1, 0.05},
		{"standard errors combine in quadrature (3-4-5)", 5, 3, 0, 4, 2 * 0.15865525393145707}, // z = 1
		{"no difference is p = 1", 7, 2, 7, 2, 1},
		{"zero se and no difference is p = 1", 100, 0, 100, 0, 1},
		{"zero se and a difference is p = 0", 100, 0, 90, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := SurveyZTest(tt.cur, tt.seCur, tt.prev, tt.sePr)
			if math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("SurveyZTest = %.12f, want %.12f", got, tt.want)
			}
		})
	}
}

func TestSurveyRow(t *testing.T) {
	t.Parallel()
	m := NewMonth(2026, 2)
	p := m.Add(-1)
	cfg := DefaultSurveyConfig()
	f := func(v float64) *float64 { return &v }
	b := func(v bool) *bool { return &v }
	z := surveyZ975()

	// 40 responses each: 25 (se 13.11) then 62.5 (se 11.00).
	prev40, cur40 := npsCell(p, 20, 10, 10), npsCell(m, 30, 5, 5)
	sePrev := 100 * math.Sqrt((0.75-0.0625)/40)
	seCur := 100 * math.Sqrt((0.875-0.625*0.625)/40)
	pv := 2 * (1 - 0.5*(1+math.Erf(37.5/math.Sqrt(sePrev*sePrev+seCur*seCur)/math.Sqrt2)))

	seWorked := 100 * math.Sqrt((0.5+0.25-0.0625)/20)
	tests := []struct {
		name      string
		cur, prev SurveyCell
		hasPrev   bool
		want      SurveyMonthly
	}{
		{
			name: "worked case without a previous month: 95% interval, low sample",
			cur:  npsCell(m, 10, 5, 5),
			want: SurveyMonthly{Month: m, Type: SurveyNPS, Dimension: "all", Member: "all",
				Responses: 20, Positive: 10, Neutral: 5, Negative: 5,
				Score: f(25), StdError: f(seWorked), CILow: f(25 - z*seWorked), CIHigh: f(25 + z*seWorked),
				LowSample: true},
		},
		{
			name: "both months at 30+: delta, p-value and significance",
			cur:  cur40, prev: prev40, hasPrev: true,
			want: SurveyMonthly{Month: m, Type: SurveyNPS, Dimension: "all", Member: "all",
				Responses: 40, Positive: 30, Neutral: 5, Negative: 5,
				Score: f(62.5), StdError: f(seCur), CILow: f(62.5 - z*seCur), CIHigh: f(62.5 + z*seCur),
				PrevResponses: 40, PrevScore: f(25), Delta: f(37.5), PValue: f(pv), Significant: b(true)},
		},
		{
			name: "a previous month of 29 gives a delta but no p-value",
			cur:  cur40, prev: npsCell(p, 15, 7, 7), hasPrev: true,
			want: SurveyMonthly{Month: m, Type: SurveyNPS, Dimension: "all", Member: "all",
				Responses: 40, Positive: 30, Neutral: 5, Negative: 5,
				Score: f(62.5), StdError: f(seCur), CILow: f(62.5 - z*seCur), CIHigh: f(62.5 + z*seCur),
				PrevResponses: 29, PrevScore: f(100 * 8.0 / 29), Delta: f(62.5 - 100*8.0/29)},
		},
		{
			name: "a suppressed previous month: no previous score, no delta",
			cur:  cur40, prev: npsCell(p, 4, 0, 0), hasPrev: true,
			want: SurveyMonthly{Month: m, Type: SurveyNPS, Dimension: "all", Member: "all",
				Responses: 40, Positive: 30, Neutral: 5, Negative: 5,
				Score: f(62.5), StdError: f(seCur), CILow: f(62.5 - z*seCur), CIHigh: f(62.5 + z*seCur),
				PrevResponses: 4},
		},
		{
			name: "a suppressed month keeps its counts and the previous score but no score or delta",
			cur:  SurveyCell{Month: m, Type: SurveyNPS, Dimension: "segment", Member: "SMB", Responses: 4, Skipped: 3, Positive: 1, Negative: 3},
			prev: npsCell(p, 20, 10, 10), hasPrev: true,
			want: SurveyMonthly{Month: m, Type: SurveyNPS, Dimension: "segment", Member: "SMB",
				Responses: 4, Skipped: 3, Positive: 1, Negative: 3, PrevResponses: 40, PrevScore: f(25)},
		},
		{
			name: "the interval is clamped to the NPS scale",
			cur:  npsCell(m, 4, 0, 1), // 60 ± 70
			want: SurveyMonthly{Month: m, Type: SurveyNPS, Dimension: "all", Member: "all",
				Responses: 5, Positive: 4, Negative: 1,
				Score: f(60), StdError: f(100 * math.Sqrt(0.128)), CILow: f(60 - z*100*math.Sqrt(0.128)), CIHigh: f(100),
				LowSample: true},
		},
		{
			name: "the interval is clamped to the CSAT scale",
			cur:  SurveyCell{Month: m, Type: SurveyCSAT, Dimension: "all", Member: "all", Responses: 5, Positive: 1, Negative: 4},
			want: SurveyMonthly{Month: m, Type: SurveyCSAT, Dimension: "all", Member: "all",
				Responses: 5, Positive: 1, Negative: 4,
				Score: f(20), StdError: f(100 * math.Sqrt(0.16/5)), CILow: f(0), CIHigh: f(20 + z*100*math.Sqrt(0.16/5)),
				LowSample: true},
		},
		{
			name: "the interval is clamped to the CES scale",
			cur:  cesCell(m, 5, 5, 5, 5, 0), // mean 4, se 1
			want: SurveyMonthly{Month: m, Type: SurveyCES, Dimension: "all", Member: "all",
				Responses: 5, Positive: 4, Negative: 1,
				Score: f(4), StdError: f(1), CILow: f(4 - z), CIHigh: f(5),
				LowSample: true},
		},
		{
			name: "30 responses are not a low sample",
			cur:  npsCell(m, 30, 0, 0),
			want: SurveyMonthly{Month: m, Type: SurveyNPS, Dimension: "all", Member: "all",
				Responses: 30, Positive: 30, Score: f(100), StdError: f(0), CILow: f(100), CIHigh: f(100)},
		},
		{
			name: "a skip-only cell has a row with no score",
			cur:  SurveyCell{Month: m, Type: SurveyCSAT, Dimension: "touchpoint", Member: None, Skipped: 2},
			want: SurveyMonthly{Month: m, Type: SurveyCSAT, Dimension: "touchpoint", Member: None, Skipped: 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := cfg.SurveyRow(tt.cur, tt.prev, tt.hasPrev)
			if diff := cmp.Diff(tt.want, got, surveyApprox); diff != "" {
				t.Errorf("SurveyRow (-want +got):\n%s", diff)
			}
		})
	}
	if pv < 0.02 || pv > 0.04 {
		t.Errorf("sanity: p-value of 25 -> 62.5 at n = 40 is %.4f, want about 0.028", pv)
	}
}

func TestSurveyBand(t *testing.T) {
	t.Parallel()
	def := DefaultSurveyConfig()
	seven := SurveyConfig{CESMin: 1, CESMax: 7, CESEasy: 5}
	tests := []struct {
		name  string
		cfg   SurveyConfig
		typ   SurveyType
		bands map[int]int // answer -> band
	}{
		{"NPS: 0-6 detractors, 7-8 passives, 9-10 promoters", def, SurveyNPS,
			map[int]int{0: -1, 6: -1, 7: 0, 8: 0, 9: 1, 10: 1}},
		{"CSAT: 1-2 negative, 3 neutral, 4-5 positive", def, SurveyCSAT,
			map[int]int{1: -1, 2: -1, 3: 0, 4: 1, 5: 1}},
		{"CES 0-5: 0-2 hard (below the midpoint 2.5), 3 middle, 4-5 easy", def, SurveyCES,
			map[int]int{0: -1, 2: -1, 3: 0, 4: 1, 5: 1}},
		{"CES 1-7 easy from 5: 1-3 hard, 4 (the midpoint) middle", seven, SurveyCES,
			map[int]int{1: -1, 3: -1, 4: 0, 5: 1, 7: 1}},
		{"CES easy threshold below the midpoint: easy wins", SurveyConfig{CESMin: 0, CESMax: 5, CESEasy: 2}, SurveyCES,
			map[int]int{1: -1, 2: 1, 3: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := map[int]int{}
			for a := range tt.bands {
				got[a] = tt.cfg.SurveyBand(tt.typ, a)
			}
			if diff := cmp.Diff(tt.bands, got); diff != "" {
				t.Errorf("bands (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSurveyConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      SurveyConfig
		want    SurveyConfig
		wantErr bool
	}{
		{"zero is 0-5 easy from 4", SurveyConfig{}, SurveyConfig{0, 5, 4}, false},
		{"a 1-7 scale keeps its threshold", SurveyConfig{1, 7, 6}, SurveyConfig{1, 7, 6}, false},
		{"a 1-7 scale without a threshold is invalid", SurveyConfig{1, 7, 0}, SurveyConfig{1, 7, 0}, true},
		{"an easy threshold above the scale is invalid", SurveyConfig{0, 5, 6}, SurveyConfig{0, 5, 6}, true},
		{"a reversed scale is invalid", SurveyConfig{5, 1, 4}, SurveyConfig{5, 1, 4}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.in.WithDefaults()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("WithDefaults (-want +got):\n%s", diff)
			}
			if err := got.Validate(); (err != nil) != tt.wantErr {
				t.Errorf("Validate() = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func TestSurveyAggregator(t *testing.T) {
	t.Parallel()
	m := NewMonth(2026, 2)
	a := NewSurveyAggregator(m, DefaultSurveyConfig())
	cells := []SurveyCell{
		{Month: m, Type: SurveyCES, Dimension: "all", Member: "all", Responses: 1, Positive: 1, Sum: 5, SumSquares: 25},
		{Month: m, Type: SurveyNPS, Dimension: "touchpoint", Member: "support", Responses: 1, Positive: 1},
		{Month: m, Type: SurveyNPS, Dimension: "segment", Member: "SMB", Responses: 1, Negative: 1},
		{Month: m, Type: SurveyNPS, Dimension: "segment", Member: None, Responses: 1, Negative: 1},
		{Month: m, Type: SurveyNPS, Dimension: "all", Member: "all", Responses: 3, Positive: 1, Negative: 2},
		{Month: m.Add(-1), Type: SurveyNPS, Dimension: "all", Member: "all", Responses: 7, Positive: 7},
		{Month: m.Add(-1), Type: SurveyCSAT, Dimension: "all", Member: "all", Responses: 9, Positive: 9},
	}
	for _, c := range cells {
		if err := a.Add(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Add(SurveyCell{Month: m.Add(-2), Type: SurveyNPS}); err == nil {
		t.Error("Add of a cell two months back: want an error")
	}
	type key struct {
		Type              SurveyType
		Dimension, Member string
		PrevResponses     int
	}
	var got []key
	for _, r := range a.Rows() {
		got = append(got, key{r.Type, r.Dimension, r.Member, r.PrevResponses})
	}
	want := []key{
		{SurveyNPS, "all", "all", 7},
		{SurveyNPS, "segment", None, 0},
		{SurveyNPS, "segment", "SMB", 0},
		{SurveyNPS, "touchpoint", "support", 0},
		{SurveyCES, "all", "all", 0},
		// CSAT had answers only in the previous month: no row for M.
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestParseSurveyScale(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		lo, hi  int
		wantErr bool
	}{
		{"0-5", 0, 5, false},
		{" 1 - 7 ", 1, 7, false},
		{"5-1", 0, 0, true},
		{"5", 0, 0, true},
		{"a-b", 0, 0, true},
	}
	for _, tt := range tests {
		lo, hi, err := ParseSurveyScale(tt.in)
		if lo != tt.lo || hi != tt.hi || (err != nil) != tt.wantErr {
			t.Errorf("ParseSurveyScale(%q) = %d, %d, %v; want %d, %d, error %v", tt.in, lo, hi, err, tt.lo, tt.hi, tt.wantErr)
		}
	}
}
