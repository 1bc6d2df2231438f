package transform

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Phrase matching for the text signals of the health job (contract_request,
// cancel_intent, competitor_mention).
//
// A text is read as a sequence of lower-cased words, split at anything that
// is not a letter or a digit, and of sentences, split at . ! ? ; and line
// breaks. Contractions are expanded: "don't" reads "do not", "won't" "will
// not", "can't" "cannot". A phrase is a sequence of words matched whole
// within one sentence, so "cancel" never matches inside "cancelled" and a
// phrase never spans two sentences. In a phrase, a word ending in "*" matches
// every word that starts with it ("cancel*" matches "cancels", "cancelled",
// "cancellation"), a lone "*" matches up to HealthPhraseGap words, and a
// final "$" matches the end of the sentence ("want* to cancel $" matches "I
// want to cancel." but not "I want to cancel the meeting").

// HealthPhraseGap is the most words a lone "*" in a phrase stands for.
const HealthPhraseGap = 3

// healthNegationWindow is how many words before an intent phrase are searched
// for a negation ("we do not want to cancel our subscription").
const healthNegationWindow = 3

// healthToken is a word of a text, or a sentence break (brk). start and end
// are the word's byte offsets in the text.
type healthToken struct {
	word       string
	brk        bool
	start, end int
}

func healthIsApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

// healthTokens reads text into words and sentence breaks.
func healthTokens(text string) []healthToken {
	var toks []healthToken
	addBreak := func(at int) {
		if len(toks) > 0 && !toks[len(toks)-1].brk {
			toks = append(toks, healthToken{brk: true, start: at, end: at})
		}
	}
	start := -1 // byte offset of the word being read, -1 between words
	var word strings.Builder
	flush := func(end int) {
		if start < 0 {
			return
		}
		toks = append(toks, healthExpand(word.String(), start, end)...)
		word.Reset()
		start = -1
	}
	for i, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
			word.WriteRune(unicode.ToLower(r))
		case healthIsApostrophe(r) && start >= 0 && healthLetterAt(text, i+utf8.RuneLen(r)):
			word.WriteByte('\'') // inside a word: "don't", "customer's"
		default:
			flush(i)
			switch r {
			case '!', '?', ';', '\n', '\r', '…':
				addBreak(i)
			case '.':
				// a full stop ends a sentence; a dot inside a word or
				// number ("acme.com", "2.5") does not.
				if !healthLetterAt(text, i+1) {
					addBreak(i)
				}
			}
		}
	}
	flush(len(text))
	return toks
}

func healthLetterAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// healthExpand turns one lower-cased word, possibly with apostrophes, into
// tokens: "don't" and "dont" -> do not, "won't" -> will not, "can't" ->
// cannot, "customer's" -> customer s.
func healthExpand(w string, start, end int) []healthToken {
	tok := func(s string) healthToken { return healthToken{word: s, start: start, end: end} }
	switch w {
	case "can't", "cant":
		return []healthToken{tok("cannot")}
	case "won't", "wont":
		return []healthToken{tok("will"), tok("not")}
	case "shan't":
		return []healthToken{tok("shall"), tok("not")}
	case "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "wouldnt", "shouldnt", "couldnt", "havent", "hasnt":
		// contractions typed without the apostrophe
		return []healthToken{tok(strings.TrimSuffix(w, "nt")), tok("not")}
	}
	if !strings.Contains(w, "'") {
		return []healthToken{tok(w)}
	}
	if base, ok := strings.CutSuffix(w, "n't"); ok && base != "" {
		return []healthToken{tok(base), tok("not")}
	}
	var out []healthToken
	for _, p := range strings.Split(w, "'") {
		if p != "" {
			out = append(out, tok(p))
		}
	}
	return out
}

// healthElem is one element of a compiled phrase: a word, a word prefix, a
// gap of up to HealthPhraseGap words, or the end of the sentence.
type healthElem struct {
	word   string
	prefix bool
	gap    bool
	end    bool
}

// healthPhrase is a compiled phrase; text is the phrase as configured.
type healthPhrase struct {
	text  string
	elems []healthElem
}

// healthCompilePhrase compiles a phrase of the syntax above.
func healthCompilePhrase(p string) (healthPhrase, error) {
	hp := healthPhrase{text: strings.TrimSpace(p)}
	for _, f := range strings.Fields(p) {
		if n := len(hp.elems); n > 0 && hp.elems[n-1].end {
			return hp, fmt.Errorf("phrase %q: $ (the end of the sentence) must come last", p)
		}
		if f == "$" {
			if n := len(hp.elems); n == 0 || hp.elems[n-1].gap {
				return hp, fmt.Errorf("phrase %q: $ must follow a word", p)
			}
			hp.elems = append(hp.elems, healthElem{end: true})
			continue
		}
		if f == "*" {
			if n := len(hp.elems); n == 0 || hp.elems[n-1].gap {
				return hp, fmt.Errorf("phrase %q: a * gap must come between two words", p)
			}
			hp.elems = append(hp.elems, healthElem{gap: true})
			continue
		}
		f, prefix := strings.CutSuffix(f, "*")
		var words []healthElem
		for _, t := range healthTokens(f) {
			if !t.brk {
				words = append(words, healthElem{word: t.word})
			}
		}
		if len(words) == 0 {
			return hp, fmt.Errorf("phrase %q: %q has no letters or digits", p, f)
		}
		words[len(words)-1].prefix = prefix
		hp.elems = append(hp.elems, words...)
	}
	if len(hp.elems) == 0 {
		return hp, fmt.Errorf("phrase %q: no words", p)
	}
	if hp.elems[len(hp.elems)-1].gap {
		return hp, fmt.Errorf("phrase %q: a * gap must come between two words", p)
	}
	return hp, nil
}

// matchAt reports whether the phrase's elements from e on match the tokens
// from i on, and where the match ends (exclusive).
func (p healthPhrase) matchAt(toks []healthToken, i, e int) (int, bool) {
	if e == len(p.elems) {
		return i, true
	}
	el := p.elems[e]
	if el.end {
		return i, i >= len(toks) || toks[i].brk
	}
	if el.gap {
		for k := 0; k <= HealthPhraseGap; k++ {
			if k > 0 && (i+k-1 >= len(toks) || toks[i+k-1].brk) {
				break
			}
			if end, ok := p.matchAt(toks, i+k, e+1); ok {
				return end, true
			}
		}
		return 0, false
	}
	if i >= len(toks) || toks[i].brk {
		return 0, false
	}
	w := toks[i].word
	if w == el.word || el.prefix && strings.HasPrefix(w, el.word) {
		return p.matchAt(toks, i+1, e+1)
	}
	return 0, false
}

// healthIsNegator reports whether w cancels an intent phrase when it comes
// shortly before it in the same sentence.
func healthIsNegator(w string) bool {
	switch w {
	case "not", "never", "no", "without":
		return true
	}
	return false
}

// healthNegated reports whether a negation precedes token i within
// healthNegationWindow words of the same sentence.
func healthNegated(toks []healthToken, i int) bool {
	for j := i - 1; j >= 0 && j >= i-healthNegationWindow; j-- {
		if toks[j].brk {
			return false
		}
		if healthIsNegator(toks[j].word) {
			return true
		}
	}
	return false
}

// healthMatcher finds the first match of any of its phrases in a text.
type healthMatcher struct {
	phrases []healthPhrase
	// negatable phrases do not count when a negation precedes them.
	negatable bool
}

func healthNewMatcher(phrases []string, negatable bool) (healthMatcher, error) {
	m := healthMatcher{negatable: negatable}
	for _, p := range phrases {
		hp, err := healthCompilePhrase(p)
		if err != nil {
			return m, err
		}
		m.phrases = append(m.phrases, hp)
	}
	return m, nil
}

// healthMatch is where a phrase matched: tokens [from, to).
type healthMatch struct {
	phrase   string
	from, to int
}

// find returns the earliest match in toks; between phrases matching at the
// same word, the one listed first.
func (m healthMatcher) find(toks []healthToken) (healthMatch, bool) {
	for i := range toks {
		if toks[i].brk {
			continue
		}
		for _, p := range m.phrases {
			end, ok := p.matchAt(toks, i, 0)
			if !ok || m.negatable && healthNegated(toks, i) {
				continue
			}
			return healthMatch{phrase: p.text, from: i, to: end}, true
		}
	}
	return healthMatch{}, false
}

// healthQuoteMax is the longest quote of a text in evidence, in runes.
const healthQuoteMax = 160

// healthQuote returns the sentence of text that holds the match, or a window
// around the match when the sentence is long.
func healthQuote(text string, toks []healthToken, mt healthMatch) string {
	from, to := mt.from, mt.to-1
	for from > 0 && !toks[from-1].brk {
		from--
	}
	for to < len(toks)-1 && !toks[to+1].brk {
		to++
	}
	a, b := toks[from].start, toks[to].end
	for b < len(text) && strings.ContainsRune("?!.", rune(text[b])) {
		b++
	}
	q := text[a:b]
	if utf8.RuneCountInString(q) <= healthQuoteMax {
		return strings.Join(strings.Fields(q), " ")
	}
	// the matched words with whole words of context on either side
	const ctx = 50 // bytes
	i, j := mt.from, mt.to-1
	for i > from && toks[i-1].start >= toks[mt.from].start-ctx {
		i--
	}
	for j < to && toks[j+1].end <= toks[mt.to-1].end+ctx {
		j++
	}
	a2, b2 := toks[i].start, toks[j].end
	if j == to {
		b2 = b
	}
	q = strings.Join(strings.Fields(text[a2:b2]), " ")
	if a2 > a {
		q = "…" + q
	}
	if b2 < b {
		q += "…"
	}
	return q
}

// prefilterPattern is a LIKE pattern that every text the phrase matches,
// lower-cased by the database, also matches: its words in order, joined and surrounded by %. It leaves out
// the words that contraction expansion produces (a text saying "won't" holds
// neither "will" nor "not"), and writes each non-ASCII letter as _, as the
// database may not fold their case as Go does.
func (p healthPhrase) prefilterPattern() string {
	var b strings.Builder
	b.WriteByte('%')
	for _, e := range p.elems {
		switch {
		case e.gap, e.end:
			continue
		case e.word == "not" || e.word == "will" || e.word == "shall" || e.word == "cannot":
			continue
		}
		for _, r := range e.word {
			if r < utf8.RuneSelf {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
			}
		}
		b.WriteByte('%')
	}
	return b.String()
}
