package transform

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Customer health (CONTRACT §6): per customer with MRR at the end of month M,
// a 0–100 score from five weighted components, a band and signals.
//
// The components, each 0–100 (100 is healthy), or missing:
//
//   - sentiment: the mean of the customer's latest NPS, CSAT and CES answers
//     of the last HealthConfig.SentimentMonths months up to the end of M, each
//     mapped linearly onto 0–100 (NPS 10×score, CSAT 25×(score−1), CES
//     100×(score−min)/(max−min)). Missing with no answer in that window.
//   - billing: 100 − 30 per failed payment attempt on invoices issued in M −
//     20 per invoice overdue at the end of M (past due_at, not paid by then,
//     not void), at least 0. Missing when the customer has no invoice issued
//     before the end of M.
//   - support: 100 − 10 per ticket opened in M, high-priority tickets
//     counting 2 and urgent 3, at least 0. Never missing: no ticket is 100.
//   - mrr_trend: 100 × (1 + 2×(e − s)/s), clamped to 0–100, where s and e
//     are the MRR at the end of M−1 (at M's rates) and of M: flat or growing
//     is 100, a 25% contraction 50, a 50% contraction 0. Missing when s = 0
//     (new or reactivated in M).
//   - usage: 100 × the lower of (active users per day in M ÷ their mean over
//     the three months before) and the same for events, capped at 100.
//     Missing when the three months before show no usage.
//
// The score is the weighted mean of the components that are present: a
// missing component's weight is spread over the others in proportion to
// theirs. It is rounded to one decimal; the band follows the rounded score
// (green ≥ 70, yellow 40–69.9, red < 40), and any critical signal makes it red.

// HealthBand is a customer's health band.
type HealthBand string

// The bands.
const (
	HealthGreen  HealthBand = "green"  // score ≥ 70
	HealthYellow HealthBand = "yellow" // 40 ≤ score < 70
	HealthRed    HealthBand = "red"    // score < 40, or any critical signal
)

// The signals of customer_signals.signal.
const (
	HealthContractRequest   = "contract_request"   // critical: a text in M asks for a copy of the contract
	HealthCancelIntent      = "cancel_intent"      // critical: a text in M states an intent to cancel or not renew
	HealthCompetitorMention = "competitor_mention" // warning: a text in M names a configured competitor
	HealthDetractor         = "detractor"          // warning: an NPS answer of 0–6 in M
	HealthScoreDrop         = "score_drop"         // warning; critical when an NPS promoter becomes a detractor
	HealthPaymentFailed     = "payment_failed"     // warning; critical at HealthPaymentFailedCritical attempts
	HealthUsageDrop         = "usage_drop"         // warning: usage in M HealthUsageDropShare below the 3 months before
	HealthMRRContraction    = "mrr_contraction"    // warning; critical at HealthMRRContractionCritical
)

// The severities of customer_signals.severity.
const (
	HealthInfo     = "info"
	HealthWarning  = "warning"
	HealthCritical = "critical"
)

// Signal thresholds (CONTRACT §6).
const (
	// HealthPaymentFailedCritical failed payment attempts in M are critical.
	HealthPaymentFailedCritical = 2
	// HealthUsageDropShare: usage in M at least this far below the mean of
	// the three months before is a usage_drop (0.30 = 30%).
	HealthUsageDropShare = 0.30
	// HealthMRRContractionCritical: an MRR contraction of at least this
	// share of s is critical (0.25 = 25%).
	HealthMRRContractionCritical = 0.25
)

// HealthWeights are the relative weights of the score's components. Only
// their ratios matter. Zero leaves a component out.
type HealthWeights struct {
	Sentiment float64 `json:"sentiment"` // survey sentiment, default 30
	Billing   float64 `json:"billing"`   // billing and payment health, default 20
	Support   float64 `json:"support"`   // support load, default 15
	MRRTrend  float64 `json:"mrr_trend"` // MRR trend, default 20
	Usage     float64 `json:"usage"`     // product usage, default 15
}

// DefaultHealthWeights: sentiment 30, billing 20, support 15, MRR trend 20,
// usage 15 (out of 100).
func DefaultHealthWeights() HealthWeights {
	return HealthWeights{Sentiment: 30, Billing: 20, Support: 15, MRRTrend: 20, Usage: 15}
}

// ParseHealthWeights reads weights written as "sentiment=30,billing=20,
// support=15,mrr_trend=20,usage=15"; components left out weigh 0.
func ParseHealthWeights(s string) (HealthWeights, error) {
	var w HealthWeights
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if !ok || err != nil {
			return w, fmt.Errorf("health weight %q: want name=number", kv)
		}
		switch strings.TrimSpace(k) {
		case "sentiment":
			w.Sentiment = f
		case "billing":
			w.Billing = f
		case "support":
			w.Support = f
		case "mrr_trend":
			w.MRRTrend = f
		case "usage":
			w.Usage = f
		default:
			return w, fmt.Errorf("health weight %q: unknown component (sentiment, billing, support, mrr_trend, usage)", k)
		}
	}
	return w, nil
}

// HealthConfig configures the health job.
type HealthConfig struct {
	// Weights of the score's components. Default DefaultHealthWeights.
	Weights HealthWeights
	// ContractPhrases mark a request for a copy of the contract
	// (contract_request). Default DefaultHealthContractPhrases. A phrase is
	// matched as whole words, case-insensitively, within one sentence of a
	// ticket or survey comment; a word ending in * is a prefix ("renew*"),
	// a lone * stands for up to HealthPhraseGap words.
	ContractPhrases []string
	// CancelPhrases mark an intent to cancel or not to renew
	// (cancel_intent). Default DefaultHealthCancelPhrases.
	CancelPhrases []string
	// Competitors are the competitor names whose mention is a
	// competitor_mention. Default none (the signal is off).
	Competitors []string
	// SentimentMonths is how many months, ending with M, the sentiment
	// component looks back for the latest answers. Default 6.
	SentimentMonths int
}

// DefaultHealthContractPhrases are the default contract_request phrases.
func DefaultHealthContractPhrases() []string {
	return []string{"copy of our contract", "copy of the contract", "copy of my contract", "contract copy", "copy of * contract", "copy of * contracts"}
}

// DefaultHealthCancelPhrases are the default cancel_intent phrases. "Cancel"
// alone is no intent ("I cancelled my meeting"): a cancelling or terminating
// verb counts only with what is cancelled — the subscription, account,
// contract, plan, licences, seats, service, agreement or membership — at most
// three words after it in the same sentence, or right before it
// ("subscription cancellation"), or when a wish to cancel ends the
// sentence ("I want to cancel.", "We'd like to cancel!"). Not renewing
// counts as is ("we will not renew", "we won't be renewing"). A negation up
// to three words before the phrase ("we do not want to cancel our
// subscription") cancels it.
func DefaultHealthCancelPhrases() []string {
	verbs := []string{"cancel*", "terminat*", "discontinu*"}
	objects := []string{"subscription*", "account*", "contract*", "plan", "plans", "licen*", "seats", "service*", "agreement*", "membership*"}
	var ps []string
	for _, v := range verbs {
		for _, o := range objects {
			ps = append(ps, v+" * "+o, o+" "+v)
		}
	}
	for _, w := range []string{"want*", "like", "need*", "going", "plan*", "decided", "wish*"} {
		ps = append(ps, w+" to cancel $", w+" to terminate $")
	}
	return append(ps,
		"not * renew*", "close our account", "close my account",
		"end our contract", "end our subscription", "end our relationship",
		"terminate our relationship", "terminate our partnership")
}

// DefaultHealthConfig is the default configuration.
func DefaultHealthConfig() HealthConfig {
	return HealthConfig{
		Weights:         DefaultHealthWeights(),
		ContractPhrases: DefaultHealthContractPhrases(),
		CancelPhrases:   DefaultHealthCancelPhrases(),
		SentimentMonths: 6,
	}
}

// WithDefaults fills the zero fields: all-zero weights, nil phrase lists and
// a zero look-back get their defaults. An empty, non-nil phrase list turns
// that signal off.
func (c HealthConfig) WithDefaults() HealthConfig {
	d := DefaultHealthConfig()
	if c.Weights == (HealthWeights{}) {
		c.Weights = d.Weights
	}
	if c.ContractPhrases == nil {
		c.ContractPhrases = d.ContractPhrases
	}
	if c.CancelPhrases == nil {
		c.CancelPhrases = d.CancelPhrases
	}
	if c.SentimentMonths == 0 {
		c.SentimentMonths = d.SentimentMonths
	}
	return c
}

// Validate checks the weights (not negative, not all zero), the look-back
// and every phrase.
func (c HealthConfig) Validate() error {
	w := c.Weights
	for _, v := range []float64{w.Sentiment, w.Billing, w.Support, w.MRRTrend, w.Usage} {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("health weights %+v: want finite numbers >= 0", w)
		}
	}
	if w.Sentiment+w.Billing+w.Support+w.MRRTrend+w.Usage == 0 {
		return fmt.Errorf("health weights: all zero")
	}
	if c.SentimentMonths < 1 {
		return fmt.Errorf("health sentiment look-back %d months: want at least 1", c.SentimentMonths)
	}
	for _, ps := range [][]string{c.ContractPhrases, c.CancelPhrases, c.Competitors} {
		for _, p := range ps {
			if _, err := healthCompilePhrase(p); err != nil {
				return fmt.Errorf("health phrases: %w", err)
			}
		}
	}
	return nil
}

// HealthAnswer is one survey answer.
type HealthAnswer struct {
	ResponseID string
	Score      int
}

// HealthInvoice is an invoice named in payment_failed evidence.
type HealthInvoice struct {
	ID             string
	Currency       string
	Amount         string // decimal, in Currency
	Status         string
	FailedAttempts int
}

// HealthDocument is a text of the customer's from month M that the phrase
// signals read: a support ticket (subject and body) or a survey comment.
type HealthDocument struct {
	Kind string // "ticket" or "survey comment"
	ID   string // ticket_id or response_id
	Text string
}

// HealthUsage is a month's product usage: per-day means over the calendar
// days of the month (a day with no row counts as zero).
type HealthUsage struct {
	ActiveUsers float64
	Events      float64
}

// HealthFeatures is everything the health score of one customer for month M
// needs, as the warehouse aggregates it. Nil answers are absent.
type HealthFeatures struct {
	CustomerID string
	// MRRStart (s, the end of M−1 at M's rates) and MRREnd (e, end of M),
	// from customer_mrr_monthly.
	MRRStart, MRREnd Money
	// PrevScore is the customer's health score for M−1, if any.
	PrevScore *float64

	// NPSLatest is the latest NPS answer in M, NPSPrevious the customer's
	// NPS answer just before it (of any earlier time), NPSLowest the lowest
	// NPS answer in M. CSAT likewise.
	NPSLatest, NPSPrevious, NPSLowest *HealthAnswer
	CSATLatest, CSATPrevious          *HealthAnswer
	// The latest answers of each type in the sentiment look-back.
	SentimentNPS, SentimentCSAT, SentimentCES *HealthAnswer

	// Invoices counts invoices issued before the end of M.
	Invoices int
	// FailedPayments is the sum of failed_attempts of invoices issued in M;
	// FailedInvoice the one of them with the most.
	FailedPayments int
	FailedInvoice  *HealthInvoice
	// OverdueInvoices counts invoices past due and unpaid at the end of M.
	OverdueInvoices int

	// Tickets counts tickets opened in M; TicketLoad weighs them (urgent 3,
	// high 2, others 1).
	Tickets, TicketLoad int
	// Documents are the customer's texts from M that may match a phrase.
	Documents []HealthDocument

	// Usage holds months M−3, M−2, M−1 and M, in that order.
	Usage [4]HealthUsage
}

// HealthComponent is one component of a score, as stored in
// customer_health.components.
type HealthComponent struct {
	// Score is 0–100, nil when the component is missing.
	Score *float64 `json:"score"`
	// Weight is the configured weight as a share of all weights;
	// EffectiveWeight the share it had in this score (0 when missing).
	Weight          float64 `json:"weight"`
	EffectiveWeight float64 `json:"effective_weight"`
	// Detail says what the score was computed from.
	Detail string `json:"detail"`
}

// HealthComponents is the customer_health.components JSON.
type HealthComponents struct {
	Sentiment HealthComponent `json:"sentiment"`
	Billing   HealthComponent `json:"billing"`
	Support   HealthComponent `json:"support"`
	MRRTrend  HealthComponent `json:"mrr_trend"`
	Usage     HealthComponent `json:"usage"`
	// ForcedRedBy lists the critical signals that made the band red
	// whatever the score.
	ForcedRedBy []string `json:"forced_red_by,omitempty"`
}

// HealthSignal is a customer_signals row of the customer.
type HealthSignal struct {
	Signal   string
	Severity string
	// Evidence says, for people, what raised the signal: which ticket,
	// phrase, answer, amounts.
	Evidence string
}

// HealthResult is a customer's customer_health row and signals.
type HealthResult struct {
	Month      Month
	CustomerID string
	// Score is 0–100, rounded to one decimal.
	Score      float64
	Band       HealthBand
	PrevScore  *float64
	Components HealthComponents
	// MRR is the customer's MRR at the end of M, in the reporting currency.
	MRR     Money
	Signals []HealthSignal
}

// HealthScorer scores customers for one month.
type HealthScorer struct {
	month    Month
	cfg      HealthConfig
	ces      SurveyConfig
	currency string

	contract, cancel, competitor healthMatcher
}

// NewHealthScorer scores month m with cfg (defaults applied), the CES scale
// of ces, and amounts in the reporting currency.
func NewHealthScorer(m Month, cfg HealthConfig, ces SurveyConfig, currency string) (*HealthScorer, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &HealthScorer{month: m, cfg: cfg, ces: ces.WithDefaults(), currency: currency}
	var err error
	if s.contract, err = healthNewMatcher(cfg.ContractPhrases, true); err != nil {
		return nil, err
	}
	if s.cancel, err = healthNewMatcher(cfg.CancelPhrases, true); err != nil {
		return nil, err
	}
	if s.competitor, err = healthNewMatcher(cfg.Competitors, false); err != nil {
		return nil, err
	}
	return s, nil
}

// Config is the scorer's configuration, defaults applied.
func (s *HealthScorer) Config() HealthConfig { return s.cfg }

// DocumentPatterns are LIKE patterns ("%copy%of%our%contract%"), one per
// phrase, that every lower-cased text the phrase matches also matches: the
// warehouse uses them to send only candidate texts. A text that matches one may still
// match no phrase: Go decides.
func (s *HealthScorer) DocumentPatterns() []string {
	var pats []string
	for _, m := range []healthMatcher{s.contract, s.cancel, s.competitor} {
		for _, p := range m.phrases {
			pats = append(pats, p.prefilterPattern())
		}
	}
	slices.Sort(pats)
	return slices.Compact(pats)
}

// Score computes one customer's health.
func (s *HealthScorer) Score(f HealthFeatures) HealthResult {
	r := HealthResult{Month: s.month, CustomerID: f.CustomerID, PrevScore: f.PrevScore, MRR: f.MRREnd}
	w := s.cfg.Weights
	total := w.Sentiment + w.Billing + w.Support + w.MRRTrend + w.Usage
	comps := []*HealthComponent{&r.Components.Sentiment, &r.Components.Billing, &r.Components.Support, &r.Components.MRRTrend, &r.Components.Usage}
	*comps[0] = s.sentiment(f)
	*comps[1] = s.billing(f)
	*comps[2] = s.support(f)
	*comps[3] = s.mrrTrend(f)
	*comps[4] = s.usage(f)
	for i, wt := range []float64{w.Sentiment, w.Billing, w.Support, w.MRRTrend, w.Usage} {
		comps[i].Weight = healthRound(wt/total, 4)
	}
	var sum, present float64
	for i, wt := range []float64{w.Sentiment, w.Billing, w.Support, w.MRRTrend, w.Usage} {
		if comps[i].Score != nil {
			sum += wt * *comps[i].Score
			present += wt
		}
	}
	r.Score = 50 // no evidence either way
	if present > 0 {
		r.Score = healthRound(sum/present, 1)
		for i, wt := range []float64{w.Sentiment, w.Billing, w.Support, w.MRRTrend, w.Usage} {
			if comps[i].Score != nil {
				comps[i].EffectiveWeight = healthRound(wt/present, 4)
			}
		}
	}
	switch {
	case r.Score >= 70:
		r.Band = HealthGreen
	case r.Score >= 40:
		r.Band = HealthYellow
	default:
		r.Band = HealthRed
	}
	r.Signals = s.signals(f)
	for _, sg := range r.Signals {
		if sg.Severity == HealthCritical {
			r.Band = HealthRed
			r.Components.ForcedRedBy = append(r.Components.ForcedRedBy, sg.Signal)
		}
	}
	return r
}

func healthRound(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

func healthPtr(v float64) *float64 { return &v }

// healthCount writes n things: "1 ticket", "2 tickets".
func healthCount(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

func (s *HealthScorer) sentiment(f HealthFeatures) HealthComponent {
	var parts []string
	var sum float64
	n := 0
	add := func(name string, a *HealthAnswer, v func(int) float64) {
		if a == nil {
			return
		}
		x := v(a.Score)
		sum += x
		n++
		parts = append(parts, fmt.Sprintf("%s %d (response %s) = %.1f", name, a.Score, a.ResponseID, x))
	}
	add("NPS", f.SentimentNPS, func(x int) float64 { return 10 * float64(x) })
	add("CSAT", f.SentimentCSAT, func(x int) float64 { return 25 * float64(x-1) })
	add("CES", f.SentimentCES, func(x int) float64 {
		return 100 * float64(x-s.ces.CESMin) / float64(s.ces.CESMax-s.ces.CESMin)
	})
	if n == 0 {
		return HealthComponent{Detail: fmt.Sprintf("no survey answer in the %d months to %s", s.cfg.SentimentMonths, s.month)}
	}
	return HealthComponent{Score: healthPtr(healthRound(sum/float64(n), 1)), Detail: "latest answers: " + strings.Join(parts, ", ")}
}

func (s *HealthScorer) billing(f HealthFeatures) HealthComponent {
	if f.Invoices == 0 {
		return HealthComponent{Detail: "no invoices"}
	}
	v := math.Max(0, 100-30*float64(f.FailedPayments)-20*float64(f.OverdueInvoices))
	return HealthComponent{Score: healthPtr(v),
		Detail: fmt.Sprintf("%s in %s, %s overdue at its end", healthCount(f.FailedPayments, "failed payment attempt"), s.month, healthCount(f.OverdueInvoices, "invoice"))}
}

func (s *HealthScorer) support(f HealthFeatures) HealthComponent {
	v := math.Max(0, 100-10*float64(f.TicketLoad))
	return HealthComponent{Score: healthPtr(v),
		Detail: fmt.Sprintf("%s opened in %s, load %d (urgent 3, high 2, others 1)", healthCount(f.Tickets, "ticket"), s.month, f.TicketLoad)}
}

func (s *HealthScorer) mrrTrend(f HealthFeatures) HealthComponent {
	if f.MRRStart <= 0 {
		return HealthComponent{Detail: fmt.Sprintf("no MRR at the end of %s", s.month.Add(-1))}
	}
	ch := float64(f.MRREnd-f.MRRStart) / float64(f.MRRStart)
	v := 100 * math.Min(1, math.Max(0, 1+2*ch))
	return HealthComponent{Score: healthPtr(healthRound(v, 1)),
		Detail: fmt.Sprintf("MRR %s -> %s %s (%+.1f%%)", f.MRRStart, f.MRREnd, s.currency, 100*ch)}
}

// healthUsageBase is the mean of the three months before M.
func healthUsageBase(u [4]HealthUsage) HealthUsage {
	return HealthUsage{
		ActiveUsers: (u[0].ActiveUsers + u[1].ActiveUsers + u[2].ActiveUsers) / 3,
		Events:      (u[0].Events + u[1].Events + u[2].Events) / 3,
	}
}

func (s *HealthScorer) usage(f HealthFeatures) HealthComponent {
	base, cur := healthUsageBase(f.Usage), f.Usage[3]
	if base.ActiveUsers <= 0 && base.Events <= 0 {
		return HealthComponent{Detail: fmt.Sprintf("no usage in the three months before %s", s.month)}
	}
	ratio := math.Inf(1)
	if base.ActiveUsers > 0 {
		ratio = math.Min(ratio, cur.ActiveUsers/base.ActiveUsers)
	}
	if base.Events > 0 {
		ratio = math.Min(ratio, cur.Events/base.Events)
	}
	return HealthComponent{Score: healthPtr(healthRound(100*math.Min(1, ratio), 1)),
		Detail: fmt.Sprintf("per day in %s vs the mean of the three months before: active users %.1f vs %.1f, events %.1f vs %.1f",
			s.month, cur.ActiveUsers, base.ActiveUsers, cur.Events, base.Events)}
}

// signals returns the customer's signals in a fixed order: text signals,
// survey, billing, usage, MRR.
func (s *HealthScorer) signals(f HealthFeatures) []HealthSignal {
	var out []HealthSignal
	add := func(sig, sev, ev string) { out = append(out, HealthSignal{Signal: sig, Severity: sev, Evidence: ev}) }

	if ev, ok := s.textSignal(f.Documents, s.contract, "asks for a copy of the contract"); ok {
		add(HealthContractRequest, HealthCritical, ev)
	}
	if ev, ok := s.textSignal(f.Documents, s.cancel, "states an intent to cancel or not renew"); ok {
		add(HealthCancelIntent, HealthCritical, ev)
	}
	if ev, ok := s.textSignal(f.Documents, s.competitor, "mentions a competitor"); ok {
		add(HealthCompetitorMention, HealthWarning, ev)
	}
	if a := f.NPSLowest; a != nil && a.Score <= 6 {
		add(HealthDetractor, HealthWarning, fmt.Sprintf("NPS %d in response %s (a detractor: 0-6)", a.Score, a.ResponseID))
	}
	if sev, ev, ok := healthScoreDrop(f); ok {
		add(HealthScoreDrop, sev, ev)
	}
	if f.FailedPayments > 0 {
		sev := HealthWarning
		if f.FailedPayments >= HealthPaymentFailedCritical {
			sev = HealthCritical
		}
		ev := fmt.Sprintf("%s on invoices issued in %s", healthCount(f.FailedPayments, "failed payment attempt"), s.month)
		if inv := f.FailedInvoice; inv != nil {
			ev += fmt.Sprintf("; most on invoice %s (%s %s, %s, %s)", inv.ID, inv.Currency, inv.Amount, inv.Status, healthCount(inv.FailedAttempts, "attempt"))
		}
		add(HealthPaymentFailed, sev, ev)
	}
	if ev, ok := s.usageDrop(f); ok {
		add(HealthUsageDrop, HealthWarning, ev)
	}
	if st, e := f.MRRStart, f.MRREnd; st > e && e > 0 {
		sev := HealthWarning
		share := float64(st-e) / float64(st)
		// (s − e)/s ≥ 25%, compared exactly in cents
		if 100*(st-e) >= Money(math.Round(100*HealthMRRContractionCritical))*st {
			sev = HealthCritical
		}
		add(HealthMRRContraction, sev, fmt.Sprintf("MRR fell %.1f%% from %s to %s %s (end of %s to end of %s, at %s's rates)",
			100*share, st, e, s.currency, s.month.Add(-1), s.month, s.month))
	}
	return out
}

// textSignal looks for the matcher's phrases in the customer's texts and
// describes the first text that matches, naming the others.
func (s *HealthScorer) textSignal(docs []HealthDocument, m healthMatcher, what string) (string, bool) {
	if len(m.phrases) == 0 {
		return "", false
	}
	var first string
	var others []string
	for _, d := range docs {
		toks := healthTokens(d.Text)
		mt, ok := m.find(toks)
		if !ok {
			continue
		}
		if first == "" {
			first = fmt.Sprintf("%s %s %s: %q (matched %q)", d.Kind, d.ID, what, healthQuote(d.Text, toks, mt), mt.phrase)
			continue
		}
		others = append(others, d.Kind+" "+d.ID)
	}
	if first == "" {
		return "", false
	}
	if len(others) > 0 {
		first += "; also " + strings.Join(others, ", ")
	}
	return first, true
}

// healthScoreDrop finds NPS and CSAT answers in M lower than the customer's
// answer before; a promoter (9–10) turned detractor (0–6) is critical.
func healthScoreDrop(f HealthFeatures) (sev, evidence string, ok bool) {
	var parts []string
	sev = HealthWarning
	check := func(name string, cur, prev *HealthAnswer, critical func(c, p int) bool) {
		if cur == nil || prev == nil || cur.Score >= prev.Score {
			return
		}
		e := fmt.Sprintf("%s %d (response %s) after %d (response %s)", name, cur.Score, cur.ResponseID, prev.Score, prev.ResponseID)
		if critical(cur.Score, prev.Score) {
			sev = HealthCritical
			e += ": a promoter became a detractor"
		}
		parts = append(parts, e)
	}
	check("NPS", f.NPSLatest, f.NPSPrevious, func(c, p int) bool { return p >= 9 && c <= 6 })
	check("CSAT", f.CSATLatest, f.CSATPrevious, func(int, int) bool { return false })
	if len(parts) == 0 {
		return "", "", false
	}
	return sev, strings.Join(parts, "; "), true
}

func (s *HealthScorer) usageDrop(f HealthFeatures) (string, bool) {
	base, cur := healthUsageBase(f.Usage), f.Usage[3]
	var parts []string
	check := func(name string, c, b float64) {
		// a small tolerance so that exactly 30% counts despite rounding
		if b > 0 && (b-c)/b >= HealthUsageDropShare-1e-9 {
			parts = append(parts, fmt.Sprintf("%s per day fell %.1f%% to %.1f in %s from a mean of %.1f over %s to %s",
				name, 100*(b-c)/b, c, s.month, b, s.month.Add(-3), s.month.Add(-1)))
		}
	}
	check("active users", cur.ActiveUsers, base.ActiveUsers)
	check("events", cur.Events, base.Events)
	return strings.Join(parts, "; "), len(parts) > 0
}
