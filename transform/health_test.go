package transform

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// healthHealthy is a customer whose every component is 100: an NPS 10,
// invoices paid, no tickets, flat MRR, steady usage.
func healthHealthy() HealthFeatures {
	steady := HealthUsage{ActiveUsers: 10, Events: 100}
	return HealthFeatures{
		CustomerID:   "c1",
		MRRStart:     100000,
		MRREnd:       100000,
		SentimentNPS: &HealthAnswer{ResponseID: "r1", Score: 10},
		Invoices:     3,
		Usage:        [4]HealthUsage{steady, steady, steady, steady},
	}
}

func healthScorer(t *testing.T, cfg HealthConfig) *HealthScorer {
	t.Helper()
	s, err := NewHealthScorer(NewMonth(2026, 1), cfg, SurveyConfig{}, "USD")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// healthSummary is what TestHealthScore compares: the score, band and
// component scores and effective weights, and the signals without evidence.
type healthSummary struct {
	Score       float64
	Band        HealthBand
	Components  map[string][2]float64 // score (-1 missing), effective weight
	ForcedRedBy []string
	Signals     []string // signal:severity
}

func healthSummarize(r HealthResult) healthSummary {
	s := healthSummary{Score: r.Score, Band: r.Band, Components: map[string][2]float64{}, ForcedRedBy: r.Components.ForcedRedBy}
	for name, c := range map[string]HealthComponent{
		"sentiment": r.Components.Sentiment, "billing": r.Components.Billing, "support": r.Components.Support,
		"mrr_trend": r.Components.MRRTrend, "usage": r.Components.Usage,
	} {
		v := -1.0
		if c.Score != nil {
			v = *c.Score
		}
		s.Components[name] = [2]float64{v, c.EffectiveWeight}
	}
	for _, sg := range r.Signals {
		s.Signals = append(s.Signals, sg.Signal+":"+sg.Severity)
	}
	return s
}

func TestHealthScore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  HealthConfig
		edit func(*HealthFeatures)
		want healthSummary
	}{
		{
			name: "all components 100 is 100 and green",
			edit: func(*HealthFeatures) {},
			want: healthSummary{Score: 100, Band: HealthGreen, Components: map[string][2]float64{
				"sentiment": {100, 0.3}, "billing": {100, 0.2}, "support": {100, 0.15}, "mrr_trend": {100, 0.2}, "usage": {100, 0.15}}},
		},
		{
			name: "default weights: 30×50 + 20×70 + 15×70 + 20×80 + 15×80 = 67.5, yellow",
			edit: func(f *HealthFeatures) {
				f.SentimentNPS = &HealthAnswer{ResponseID: "r1", Score: 5} // 50
				f.FailedPayments = 1                                       // 70
				f.Tickets, f.TicketLoad = 2, 3                             // 70
				f.MRREnd = 90000                                           // -10%: 80
				f.Usage[3] = HealthUsage{ActiveUsers: 8, Events: 100}      // 0.8: 80
			},
			want: healthSummary{Score: 67.5, Band: HealthYellow, Components: map[string][2]float64{
				"sentiment": {50, 0.3}, "billing": {70, 0.2}, "support": {70, 0.15}, "mrr_trend": {80, 0.2}, "usage": {80, 0.15}},
				Signals: []string{"payment_failed:warning", "mrr_contraction:warning"}},
		},
		{
			name: "sentiment is the mean of the latest NPS, CSAT and CES, each on 0-100",
			cfg:  HealthConfig{Weights: HealthWeights{Sentiment: 1}},
			edit: func(f *HealthFeatures) {
				f.SentimentNPS = &HealthAnswer{ResponseID: "n", Score: 7}  // 70
				f.SentimentCSAT = &HealthAnswer{ResponseID: "c", Score: 4} // 75
				f.SentimentCES = &HealthAnswer{ResponseID: "e", Score: 2}  // 40 on 0-5
			},
			want: healthSummary{Score: 61.7, Band: HealthYellow, Components: map[string][2]float64{
				"sentiment": {61.7, 1}, "billing": {100, 0}, "support": {100, 0}, "mrr_trend": {100, 0}, "usage": {100, 0}}},
		},
		{
			name: "missing components' weights are spread over the others",
			edit: func(f *HealthFeatures) {
				f.SentimentNPS = nil           // no answers
				f.Invoices = 0                 // no invoices
				f.MRRStart = 0                 // new this month
				f.Usage = [4]HealthUsage{}     // no usage
				f.Tickets, f.TicketLoad = 3, 3 // 70
			},
			want: healthSummary{Score: 70, Band: HealthGreen, Components: map[string][2]float64{
				"sentiment": {-1, 0}, "billing": {-1, 0}, "support": {70, 1}, "mrr_trend": {-1, 0}, "usage": {-1, 0}}},
		},
		{
			name: "missing sentiment: the other four share its 30",
			edit: func(f *HealthFeatures) {
				f.SentimentNPS = nil
				f.Tickets, f.TicketLoad = 10, 10 // support 0
			},
			// (20 + 20 + 15) × 100 / 70
			want: healthSummary{Score: 78.6, Band: HealthGreen, Components: map[string][2]float64{
				"sentiment": {-1, 0}, "billing": {100, 0.2857}, "support": {0, 0.2143}, "mrr_trend": {100, 0.2857}, "usage": {100, 0.2143}}},
		},
		{
			name: "39.9 is red",
			cfg:  HealthConfig{Weights: HealthWeights{Sentiment: 1, Usage: 1}},
			edit: func(f *HealthFeatures) {
				f.SentimentNPS = &HealthAnswer{ResponseID: "r", Score: 0} // 0
				f.Usage[3] = HealthUsage{ActiveUsers: 7.98, Events: 1000} // 79.8, no usage drop
			},
			want: healthSummary{Score: 39.9, Band: HealthRed, Components: map[string][2]float64{
				"sentiment": {0, 0.5}, "billing": {100, 0}, "support": {100, 0}, "mrr_trend": {100, 0}, "usage": {79.8, 0.5}}},
		},
		{
			name: "exactly 40 is yellow",
			cfg:  HealthConfig{Weights: HealthWeights{Sentiment: 1, Support: 1}},
			edit: func(f *HealthFeatures) {
				f.SentimentNPS = &HealthAnswer{ResponseID: "r", Score: 0}
				f.TicketLoad = 2 // 80
			},
			want: healthSummary{Score: 40, Band: HealthYellow, Components: map[string][2]float64{
				"sentiment": {0, 0.5}, "billing": {100, 0}, "support": {80, 0.5}, "mrr_trend": {100, 0}, "usage": {100, 0}}},
		},
		{
			name: "69.95 rounds to 70.0 and is green",
			cfg:  HealthConfig{Weights: HealthWeights{Sentiment: 1, Usage: 1}},
			edit: func(f *HealthFeatures) {
				f.SentimentNPS = &HealthAnswer{ResponseID: "r", Score: 4} // 40
				f.Usage[3] = HealthUsage{ActiveUsers: 9.99, Events: 1000} // 99.9
			},
			want: healthSummary{Score: 70, Band: HealthGreen, Components: map[string][2]float64{
				"sentiment": {40, 0.5}, "billing": {100, 0}, "support": {100, 0}, "mrr_trend": {100, 0}, "usage": {99.9, 0.5}}},
		},
		{
			name: "a critical signal makes a score of 100 red",
			edit: func(f *HealthFeatures) {
				f.Documents = []HealthDocument{{Kind: "ticket", ID: "T-1", Text: "Can I get a copy of our contract?"}}
			},
			want: healthSummary{Score: 100, Band: HealthRed, Components: map[string][2]float64{
				"sentiment": {100, 0.3}, "billing": {100, 0.2}, "support": {100, 0.15}, "mrr_trend": {100, 0.2}, "usage": {100, 0.15}},
				ForcedRedBy: []string{"contract_request"}, Signals: []string{"contract_request:critical"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := healthHealthy()
			tt.edit(&f)
			got := healthSummarize(healthScorer(t, tt.cfg).Score(f))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Score (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHealthSignals(t *testing.T) {
	t.Parallel()
	ticket := func(id, text string) HealthDocument { return HealthDocument{Kind: "ticket", ID: id, Text: text} }
	tests := []struct {
		name string
		edit func(*HealthFeatures)
		want []HealthSignal
	}{
		{
			name: "contract request names the ticket, the quote and the phrase, and the other tickets",
			edit: func(f *HealthFeatures) {
				f.Documents = []HealthDocument{
					ticket("T-7", "Login issue\nI cannot log in"),
					ticket("T-9", "Contract question\nHi! Can I get a copy of our contract? Thanks"),
					ticket("T-12", "Please send the contract copy"),
				}
			},
			want: []HealthSignal{{HealthContractRequest, HealthCritical,
				`ticket T-9 asks for a copy of the contract: "Can I get a copy of our contract?" (matched "copy of our contract"); also ticket T-12`}},
		},
		{
			name: "cancel intent in a survey comment",
			edit: func(f *HealthFeatures) {
				f.Documents = []HealthDocument{{Kind: "survey comment", ID: "R-3", Text: "Too expensive, we will not renew."}}
			},
			want: []HealthSignal{{HealthCancelIntent, HealthCritical,
				`survey comment R-3 states an intent to cancel or not renew: "Too expensive, we will not renew." (matched "not * renew*")`}},
		},
		{
			name: "a cancelled meeting is no signal",
			edit: func(f *HealthFeatures) {
				f.Documents = []HealthDocument{ticket("T-1", "I cancelled my meeting, can we reschedule?")}
			},
		},
		{
			name: "a detractor: NPS 6 in the month",
			edit: func(f *HealthFeatures) { f.NPSLowest = &HealthAnswer{ResponseID: "R-1", Score: 6} },
			want: []HealthSignal{{HealthDetractor, HealthWarning, "NPS 6 in response R-1 (a detractor: 0-6)"}},
		},
		{
			name: "an NPS 7 is no detractor",
			edit: func(f *HealthFeatures) { f.NPSLowest = &HealthAnswer{ResponseID: "R-1", Score: 7} },
		},
		{
			name: "promoter to detractor is a critical score drop",
			edit: func(f *HealthFeatures) {
				f.NPSLatest, f.NPSPrevious = &HealthAnswer{"R-2", 6}, &HealthAnswer{"R-1", 9}
				f.NPSLowest = f.NPSLatest
			},
			want: []HealthSignal{
				{HealthDetractor, HealthWarning, "NPS 6 in response R-2 (a detractor: 0-6)"},
				{HealthScoreDrop, HealthCritical, "NPS 6 (response R-2) after 9 (response R-1): a promoter became a detractor"},
			},
		},
		{
			name: "a smaller NPS drop and a CSAT drop are one warning",
			edit: func(f *HealthFeatures) {
				f.NPSLatest, f.NPSPrevious = &HealthAnswer{"R-2", 7}, &HealthAnswer{"R-1", 8}
				f.CSATLatest, f.CSATPrevious = &HealthAnswer{"C-2", 4}, &HealthAnswer{"C-1", 5}
			},
			want: []HealthSignal{{HealthScoreDrop, HealthWarning, "NPS 7 (response R-2) after 8 (response R-1); CSAT 4 (response C-2) after 5 (response C-1)"}},
		},
		{
			name: "the same answer again or a rise is no drop",
			edit: func(f *HealthFeatures) {
				f.NPSLatest, f.NPSPrevious = &HealthAnswer{"R-2", 8}, &HealthAnswer{"R-1", 8}
				f.CSATLatest, f.CSATPrevious = &HealthAnswer{"C-2", 5}, &HealthAnswer{"C-1", 3}
			},
		},
		{
			name: "one failed payment is a warning",
			edit: func(f *HealthFeatures) {
				f.FailedPayments = 1
				f.FailedInvoice = &HealthInvoice{ID: "INV-1", Currency: "EUR", Amount: "120.00", Status: "paid", FailedAttempts: 1}
			},
			want: []HealthSignal{{HealthPaymentFailed, HealthWarning,
				"1 failed payment attempt on invoices issued in 2026-01; most on invoice INV-1 (EUR 120.00, paid, 1 attempt)"}},
		},
		{
			name: "two failed payments are critical",
			edit: func(f *HealthFeatures) { f.FailedPayments = 2 },
			want: []HealthSignal{{HealthPaymentFailed, HealthCritical, "2 failed payment attempts on invoices issued in 2026-01"}},
		},
		{
			name: "active users exactly 30% below the three months' mean",
			edit: func(f *HealthFeatures) {
				f.Usage = [4]HealthUsage{{8, 100}, {10, 100}, {12, 100}, {7, 100}}
			},
			want: []HealthSignal{{HealthUsageDrop, HealthWarning,
				"active users per day fell 30.0% to 7.0 in 2026-01 from a mean of 10.0 over 2025-10 to 2025-12"}},
		},
		{
			name: "events 29% below is no usage drop",
			edit: func(f *HealthFeatures) {
				f.Usage = [4]HealthUsage{{10, 100}, {10, 100}, {10, 100}, {10, 71}}
			},
		},
		{
			name: "usage from nothing is no drop",
			edit: func(f *HealthFeatures) { f.Usage = [4]HealthUsage{{}, {}, {}, {0, 0}} },
		},
		{
			name: "MRR 24.99% down is a warning",
			edit: func(f *HealthFeatures) { f.MRRStart, f.MRREnd = 100000, 75001 },
			want: []HealthSignal{{HealthMRRContraction, HealthWarning,
				"MRR fell 25.0% from 1000.00 to 750.01 USD (end of 2025-12 to end of 2026-01, at 2026-01's rates)"}},
		},
		{
			name: "MRR 25% down is critical",
			edit: func(f *HealthFeatures) { f.MRRStart, f.MRREnd = 100000, 75000 },
			want: []HealthSignal{{HealthMRRContraction, HealthCritical,
				"MRR fell 25.0% from 1000.00 to 750.00 USD (end of 2025-12 to end of 2026-01, at 2026-01's rates)"}},
		},
		{
			name: "growing MRR is no contraction",
			edit: func(f *HealthFeatures) { f.MRRStart, f.MRREnd = 100000, 120000 },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := healthHealthy()
			tt.edit(&f)
			got := healthScorer(t, HealthConfig{}).Score(f).Signals
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("signals (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHealthCompetitorSignal(t *testing.T) {
	t.Parallel()
	s := healthScorer(t, HealthConfig{Competitors: []string{"Acme"}})
	f := healthHealthy()
	f.Documents = []HealthDocument{{Kind: "ticket", ID: "T-4", Text: "Acme offered us 20% off."}}
	want := []HealthSignal{{HealthCompetitorMention, HealthWarning, `ticket T-4 mentions a competitor: "Acme offered us 20% off." (matched "Acme")`}}
	if diff := cmp.Diff(want, s.Score(f).Signals); diff != "" {
		t.Errorf("signals (-want +got):\n%s", diff)
	}
}

func TestHealthComponentsJSON(t *testing.T) {
	t.Parallel()
	f := healthHealthy()
	f.Invoices = 0
	b, err := json.Marshal(healthScorer(t, HealthConfig{}).Score(f).Components)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["billing"]["score"] != nil || got["billing"]["weight"] != 0.2 || got["billing"]["effective_weight"] != 0.0 {
		t.Errorf("billing = %v, want a null score, weight 0.2, effective weight 0", got["billing"])
	}
	if got["sentiment"]["effective_weight"] != 0.375 || !strings.Contains(got["sentiment"]["detail"].(string), "NPS 10 (response r1)") {
		t.Errorf("sentiment = %v, want effective weight 30/80 and the answer in the detail", got["sentiment"])
	}
	if _, ok := got["forced_red_by"]; ok {
		t.Errorf("forced_red_by present without a critical signal: %s", b)
	}
}

func TestHealthConfig(t *testing.T) {
	t.Parallel()
	w, err := ParseHealthWeights("sentiment=40, billing=10,support=10,mrr_trend=20,usage=20")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(HealthWeights{40, 10, 10, 20, 20}, w); diff != "" {
		t.Errorf("ParseHealthWeights (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"sentiment", "mood=3", "usage=x"} {
		if _, err := ParseHealthWeights(bad); err == nil {
			t.Errorf("ParseHealthWeights(%q): want an error", bad)
		}
	}
	tests := []struct {
		name string
		cfg  HealthConfig
		ok   bool
	}{
		{"zero is the default", HealthConfig{}, true},
		{"a negative weight", HealthConfig{Weights: HealthWeights{Sentiment: -1, Usage: 2}}, false},
		{"a bad phrase", HealthConfig{CancelPhrases: []string{"* cancel"}}, false},
		{"an empty phrase list turns a signal off", HealthConfig{ContractPhrases: []string{}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := tt.cfg.WithDefaults().Validate(); (err == nil) != tt.ok {
				t.Errorf("Validate() = %v, want ok %v", err, tt.ok)
			}
		})
	}
	d := HealthConfig{}.WithDefaults()
	if d.Weights != DefaultHealthWeights() || d.SentimentMonths != 6 || len(d.ContractPhrases) == 0 || len(d.CancelPhrases) == 0 || d.Competitors != nil {
		t.Errorf("defaults = %+v", d)
	}
}
