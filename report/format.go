package report

import (
	"math"
	"strconv"
	"strings"

	"github.com/signalsdev/signals/transform"
)

// Number formats of the workbooks. Rates are stored as fractions with a
// percent format; changes of rates and scores are stored in points.
const (
	fmtPct        = `0.0%`
	fmtPctChange  = `+0.0%;-0.0%;0.0%`
	fmtPoints     = `+0.0" pp";-0.0" pp";0.0" pp"`
	fmtRatio      = `0.00`
	fmtRatioDelta = `+0.00;-0.00;0.00`
	fmtCount      = `#,##0`
	fmtCountDelta = `+#,##0;-#,##0;0`
	fmtScore      = `0.0`
	fmtScoreDelta = `+0.0;-0.0;0.0`
	fmtCES        = `0.00`
	fmtCESDelta   = `+0.00;-0.00;0.00`
	fmtP          = `[<0.001]"<0.001";0.000`
	fmtMonth      = `mmm yyyy`
	fmtDate       = `yyyy-mm-dd`
	fmtDateTime   = `yyyy-mm-dd hh:mm`
)

// currencySymbol returns the symbol shown before amounts, and whether the
// currency has minor units.
func currencySymbol(cur string) (string, bool) {
	switch strings.ToUpper(cur) {
	case "USD", "AUD", "CAD", "NZD", "SGD", "HKD", "MXN":
		if cur == "USD" {
			return "$", true
		}
		return cur[:2] + "$", true
	case "EUR":
		return "€", true
	case "GBP":
		return "£", true
	case "JPY":
		return "¥", false
	case "INR":
		return "₹", true
	}
	return cur + " ", true
}

// excelMoneyFormat is the currency number format of cur, with cents
// (exact amounts) or whole units (headline figures). Negative amounts are
// red.
func excelMoneyFormat(cur string, cents bool) string {
	sym, minor := currencySymbol(cur)
	n := "#,##0"
	if cents && minor {
		n += ".00"
	}
	q := `"` + strings.ReplaceAll(sym, `"`, ``) + `"`
	return q + n + ";[Red]-" + q + n + ";" + q + n
}

// excelMoneyDelta is the currency format of a signed change.
func excelMoneyDelta(cur string) string {
	sym, _ := currencySymbol(cur)
	q := `"` + sym + `"`
	return "+" + q + "#,##0;[Red]-" + q + "#,##0;" + q + "0"
}

const minus = "−" // U+2212, for readers

// groupInt formats n with thousands separators.
func groupInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return minus + b.String()
	}
	return b.String()
}

// fmtMoneyWhole formats an amount in whole currency units: "$1,240,532".
func fmtMoneyWhole(m transform.Money, cur string) string {
	sym, _ := currencySymbol(cur)
	c := int64(m)
	neg := c < 0
	if neg {
		c = -c
	}
	s := sym + groupInt((c+50)/100)
	if neg && c >= 50 {
		return minus + s
	}
	return s
}

// fmtMoneyShort formats an amount compactly: "$1.24M", "$845.2K", "$9,512".
func fmtMoneyShort(m transform.Money, cur string) string {
	sym, _ := currencySymbol(cur)
	f := m.Float()
	sign := ""
	if f < 0 {
		sign, f = minus, -f
	}
	switch {
	case f >= 999_500:
		return sign + sym + strconv.FormatFloat(f/1e6, 'f', 2, 64) + "M"
	case f >= 10_000:
		return sign + sym + strconv.FormatFloat(f/1e3, 'f', 1, 64) + "K"
	}
	return sign + sym + groupInt(int64(math.Round(f)))
}

// fmtSignedMoneyShort is fmtMoneyShort with an explicit "+".
func fmtSignedMoneyShort(m transform.Money, cur string) string {
	if m > 0 {
		return "+" + fmtMoneyShort(m, cur)
	}
	if m == 0 {
		return fmtMoneyShort(0, cur)
	}
	return fmtMoneyShort(m, cur)
}

// fmtFloat formats f with d decimals and a typographic minus.
func fmtFloat(f float64, d int) string {
	s := strconv.FormatFloat(f, 'f', d, 64)
	if strings.HasPrefix(s, "-") {
		s = strings.TrimPrefix(s, "-")
		if strings.Trim(s, "0.") == "" {
			return s // -0.0
		}
		return minus + s
	}
	return s
}

func fmtSigned(f float64, d int) string {
	s := fmtFloat(f, d)
	if !strings.HasPrefix(s, minus) && strings.Trim(s, "0.") != "" {
		return "+" + s
	}
	return s
}

// fmtVal formats a figure of kind k for a reader.
func fmtVal(v val, k kind, cur string) string {
	if !v.ok {
		return "—"
	}
	switch k {
	case kindMoney:
		return fmtMoneyShort(v.cents, cur)
	case kindCount:
		return groupInt(int64(math.Round(v.f)))
	case kindPercent:
		return fmtFloat(v.f*100, 1) + "%"
	case kindRatio:
		return fmtFloat(v.f, 2)
	case kindScore:
		return fmtFloat(v.f, 1)
	}
	return fmtFloat(v.f, 2)
}

// fmtChange formats a change: "+2.1%" (relative), "+0.3 pp" (rates),
// "+$12.4K" (money), "+0.12" (ratios).
func fmtChange(c change, k kind, cur string) string {
	if !c.ok {
		return "—"
	}
	switch {
	case c.relative:
		return fmtSigned(c.v*100, 1) + "%"
	case k == kindMoney:
		return fmtSignedMoneyShort(transform.Money(math.Round(c.v*100)), cur)
	case k == kindPercent:
		return fmtSigned(c.v*100, 1) + " pp"
	case k == kindScore:
		return fmtSigned(c.v, 1)
	}
	return fmtSigned(c.v, 2)
}

// arrow is the direction glyph of a change.
func arrow(c change) string {
	switch {
	case !c.ok || c.v == 0:
		return "■"
	case c.v > 0:
		return "▲"
	}
	return "▼"
}

// scoreDecimals is the number of decimals of a survey type's score.
func scoreDecimals(t string) int {
	if t == "ces" {
		return 2
	}
	return 1
}

// fmtSurveyScore formats a survey score: NPS "42.0", CSAT "86.5%", CES "3.84".
func fmtSurveyScore(t string, f *float64) string {
	if f == nil {
		return "—"
	}
	s := fmtFloat(*f, scoreDecimals(t))
	if t == "csat" {
		s += "%"
	}
	return s
}

// tickMoney formats a money axis tick with as many decimals as the tick
// step needs: "$1.2M", "$1.25M", "$850K".
func tickMoney(v, step float64, cur string) string {
	sym, _ := currencySymbol(cur)
	unit, suffix := 1.0, ""
	switch {
	case step >= 1e5:
		unit, suffix = 1e6, "M"
	case step >= 100:
		unit, suffix = 1e3, "K"
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return sign + sym + strconv.FormatFloat(v/unit, 'f', stepDecimals(step/unit), 64) + suffix
}

// tickNumber formats a plain axis tick with the decimals its step needs.
func tickNumber(v, step float64, suffix string) string {
	return strconv.FormatFloat(v, 'f', stepDecimals(step), 64) + suffix
}

// stepDecimals is the number of decimals that shows a tick step exactly
// (at most 3).
func stepDecimals(step float64) int {
	for d := 0; d < 3; d++ {
		p := math.Pow(10, float64(d))
		if math.Abs(step*p-math.Round(step*p)) < 1e-6 {
			return d
		}
	}
	return 3
}
