package transform

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHealthTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		want string // words joined by spaces, sentence breaks as |
	}{
		{"lower-cased words split at punctuation", "Hello, World-wide", "hello world wide"},
		{"sentences split at . ! ? ; and line breaks", "One. Two! Three? Four; Five\nSix", "one | two | three | four | five | six"},
		{"a dot inside a word or number is no break", "acme.com costs 2.5k", "acme com costs 2 5k"},
		{"contractions expand", "don't won't can't isn't we’re", "do not will not cannot is not we re"},
		{"contractions typed without apostrophe expand", "dont wont cant didnt", "do not will not cannot did not"},
		{"non-ASCII letters are letters", "Kündigung ÜBER", "kündigung über"},
		{"no repeated breaks", "Stop!!! ... Go", "stop | go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, tok := range healthTokens(tt.text) {
				if tok.brk {
					got = append(got, "|")
				} else {
					got = append(got, tok.word)
				}
			}
			if diff := cmp.Diff(tt.want, strings.Join(got, " ")); diff != "" {
				t.Errorf("tokens (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHealthCompilePhrase(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "  ", "* cancel", "cancel *", "cancel * * plan", "!!", "$", "cancel $ now", "cancel * $", "cancel $ $"} {
		if _, err := healthCompilePhrase(bad); err == nil {
			t.Errorf("healthCompilePhrase(%q): want an error", bad)
		}
	}
	if _, err := healthCompilePhrase("won't renew*"); err != nil {
		t.Errorf("healthCompilePhrase: %v", err)
	}
}

// healthFind runs the default matcher of a signal on text.
func healthFind(t *testing.T, phrases []string, negatable bool, text string) (string, bool) {
	t.Helper()
	m, err := healthNewMatcher(phrases, negatable)
	if err != nil {
		t.Fatal(err)
	}
	mt, ok := m.find(healthTokens(text))
	return mt.phrase, ok
}

func TestHealthCancelIntent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		want bool
	}{
		{"wants to cancel the subscription", "I want to cancel our subscription.", true},
		{"upper case and an account", "Please CANCEL my account", true},
		{"asks how to cancel", "How do I cancel the subscription?", true},
		{"terminate our contract", "We have decided to terminate our contract at the end of the term", true},
		{"will not renew", "We will not renew.", true},
		{"won't be renewing", "We won't be renewing next year", true},
		{"dont plan to renew, no apostrophe", "we dont plan to renew", true},
		{"subscription cancellation", "Subscription cancellation request", true},
		{"cancellation of our subscriptions", "Cancellation of our subscriptions, please", true},
		{"discontinue the service", "Please discontinue the service from May", true},
		{"cancel all our licenses", "we need to cancel all our licenses", true},
		{"a second sentence still counts", "Thanks for the call. We are not happy and want to cancel our plan", true},

		{"a bare wish to cancel", "I want to cancel.", true},
		{"a bare wish to cancel, with nothing after it", "Hello. We would like to cancel", true},
		{"a bare wish to terminate, then more", "We've decided to terminate! Please confirm.", true},
		{"a wish to cancel something else", "I want to cancel the meeting tomorrow", false},
		{"negated: a bare wish to cancel", "We do not want to cancel.", false},
		{"cancelled my meeting is not intent", "I cancelled my meeting with your team", false},
		{"cancel the onboarding call", "Can you cancel the onboarding call?", false},
		{"a cancelled invoice", "The invoice was cancelled, please resend it", false},
		{"negated: do not want to cancel", "We do not want to cancel our subscription", false},
		{"negated: don't cancel", "Don't cancel my account!", false},
		{"negated: no plans to cancel", "we have no plans to cancel the contract", false},
		{"the object in the next sentence", "Our meeting was cancelled. Subscription questions below", false},
		{"subject and body are different sentences", "Cancel\nour subscription renewal date?", false},
		{"too far apart", "cancelled the meeting about our subscription", false},
		{"cancellation policy for meetings", "What is the cancellation policy for meetings?", false},
		{"renew our plan", "Please renew our plan", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			phrase, got := healthFind(t, DefaultHealthCancelPhrases(), true, tt.text)
			if got != tt.want {
				t.Errorf("cancel intent in %q = %v (phrase %q), want %v", tt.text, got, phrase, tt.want)
			}
		})
	}
}

func TestHealthContractRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text, wantPhrase string
		want                   bool
	}{
		{"the example of the seed documents", "Can I get a copy of our contract?", "copy of our contract", true},
		{"the contract", "please send a copy of the contract", "copy of the contract", true},
		{"a signed contract", "Could you send a copy of the signed contract", "copy of * contract", true},
		{"contracts", "a copy of all our contracts", "copy of * contracts", true},
		{"contract copy, shouting", "CONTRACT COPY needed", "contract copy", true},
		{"across a line break", "copy of our\ncontract", "", false},
		{"negated", "We don't need a copy of the contract", "", false},
		{"a contractor's invoice", "the contractor sent a copy of our invoice", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			phrase, got := healthFind(t, DefaultHealthContractPhrases(), true, tt.text)
			if got != tt.want || phrase != tt.wantPhrase {
				t.Errorf("contract request in %q = %v, %q; want %v, %q", tt.text, got, phrase, tt.want, tt.wantPhrase)
			}
		})
	}
}

func TestHealthCompetitorMention(t *testing.T) {
	t.Parallel()
	names := []string{"Acme", "Globex Corp"}
	tests := []struct {
		name, text string
		want       bool
	}{
		{"a name in upper case", "We are evaluating ACME.", true},
		{"a domain", "acme.com pricing is lower", true},
		{"a two-word name", "globex corp offered us a discount", true},
		{"a negation does not hide a mention", "we are not considering Acme", true},
		{"part of another word", "acmeville", false},
		{"half of a two-word name", "Globex is a word", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, got := healthFind(t, names, false, tt.text); got != tt.want {
				t.Errorf("competitor in %q = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestHealthQuote(t *testing.T) {
	t.Parallel()
	m, err := healthNewMatcher(DefaultHealthContractPhrases(), true)
	if err != nil {
		t.Fatal(err)
	}
	long := "Hello, " + strings.Repeat("we have been customers for many years and ", 5) + "now I would like a copy of our contract and " + strings.Repeat("the invoices of last year ", 5)
	tests := []struct {
		name, text, want string
	}{
		{"the sentence with its question mark", "Contract question\nHi team, thanks.  Can I get a   copy of our contract? Best, Ann", "Can I get a copy of our contract?"},
		{"a long sentence is cut around the match", long, "…customers for many years and now I would like a copy of our contract and the invoices of last year the invoices of…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			toks := healthTokens(tt.text)
			mt, ok := m.find(toks)
			if !ok {
				t.Fatalf("no match in %q", tt.text)
			}
			if diff := cmp.Diff(tt.want, healthQuote(tt.text, toks, mt)); diff != "" {
				t.Errorf("quote (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHealthDocumentPatterns(t *testing.T) {
	t.Parallel()
	s, err := NewHealthScorer(NewMonth(2026, 1), HealthConfig{
		ContractPhrases: []string{"copy of our contract", "contract copy"},
		CancelPhrases:   []string{"won't renew", "cancel* * plan", "don't renew"},
		Competitors:     []string{"Acme", "Zürich Soft", "acme"},
	}, SurveyConfig{}, "USD")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"%acme%", "%cancel%plan%", "%contract%copy%", "%copy%of%our%contract%", "%do%renew%", "%renew%", "%z_rich%soft%"}
	if diff := cmp.Diff(want, s.DocumentPatterns()); diff != "" {
		t.Errorf("patterns (-want +got):\n%s", diff)
	}
}

// healthILike emulates lower(text) LIKE pattern for the patterns of
// prefilterPattern, folding only ASCII case like a database in the C locale.
func healthILike(pattern, text string) bool {
	var re strings.Builder
	re.WriteString("(?s)^")
	for _, r := range pattern {
		switch r {
		case '%':
			re.WriteString(".*")
		case '_':
			re.WriteString(".")
		default:
			re.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	re.WriteString("$")
	lower := strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, text)
	return regexp.MustCompile(re.String()).MatchString(lower)
}

// TestHealthPrefilterIsSuperset: whenever a phrase matches a text, the
// phrase's LIKE pattern matches it too, so the warehouse never drops a text
// Go would have matched.
func TestHealthPrefilterIsSuperset(t *testing.T) {
	t.Parallel()
	texts := []string{
		"I want to cancel our subscription.", "I want to cancel.", "We won't be renewing next year", "we dont plan to renew",
		"we can't renew", "WE WILL NOT RENEW", "Subscription cancellation request", "Can I get a copy of our contract?",
		"CONTRACT COPY needed", "Kündigung unseres Vertrags", "KÜNDIGUNG UNSERES VERTRAGS", "Zürich Soft is cheaper",
		"the customer's contract copy", "Please discontinue the service from May",
	}
	phrases := append(append(DefaultHealthCancelPhrases(), DefaultHealthContractPhrases()...),
		"kündigung * vertrag*", "zürich soft", "can't renew")
	for _, p := range phrases {
		hp, err := healthCompilePhrase(p)
		if err != nil {
			t.Fatal(err)
		}
		m := healthMatcher{phrases: []healthPhrase{hp}}
		for _, text := range texts {
			if _, ok := m.find(healthTokens(text)); ok && !healthILike(hp.prefilterPattern(), text) {
				t.Errorf("phrase %q matches %q but its pattern %q does not", p, text, hp.prefilterPattern())
			}
		}
	}
}
