package report

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	htmltemplate "html/template"
	"math"
	"slices"
	"strings"
	texttemplate "text/template"
	"unicode/utf8"

	"github.com/signalsdev/signals/transform"
)

//go:embed templates/digest.html.tmpl templates/digest.txt.tmpl
var templateFS embed.FS

// The digest templates are parsed once; they are immutable afterwards.
var (
	htmlDigest = htmltemplate.Must(htmltemplate.New("digest.html.tmpl").ParseFS(templateFS, "templates/digest.html.tmpl"))
	textDigest = texttemplate.Must(texttemplate.New("digest.txt.tmpl").Funcs(texttemplate.FuncMap{
		"rule":  func(s string) string { return strings.Repeat("=", utf8.RuneCountInString(s)) },
		"upper": strings.ToUpper,
		"wrap":  wrapText,
		"kpis":  textKPIs,
		"table": textTable,
	}).ParseFS(templateFS, "templates/digest.txt.tmpl"))
)

// ChartContentID is the Content-ID of the inline trend chart; the HTML part
// shows it as <img src="cid:trend.png@signals">.
const ChartContentID = "trend.png@signals"

// Report names, as used in the delivery ledger and file names.
const (
	ReportFinance = "finance"
	ReportCX      = "cx"
)

// DigestOptions are the delivery-dependent parts of a digest.
type DigestOptions struct {
	// Correction marks the digest as replacing one already sent for the
	// month whose figures have since changed.
	Correction bool
	// WorkbookName is the attached workbook's file name.
	WorkbookName string
	// WorkbookNote, when set, replaces the attachment line: the workbook
	// was left off (too large) and the note says where it is.
	WorkbookNote string
}

// Digest is a rendered email digest: subject, plain-text and HTML bodies
// with the same content, and the PNG trend chart the HTML shows inline.
type Digest struct {
	Report  string // ReportFinance or ReportCX
	Month   transform.Month
	Subject string
	Text    string
	HTML    string
	// Chart is a PNG of ChartWidth×ChartHeight CSS pixels at 2× density,
	// referenced by the HTML as cid:ChartContentID.
	Chart []byte
	// ContentHash is a hex SHA-256 of the digest rendered without its
	// volatile parts (run id, version) and without the correction marker:
	// two runs over the same figures give the same hash.
	ContentHash string
}

// digestView is what the templates render.
type digestView struct {
	Subject, Kicker, Title, MonthLong, Headline, Empty string
	Correction                                         bool
	KPIs                                               []kpiCard
	KPIRows                                            [][]kpiCard
	CompareNote                                        string
	Highlights                                         []highlight
	Chart                                              *chartView
	Sections                                           []section
	Quotes                                             []quote
	WorkbookName, WorkbookNote                         string
	Footer, RunID, Version                             string
}

type kpiCard struct {
	Label, Value, Change, Arrow, Note string
	Color, Accent                     string // CSS colours of the change and the card's edge
}

type highlight struct{ Mark, Text, Color string }

type chartView struct {
	Title, Alt    string
	Src           htmltemplate.URL
	Width, Height int
}

type section struct {
	Title, Note, Empty string
	Cols               []column
	Rows               [][]tcell
}

type column struct {
	Name  string
	Right bool
}

type tcell struct {
	Text, Sub   string
	Color, BG   string
	Bold, Right bool
	Nowrap      bool
}

type quote struct{ Text, Who string }

const (
	cssInk   = "#1F2937"
	cssMuted = "#6B7280"
	cssGood  = "#1E7B45"
	cssBad   = "#B42318"
	cssWarn  = "#A15C07"
	cssBlue  = "#2F6FD6"
)

func toneColor(t int) string {
	switch t {
	case 1:
		return cssGood
	case -1:
		return cssBad
	}
	return cssMuted
}

// render fills in the digest from its view, hashing a copy without the
// volatile fields.
func render(report string, m transform.Month, v digestView, chart []byte) (*Digest, error) {
	if len(v.KPIs) > 0 {
		v.KPIRows = nil
		for i := 0; i < len(v.KPIs); i += 3 {
			v.KPIRows = append(v.KPIRows, v.KPIs[i:min(i+3, len(v.KPIs))])
		}
	}
	run := func(v digestView) (string, string, error) {
		var h, t bytes.Buffer
		if err := htmlDigest.Execute(&h, v); err != nil {
			return "", "", fmt.Errorf("render %s digest html: %w", report, err)
		}
		if err := textDigest.Execute(&t, v); err != nil {
			return "", "", fmt.Errorf("render %s digest text: %w", report, err)
		}
		return h.String(), t.String(), nil
	}
	stable := v
	stable.RunID, stable.Version, stable.Correction = "", "", false
	stable.Subject = strings.TrimPrefix(v.Subject, "Correction: ")
	sh, st, err := run(stable)
	if err != nil {
		return nil, err
	}
	sum := sha256.New()
	fmt.Fprintf(sum, "%s\x00%s\x00%s\x00%s", stable.Subject, st, sh, chartFingerprint(chart))
	h, t, err := run(v)
	if err != nil {
		return nil, err
	}
	return &Digest{Report: report, Month: m, Subject: v.Subject, Text: t, HTML: h, Chart: chart,
		ContentHash: hex.EncodeToString(sum.Sum(nil))}, nil
}

// chartFingerprint hashes the chart image so that the content hash follows
// the trend even though the PNG encoder is not part of the contract.
func chartFingerprint(png []byte) string {
	s := sha256.Sum256(png)
	return hex.EncodeToString(s[:8])
}

func subjectPrefix(o DigestOptions) string {
	if o.Correction {
		return "Correction: "
	}
	return ""
}

func footer(m Meta) string {
	return fmt.Sprintf("Figures for %s in %s; months run from midnight to midnight in %s. Sent by signals.", m.Month.Long(), m.Currency, m.TZ)
}

// FinanceDigest renders the finance digest of d: headline KPIs with their
// month-over-month change, what changed, the MRR trend chart, the bridge,
// the largest movements, the accounts at risk and the segments.
func FinanceDigest(d *FinanceData, o DigestOptions) (*Digest, error) {
	title := "Finance — " + d.Month.Long()
	cur, ok := monthRow(d.Trend, d.Month)
	ks := financeKPIs(d, false)
	v := digestView{
		Kicker: "Monthly finance digest", Title: title, MonthLong: d.Month.Long(), Correction: o.Correction,
		WorkbookName: o.WorkbookName, WorkbookNote: o.WorkbookNote,
		Footer: footer(d.Meta), RunID: d.RunID, Version: d.Version,
	}
	if !ok {
		v.Headline = "No MRR figures for " + d.Month.Long() + " yet."
		v.Empty = "The mrr job has not written this month. The workbook shows whatever else exists."
		v.Subject = subjectPrefix(o) + title + ": no MRR figures yet"
	} else {
		mrr := ks[0]
		head := "MRR " + fmtVal(mrr.cur, kindMoney, d.Currency)
		if ch := mrr.change(mrr.prev); ch.ok {
			head += " (" + fmtChange(ch, kindMoney, d.Currency) + ")"
		}
		if cur.LogoChurnRate != nil {
			head += ", logo churn " + fmtFloat(*cur.LogoChurnRate*100, 1) + "%"
		}
		v.Subject = subjectPrefix(o) + title + ": " + head
		v.Headline = head
		for _, k := range ks {
			v.KPIs = append(v.KPIs, card(k, d.Currency))
		}
		v.CompareNote = "Changes are against " + d.Month.Add(-1).Long() + ". Green is good news, red is bad, whichever way the number moved."
		v.Highlights = financeHighlights(d, cur)
	}
	var chart []byte
	if len(d.Trend) > 0 {
		var pts []chartPoint
		first := d.Month.Add(-11)
		for i := range 12 {
			m := first.Add(i)
			r, ok := monthRow(d.Trend, m)
			pts = append(pts, chartPoint{label: m.Month().String()[:3], v: r.MRREnd.Float(), ok: ok})
		}
		var err error
		chart, err = trendChart(pts,
			func(x float64) string { return fmtMoneyShort(transform.Money(math.Round(x*100)), d.Currency) },
			func(x, step float64) string { return tickMoney(x, step, d.Currency) }, colBlue)
		if err != nil {
			return nil, err
		}
		v.Chart = &chartView{
			Title: "MRR, last 12 months", Src: htmltemplate.URL("cid:" + ChartContentID), Width: ChartWidth, Height: ChartHeight,
			Alt: trendAlt("MRR", pts, func(x float64) string { return fmtMoneyShort(transform.Money(math.Round(x*100)), d.Currency) }),
		}
	}
	if ok {
		v.Sections = append(v.Sections, bridgeSection(cur, d.Currency))
	}
	v.Sections = append(v.Sections, movementSection(d.TopMovements, d.Currency), atRiskSection(d.TopAtRisk, d.AtRiskCounts.Accounts, d.Currency, "Accounts at risk"))
	if s, ok := segmentSection(d); ok {
		v.Sections = append(v.Sections, s)
	}
	return render(ReportFinance, d.Month, v, chart)
}

// trendAlt describes a trend in words, for the image's alt text and the
// plain-text part.
func trendAlt(name string, pts []chartPoint, f func(float64) string) string {
	var firstP, lastP *chartPoint
	for i := range pts {
		if pts[i].ok {
			if firstP == nil {
				firstP = &pts[i]
			}
			lastP = &pts[i]
		}
	}
	if firstP == nil {
		return name + ": no data for the last 12 months."
	}
	if firstP == lastP {
		return fmt.Sprintf("%s: %s in %s; no earlier months.", name, f(lastP.v), lastP.label)
	}
	return fmt.Sprintf("%s went from %s in %s to %s in %s.", name, f(firstP.v), firstP.label, f(lastP.v), lastP.label)
}

// card turns a KPI into a digest card with its month-over-month change.
func card(k kpi, cur string) kpiCard {
	ch := k.change(k.prev)
	c := kpiCard{Label: k.label, Value: fmtVal(k.cur, k.kind, cur), Change: fmtChange(ch, k.kind, cur), Color: cssMuted, Accent: "#C9D3E0"}
	if !ch.ok {
		c.Change = "no comparison"
		return c
	}
	switch t := k.tone(ch); t {
	case 0:
		c.Change = "flat"
		if ch.v != 0 {
			c.Change = "about flat"
		}
	default:
		c.Arrow = arrow(ch)
		c.Color = toneColor(t)
		c.Accent = c.Color
	}
	return c
}

func financeHighlights(d *FinanceData, cur transform.MRRMonthly) []highlight {
	var hs []highlight
	add := func(tone int, format string, args ...any) {
		mark := "•"
		switch tone {
		case 1:
			mark = "▲"
		case -1:
			mark = "▼"
		}
		hs = append(hs, highlight{Mark: mark, Color: toneColor(tone), Text: fmt.Sprintf(format, args...)})
	}
	c := d.Currency
	if prev, ok := monthRow(d.Trend, d.Month.Add(-1)); ok && prev.MRREnd != 0 {
		g := (cur.MRREnd - prev.MRREnd).Float() / prev.MRREnd.Float()
		verb, tone := "grew", 1
		if g < 0 {
			verb, tone = "fell", -1
		}
		add(tone, "MRR %s %s%% to %s; net new MRR was %s (new %s, expansion %s, churn and contraction %s).",
			verb, fmtFloat(math.Abs(g)*100, 1), fmtMoneyShort(cur.MRREnd, c), fmtSignedMoneyShort(netNew(cur), c),
			fmtMoneyShort(cur.MRRNew, c), fmtMoneyShort(cur.MRRExpansion, c), fmtMoneyShort(cur.MRRContraction+cur.MRRChurned, c))
	}
	// Logo churn against the average of the other months shown.
	var sum float64
	var n int
	for _, r := range d.Trend {
		if r.Month != d.Month && r.Month > d.Month.Add(-12) && r.LogoChurnRate != nil {
			sum += *r.LogoChurnRate
			n++
		}
	}
	if n >= 3 && cur.LogoChurnRate != nil {
		avg := sum / float64(n)
		lc := *cur.LogoChurnRate
		switch {
		case lc > avg*1.2:
			add(-1, "Logo churn of %s%% (%d customers) is above its %d-month average of %s%%.", fmtFloat(lc*100, 1), cur.CustomersChurned, n, fmtFloat(avg*100, 1))
		case lc < avg*0.8:
			add(1, "Logo churn of %s%% (%d customers) is below its %d-month average of %s%%.", fmtFloat(lc*100, 1), cur.CustomersChurned, n, fmtFloat(avg*100, 1))
		default:
			add(0, "Logo churn of %s%% (%d customers) is in line with its %d-month average of %s%%.", fmtFloat(lc*100, 1), cur.CustomersChurned, n, fmtFloat(avg*100, 1))
		}
	}
	if cur.NRR != nil && cur.GRR != nil {
		tone := 0
		if *cur.NRR >= 1 {
			tone = 1
		}
		add(tone, "Net revenue retention %s%%, gross revenue retention %s%%.", fmtFloat(*cur.NRR*100, 1), fmtFloat(*cur.GRR*100, 1))
	}
	for _, m := range d.TopMovements {
		if m.Movement == transform.MoveChurn || m.Movement == transform.MoveContraction {
			add(-1, "Largest loss: %s %s (%s MRR).", displayName(m.Name, m.CustomerID), map[transform.Movement]string{
				transform.MoveChurn: "churned", transform.MoveContraction: "contracted"}[m.Movement], fmtMoneyShort(-m.Change, c))
			break
		}
	}
	// Segments: the strongest and weakest month-over-month MRR change.
	type mv struct {
		name string
		g    float64
	}
	var segs []mv
	prev := map[string]transform.Money{}
	for _, p := range d.PrevMembers {
		if p.Dimension == "segment" {
			prev[p.Member] = p.MRREnd
		}
	}
	for _, m := range d.Members {
		if p, ok := prev[m.Member]; ok && m.Dimension == "segment" && p != 0 {
			segs = append(segs, mv{m.Member, (m.MRREnd - p).Float() / p.Float()})
		}
	}
	if len(segs) >= 2 && segs[0].g-segs[len(segs)-1].g >= 0.001 {
		slices.SortFunc(segs, func(a, b mv) int { return cmp.Or(cmp.Compare(b.g, a.g), strings.Compare(a.name, b.name)) })
		best, worst := segs[0], segs[len(segs)-1]
		add(0, "By segment, %s did best (%s%% MRR) and %s worst (%s%%).", best.name, fmtSigned(best.g*100, 1), worst.name, fmtSigned(worst.g*100, 1))
	}
	return hs
}

// displayName is a customer's name, or its id when the name is unknown.
func displayName(name, id string) string {
	if strings.TrimSpace(name) == "" {
		return id
	}
	return name
}

func bridgeSection(r transform.MRRMonthly, cur string) section {
	s := section{Title: "MRR bridge",
		Cols: []column{{Name: "Step"}, {Name: "Amount", Right: true}, {Name: "Customers", Right: true}}}
	row := func(label string, m transform.Money, n int, total bool, sign int) []tcell {
		col := cssInk
		txt := fmtMoneyWhole(m, cur)
		if !total {
			switch {
			case m == 0:
			case sign < 0:
				col, txt = cssBad, minus+fmtMoneyWhole(m, cur)
			default:
				col, txt = cssGood, "+"+txt
			}
		}
		nc := ""
		if n >= 0 {
			nc = groupInt(int64(n))
		}
		return []tcell{{Text: label, Bold: total}, {Text: txt, Color: col, Bold: total, Right: true, Nowrap: true}, {Text: nc, Right: true, Color: cssMuted}}
	}
	fx := r.MRRFX
	fxRow := row("FX revaluation", fx, -1, false, 1)
	if fx < 0 {
		fxRow = row("FX revaluation", -fx, -1, false, -1)
	}
	s.Rows = [][]tcell{
		row("Start of month", r.MRRStart, r.CustomersStart, true, 1),
		fxRow,
		row("New", r.MRRNew, r.CustomersNew, false, 1),
		row("Expansion", r.MRRExpansion, r.CustomersExpanded, false, 1),
		row("Reactivation", r.MRRReactivation, r.CustomersReactivated, false, 1),
		row("Contraction", r.MRRContraction, r.CustomersContracted, false, -1),
		row("Churn", r.MRRChurned, r.CustomersChurned, false, -1),
		row("End of month", r.MRREnd, r.CustomersEnd, true, 1),
	}
	for i := range s.Rows {
		for j := range s.Rows[i] {
			if s.Rows[i][j].Color == "" {
				s.Rows[i][j].Color = cssInk
			}
		}
	}
	return s
}

func movementSection(ms []MovementRow, cur string) section {
	s := section{Title: "Largest movements", Empty: "No customer movements this month.",
		Cols: []column{{Name: "Customer"}, {Name: "Movement"}, {Name: "Change", Right: true}, {Name: "MRR now", Right: true}}}
	for _, m := range ms {
		col := cssGood
		if m.Change < 0 {
			col = cssBad
		}
		s.Rows = append(s.Rows, []tcell{
			{Text: displayName(m.Name, m.CustomerID), Sub: strings.Join(nonEmpty(m.Segment, m.Region), " · "), Color: cssInk, Bold: true},
			{Text: movementLabel(m.Movement), Color: cssInk},
			{Text: fmtSignedMoneyShort(m.Change, cur), Color: col, Right: true, Nowrap: true},
			{Text: fmtMoneyShort(m.End, cur), Color: cssInk, Right: true, Nowrap: true},
		})
	}
	return s
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// atRiskSection lists up to five of the total accounts at risk, worst
// first, with the most severe signal's evidence.
func atRiskSection(rows []AtRiskRow, total int, cur, title string) section {
	s := section{Title: title, Empty: "No red or yellow accounts this month.",
		Cols: []column{{Name: "Account"}, {Name: "Health", Right: true}, {Name: "MRR", Right: true}, {Name: "Why"}}}
	for i, a := range rows {
		if i == 5 {
			break
		}
		bg, fg := "#FEF0C7", cssWarn
		if a.Band == "red" {
			bg, fg = "#FDE4E1", cssBad
		}
		why := ""
		if sg, ok := worstSignal(a.Signals); ok {
			why = signalLabel(sg.Signal) + ": " + truncate(sg.Evidence, 110)
		}
		owner := a.Owner
		if owner == "" {
			owner = "no owner"
		}
		s.Rows = append(s.Rows, []tcell{
			{Text: displayName(a.Name, a.CustomerID), Sub: owner, Color: cssInk, Bold: true},
			{Text: fmtFloat(a.Score, 0), BG: bg, Color: fg, Bold: true, Right: true},
			{Text: fmtMoneyShort(a.MRR, cur), Color: cssInk, Right: true, Nowrap: true},
			{Text: why, Color: cssMuted},
		})
	}
	if shown := min(len(rows), 5); total > shown {
		s.Note = fmt.Sprintf("%d more in the workbook's At risk sheet.", total-shown)
	}
	return s
}

// worstSignal is the most severe signal (critical, warning, info), first
// listed among equals.
func worstSignal(ss []Signal) (Signal, bool) {
	rank := map[string]int{"critical": 0, "warning": 1, "info": 2}
	best, ok := Signal{}, false
	for _, s := range ss {
		if r, known := rank[s.Severity]; !ok || known && r < rank[best.Severity] {
			best, ok = s, true
		}
	}
	return best, ok
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func segmentSection(d *FinanceData) (section, bool) {
	s := section{Title: "By segment",
		Cols: []column{{Name: "Segment"}, {Name: "MRR", Right: true}, {Name: "vs last month", Right: true}, {Name: "NRR", Right: true}, {Name: "Logo churn", Right: true}}}
	prev := map[string]transform.Money{}
	for _, p := range d.PrevMembers {
		if p.Dimension == "segment" {
			prev[p.Member] = p.MRREnd
		}
	}
	pct := func(p *float64) string {
		if p == nil {
			return "—"
		}
		return fmtFloat(*p*100, 1) + "%"
	}
	for _, m := range d.Members {
		if m.Dimension != "segment" {
			continue
		}
		chg, col := "—", cssMuted
		if p, ok := prev[m.Member]; ok && p != 0 {
			g := (m.MRREnd - p).Float() / p.Float()
			chg = fmtSigned(g*100, 1) + "%"
			col = toneColor(map[bool]int{true: 1, false: -1}[g >= 0])
			if math.Abs(g) < 0.0005 {
				col = cssMuted
			}
		}
		s.Rows = append(s.Rows, []tcell{
			{Text: m.Member, Color: cssInk, Bold: true},
			{Text: fmtMoneyShort(m.MRREnd, d.Currency), Color: cssInk, Right: true, Nowrap: true},
			{Text: chg, Color: col, Right: true, Nowrap: true},
			{Text: pct(m.NRR), Color: cssInk, Right: true},
			{Text: pct(m.LogoChurnRate), Color: cssInk, Right: true},
		})
	}
	return s, len(s.Rows) > 0
}

// CXDigest renders the CX digest of d: survey scores and account health
// with their month-over-month change, the significant changes, the NPS
// trend chart, the accounts at risk, campaign results and a few detractor
// comments.
func CXDigest(d *CXData, o DigestOptions) (*Digest, error) {
	title := "Customer experience — " + d.Month.Long()
	v := digestView{
		Kicker: "Monthly CX digest", Title: title, MonthLong: d.Month.Long(), Correction: o.Correction,
		WorkbookName: o.WorkbookName, WorkbookNote: o.WorkbookNote,
		Footer: footer(d.Meta), RunID: d.RunID, Version: d.Version,
	}
	var parts []string
	for _, t := range surveyTypes {
		r, ok := surveyAll(d.Surveys, t, d.Month)
		if !ok || r.Score == nil {
			continue
		}
		p := surveyLabel(t) + " " + fmtSurveyScore(t, r.Score)
		if t == "nps" && r.Delta != nil {
			p += " (" + fmtSigned(*r.Delta, 1) + ")"
		}
		if t != "ces" {
			parts = append(parts, p)
		}
	}
	hm, okH := healthMonth(d.Health, d.Month)
	if okH || d.AtRiskCounts.Accounts > 0 {
		n := d.AtRiskCounts.Accounts
		parts = append(parts, fmt.Sprintf("%d %s at risk", n, plural(n, "account", "accounts")))
	}
	if len(parts) == 0 {
		v.Headline = "No survey, health or campaign results for " + d.Month.Long() + " yet."
		v.Empty = "The surveys, health and campaigns jobs have not written this month."
		v.Subject = subjectPrefix(o) + "CX — " + d.Month.Long() + ": no results yet"
	} else {
		v.Headline = strings.Join(parts, ", ")
		v.Subject = subjectPrefix(o) + "CX — " + d.Month.Long() + ": " + v.Headline
	}
	for _, t := range surveyTypes {
		r, ok := surveyAll(d.Surveys, t, d.Month)
		if !ok {
			continue
		}
		v.KPIs = append(v.KPIs, surveyCard(r))
	}
	if okH {
		prevH, okP := healthMonth(d.Health, d.Month.Add(-1))
		bandCard := func(label string, n int, p func(HealthMonth) int) kpiCard {
			k := kpi{label: label, kind: kindCount, good: -1, cur: num(float64(n))}
			if okP {
				k.prev = num(float64(p(prevH)))
			}
			c := card(k, d.Currency)
			if ch := k.change(k.prev); ch.ok {
				c.Change = fmtSigned(k.cur.f-k.prev.f, 0) + " vs last month"
				if k.cur.f == k.prev.f {
					c.Change = "unchanged"
				}
			}
			return c
		}
		v.KPIs = append(v.KPIs,
			bandCard("Red accounts", hm.Red, func(h HealthMonth) int { return h.Red }),
			bandCard("Yellow accounts", hm.Yellow, func(h HealthMonth) int { return h.Yellow }))
		risk := kpi{label: "MRR at risk", kind: kindMoney, good: -1, cur: money(hm.RedMRR + hm.YellowMRR)}
		if okP {
			risk.prev = money(prevH.RedMRR + prevH.YellowMRR)
		}
		v.KPIs = append(v.KPIs, card(risk, d.Currency))
	}
	if len(v.KPIs) > 0 {
		v.CompareNote = "Changes are against " + d.Month.Add(-1).Long() + "; ▲▼ mark survey changes that are statistically significant (p < 0.05)."
	}
	v.Highlights = cxHighlights(d)

	var pts []chartPoint
	first := d.Month.Add(-11)
	any := false
	for i := range 12 {
		m := first.Add(i)
		r, ok := surveyAll(d.Surveys, "nps", m)
		ok = ok && r.Score != nil
		p := chartPoint{label: m.Month().String()[:3], ok: ok}
		if ok {
			p.v, any = *r.Score, true
		}
		pts = append(pts, p)
	}
	var chart []byte
	if any {
		var err error
		chart, err = trendChart(pts, func(x float64) string { return fmtFloat(x, 1) },
			func(x, step float64) string { return tickNumber(x, step, "") }, colBlue)
		if err != nil {
			return nil, err
		}
		v.Chart = &chartView{Title: "NPS, last 12 months", Src: htmltemplate.URL("cid:" + ChartContentID), Width: ChartWidth, Height: ChartHeight,
			Alt: trendAlt("NPS", pts, func(x float64) string { return fmtFloat(x, 1) })}
	}
	v.Sections = append(v.Sections, atRiskSection(d.TopAtRisk, d.AtRiskCounts.Accounts, d.Currency, "Top accounts at risk"))
	if s, ok := campaignSection(d.Campaigns); ok {
		v.Sections = append(v.Sections, s)
	}
	for i, q := range d.Verbatims {
		if i == 3 {
			break
		}
		v.Quotes = append(v.Quotes, quote{Text: truncate(q.Comment, 280),
			Who: fmt.Sprintf("%s, %s %d · %s", displayName(q.Name, q.CustomerID), surveyLabel(q.SurveyType), q.Score, strings.Join(nonEmpty(q.Segment, q.Touchpoint), " · "))})
	}
	return render(ReportCX, d.Month, v, chart)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// surveyCard is a survey score with its change and whether the change is
// significant.
func surveyCard(r SurveyRow) kpiCard {
	c := kpiCard{Label: surveyLabel(r.SurveyType), Value: fmtSurveyScore(r.SurveyType, r.Score), Color: cssMuted, Accent: "#C9D3E0"}
	n := "n\u00a0=\u00a0" + groupInt(int64(r.Responses))
	switch {
	case r.Score == nil:
		c.Change, c.Note = "too few responses", n
	case r.Delta == nil:
		c.Change, c.Note = "no comparison", n
	default:
		d := fmtSigned(*r.Delta, scoreDecimals(r.SurveyType))
		if r.SurveyType == "csat" {
			d += " pts"
		}
		c.Change = d
		if r.Significant != nil && *r.Significant {
			t := 1
			if *r.Delta < 0 {
				t = -1
			}
			c.Arrow, c.Color, c.Accent = arrow(change{ok: true, v: *r.Delta}), toneColor(t), toneColor(t)
			c.Note = "significant · " + n
		} else {
			c.Note = "not significant · " + n
		}
		if r.LowSample {
			c.Note = "low sample · " + n
		}
	}
	return c
}

func cxHighlights(d *CXData) []highlight {
	var hs []highlight
	var sig []SurveyRow
	for _, r := range d.Surveys {
		if r.Month == d.Month && r.Significant != nil && *r.Significant && r.Delta != nil && r.Score != nil {
			sig = append(sig, r)
		}
	}
	slices.SortFunc(sig, func(a, b SurveyRow) int {
		return cmp.Or(cmp.Compare(math.Abs(*b.Delta), math.Abs(*a.Delta)), surveyOrder(a, b))
	})
	for i, r := range sig {
		if i == 5 {
			break
		}
		who := "all customers"
		if r.Dimension != "all" {
			who = "the " + r.Member + " " + strings.ToLower(dimensionLabel(r.Dimension))
		}
		verb, tone := "rose", 1
		if *r.Delta < 0 {
			verb, tone = "fell", -1
		}
		unit := " points"
		if r.SurveyType == "ces" {
			unit = ""
		}
		p := ""
		if r.PValue != nil {
			p = fmt.Sprintf(", p = %s", fmtFloat(*r.PValue, 3))
		}
		hs = append(hs, highlight{Mark: map[int]string{1: "▲", -1: "▼"}[tone], Color: toneColor(tone),
			Text: fmt.Sprintf("%s for %s %s %s%s to %s (n = %d%s).", surveyLabel(r.SurveyType), who, verb,
				fmtFloat(math.Abs(*r.Delta), scoreDecimals(r.SurveyType)), unit, fmtSurveyScore(r.SurveyType, r.Score), r.Responses, p)})
	}
	seen := map[string]bool{}
	for _, l := range d.Campaigns {
		if l.SRM() && !seen[l.CampaignID] {
			seen[l.CampaignID] = true
			hs = append(hs, highlight{Mark: "!", Color: cssBad,
				Text: fmt.Sprintf("“%s” has a sample ratio mismatch (p < 0.001, %s control vs %s treatment): its assignment is broken, so its lift cannot be trusted.",
					displayName(l.CampaignName, l.CampaignID), groupInt(int64(l.NControl)), groupInt(int64(l.NTreatment)))})
		}
	}
	for _, l := range d.Campaigns {
		if ok, sign := l.Significant(); ok && !l.SRM() {
			hs = append(hs, highlight{Mark: map[int]string{1: "▲", -1: "▼"}[sign], Color: toneColor(sign),
				Text: fmt.Sprintf("“%s” moved %s by %s (95%% CI %s to %s).", displayName(l.CampaignName, l.CampaignID),
					metricLabel(l.Metric), liftText(l, *l.AbsLift, true), liftText(l, *l.AbsCILow, false), liftText(l, *l.AbsCIHigh, false))})
		}
	}
	if crit := d.AtRiskCounts.Critical; crit > 0 {
		hs = append(hs, highlight{Mark: "!", Color: cssBad, Text: fmt.Sprintf("%d %s raised a critical signal (a contract request or cancel intent).", crit, plural(crit, "account", "accounts"))})
	}
	return hs
}

func metricLabel(m string) string { return strings.ReplaceAll(m, "_", " ") }

// liftText formats a lift: points for proportions, plain for means.
func liftText(l LiftRow, v float64, signed bool) string {
	if l.Kind == "proportion" {
		if signed {
			return fmtSigned(v*100, 1) + " pp"
		}
		return fmtFloat(v*100, 1) + " pp"
	}
	if signed {
		return fmtSigned(v, 2)
	}
	return fmtFloat(v, 2)
}

func campaignSection(ls []LiftRow) (section, bool) {
	s := section{Title: "Campaigns",
		Cols: []column{{Name: "Campaign"}, {Name: "Lift", Right: true}, {Name: "95% CI", Right: true}, {Name: "Result"}}}
	rows := slices.Clone(ls)
	slices.SortStableFunc(rows, func(a, b LiftRow) int {
		return strings.Compare(a.CampaignID+"\x00"+a.Metric, b.CampaignID+"\x00"+b.Metric)
	})
	for _, l := range rows {
		lift, ci := "—", "—"
		if l.AbsLift != nil {
			lift = liftText(l, *l.AbsLift, true)
		}
		if l.AbsCILow != nil && l.AbsCIHigh != nil {
			ci = liftText(l, *l.AbsCILow, false) + " to " + liftText(l, *l.AbsCIHigh, false)
		}
		res, col := "not significant", cssMuted
		if ok, sign := l.Significant(); ok {
			res, col = map[int]string{1: "significant lift", -1: "significant drop"}[sign], toneColor(sign)
		} else if l.AbsLift == nil {
			res = "no estimate"
			if l.Reason != "" {
				res += ": " + l.Reason
			}
		}
		if l.SRM() {
			res, col = "SRM: do not trust", cssBad
		}
		s.Rows = append(s.Rows, []tcell{
			{Text: displayName(l.CampaignName, l.CampaignID), Sub: metricLabel(l.Metric), Color: cssInk, Bold: true},
			{Text: lift, Color: cssInk, Right: true, Nowrap: true},
			{Text: ci, Color: cssMuted, Right: true, Nowrap: true},
			{Text: res, Color: col, Bold: col != cssMuted},
		})
	}
	return s, len(s.Rows) > 0
}

// wrapText wraps s at width runes, indenting continuation lines.
func wrapText(s string, width int, indent string) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(s) {
		n := utf8.RuneCountInString(w)
		if i > 0 {
			if line+1+n > width {
				b.WriteString("\n" + indent)
				line = utf8.RuneCountInString(indent)
			} else {
				b.WriteByte(' ')
				line++
			}
		}
		b.WriteString(w)
		line += n
	}
	return b.String()
}

// textKPIs lays out KPI cards as aligned lines.
func textKPIs(ks []kpiCard) string {
	lw, vw := 0, 0
	for _, k := range ks {
		lw = max(lw, utf8.RuneCountInString(k.Label))
		vw = max(vw, utf8.RuneCountInString(k.Value))
	}
	var b strings.Builder
	for i, k := range ks {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("  " + padRight(k.Label, lw) + "  " + padLeft(k.Value, vw) + "   ")
		if k.Arrow != "" {
			b.WriteString(k.Arrow + " ")
		}
		b.WriteString(k.Change)
		if k.Note != "" {
			b.WriteString(" (" + k.Note + ")")
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// textTable lays out a section's rows as aligned columns.
func textTable(s section) string {
	w := make([]int, len(s.Cols))
	cellText := func(c tcell) string {
		if c.Sub != "" {
			return c.Text + " (" + c.Sub + ")"
		}
		return c.Text
	}
	for i, c := range s.Cols {
		w[i] = utf8.RuneCountInString(c.Name)
	}
	// Columns are cut at maxW runes, but a last, left-aligned column (the
	// why of an account) wraps onto indented lines of the same width
	// instead: it is the one people read in full.
	const maxW, lastW = 46, 46
	last := len(s.Cols) - 1
	wraps := !s.Cols[last].Right
	for _, r := range s.Rows {
		for i, c := range r {
			limit := maxW
			if i == last && wraps {
				limit = lastW
			}
			w[i] = min(max(w[i], utf8.RuneCountInString(cellText(c))), limit)
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		var parts []string
		var more []string // continuation lines of the last column
		for i, c := range cells {
			switch {
			case s.Cols[i].Right:
				parts = append(parts, padLeft(c, w[i]))
			case i == last && wraps:
				lines := wrapWords(c, w[i])
				parts = append(parts, padRight(lines[0], w[i]))
				more = lines[1:]
			default:
				parts = append(parts, padRight(truncate(c, maxW), w[i]))
			}
		}
		b.WriteString(strings.TrimRight("  "+strings.Join(parts, "  "), " ") + "\n")
		indent := 2
		for i := range last {
			indent += w[i] + 2
		}
		for _, m := range more {
			b.WriteString(strings.Repeat(" ", indent) + m + "\n")
		}
	}
	var hdr []string
	for _, c := range s.Cols {
		hdr = append(hdr, c.Name)
	}
	line(hdr)
	var rule []string
	for i := range s.Cols {
		rule = append(rule, strings.Repeat("-", w[i]))
	}
	line(rule)
	for _, r := range s.Rows {
		var cells []string
		for _, c := range r {
			cells = append(cells, cellText(c))
		}
		line(cells)
	}
	return strings.TrimRight(b.String(), "\n")
}

// wrapWords breaks s into lines of at most n runes at spaces; a word longer
// than n is cut. It returns at least one line.
func wrapWords(s string, n int) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		for utf8.RuneCountInString(word) > n {
			if cur != "" {
				lines, cur = append(lines, cur), ""
			}
			r := []rune(word)
			lines, word = append(lines, string(r[:n])), string(r[n:])
		}
		switch {
		case cur == "":
			cur = word
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(word) <= n:
			cur += " " + word
		default:
			lines, cur = append(lines, cur), word
		}
	}
	return append(lines, cur)
}

func padRight(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s)))
}

func padLeft(s string, n int) string {
	return strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s))) + s
}
