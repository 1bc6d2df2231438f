package report

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/signalsdev/signals/transform"
)

// Finance workbook sheet names, in order.
const (
	SheetSummary     = "Summary"
	SheetBridge      = "MRR Bridge"
	SheetTrend       = "Trend"
	SheetSegments    = "Segments"
	SheetCohorts     = "Cohorts"
	SheetMovements   = "Movements"
	SheetDefinitions = "Definitions"
	SheetAbout       = "About"
)

// FinanceTitle is the finance report's title for month m.
func FinanceTitle(m transform.Month) string { return "Finance — " + m.Long() }

// WriteFinanceWorkbook renders the finance workbook of d to w: Summary, MRR
// Bridge, Trend, Segments, Cohorts, Movements (streamed from d.Movements),
// Definitions and About. Sheets with no data say so. It returns the
// workbook's content hash and the number of movement rows.
func WriteFinanceWorkbook(w io.Writer, d *FinanceData) (WorkbookInfo, error) {
	b, err := newBook(d.Currency, FinanceTitle(d.Month))
	if err != nil {
		return WorkbookInfo{}, err
	}
	defer b.f.Close()
	if err := b.f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return WorkbookInfo{}, err
	}
	for _, s := range []string{SheetBridge, SheetTrend, SheetSegments, SheetCohorts, SheetMovements} {
		if _, err := b.f.NewSheet(s); err != nil {
			return WorkbookInfo{}, fmt.Errorf("add sheet %s: %w", s, err)
		}
	}
	if err := b.activate(SheetSummary); err != nil {
		return WorkbookInfo{}, err
	}
	steps := []struct {
		name string
		fn   func(*book, *FinanceData) error
	}{
		{SheetSummary, financeSummary},
		{SheetBridge, financeBridge},
		{SheetTrend, financeTrend},
		{SheetSegments, financeSegments},
		{SheetCohorts, financeCohorts},
	}
	for _, s := range steps {
		if err := s.fn(b, d); err != nil {
			return WorkbookInfo{}, fmt.Errorf("finance workbook, sheet %s: %w", s.name, err)
		}
	}
	n, err := financeMovements(b, d)
	if err != nil {
		return WorkbookInfo{}, fmt.Errorf("finance workbook, sheet %s: %w", SheetMovements, err)
	}
	if err := b.definitionsSheet(SheetDefinitions, "Definitions", financeDefinitions(d.Currency)); err != nil {
		return WorkbookInfo{}, fmt.Errorf("finance workbook, definitions: %w", err)
	}
	if err := b.aboutSheet(SheetAbout, d.Meta, "About this workbook", []kvRow{
		{"Customers in Movements", n, styleSpec{fmt: fmtCount, halign: "left"}},
	}); err != nil {
		return WorkbookInfo{}, fmt.Errorf("finance workbook, about: %w", err)
	}
	h, err := b.finish(w)
	if err != nil {
		return WorkbookInfo{}, err
	}
	return WorkbookInfo{ContentHash: h, Rows: n}, nil
}

// kpiStyles returns the value and change formats of a KPI.
func (b *book) kpiFormats(k kpi) (value, chg string) {
	switch k.kind {
	case kindMoney:
		if k.absChange {
			return excelMoneyFormat(b.cur, false), excelMoneyDelta(b.cur)
		}
		return excelMoneyFormat(b.cur, false), fmtPctChange
	case kindCount:
		return fmtCount, fmtPctChange
	case kindPercent:
		return fmtPct, fmtPoints
	case kindScore:
		return fmtScore, fmtScoreDelta
	}
	return fmtRatio, fmtRatioDelta
}

// changeCell stores a change as a number: a fraction for relative changes,
// points for rates.
func changeCell(k kpi, ch change, format string) cell {
	if !ch.ok {
		return c(nil, styleSpec{})
	}
	// Stored two digits finer than shown, so that a change that shows as
	// zero is zero (no "-0.0 pp") without rounding twice.
	v := ch.v
	switch {
	case ch.relative:
		v = math.Round(v*1e6) / 1e6
	case k.kind == kindPercent:
		v = math.Round(v*1e6) / 1e4
	case k.kind == kindMoney:
		v = math.Round(v*100) / 100
	default:
		v = math.Round(v*1e3) / 1e3
	}
	if v == 0 {
		v = 0 // not -0
	}
	color := colInk
	switch k.tone(ch) {
	case 1:
		color = colGreen
	case -1:
		color = colRed
	}
	return c(v, styleSpec{fmt: format, color: color, bold: true})
}

func financeSummary(b *book, d *FinanceData) error {
	s := SheetSummary
	if err := b.setup(s, sheetOpts{
		widths:    map[string]float64{"A": 24, "B:C": 17, "D": 14, "E": 17, "F": 14, "G": 2},
		freezeRow: 4, landscape: true, tab: colNavy, onePage: true,
	}); err != nil {
		return err
	}
	loc := d.TZ
	if err := b.title2(s, FinanceTitle(d.Month), fmt.Sprintf("Recurring revenue and churn for %s · %s · months in %s", d.Month.Long(), d.Currency, loc)); err != nil {
		return err
	}
	ks := financeKPIs(d, true)
	hdr := []string{"Metric", d.Month.Long(), d.Month.Add(-1).Long(), "Change vs last month", d.Month.Add(-12).Long(), "Change vs last year"}
	if err := b.numHeader(s, 1, 4, 1, 0, hdr...); err != nil {
		return err
	}
	for i, k := range ks {
		r := 5 + i
		vf, cf := b.kpiFormats(k)
		if err := b.row(s, 1, r,
			c(k.label, styleSpec{bold: true}),
			c(k.cur, styleSpec{fmt: vf, bold: true, size: 12}),
			c(k.prev, styleSpec{fmt: vf}),
			changeCell(k, k.change(k.prev), cf),
			c(k.yoy, styleSpec{fmt: vf, color: colMuted}),
			changeCell(k, k.change(k.yoy), cf),
		); err != nil {
			return err
		}
		if err := b.f.SetRowHeight(s, r, 20); err != nil {
			return err
		}
	}
	last := 4 + len(ks)
	if err := b.table(s, "SummaryKPIs", 1, 4, 6, last); err != nil {
		return err
	}
	r := last + 2
	if _, ok := monthRow(d.Trend, d.Month); !ok {
		if err := b.set(s, 1, r, "No MRR data this month: the mrr job has not written "+d.Month.String()+".", styleSpec{bold: true, color: colRed}); err != nil {
			return err
		}
		r++
	}
	notes := []string{
		"Green is good news and red is bad news, whichever way the number moved. Rate changes are in percentage points (pp).",
		"Net new MRR = new + reactivation + expansion − contraction − churned; it leaves out FX revaluation.",
		"Each formula is spelled out on the Definitions sheet; the run that produced these figures is on the About sheet.",
	}
	for _, n := range notes {
		if err := b.note(s, 1, r, n); err != nil {
			return err
		}
		r++
	}
	if len(d.Trend) > 0 {
		// The MRR line of the Trend sheet, beside the table.
		first, lastRow := trendRows(d)
		if err := b.f.AddChart(s, "H4", lineChart("MRR, last 12 months", SheetTrend, first, lastRow,
			[]series{{"B", colBlue}}, excelMoneyFormat(b.cur, false), 520, 300)); err != nil {
			return fmt.Errorf("summary chart: %w", err)
		}
	}
	return nil
}

// series is a chart line: the column holding it (its header, one row above
// the first value, names it) and its colour.
type series struct{ col, color string }

// trendRows are the first and last data rows of the Trend table.
func trendRows(d *FinanceData) (int, int) { return 5, 16 }

func lineChart(title, sheet string, first, last int, ss []series, numFmt string, w, h uint) *excelize.Chart {
	q := quoteSheet(sheet)
	xfmt := "mmm yy"
	if w < 520 {
		xfmt = "mmm" // narrow charts: month names only, or the labels collide
	}
	ch := &excelize.Chart{
		Type:         excelize.Line,
		Dimension:    excelize.ChartDimension{Width: w, Height: h},
		Title:        chartTitle(title),
		Legend:       excelize.ChartLegend{Position: "bottom"},
		YAxis:        excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: numFmt}, Font: excelize.Font{Size: 8, Color: colMuted}},
		XAxis:        excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: xfmt}, TickLabelPosition: excelize.ChartTickLabelLow, Font: excelize.Font{Size: 8, Color: colMuted}},
		PlotArea:     excelize.ChartPlotArea{},
		ShowBlanksAs: "gap",
	}
	if len(ss) == 1 {
		ch.Legend.Position = "none"
	}
	for _, s := range ss {
		ch.Series = append(ch.Series, excelize.ChartSeries{
			Name:       fmt.Sprintf("%s!$%s$%d", q, s.col, first-1),
			Categories: fmt.Sprintf("%s!$A$%d:$A$%d", q, first, last),
			Values:     fmt.Sprintf("%s!$%s$%d:$%s$%d", q, s.col, first, s.col, last),
			Line:       excelize.LineOptions{Width: 2.25},
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{s.color}},
			Marker:     excelize.ChartMarker{Symbol: "circle", Size: 5, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{s.color}}},
		})
	}
	return ch
}

var bridgeSteps = []struct{ label, short string }{
	{"MRR at the start of the month", "Start"},
	{"FX revaluation", "FX"},
	{"New", "New"},
	{"Expansion", "Expansion"},
	{"Reactivation", "Reactivation"},
	{"Contraction", "Contraction"},
	{"Churn", "Churn"},
	{"MRR at the end of the month", "End"},
}

func financeBridge(b *book, d *FinanceData) error {
	s := SheetBridge
	if err := b.setup(s, sheetOpts{
		widths:    map[string]float64{"A": 32, "B": 18, "C": 12, "D": 14, "E:G": 3, "H": 13, "I:L": 13},
		freezeRow: 4, landscape: true, onePage: true,
	}); err != nil {
		return err
	}
	if err := b.title2(s, "MRR bridge — "+d.Month.Long(),
		fmt.Sprintf("From MRR at the end of %s to MRR at the end of %s, in %s. Contraction and churn are subtracted.", d.Month.Add(-1).Long(), d.Month.Long(), d.Currency)); err != nil {
		return err
	}
	cur, ok := monthRow(d.Trend, d.Month)
	if err := b.numHeader(s, 1, 4, 1, 0, "Step", "Amount", "Customers", "Share of starting MRR"); err != nil {
		return err
	}
	if !ok {
		if err := b.table(s, "Bridge", 1, 4, 4, 5); err != nil {
			return err
		}
		return b.set(s, 1, 7, "No MRR data this month.", styleSpec{bold: true, color: colRed})
	}
	amounts := []transform.Money{cur.MRRStart, cur.MRRFX, cur.MRRNew, cur.MRRExpansion, cur.MRRReactivation, -cur.MRRContraction, -cur.MRRChurned, cur.MRREnd}
	counts := []any{cur.CustomersStart, nil, cur.CustomersNew, cur.CustomersExpanded, cur.CustomersReactivated, cur.CustomersContracted, cur.CustomersChurned, cur.CustomersEnd}
	mf := excelMoneyFormat(b.cur, true)
	for i, st := range bridgeSteps {
		r := 5 + i
		total := i == 0 || i == len(bridgeSteps)-1
		share := any(nil)
		if cur.MRRStart != 0 && !total {
			share = amounts[i].Float() / cur.MRRStart.Float()
		}
		if err := b.row(s, 1, r,
			c(st.label, styleSpec{bold: total}),
			c(amounts[i], styleSpec{fmt: mf, bold: total}),
			c(counts[i], styleSpec{fmt: fmtCount, bold: total}),
			c(share, styleSpec{fmt: `+0.0%;[Red]-0.0%;0.0%`}),
		); err != nil {
			return err
		}
	}
	if err := b.table(s, "Bridge", 1, 4, 4, 12); err != nil {
		return err
	}
	holds := "The bridge holds to the cent: start + FX + new + expansion + reactivation − contraction − churn = end."
	if !cur.BridgeHolds() {
		holds = "Warning: the stored bridge does not add up; rerun the mrr job for this month."
	}
	if err := b.note(s, 1, 14, holds); err != nil {
		return err
	}

	// Waterfall helper columns (H:L): an invisible base lifts each step to
	// its height; increases, decreases and totals are stacked on top.
	hs := styleSpec{bold: true, color: colMuted, border: "bottom"}
	if err := b.row(s, 8, 4, c("Chart data", hs), c("Base", hs), c("Increase", hs), c("Decrease", hs), c("Total", hs)); err != nil {
		return err
	}
	run := transform.Money(0)
	muted := styleSpec{fmt: excelMoneyFormat(b.cur, false), color: colMuted}
	for i, st := range bridgeSteps {
		var base, inc, dec, tot any
		a := amounts[i]
		switch {
		case i == 0:
			tot, run = a, a
		case i == len(bridgeSteps)-1:
			tot = a
		case a >= 0:
			base, inc = run, a
			run += a
		default:
			run += a
			base, dec = run, -a
		}
		if err := b.row(s, 8, 5+i, c(st.short, styleSpec{color: colMuted}), c(base, muted), c(inc, muted), c(dec, muted), c(tot, muted)); err != nil {
			return err
		}
	}
	q := quoteSheet(s)
	solid := func(col string) excelize.Fill {
		return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{col}}
	}
	gap := uint(60)
	overlap := 100
	ser := func(col string, fill excelize.Fill) excelize.ChartSeries {
		return excelize.ChartSeries{
			Name:       fmt.Sprintf("%s!$%s$4", q, col),
			Categories: fmt.Sprintf("%s!$H$5:$H$12", q),
			Values:     fmt.Sprintf("%s!$%s$5:$%s$12", q, col, col),
			Fill:       fill,
		}
	}
	// Start the value axis a little below the lowest step, so the changes
	// are visible next to totals a hundred times their size.
	lo, hi := cur.MRRStart, cur.MRRStart
	run = cur.MRRStart
	for _, a := range amounts[1 : len(amounts)-1] {
		run += a
		lo, hi = min(lo, run), max(hi, run)
	}
	lo, hi = min(lo, cur.MRREnd), max(hi, cur.MRREnd)
	axisMin := niceFloor(lo.Float() - (hi-lo).Float()*1.5)
	chart := &excelize.Chart{
		Type:      excelize.ColStacked,
		Dimension: excelize.ChartDimension{Width: 720, Height: 340},
		Title:     chartTitle("MRR bridge, " + d.Month.Long()),
		Legend:    excelize.ChartLegend{Position: "none"},
		GapWidth:  &gap,
		Overlap:   &overlap,
		YAxis:     excelize.ChartAxis{MajorGridLines: true, Minimum: &axisMin, NumFmt: excelize.ChartNumFmt{CustomNumFmt: excelMoneyFormat(b.cur, false)}, Font: excelize.Font{Size: 8, Color: colMuted}},
		XAxis:     excelize.ChartAxis{Font: excelize.Font{Size: 8, Color: colMuted}},
		Series: []excelize.ChartSeries{
			ser("I", excelize.Fill{Type: "pattern", Pattern: 0}),
			ser("J", solid(colGreen)),
			ser("K", solid(colRed)),
			ser("L", solid(colNavy)),
		},
	}
	if err := b.f.AddChart(s, "A16", chart); err != nil {
		return fmt.Errorf("bridge chart: %w", err)
	}
	return nil
}

var trendHeaders = []string{"Month", "MRR", "Net new MRR", "New", "Expansion", "Reactivation", "Contraction", "Churned", "FX",
	"Customers", "Logo churn", "Gross MRR churn", "Net MRR churn", "GRR", "NRR", "Quick ratio"}

func financeTrend(b *book, d *FinanceData) error {
	s := SheetTrend
	if err := b.setup(s, sheetOpts{
		widths:    map[string]float64{"A": 11, "B:I": 13, "J": 11, "K:O": 10, "P": 9},
		freezeRow: 4, freezeCol: 1, landscape: true, onePage: true,
	}); err != nil {
		return err
	}
	first := d.Month.Add(-11)
	if err := b.title2(s, "Trend — "+first.Long()+" to "+d.Month.Long(), "The last 12 months for all customers. Money in "+d.Currency+"."); err != nil {
		return err
	}
	if err := b.numHeader(s, 1, 4, 1, 0, trendHeaders...); err != nil {
		return err
	}
	mf := excelMoneyFormat(b.cur, false)
	missing := 0
	for i := range 12 {
		m := first.Add(i)
		r := 5 + i
		if err := b.set(s, 1, r, m, styleSpec{fmt: fmtMonth, halign: "left"}); err != nil {
			return err
		}
		t, ok := monthRow(d.Trend, m)
		if !ok {
			missing++
			continue
		}
		if err := b.row(s, 2, r,
			c(t.MRREnd, styleSpec{fmt: mf, bold: true}),
			c(netNew(t), styleSpec{fmt: mf}),
			c(t.MRRNew, styleSpec{fmt: mf}),
			c(t.MRRExpansion, styleSpec{fmt: mf}),
			c(t.MRRReactivation, styleSpec{fmt: mf}),
			c(-t.MRRContraction, styleSpec{fmt: mf}),
			c(-t.MRRChurned, styleSpec{fmt: mf}),
			c(t.MRRFX, styleSpec{fmt: mf}),
			c(t.CustomersEnd, styleSpec{fmt: fmtCount}),
			c(t.LogoChurnRate, styleSpec{fmt: fmtPct}),
			c(t.GrossMRRChurnRate, styleSpec{fmt: fmtPct}),
			c(t.NetMRRChurnRate, styleSpec{fmt: fmtPct}),
			c(t.GRR, styleSpec{fmt: fmtPct}),
			c(t.NRR, styleSpec{fmt: fmtPct}),
			c(t.QuickRatio, styleSpec{fmt: fmtRatio}),
		); err != nil {
			return err
		}
	}
	if err := b.table(s, "Trend", 1, 4, len(trendHeaders), 16); err != nil {
		return err
	}
	if missing > 0 {
		if err := b.note(s, 1, 17, fmt.Sprintf("%d of the 12 months have no figures: the mrr job has not run for them (see signals backfill).", missing)); err != nil {
			return err
		}
	}
	// Two charts a row, each as wide as the columns above it (A:H, I:P).
	charts := []struct {
		cell  string
		title string
		ss    []series
		fmt   string
		w     uint
	}{
		{"A19", "MRR", []series{{"B", colBlue}}, mf, 740},
		{"I19", "Churn rates", []series{{"K", colNavy}, {"L", colRed}, {"M", colAmber}}, "0.0%", 610},
		{"A35", "Retention", []series{{"N", colNavy}, {"O", colGreen}}, "0%", 740},
		{"I35", "Customers", []series{{"J", colBlue}}, "#,##0", 610},
	}
	for _, ch := range charts {
		if err := b.f.AddChart(s, ch.cell, lineChart(ch.title, s, 5, 16, ch.ss, ch.fmt, ch.w, 280)); err != nil {
			return fmt.Errorf("trend chart %s: %w", ch.title, err)
		}
	}
	return nil
}

// dimensionLabel names a dimension for readers.
func dimensionLabel(d string) string {
	switch d {
	case "all":
		return "All customers"
	case "acquisition_channel":
		return "Acquisition channel"
	}
	if d == "" {
		return d
	}
	return strings.ToUpper(d[:1]) + strings.ReplaceAll(d[1:], "_", " ")
}

var segmentHeaders = []string{"Dimension", "Member", "Customers", "MRR", "MRR last month", "MRR change", "Share of MRR",
	"Net new MRR", "New", "Expansion", "Reactivation", "Contraction", "Churned", "FX",
	"Logo churn", "Gross MRR churn", "Net MRR churn", "GRR", "NRR", "Quick ratio"}

func financeSegments(b *book, d *FinanceData) error {
	s := SheetSegments
	if err := b.setup(s, sheetOpts{
		widths:    map[string]float64{"A": 19, "B": 20, "C": 11, "D:E": 14, "F:G": 10, "H:N": 12, "O:T": 10},
		freezeRow: 4, freezeCol: 2, landscape: true, printTitle: "$4:$4",
	}); err != nil {
		return err
	}
	if err := b.title2(s, "Segments — "+d.Month.Long(),
		"Every dimension and member, by the customer's current attributes. Filter the Dimension column to compare members."); err != nil {
		return err
	}
	if err := b.numHeader(s, 1, 4, 2, 0, segmentHeaders...); err != nil {
		return err
	}
	prev := map[[2]string]transform.MRRMonthly{}
	for _, p := range d.PrevMembers {
		prev[[2]string{p.Dimension, p.Member}] = p
	}
	var total transform.Money
	for _, m := range d.Members {
		if m.Dimension == "all" {
			total = m.MRREnd
		}
	}
	mf := excelMoneyFormat(b.cur, false)
	r := 5
	lastDim := ""
	for _, m := range d.Members {
		// A rule above the first member of each dimension groups them.
		top := r > 5 && m.Dimension != lastDim
		lastDim = m.Dimension
		st := func(x styleSpec) styleSpec {
			if top {
				x.border = "top"
			}
			return x
		}
		p, hasPrev := prev[[2]string{m.Dimension, m.Member}]
		var prevMRR, chg, share any
		if hasPrev {
			prevMRR = p.MRREnd
			if p.MRREnd != 0 {
				chg = (m.MRREnd - p.MRREnd).Float() / p.MRREnd.Float()
			}
		}
		if total != 0 {
			share = m.MRREnd.Float() / total.Float()
		}
		bold := m.Dimension == "all"
		if err := b.row(s, 1, r,
			c(dimensionLabel(m.Dimension), st(styleSpec{bold: bold})),
			c(m.Member, st(styleSpec{bold: bold})),
			c(m.CustomersEnd, st(styleSpec{fmt: fmtCount, bold: bold})),
			c(m.MRREnd, st(styleSpec{fmt: mf, bold: bold})),
			c(prevMRR, st(styleSpec{fmt: mf})),
			c(chg, st(styleSpec{fmt: `+0.0%;[Red]-0.0%;0.0%`})),
			c(share, st(styleSpec{fmt: fmtPct})),
			c(netNew(m), st(styleSpec{fmt: mf})),
			c(m.MRRNew, st(styleSpec{fmt: mf})),
			c(m.MRRExpansion, st(styleSpec{fmt: mf})),
			c(m.MRRReactivation, st(styleSpec{fmt: mf})),
			c(-m.MRRContraction, st(styleSpec{fmt: mf})),
			c(-m.MRRChurned, st(styleSpec{fmt: mf})),
			c(m.MRRFX, st(styleSpec{fmt: mf})),
			c(m.LogoChurnRate, st(styleSpec{fmt: fmtPct})),
			c(m.GrossMRRChurnRate, st(styleSpec{fmt: fmtPct})),
			c(m.NetMRRChurnRate, st(styleSpec{fmt: fmtPct})),
			c(m.GRR, st(styleSpec{fmt: fmtPct})),
			c(m.NRR, st(styleSpec{fmt: fmtPct})),
			c(m.QuickRatio, st(styleSpec{fmt: fmtRatio})),
		); err != nil {
			return err
		}
		r++
	}
	last := r - 1
	if err := b.table(s, "Segments", 1, 4, len(segmentHeaders), last); err != nil {
		return err
	}
	if len(d.Members) == 0 {
		if err := b.set(s, 1, 7, "No MRR data this month.", styleSpec{bold: true, color: colRed}); err != nil {
			return err
		}
	} else {
		if err := b.f.SetConditionalFormat(s, fmt.Sprintf("G5:G%d", last), []excelize.ConditionalFormatOptions{{
			Type: "data_bar", Criteria: "=", MinType: "num", MinValue: "0", MaxType: "num", MaxValue: "1", BarColor: "9DB8E8", BarSolid: true,
		}}); err != nil {
			return fmt.Errorf("share bars: %w", err)
		}
	}
	return nil
}

// cohortSpan is how many cohorts and months since the triangles show.
const cohortSpan = 12

func financeCohorts(b *book, d *FinanceData) error {
	s := SheetCohorts
	if err := b.setup(s, sheetOpts{
		widths:    map[string]float64{"A": 12, "B": 14, "C:N": 9},
		freezeCol: 1, landscape: true,
	}); err != nil {
		return err
	}
	if err := b.title2(s, "Cohort retention — cohorts of "+d.Month.Add(-cohortSpan+1).Long()+" to "+d.Month.Long(),
		"A customer's cohort is the first month at whose end it paid. Month k is k months after the cohort month."); err != nil {
		return err
	}
	type key struct {
		c transform.Month
		k int
	}
	cells := map[key]transform.CohortRow{}
	sizes := map[transform.Month]transform.CohortRow{}
	for _, r := range d.Cohorts {
		cells[key{r.Cohort, r.MonthsSince}] = r
		if r.MonthsSince == 0 || sizes[r.Cohort].Customers == 0 {
			sizes[r.Cohort] = r
		}
	}
	scale := []excelize.ConditionalFormatOptions{{
		Type: "3_color_scale", Criteria: "=",
		MinType: "num", MinValue: "0", MinColor: "#F4C7C3",
		MidType: "num", MidValue: "0.7", MidColor: "#FFF2CC",
		MaxType: "num", MaxValue: "1", MaxColor: "#B7E1CD",
	}}
	blocks := []struct {
		title, sizeHdr string
		row            int
		size           func(transform.CohortRow) any
		sizeFmt        string
		ratio          func(transform.CohortRow) any
	}{
		{"Logo retention: share of the cohort's customers still paying", "Customers", 4,
			func(r transform.CohortRow) any { return r.Customers }, fmtCount,
			func(r transform.CohortRow) any {
				if r.Customers == 0 {
					return nil
				}
				return float64(r.CustomersActive) / float64(r.Customers)
			}},
		{"Revenue retention: the cohort's MRR now over its MRR in the cohort month", "Starting MRR", 4 + cohortSpan + 4,
			func(r transform.CohortRow) any { return r.MRRCohort }, excelMoneyFormat(b.cur, false),
			func(r transform.CohortRow) any {
				if r.MRRCohort == 0 {
					return nil
				}
				return r.MRRActive.Float() / r.MRRCohort.Float()
			}},
	}
	head := styleSpec{bold: true, color: "FFFFFF", fill: colNavy, halign: "center", wrap: true}
	for _, bl := range blocks {
		if err := b.set(s, 1, bl.row, bl.title, styleSpec{bold: true, size: 12, color: colNavy}); err != nil {
			return err
		}
		hr := bl.row + 1
		if err := b.row(s, 1, hr, c("Cohort", head), c(bl.sizeHdr, head)); err != nil {
			return err
		}
		for k := range cohortSpan {
			if err := b.set(s, 3+k, hr, fmt.Sprintf("Month %d", k), head); err != nil {
				return err
			}
		}
		for i := range cohortSpan {
			co := d.Month.Add(-cohortSpan + 1 + i)
			r := hr + 1 + i
			if err := b.set(s, 1, r, co, styleSpec{fmt: fmtMonth, bold: true, halign: "left"}); err != nil {
				return err
			}
			if sz, ok := sizes[co]; ok {
				if err := b.set(s, 2, r, bl.size(sz), styleSpec{fmt: bl.sizeFmt, color: colMuted}); err != nil {
					return err
				}
			}
			for k := 0; k <= d.Month.Sub(co) && k < cohortSpan; k++ {
				cr, ok := cells[key{co, k}]
				if !ok {
					continue
				}
				if err := b.set(s, 3+k, r, bl.ratio(cr), styleSpec{fmt: "0%", halign: "center"}); err != nil {
					return err
				}
			}
		}
		tl, _ := excelize.CoordinatesToCellName(3, hr+1)
		br, _ := excelize.CoordinatesToCellName(2+cohortSpan, hr+cohortSpan)
		if err := b.f.SetConditionalFormat(s, tl+":"+br, scale); err != nil {
			return fmt.Errorf("cohort colour scale: %w", err)
		}
	}
	if len(d.Cohorts) == 0 {
		if err := b.set(s, 1, 3, "No cohort data this month.", styleSpec{bold: true, color: colRed}); err != nil {
			return err
		}
	}
	return nil
}

var movementHeaders = []string{"Customer ID", "Customer", "Segment", "Region", "Industry", "Acquisition channel", "Cohort",
	"Movement", "MRR start", "MRR end", "Change", "FX"}

// movementLabel names a movement for readers.
func movementLabel(m transform.Movement) string {
	if m == "" {
		return ""
	}
	return strings.ToUpper(string(m[:1])) + string(m[1:])
}

// financeMovements streams one row per customer. Only stream-mode calls
// touch the sheet after its print setup, so memory stays flat however many
// customers there are.
func financeMovements(b *book, d *FinanceData) (int64, error) {
	s := SheetMovements
	if err := b.print(s, sheetOpts{landscape: true, grid: true, printTitle: "$1:$1"}); err != nil {
		return 0, err
	}
	sw, err := b.f.NewStreamWriter(s)
	if err != nil {
		return 0, err
	}
	widths := []float64{14, 30, 13, 13, 16, 18, 10, 13, 13, 13, 13, 11}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return 0, err
		}
	}
	if err := sw.SetPanes(freezePanes(1, 2)); err != nil {
		return 0, err
	}
	hdr := make([]any, len(movementHeaders))
	for i, h := range movementHeaders {
		hdr[i] = excelize.Cell{Value: h, StyleID: b.style(headStyle)}
		b.hashCell(s, "1", h)
	}
	if err := sw.SetRow("A1", hdr, excelize.RowOpts{Height: 30}); err != nil {
		return 0, err
	}
	var (
		stText  = b.style(styleSpec{})
		stMonth = b.style(styleSpec{fmt: fmtMonth, halign: "left"})
		stMoney = b.style(styleSpec{fmt: excelMoneyFormat(b.cur, true)})
		cells   = make([]excelize.Cell, len(movementHeaders))
		row     = make([]any, len(movementHeaders))
		n       int64
		ref     []byte
	)
	for i := range cells {
		row[i] = &cells[i]
	}
	styles := []int{stText, stText, stText, stText, stText, stText, stMonth, stText, stMoney, stMoney, stMoney, stMoney}
	for i := range cells {
		cells[i].StyleID = styles[i]
	}
	if d.Movements != nil {
		for m, err := range d.Movements {
			if err != nil {
				return n, err
			}
			n++
			r := int(n) + 1
			cells[0].Value = m.CustomerID
			cells[1].Value = m.Name
			cells[2].Value = m.Segment
			cells[3].Value = m.Region
			cells[4].Value = m.Industry
			cells[5].Value = m.AcquisitionChannel
			cells[6].Value = cellValue(m.Cohort)
			cells[7].Value = movementLabel(m.Movement)
			cells[8].Value = m.Start.Float()
			cells[9].Value = m.End.Float()
			cells[10].Value = m.Change.Float()
			cells[11].Value = m.FX.Float()
			ref = strconvAppendRow(ref[:0], r)
			if err := sw.SetRow(string(ref), row); err != nil {
				return n, fmt.Errorf("movement row %d: %w", n, err)
			}
			b.hashMovement(r, &m)
		}
	}
	last := int(n) + 1
	if n == 0 {
		last = 2
	}
	if err := sw.AddTable(&excelize.Table{Range: fmt.Sprintf("A1:L%d", last), Name: "Movements", StyleName: tableStyle, ShowRowStripes: ptr(true)}); err != nil {
		return n, err
	}
	if n == 0 {
		if err := sw.SetRow("A4", []any{excelize.Cell{Value: "No customer had MRR this month or last.", StyleID: b.style(styleSpec{italic: true, color: colMuted})}}); err != nil {
			return n, err
		}
	}
	if err := sw.Flush(); err != nil {
		return n, fmt.Errorf("flush movements: %w", err)
	}
	return n, nil
}

// niceFloor rounds v down to a round number (1, 2 or 5 times a power of
// ten, at a tenth of v's magnitude), and never below zero.
func niceFloor(v float64) float64 {
	if v <= 0 {
		return 0
	}
	step := math.Pow(10, math.Floor(math.Log10(v))-1)
	for _, m := range []float64{5, 2} {
		if v >= m*step*10 {
			step *= m
			break
		}
	}
	return math.Floor(v/step) * step
}

func chartTitle(t string) excelize.ChartTitle {
	return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: t, Font: &excelize.Font{Size: 11, Bold: true, Color: colNavy, Family: fontFamily}}}}
}

func ptr[T any](v T) *T { return &v }

// strconvAppendRow appends "A<r>".
func strconvAppendRow(buf []byte, r int) []byte {
	buf = append(buf, 'A')
	return appendInt(buf, r)
}

func appendInt(buf []byte, n int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(buf, tmp[i:]...)
}

// hashMovement feeds a movement row into the content hash without
// formatting each cell separately.
func (b *book) hashMovement(r int, m *MovementRow) {
	buf := b.buf[:0]
	buf = append(buf, "M\x00"...)
	buf = appendInt(buf, r)
	for _, s := range []string{m.CustomerID, m.Name, m.Segment, m.Region, m.Industry, m.AcquisitionChannel, string(m.Movement)} {
		buf = append(buf, 0)
		buf = append(buf, s...)
	}
	for _, v := range []int64{int64(m.Cohort), int64(m.Start), int64(m.End), int64(m.Change), int64(m.FX)} {
		buf = append(buf, 0)
		buf = appendSigned(buf, v)
	}
	buf = append(buf, '\n')
	b.h.Write(buf)
	b.buf = buf
}

func appendSigned(buf []byte, v int64) []byte {
	if v < 0 {
		buf = append(buf, '-')
		v = -v
	}
	return appendInt(buf, int(v))
}

func financeDefinitions(cur string) [][2]string {
	return [][2]string{
		{"Month", "The half-open interval from local midnight on the 1st of the month to local midnight on the 1st of the next month, in the reporting time zone (About sheet). An event belongs to the month whose interval holds its instant."},
		{"Customer MRR", "At an instant: the sum over the customer's active, non-trial subscriptions of amount ÷ interval in months, converted to " + cur + " at the month's FX rate and rounded to the cent. A subscription is active when it started before the instant and has not ended by it."},
		{"s and e", "s is the customer's MRR at the end of last month converted at this month's rates; e is its MRR at the end of this month."},
		{"New", "s = 0 and e > 0 for a customer that never paid before. New MRR is Σ e."},
		{"Reactivation", "s = 0 and e > 0 for a customer that paid before. Reactivation MRR is Σ e."},
		{"Expansion", "e > s > 0. Expansion MRR is Σ (e − s)."},
		{"Contraction", "s > e > 0. Contraction MRR is Σ (s − e), shown as a subtraction."},
		{"Churn", "s > 0 and e = 0. Churned MRR is Σ s, shown as a subtraction."},
		{"Flat", "e = s > 0: no change."},
		{"MRR at the start", "Last month's MRR at last month's rates, so it equals last month's closing MRR."},
		{"FX revaluation", "Σ s − MRR at the start: the change in last month's MRR from this month's exchange rates."},
		{"MRR bridge", "start + FX + new + reactivation + expansion − contraction − churned = end, to the cent."},
		{"Net new MRR", "new + reactivation + expansion − contraction − churned (FX left out)."},
		{"ARR", "MRR × 12."},
		{"Logo churn", "Churned customers ÷ customers with s > 0."},
		{"Gross MRR churn", "(contraction + churned) ÷ S, where S = Σ s."},
		{"Net MRR churn", "(contraction + churned − expansion − reactivation) ÷ S. Negative when expansion outweighs losses."},
		{"GRR", "Gross revenue retention: (S − contraction − churned) ÷ S."},
		{"NRR", "Net revenue retention: (S + expansion − contraction − churned) ÷ S."},
		{"Quick ratio", "(new + expansion + reactivation) ÷ (contraction + churned). Above 1, growth outpaces losses."},
		{"Net customer change", "(customers at the end − customers at the start) ÷ customers at the start. Not a churn rate."},
		{"Dimensions", "All customers, segment, region, industry and acquisition channel, from the customer's current attributes; a missing attribute is the member (none)."},
		{"Cohort", "The first month at whose end the customer had MRR. Logo retention in month k is the share of the cohort paying at the end of month k; revenue retention is the cohort's MRR then over its MRR at the end of the cohort month (can exceed 100%)."},
		{"Change vs last month / last year", "Money and customer counts: relative change. Rates: difference in percentage points (pp). Quick ratio: difference."},
		{"Empty cells", "A rate whose denominator is zero has no value, and a month that was not computed has no figures; neither is shown as zero."},
	}
}
