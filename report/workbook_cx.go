package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/signalsdev/signals/transform"
)

// CX workbook sheet names, in order (Summary, Trend, Definitions and About
// are shared with the finance workbook's names).
const (
	SheetScores    = "Scores"
	SheetAtRisk    = "At risk"
	SheetCampaigns = "Campaigns"
	SheetVerbatims = "Verbatims"
)

// CXTitle is the CX report's title for month m.
func CXTitle(m transform.Month) string { return "Customer experience — " + m.Long() }

// WriteCXWorkbook renders the CX workbook of d to w: Summary, Scores, Trend,
// At risk, Campaigns, Verbatims, Definitions and About. Sheets with no data
// say so. It returns the content hash and the number of at-risk accounts.
func WriteCXWorkbook(w io.Writer, d *CXData) (WorkbookInfo, error) {
	b, err := newBook(d.Currency, CXTitle(d.Month))
	if err != nil {
		return WorkbookInfo{}, err
	}
	defer b.f.Close()
	if err := b.f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return WorkbookInfo{}, err
	}
	for _, s := range []string{SheetScores, SheetTrend, SheetAtRisk, SheetCampaigns, SheetVerbatims} {
		if _, err := b.f.NewSheet(s); err != nil {
			return WorkbookInfo{}, fmt.Errorf("add sheet %s: %w", s, err)
		}
	}
	if err := b.activate(SheetSummary); err != nil {
		return WorkbookInfo{}, err
	}
	steps := []struct {
		name string
		fn   func(*book, *CXData) error
	}{
		{SheetSummary, cxSummary},
		{SheetScores, cxScores},
		{SheetTrend, cxTrend},
		{SheetAtRisk, cxAtRisk},
		{SheetCampaigns, cxCampaigns},
		{SheetVerbatims, cxVerbatims},
	}
	for _, s := range steps {
		if err := s.fn(b, d); err != nil {
			return WorkbookInfo{}, fmt.Errorf("cx workbook, sheet %s: %w", s.name, err)
		}
	}
	if err := b.definitionsSheet(SheetDefinitions, "Definitions", cxDefinitions()); err != nil {
		return WorkbookInfo{}, fmt.Errorf("cx workbook, definitions: %w", err)
	}
	if err := b.aboutSheet(SheetAbout, d.Meta, "About this workbook", nil); err != nil {
		return WorkbookInfo{}, fmt.Errorf("cx workbook, about: %w", err)
	}
	h, err := b.finish(w)
	if err != nil {
		return WorkbookInfo{}, err
	}
	return WorkbookInfo{ContentHash: h, Rows: b.rows}, nil
}

// scoreFormats returns the number formats of a survey type's score and of
// its change.
func scoreFormats(t string) (string, string) {
	switch t {
	case "ces":
		return fmtCES, fmtCESDelta
	case "csat":
		return `0.0"%"`, fmtScoreDelta
	}
	return fmtScore, fmtScoreDelta
}

// significance describes a survey row's month-over-month test for readers,
// with a tone (+1 better, -1 worse, 0 neither).
func significance(r SurveyRow) (string, int) {
	switch {
	case r.Score == nil:
		return "suppressed (fewer than 5 responses)", 0
	case r.PValue == nil || r.Delta == nil:
		if r.PrevScore == nil {
			return "no previous month", 0
		}
		return "not tested (fewer than 30 responses)", 0
	case r.Significant != nil && *r.Significant:
		// Higher is better for every score here (CES: higher is easier).
		if *r.Delta > 0 {
			return "▲ significant rise", 1
		}
		return "▼ significant fall", -1
	}
	return "not significant", 0
}

func sampleNote(r SurveyRow) string {
	switch {
	case r.Score == nil:
		return "suppressed"
	case r.LowSample:
		return "low (5–29)"
	}
	return ""
}

func cxSummary(b *book, d *CXData) error {
	s := SheetSummary
	if err := b.setup(s, sheetOpts{
		widths:    map[string]float64{"A": 36, "B:F": 12, "G": 10, "H": 30, "I": 2},
		landscape: true, tab: colNavy, onePage: true,
	}); err != nil {
		return err
	}
	if err := b.title2(s, CXTitle(d.Month), fmt.Sprintf("Survey scores, account health and campaigns for %s · months in %s", d.Month.Long(), d.TZ)); err != nil {
		return err
	}
	if err := b.set(s, 1, 4, "Scores (all customers)", styleSpec{bold: true, size: 12, color: colNavy}); err != nil {
		return err
	}
	if err := b.numHeader(s, 1, 5, 1, 1, "Survey", "Score", "Responses", "95% CI low", "95% CI high", "Last month", "Change", "Significance"); err != nil {
		return err
	}
	r := 6
	for _, t := range surveyTypes {
		row, ok := surveyAll(d.Surveys, t, d.Month)
		sf, df := scoreFormats(t)
		if !ok {
			if err := b.row(s, 1, r, c(surveyLabel(t), styleSpec{bold: true}), c(nil, styleSpec{}), c(nil, styleSpec{}), c(nil, styleSpec{}),
				c(nil, styleSpec{}), c(nil, styleSpec{}), c(nil, styleSpec{}), c("no data this month", styleSpec{color: colGrey, italic: true})); err != nil {
				return err
			}
			r++
			continue
		}
		sig, tone := significance(row)
		grey := row.LowSample || row.Score == nil
		base := styleSpec{}
		if grey {
			base.color = colGrey
		}
		sc := base
		sc.fmt, sc.bold, sc.size = sf, true, 12
		dc := base
		dc.fmt = df
		sigS := base
		sigS.indent = 1
		switch tone {
		case 1:
			sigS.color, sigS.bold = colGreen, true
			dc.color, dc.bold = colGreen, true
		case -1:
			sigS.color, sigS.bold = colRed, true
			dc.color, dc.bold = colRed, true
		}
		if err := b.row(s, 1, r,
			c(surveyLabel(t), styleSpec{bold: true}),
			c(row.Score, sc),
			c(row.Responses, styleSpec{fmt: fmtCount, color: base.color}),
			c(row.CILow, styleSpec{fmt: sf, color: colMuted}),
			c(row.CIHigh, styleSpec{fmt: sf, color: colMuted}),
			c(row.PrevScore, styleSpec{fmt: sf, color: base.color}),
			c(row.Delta, dc),
			c(sig, sigS),
		); err != nil {
			return err
		}
		r++
	}
	if err := b.table(s, "SummaryScores", 1, 5, 8, r-1); err != nil {
		return err
	}

	r++
	if err := b.set(s, 1, r, "Account health", styleSpec{bold: true, size: 12, color: colNavy}); err != nil {
		return err
	}
	r++
	hr := r
	if err := b.numHeader(s, 1, r, 1, 0, "Band", "Accounts", "MRR", "Last month", "Change"); err != nil {
		return err
	}
	r++
	cur, okC := healthMonth(d.Health, d.Month)
	prev, okP := healthMonth(d.Health, d.Month.Add(-1))
	mf := excelMoneyFormat(b.cur, false)
	bands := []struct {
		name, fg, bg string
		n            func(HealthMonth) int
		mrr          func(HealthMonth) transform.Money
	}{
		{"Red (score below 40)", colRed, colRedBg, func(h HealthMonth) int { return h.Red }, func(h HealthMonth) transform.Money { return h.RedMRR }},
		{"Yellow (40–69)", colAmber, colAmberBg, func(h HealthMonth) int { return h.Yellow }, func(h HealthMonth) transform.Money { return h.YellowMRR }},
		{"Green (70 and above)", colGreen, colGreenBg, func(h HealthMonth) int { return h.Green }, func(h HealthMonth) transform.Money { return h.GreenMRR }},
	}
	for _, bd := range bands {
		var n, m, p, ch any
		if okC {
			n, m = bd.n(cur), bd.mrr(cur)
		}
		if okP {
			p = bd.n(prev)
		}
		if okC && okP {
			ch = bd.n(cur) - bd.n(prev)
		}
		if err := b.row(s, 1, r,
			c(bd.name, styleSpec{bold: true, color: bd.fg, fill: bd.bg}),
			c(n, styleSpec{fmt: fmtCount, bold: true}),
			c(m, styleSpec{fmt: mf}),
			c(p, styleSpec{fmt: fmtCount, color: colMuted}),
			c(ch, styleSpec{fmt: fmtCountDelta}),
		); err != nil {
			return err
		}
		r++
	}
	if err := b.table(s, "SummaryHealth", 1, hr, 5, r-1); err != nil {
		return err
	}
	if !okC {
		if err := b.note(s, 1, r, "No health scores this month."); err != nil {
			return err
		}
		r++
	}

	r++
	if err := b.set(s, 1, r, "This month", styleSpec{bold: true, size: 12, color: colNavy}); err != nil {
		return err
	}
	r++
	srm, sig, camps := 0, 0, map[string]bool{}
	for _, l := range d.Campaigns {
		camps[l.CampaignID] = true
		if l.SRM() {
			srm++
		}
		if ok, _ := l.Significant(); ok {
			sig++
		}
	}
	facts := []struct {
		k string
		v any
		s styleSpec
	}{
		{"Accounts at risk (red or yellow)", d.AtRiskCounts.Accounts, styleSpec{fmt: fmtCount, bold: true}},
		{"Campaigns measured", len(camps), styleSpec{fmt: fmtCount}},
		{"Metrics with a significant lift", sig, styleSpec{fmt: fmtCount}},
		{"Metrics with a sample ratio mismatch", srm, styleSpec{fmt: fmtCount, color: map[bool]string{true: colRed, false: colInk}[srm > 0], bold: srm > 0}},
		{"Detractor comments", len(d.Verbatims), styleSpec{fmt: fmtCount}},
	}
	for _, f := range facts {
		if err := b.row(s, 1, r, c(f.k, styleSpec{}), c(f.v, f.s)); err != nil {
			return err
		}
		r++
	}
	r++
	for _, n := range []string{
		"Scores: NPS in points (−100 to 100), CSAT as the share of 4–5 answers, CES as the mean answer (higher is easier).",
		"Grey figures rest on fewer than 30 responses; fewer than 5 are suppressed. Changes are tested at the 5% level only with 30+ responses in both months.",
	} {
		if err := b.note(s, 1, r, n); err != nil {
			return err
		}
		r++
	}
	if err := b.f.AddChart(s, "J4", lineChart("NPS, last 12 months", SheetTrend, 5, 16,
		[]series{{"B", colBlue}}, "0", 480, 280)); err != nil {
		return fmt.Errorf("summary chart: %w", err)
	}
	return nil
}

var scoreHeaders = []string{"Survey", "Dimension", "Member", "Responses", "Skipped", "Promoters / positive", "Passives / neutral",
	"Detractors / negative", "Score", "95% CI low", "95% CI high", "Last month", "Change", "p-value", "Significance", "Sample"}

func cxScores(b *book, d *CXData) error {
	s := SheetScores
	if err := b.setup(s, sheetOpts{
		widths:    map[string]float64{"A": 8, "B": 13, "C": 18, "D:E": 10, "F:H": 11, "I:L": 10, "M": 9, "N": 9, "O": 34, "P": 12},
		freezeRow: 4, freezeCol: 3, landscape: true, printTitle: "$4:$4",
	}); err != nil {
		return err
	}
	if err := b.title2(s, "Scores — "+d.Month.Long(), "NPS, CSAT and CES by every dimension. Grey rows have fewer than 30 responses; ▲▼ mark significant changes (p < 0.05)."); err != nil {
		return err
	}
	if err := b.numHeader(s, 1, 4, 3, 2, scoreHeaders...); err != nil {
		return err
	}
	var rows []SurveyRow
	for _, r := range d.Surveys {
		if r.Month == d.Month {
			rows = append(rows, r)
		}
	}
	slices.SortFunc(rows, surveyOrder)
	r := 5
	for _, sr := range rows {
		sf, df := scoreFormats(sr.SurveyType)
		sig, tone := significance(sr)
		base := styleSpec{}
		if sr.LowSample || sr.Score == nil {
			base.color = colGrey
		}
		with := func(f string) styleSpec { x := base; x.fmt = f; return x }
		sc := with(sf)
		sc.bold = true
		dc := with(df)
		sigS := base
		sigS.indent = 1
		if tone != 0 {
			col := map[int]string{1: colGreen, -1: colRed}[tone]
			dc.color, dc.bold, sigS.color, sigS.bold = col, true, col, true
		}
		if err := b.row(s, 1, r,
			c(surveyLabel(sr.SurveyType), base),
			c(dimensionLabel(sr.Dimension), base),
			c(sr.Member, base),
			c(sr.Responses, with(fmtCount)),
			c(sr.Skipped, with(fmtCount)),
			c(sr.Positive, with(fmtCount)),
			c(sr.Neutral, with(fmtCount)),
			c(sr.Negative, with(fmtCount)),
			c(sr.Score, sc),
			c(sr.CILow, with(sf)),
			c(sr.CIHigh, with(sf)),
			c(sr.PrevScore, with(sf)),
			c(sr.Delta, dc),
			c(sr.PValue, with(fmtP)),
			c(sig, sigS),
			c(sampleNote(sr), withIndent(base)),
		); err != nil {
			return err
		}
		r++
	}
	if err := b.table(s, "Scores", 1, 4, len(scoreHeaders), r-1); err != nil {
		return err
	}
	if len(rows) == 0 {
		if err := b.set(s, 1, 7, "No survey data this month.", styleSpec{bold: true, color: colRed}); err != nil {
			return err
		}
	}
	return nil
}

func cxTrend(b *book, d *CXData) error {
	s := SheetTrend
	if err := b.setup(s, sheetOpts{
		widths:    map[string]float64{"A": 11, "B:I": 11, "J": 14},
		freezeRow: 4, freezeCol: 1, landscape: true, onePage: true,
	}); err != nil {
		return err
	}
	first := d.Month.Add(-11)
	if err := b.title2(s, "Trend — "+first.Long()+" to "+d.Month.Long(), "All customers, the last 12 months."); err != nil {
		return err
	}
	hdr := []string{"Month", "NPS", "NPS responses", "CSAT", "CSAT responses", "CES", "CES responses", "Red accounts", "Yellow accounts", "MRR at risk"}
	if err := b.numHeader(s, 1, 4, 1, 0, hdr...); err != nil {
		return err
	}
	mf := excelMoneyFormat(b.cur, false)
	for i := range 12 {
		m := first.Add(i)
		r := 5 + i
		if err := b.set(s, 1, r, m, styleSpec{fmt: fmtMonth, halign: "left"}); err != nil {
			return err
		}
		for j, t := range surveyTypes {
			sr, ok := surveyAll(d.Surveys, t, m)
			if !ok {
				continue
			}
			sf, _ := scoreFormats(t)
			st := styleSpec{fmt: sf, bold: true}
			if sr.LowSample {
				st.color = colGrey
			}
			if err := b.row(s, 2+2*j, r, c(sr.Score, st), c(sr.Responses, styleSpec{fmt: fmtCount, color: colMuted})); err != nil {
				return err
			}
		}
		if h, ok := healthMonth(d.Health, m); ok {
			if err := b.row(s, 8, r, c(h.Red, styleSpec{fmt: fmtCount}), c(h.Yellow, styleSpec{fmt: fmtCount}), c(h.RedMRR+h.YellowMRR, styleSpec{fmt: mf})); err != nil {
				return err
			}
		}
	}
	if err := b.table(s, "Trend", 1, 4, len(hdr), 16); err != nil {
		return err
	}
	charts := []struct {
		cell, title string
		ss          []series
		fmt         string
	}{
		{"A19", "NPS and CSAT", []series{{"B", colBlue}, {"D", colGreen}}, "0"},
		{"F19", "CES (higher is easier)", []series{{"F", colNavy}}, "0.00"},
		{"A35", "Accounts at risk", []series{{"H", colRed}, {"I", colAmber}}, "0"},
		{"F35", "MRR at risk", []series{{"J", colRed}}, excelMoneyFormat(b.cur, false)},
	}
	for _, ch := range charts {
		if err := b.f.AddChart(s, ch.cell, lineChart(ch.title, s, 5, 16, ch.ss, ch.fmt, 400, 260)); err != nil {
			return fmt.Errorf("trend chart %s: %w", ch.title, err)
		}
	}
	return nil
}

var atRiskHeaders = []string{"Customer ID", "Customer", "Owner", "Segment", "Band", "Health score", "Last month", "Change", "MRR", "Signals", "Evidence"}

// signalLabel names a signal for readers.
func signalLabel(s string) string { return strings.ReplaceAll(s, "_", " ") }

// cxAtRisk streams the At risk sheet: at a million customers a month can
// have tens of thousands of red and yellow accounts.
func cxAtRisk(b *book, d *CXData) error {
	st, err := b.stream(SheetAtRisk, sheetOpts{
		widths:    map[string]float64{"A": 13, "B": 26, "C": 18, "D": 13, "E": 9, "F:H": 10, "I": 12, "J": 24, "K": 72},
		freezeRow: 4, freezeCol: 2, landscape: true, printTitle: "$4:$4",
	})
	if err != nil {
		return err
	}
	if err := st.title2("Accounts at risk — "+d.Month.Long(), "Red and yellow accounts, worst first, with the signals behind their score. MRR at the end of the month in "+d.Currency+"."); err != nil {
		return err
	}
	if err := st.row(4, 30, numHeaderCells(5, 2, atRiskHeaders...)...); err != nil {
		return err
	}
	mf := excelMoneyFormat(b.cur, false)
	r := 5
	if d.AtRisk != nil {
		for a, err := range d.AtRisk {
			if err != nil {
				return err
			}
			fg, bg := colAmber, colAmberBg
			if a.Band == "red" {
				fg, bg = colRed, colRedBg
			}
			var names, ev []string
			for _, sg := range a.Signals {
				names = append(names, signalLabel(sg.Signal))
				mark := ""
				if sg.Severity == "critical" {
					mark = " (critical)"
				}
				ev = append(ev, signalLabel(sg.Signal)+mark+": "+sg.Evidence)
			}
			var ch any
			if a.PrevScore != nil {
				ch = a.Score - *a.PrevScore
			}
			lines := wrapLines(strings.Join(names, ", "), 22)
			evl := 0
			for _, e := range ev {
				evl += wrapLines(e, 78)
			}
			top := styleSpec{valign: "top"}
			with := func(x styleSpec) styleSpec { x.valign = "top"; return x }
			if err := st.row(r, fitHeight(max(lines, evl)),
				c(a.CustomerID, top),
				c(a.Name, with(styleSpec{bold: true})),
				c(a.Owner, top),
				c(a.Segment, top),
				c(strings.ToUpper(a.Band[:min(1, len(a.Band))])+a.Band[min(1, len(a.Band)):], with(styleSpec{bold: true, color: fg, fill: bg, halign: "center"})),
				c(a.Score, with(styleSpec{fmt: fmtScore, bold: true})),
				c(a.PrevScore, with(styleSpec{fmt: fmtScore, color: colMuted})),
				c(ch, with(styleSpec{fmt: `+0.0;[Red]-0.0;0.0`})),
				c(a.MRR, with(styleSpec{fmt: mf})),
				c(strings.Join(names, ", "), with(styleSpec{wrap: true, indent: 1})),
				c(strings.Join(ev, "\n"), with(styleSpec{wrap: true, indent: 1})),
			); err != nil {
				return err
			}
			r++
		}
	}
	if r == 5 {
		if err := st.row(7, 0, c("No red or yellow accounts this month (or no health scores yet).", styleSpec{bold: true, color: colMuted})); err != nil {
			return err
		}
	}
	if err := st.table("AtRisk", 1, 4, len(atRiskHeaders), r-1); err != nil {
		return err
	}
	b.rows = int64(r - 5)
	return st.flush()
}

var campaignHeaders = []string{"Campaign", "Name", "Metric", "Kind", "Control n", "Treatment n", "Control", "Treatment",
	"Lift", "Lift CI low", "Lift CI high", "p-value", "Relative lift", "Rel. CI low", "Rel. CI high", "SRM p-value", "Result", "Notes"}

func cxCampaigns(b *book, d *CXData) error {
	s := SheetCampaigns
	if err := b.setup(s, sheetOpts{
		widths:    map[string]float64{"A": 12, "B": 24, "C": 18, "D": 10, "E:F": 10, "G:L": 10, "M:O": 11, "P": 11, "Q": 19, "R": 44},
		freezeRow: 4, freezeCol: 2, landscape: true, printTitle: "$4:$4",
	}); err != nil {
		return err
	}
	if err := b.title2(s, "Campaign lift — "+d.Month.Long(), "Treatment against control, 95% intervals, Welch t-tests. A sample ratio mismatch (SRM p < 0.001) means the split itself went wrong."); err != nil {
		return err
	}
	if err := b.numHeader(s, 1, 4, 4, 2, campaignHeaders...); err != nil {
		return err
	}
	rows := slices.Clone(d.Campaigns)
	slices.SortStableFunc(rows, func(a, b LiftRow) int {
		return strings.Compare(a.CampaignID+"\x00"+a.Metric, b.CampaignID+"\x00"+b.Metric)
	})
	r := 5
	for _, l := range rows {
		mf := fmtRatio
		if l.Kind == "proportion" {
			mf = fmtPct
		}
		res, tone := "not significant", 0
		if ok, sign := l.Significant(); ok {
			tone = sign
			res = map[int]string{1: "▲ significant lift", -1: "▼ significant drop"}[sign]
		} else if l.AbsLift == nil {
			res = "no estimate"
		}
		var notes []string
		if l.SRM() {
			notes = append(notes, "Sample ratio mismatch: check the assignment before trusting this lift.")
		}
		if l.Reason != "" {
			notes = append(notes, sentence(l.Reason))
		}
		if l.LowSample {
			notes = append(notes, "Small sample.")
		}
		resS := styleSpec{indent: 1}
		if tone != 0 {
			resS = styleSpec{bold: true, indent: 1, color: map[int]string{1: colGreen, -1: colRed}[tone]}
		}
		noteS := styleSpec{wrap: true, indent: 1}
		srmS := styleSpec{fmt: fmtP}
		if l.SRM() {
			noteS = styleSpec{wrap: true, indent: 1, bold: true, color: colRed, fill: colRedBg}
			srmS = styleSpec{fmt: fmtP, bold: true, color: colRed, fill: colRedBg}
		}
		top := func(x styleSpec) styleSpec { x.valign = "top"; return x }
		if err := b.row(s, 1, r,
			c(l.CampaignID, top(styleSpec{})),
			c(l.CampaignName, top(styleSpec{bold: true})),
			c(l.Metric, top(styleSpec{})),
			c(l.Kind, top(styleSpec{color: colMuted})),
			c(l.NControl, top(styleSpec{fmt: fmtCount})),
			c(l.NTreatment, top(styleSpec{fmt: fmtCount})),
			c(l.ControlMean, top(styleSpec{fmt: mf})),
			c(l.TreatmentMean, top(styleSpec{fmt: mf})),
			c(l.AbsLift, top(styleSpec{fmt: mf, bold: true})),
			c(l.AbsCILow, top(styleSpec{fmt: mf, color: colMuted})),
			c(l.AbsCIHigh, top(styleSpec{fmt: mf, color: colMuted})),
			c(l.AbsPValue, top(styleSpec{fmt: fmtP})),
			c(l.RelLift, top(styleSpec{fmt: fmtPctChange})),
			c(l.RelCILow, top(styleSpec{fmt: fmtPctChange, color: colMuted})),
			c(l.RelCIHigh, top(styleSpec{fmt: fmtPctChange, color: colMuted})),
			c(l.SRMPValue, top(srmS)),
			c(res, top(resS)),
			c(strings.Join(notes, " "), top(noteS)),
		); err != nil {
			return err
		}
		if err := fitRow(b, s, r, wrapLines(strings.Join(notes, " "), 48)); err != nil {
			return err
		}
		r++
	}
	if err := b.table(s, "Campaigns", 1, 4, len(campaignHeaders), r-1); err != nil {
		return err
	}
	if len(rows) == 0 {
		if err := b.set(s, 1, 7, "No campaign data this month.", styleSpec{bold: true, color: colMuted}); err != nil {
			return err
		}
	}
	return nil
}

func cxVerbatims(b *book, d *CXData) error {
	s := SheetVerbatims
	if err := b.setup(s, sheetOpts{
		widths:    map[string]float64{"A": 16, "B": 13, "C": 24, "D": 13, "E": 8, "F": 7, "G": 13, "H": 90},
		freezeRow: 4, landscape: true, printTitle: "$4:$4",
	}); err != nil {
		return err
	}
	if err := b.title2(s, "Detractor comments — "+d.Month.Long(), "NPS answers from 0 to 6 that came with a comment, lowest score first. Dates in "+d.TZ+"."); err != nil {
		return err
	}
	if err := b.header(s, 1, 4, "Date", "Customer ID", "Customer", "Segment", "Survey", "Score", "Touchpoint", "Comment"); err != nil {
		return err
	}
	loc, err := time.LoadLocation(d.TZ)
	if err != nil {
		loc = time.UTC
	}
	r := 5
	for _, v := range d.Verbatims {
		t := v.RespondedAt.In(loc)
		wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
		top := styleSpec{valign: "top"}
		if err := b.row(s, 1, r,
			c(wall, styleSpec{fmt: fmtDateTime, valign: "top", halign: "left"}),
			c(v.CustomerID, top),
			c(v.Name, styleSpec{valign: "top", bold: true}),
			c(v.Segment, top),
			c(surveyLabel(v.SurveyType), top),
			c(v.Score, styleSpec{fmt: "0", valign: "top", bold: true, color: colRed, halign: "center"}),
			c(v.Touchpoint, top),
			c(v.Comment, styleSpec{wrap: true, valign: "top"}),
		); err != nil {
			return err
		}
		if err := fitRow(b, s, r, wrapLines(v.Comment, 95)); err != nil {
			return err
		}
		r++
	}
	if err := b.table(s, "Verbatims", 1, 4, 8, r-1); err != nil {
		return err
	}
	if len(d.Verbatims) == 0 {
		if err := b.set(s, 1, 7, "No detractor comments this month.", styleSpec{bold: true, color: colMuted}); err != nil {
			return err
		}
	}
	return nil
}

func cxDefinitions() [][2]string {
	return [][2]string{
		{"Month", "The half-open interval from local midnight on the 1st to local midnight on the 1st of the next month, in the reporting time zone. A response belongs to the month of its answer."},
		{"NPS", "Net Promoter Score on the 0–10 question: 100 × (promoters − detractors) ÷ responses, with promoters 9–10, passives 7–8 and detractors 0–6. Ranges from −100 to 100."},
		{"CSAT", "Customer satisfaction on a 1–5 scale: the share of responses that are 4 or 5, in percent."},
		{"CES", "Customer effort score: the mean answer on its scale (0–5 by default); higher means easier."},
		{"Responses and skipped", "A response with no score is a skip: counted under Skipped, not in the score. Scores outside their scale are rejected and listed on the About sheet."},
		{"95% interval", "Score ± 1.96 standard errors. NPS: 100 × √((p + d − (p − d)²) ÷ n) with p and d the promoter and detractor shares; CSAT: from p(1 − p) ÷ n; CES: sample standard deviation ÷ √n."},
		{"Change and significance", "Change is this month's score minus last month's for the same cell. It is tested with a two-sided z-test on the two standard errors and marked ▲ or ▼ when p < 0.05, only when both months have at least 30 responses."},
		{"Low samples", "Fewer than 5 responses: the score is suppressed. 5 to 29: shown in grey, not tested."},
		{"Health score", "0–100 per paying customer from weighted components (survey sentiment, billing and payment health, support load, MRR trend, product usage). Green is 70 and above, yellow 40–69, red below 40. A critical signal forces red."},
		{"Signals", "contract request (critical: a ticket asking for a copy of the contract), cancel intent (critical), detractor (NPS 0–6 this month), score drop, payment failed, usage drop (30% below the mean of the three months before), MRR contraction."},
		{"Campaign lift", "Treatment (b) against control (a) over each member's outcome window, cut at the end of the month. Absolute lift = mean b − mean a; relative lift = (b − a) ÷ |a|, delta method. Welch t-test, 95% intervals."},
		{"Rates and means", "A rate is the share of members with at least one event; a per-member mean counts members with none as zero; retained is the share of paying members still paying at the end of their window."},
		{"Sample ratio mismatch", "A chi-square test of the arm sizes against the intended control share. p < 0.001 means the assignment is broken and the lift cannot be trusted."},
		{"Verbatims", "This month's NPS detractor answers (0–6) that carry a comment. Comments are shown as written, always as text."},
	}
}

// sentence capitalises s and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r := []rune(s)
	s = strings.ToUpper(string(r[0])) + string(r[1:])
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func withIndent(s styleSpec) styleSpec {
	s.indent = 1
	return s
}
