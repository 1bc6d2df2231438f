package transform

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Money is an exact amount in the reporting currency, in hundredths (cents).
// Customer MRR is rounded to the cent once, per customer and month end, in
// the warehouse; every total is a sum of those cents, so the MRR bridge holds
// exactly.
type Money int64

// ParseMoney parses a decimal such as "-1234.5" or "12.34" exactly. More than
// two decimals is an error: amounts reach Go already rounded to the cent.
func ParseMoney(s string) (Money, error) {
	orig := s
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = s[1:] // one sign at most
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" && frac == "" || !digits(whole) || !digits(frac) {
		return 0, fmt.Errorf("amount %q: want a decimal with at most two places", orig)
	}
	frac = (frac + "00")[:2]
	w, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", orig, err)
	}
	if neg {
		w = -w
	}
	return Money(w), nil
}

// digits reports whether s holds only ASCII digits (the empty string does).
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats the amount with two decimals and no grouping: "-1234.50".
func (m Money) String() string {
	var b [24]byte
	return string(m.AppendText(b[:0]))
}

// AppendText appends the String form to b without allocating; the load
// package formats hundreds of thousands of amounts a month with it.
func (m Money) AppendText(b []byte) []byte {
	v := uint64(m)
	if m < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendUint(b, v/100, 10)
	return append(b, '.', byte('0'+v%100/10), byte('0'+v%10))
}

// Float is the amount in currency units, for display and ratios only.
func (m Money) Float() float64 { return float64(m) / 100 }

// Ratio returns num/den, or nil when den is zero.
func Ratio(num, den float64) *float64 {
	if den == 0 || math.IsNaN(num) || math.IsNaN(den) {
		return nil
	}
	r := num / den
	return &r
}
