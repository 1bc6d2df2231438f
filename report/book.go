package report

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/signalsdev/signals/transform"
)

// The palette shared by workbooks and digests (RGB hex).
const (
	colNavy     = "1F3A5F" // titles, header band
	colBlue     = "2F6FD6" // primary series
	colInk      = "1F2937" // body text
	colMuted    = "6B7280" // captions
	colGrey     = "9CA3AF" // low samples, suppressed
	colRule     = "D1D5DB" // rules and borders
	colCard     = "F3F6FA" // KPI card background
	colGreen    = "1E7B45"
	colGreenBg  = "DDF3E4"
	colRed      = "B42318"
	colRedBg    = "FDE4E1"
	colAmber    = "A15C07"
	colAmberBg  = "FEF0C7"
	colSkyBg    = "E8F0FB"
	tableStyle  = "TableStyleMedium2"
	fontFamily  = "Calibri"
	defaultSize = 10.5
)

// WorkbookInfo describes a rendered workbook.
type WorkbookInfo struct {
	// ContentHash is a hex SHA-256 of every cell's sheet, reference and
	// value, except the About sheet (run id, version, watermark): two runs
	// over the same results give the same hash.
	ContentHash string
	// Rows is the number of rows of the workbook's large sheet (Movements
	// for finance, the at-risk accounts for CX).
	Rows int64
}

// styleSpec is a cell style; book caches one excelize style per spec.
type styleSpec struct {
	fmt    string
	bold   bool
	italic bool
	color  string
	fill   string
	size   float64
	wrap   bool
	halign string
	valign string
	indent int
	border string // "bottom", "top" or ""
}

// book wraps an excelize file with the palette, a style cache and the
// content hash of everything written outside the About sheet.
type book struct {
	f      *excelize.File
	cur    string
	styles map[styleSpec]int
	h      hash.Hash
	buf    []byte
	hashOn bool
	title  string // for print headers: "Finance — September 2026"
	rows   int64  // rows of the workbook's streamed list, for WorkbookInfo
}

func newBook(cur, title string) (*book, error) {
	f := excelize.NewFile()
	b := &book{f: f, cur: cur, styles: map[styleSpec]int{}, h: sha256.New(), hashOn: true, title: title}
	if err := f.SetDefaultFont(fontFamily); err != nil {
		return nil, fmt.Errorf("set default font: %w", err)
	}
	return b, nil
}

// style returns the style id of s, creating it on first use.
func (b *book) style(s styleSpec) int {
	if id, ok := b.styles[s]; ok {
		return id
	}
	size := s.size
	if size == 0 {
		size = defaultSize
	}
	color := s.color
	if color == "" {
		color = colInk
	}
	st := &excelize.Style{
		Font:      &excelize.Font{Family: fontFamily, Size: size, Bold: s.bold, Italic: s.italic, Color: color},
		Alignment: &excelize.Alignment{Horizontal: s.halign, Vertical: s.valign, WrapText: s.wrap, Indent: s.indent},
	}
	if s.indent > 0 && s.halign == "" {
		st.Alignment.Horizontal = "left"
	}
	if st.Alignment.Vertical == "" {
		st.Alignment.Vertical = "center"
	}
	if s.fmt != "" {
		f := s.fmt
		st.CustomNumFmt = &f
	}
	if s.fill != "" {
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{s.fill}}
	}
	if s.border != "" {
		st.Border = []excelize.Border{{Type: s.border, Color: colRule, Style: 1}}
	}
	id, err := b.f.NewStyle(st)
	if err != nil {
		// Only a malformed spec fails, which is a programming error the
		// golden tests catch; fall back to the default style.
		id = 0
	}
	b.styles[s] = id
	return id
}

// hashCell feeds a written cell into the content hash.
func (b *book) hashCell(sheet, ref string, v any) {
	if !b.hashOn {
		return
	}
	buf := b.buf[:0]
	buf = append(buf, sheet...)
	buf = append(buf, 0)
	buf = append(buf, ref...)
	buf = append(buf, 0)
	switch x := v.(type) {
	case string:
		buf = append(buf, x...)
	case float64:
		buf = strconv.AppendFloat(buf, x, 'g', -1, 64)
	case int:
		buf = strconv.AppendInt(buf, int64(x), 10)
	case int64:
		buf = strconv.AppendInt(buf, x, 10)
	case bool:
		buf = strconv.AppendBool(buf, x)
	case time.Time:
		buf = x.AppendFormat(buf, time.RFC3339)
	default:
		buf = fmt.Append(buf, x)
	}
	buf = append(buf, '\n')
	b.h.Write(buf)
	b.buf = buf
}

// cellValue turns what callers pass into a value excelize stores: money
// becomes a float (currency units) here and nowhere earlier, months become
// dates, optional values become blanks.
func cellValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case transform.Money:
		return x.Float()
	case *transform.Money:
		if x == nil {
			return nil
		}
		return x.Float()
	case transform.Month:
		if x == 0 {
			return nil
		}
		return x.Date()
	case val:
		if !x.ok {
			return nil
		}
		if x.cents != 0 {
			return x.cents.Float()
		}
		return x.f
	case *float64:
		if x == nil || math.IsNaN(*x) || math.IsInf(*x, 0) {
			return nil
		}
		return *x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	case *int:
		if x == nil {
			return nil
		}
		return *x
	case *bool:
		if x == nil {
			return nil
		}
		return *x
	case time.Time:
		if x.IsZero() {
			return nil
		}
		return x
	}
	return v
}

// set writes one cell of a normal (non-streamed) sheet with a style. col and
// row are 1-based. Strings are always stored as strings, never formulas.
func (b *book) set(sheet string, col, row int, v any, s styleSpec) error {
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return err
	}
	cv := cellValue(v)
	switch x := cv.(type) {
	case nil:
	case string:
		if err := b.f.SetCellStr(sheet, ref, x); err != nil {
			return fmt.Errorf("write %s!%s: %w", sheet, ref, err)
		}
	default:
		if err := b.f.SetCellValue(sheet, ref, x); err != nil {
			return fmt.Errorf("write %s!%s: %w", sheet, ref, err)
		}
	}
	if cv != nil {
		b.hashCell(sheet, ref, cv)
	}
	if s != (styleSpec{}) {
		id := b.style(s)
		if err := b.f.SetCellStyle(sheet, ref, ref, id); err != nil {
			return fmt.Errorf("style %s!%s: %w", sheet, ref, err)
		}
	}
	return nil
}

// row writes cells left to right from (col, row) with one style each.
func (b *book) row(sheet string, col, row int, cells ...cell) error {
	for i, c := range cells {
		if err := b.set(sheet, col+i, row, c.v, c.s); err != nil {
			return err
		}
	}
	return nil
}

// streamSheet writes a sheet row by row through excelize's StreamWriter,
// which spools rows to a temporary file: its memory does not grow with the
// rows (Movements, At risk). Rows must come in ascending order.
type streamSheet struct {
	b    *book
	name string
	sw   *excelize.StreamWriter
}

// stream starts a streamed sheet with o's column widths, frozen panes and
// print setup (what setup does for a sheet written cell by cell).
func (b *book) stream(sheet string, o sheetOpts) (*streamSheet, error) {
	if err := b.print(sheet, o); err != nil {
		return nil, err
	}
	sw, err := b.f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	for cols, w := range o.widths {
		from, to, _ := strings.Cut(cols, ":")
		if to == "" {
			to = from
		}
		lo, err := excelize.ColumnNameToNumber(from)
		if err != nil {
			return nil, err
		}
		hi, err := excelize.ColumnNameToNumber(to)
		if err != nil {
			return nil, err
		}
		if err := sw.SetColWidth(lo, hi, w); err != nil {
			return nil, fmt.Errorf("column widths of %s: %w", sheet, err)
		}
	}
	if o.freezeRow > 0 || o.freezeCol > 0 {
		if err := sw.SetPanes(freezePanes(o.freezeRow, o.freezeCol)); err != nil {
			return nil, fmt.Errorf("freeze %s: %w", sheet, err)
		}
	}
	return &streamSheet{b: b, name: sheet, sw: sw}, nil
}

// row writes row r from column A, one style per cell, height h points (0:
// the default). Like set, it feeds every value into the content hash.
func (s *streamSheet) row(r int, h float64, cells ...cell) error {
	vals := make([]any, len(cells))
	for i, c := range cells {
		cv := cellValue(c.v)
		if cv != nil {
			ref, _ := excelize.CoordinatesToCellName(i+1, r)
			s.b.hashCell(s.name, ref, cv)
		}
		x := excelize.Cell{Value: cv}
		if c.s != (styleSpec{}) {
			x.StyleID = s.b.style(c.s)
		}
		vals[i] = x
	}
	var opts []excelize.RowOpts
	if h > 0 {
		opts = append(opts, excelize.RowOpts{Height: h})
	}
	ref, _ := excelize.CoordinatesToCellName(1, r)
	if err := s.sw.SetRow(ref, vals, opts...); err != nil {
		return fmt.Errorf("write %s row %d: %w", s.name, r, err)
	}
	return nil
}

// title2 writes the sheet's title and subtitle in rows 1 and 2, as
// book.title2 does.
func (s *streamSheet) title2(title, subtitle string) error {
	if err := s.row(1, 26, c(title, titleStyle)); err != nil {
		return err
	}
	return s.row(2, 0, c(subtitle, subtitleStyle))
}

// table marks the cells from (col1, row1) to (col2, row2) as an Excel
// table, as book.table does; finish with flush.
func (s *streamSheet) table(name string, col1, row1, col2, row2 int) error {
	if row2 <= row1 {
		row2 = row1 + 1
	}
	tl, _ := excelize.CoordinatesToCellName(col1, row1)
	br, _ := excelize.CoordinatesToCellName(col2, row2)
	on := true
	if err := s.sw.AddTable(&excelize.Table{Range: tl + ":" + br, Name: name, StyleName: tableStyle, ShowRowStripes: &on}); err != nil {
		return fmt.Errorf("table %s on %s: %w", name, s.name, err)
	}
	return nil
}

func (s *streamSheet) flush() error { return s.sw.Flush() }

// headStyle is the style of column headings: white on navy. Excel tables
// would colour headers themselves, but LibreOffice ignores table styles.
var headStyle = styleSpec{bold: true, wrap: true, color: "FFFFFF", fill: colNavy}

// cell is a value and its style.
type cell struct {
	v any
	s styleSpec
}

func c(v any, s styleSpec) cell { return cell{v, s} }

// sheetOpts is a sheet's view and print setup.
type sheetOpts struct {
	widths     map[string]float64 // column letter(s) "A" or "B:D" -> width
	freezeRow  int                // rows above this stay visible (0: none)
	freezeCol  int                // columns left of this stay visible
	landscape  bool
	grid       bool   // show grid lines
	printTitle string // rows repeated on every printed page, "$1:$1"
	tab        string // tab colour
	onePage    bool   // print on a single page (dashboards: summaries, trends)
}

// setup applies a sheet's view and print settings: frozen header, column
// widths, landscape, fit to one page wide, header and footer.
func (b *book) setup(sheet string, o sheetOpts) error {
	f := b.f
	for cols, w := range o.widths {
		from, to := cols, cols
		for i := range cols {
			if cols[i] == ':' {
				from, to = cols[:i], cols[i+1:]
			}
		}
		if err := f.SetColWidth(sheet, from, to, w); err != nil {
			return fmt.Errorf("column widths of %s: %w", sheet, err)
		}
	}
	if o.freezeRow > 0 || o.freezeCol > 0 {
		if err := f.SetPanes(sheet, freezePanes(o.freezeRow, o.freezeCol)); err != nil {
			return fmt.Errorf("freeze %s: %w", sheet, err)
		}
	}
	return b.print(sheet, o)
}

func freezePanes(row, col int) *excelize.Panes {
	tl, _ := excelize.CoordinatesToCellName(col+1, row+1)
	p := &excelize.Panes{Freeze: true, XSplit: col, YSplit: row, TopLeftCell: tl, ActivePane: "bottomLeft"}
	switch {
	case col > 0 && row > 0:
		p.ActivePane = "bottomRight"
	case col > 0:
		p.ActivePane = "topRight"
	}
	p.Selection = []excelize.Selection{{SQRef: tl, ActiveCell: tl, Pane: p.ActivePane}}
	return p
}

// print applies the print setup only (usable before a StreamWriter starts).
func (b *book) print(sheet string, o sheetOpts) error {
	f := b.f
	orient := "portrait"
	if o.landscape {
		orient = "landscape"
	}
	one, tall := 1, 0 // one page wide, as many tall as needed
	if o.onePage {
		tall = 1
	}
	size := 9 // A4
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: &size, Orientation: &orient, FitToWidth: &one, FitToHeight: &tall,
	}); err != nil {
		return fmt.Errorf("page layout of %s: %w", sheet, err)
	}
	fit := true
	props := &excelize.SheetPropsOptions{FitToPage: &fit}
	if o.tab != "" {
		props.TabColorRGB = &o.tab
	}
	if err := f.SetSheetProps(sheet, props); err != nil {
		return fmt.Errorf("sheet properties of %s: %w", sheet, err)
	}
	m := 0.5
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &m, Right: &m, Top: &m, Bottom: &m}); err != nil {
		return fmt.Errorf("margins of %s: %w", sheet, err)
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddHeader: "&L&8" + escapeHF(b.title) + "&R&8" + escapeHF(sheet),
		OddFooter: "&L&8signals&R&8Page &P of &N",
	}); err != nil {
		return fmt.Errorf("header of %s: %w", sheet, err)
	}
	if !o.grid {
		off := false
		if err := f.SetSheetView(sheet, 0, &excelize.ViewOptions{ShowGridLines: &off}); err != nil {
			return fmt.Errorf("view of %s: %w", sheet, err)
		}
	}
	if o.printTitle != "" {
		if err := f.SetDefinedName(&excelize.DefinedName{
			Name: "_xlnm.Print_Titles", RefersTo: quoteSheet(sheet) + "!" + o.printTitle, Scope: sheet,
		}); err != nil {
			return fmt.Errorf("print titles of %s: %w", sheet, err)
		}
	}
	return nil
}

// escapeHF escapes & in header and footer text.
func escapeHF(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '&' {
			out = append(out, '&')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func quoteSheet(s string) string {
	q := "'"
	for _, r := range s {
		if r == '\'' {
			q += "''"
		} else {
			q += string(r)
		}
	}
	return q + "'"
}

// table turns a header row and the rows below it into an Excel table with
// filter buttons and banded rows. An empty body still gets one blank row.
func (b *book) table(sheet, name string, col1, row1, col2, row2 int) error {
	if row2 <= row1 {
		row2 = row1 + 1
	}
	tl, _ := excelize.CoordinatesToCellName(col1, row1)
	br, _ := excelize.CoordinatesToCellName(col2, row2)
	on := true
	if err := b.f.AddTable(sheet, &excelize.Table{Range: tl + ":" + br, Name: name, StyleName: tableStyle, ShowRowStripes: &on}); err != nil {
		return fmt.Errorf("table %s on %s: %w", name, sheet, err)
	}
	return nil
}

// The styles of a sheet's title and subtitle (rows 1 and 2).
var (
	titleStyle    = styleSpec{bold: true, size: 16, color: colNavy}
	subtitleStyle = styleSpec{color: colMuted, italic: true}
)

// title writes a sheet's title and subtitle in rows 1 and 2.
func (b *book) title2(sheet, title, subtitle string) error {
	if err := b.set(sheet, 1, 1, title, titleStyle); err != nil {
		return err
	}
	if err := b.f.SetRowHeight(sheet, 1, 26); err != nil {
		return err
	}
	if subtitle != "" {
		return b.set(sheet, 1, 2, subtitle, subtitleStyle)
	}
	return nil
}

// note writes a muted line of text.
func (b *book) note(sheet string, col, row int, text string) error {
	return b.set(sheet, col, row, text, styleSpec{color: colMuted, italic: true})
}

// header writes a row of column headings (for tables the table style
// colours them).
func (b *book) header(sheet string, col, row int, names ...string) error {
	return b.numHeader(sheet, col, row, len(names), 0, names...)
}

// numHeader writes column headings aligned with their columns: the first
// lead and the last trail are text columns (left), the ones between hold
// numbers (right).
func (b *book) numHeader(sheet string, col, row, lead, trail int, names ...string) error {
	for i, hc := range numHeaderCells(lead, trail, names...) {
		if err := b.set(sheet, col+i, row, hc.v, hc.s); err != nil {
			return err
		}
	}
	return b.f.SetRowHeight(sheet, row, 30)
}

// numHeaderCells are the cells of numHeader.
func numHeaderCells(lead, trail int, names ...string) []cell {
	cells := make([]cell, len(names))
	for i, n := range names {
		st := headStyle
		if i >= lead && i < len(names)-trail {
			st.halign = "right"
		}
		if i >= len(names)-trail && i > 0 {
			st.indent = 1 // text after right-aligned numbers needs air
		}
		cells[i] = c(n, st)
	}
	return cells
}

// activate makes sheet the one the workbook opens on. Call it before any
// sheet is streamed: excelize reads every sheet back to change the
// selection, and a streamed sheet read back costs the memory that streaming
// it saved (120 MB for a 650,000-row Movements sheet).
func (b *book) activate(sheet string) error {
	idx, err := b.f.GetSheetIndex(sheet)
	if err != nil || idx < 0 {
		return fmt.Errorf("activate sheet %s: not in the workbook", sheet)
	}
	b.f.SetActiveSheet(idx)
	return nil
}

// finish writes the workbook to w and returns the content hash.
func (b *book) finish(w io.Writer) (string, error) {
	// excelize's WriteTo assembles the whole file in a bytes.Buffer before
	// writing it out: at a million customers, a 40 MB buffer and the
	// garbage of its growth. Its zip writer hook (SetZipWriter) gets the
	// archive written straight to w instead; the buffer stays empty.
	b.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if _, err := b.f.WriteTo(io.Discard); err != nil {
		return "", fmt.Errorf("write workbook: %w", err)
	}
	return hex.EncodeToString(b.h.Sum(nil)), nil
}

// kvRow is a label and a value for key-value sheets (About).
type kvRow struct {
	k string
	v any
	s styleSpec
}

// definitionsSheet writes a two-column glossary.
func (b *book) definitionsSheet(sheet, title string, defs [][2]string) error {
	if _, err := b.f.NewSheet(sheet); err != nil {
		return err
	}
	if err := b.title2(sheet, title, "How every figure in this workbook is computed."); err != nil {
		return err
	}
	if err := b.header(sheet, 1, 4, "Term", "Definition"); err != nil {
		return err
	}
	for i, d := range defs {
		r := 5 + i
		if err := b.row(sheet, 1, r,
			c(d[0], styleSpec{bold: true, valign: "top", wrap: true}),
			c(d[1], styleSpec{wrap: true, valign: "top"})); err != nil {
			return err
		}
		if err := fitRow(b, sheet, r, max(wrapLines(d[1], 118), wrapLines(d[0], 30))); err != nil {
			return err
		}
	}
	if err := b.table(sheet, "Definitions", 1, 4, 2, 4+len(defs)); err != nil {
		return err
	}
	return b.setup(sheet, sheetOpts{widths: map[string]float64{"A": 30, "B": 110}, freezeRow: 4, printTitle: "$4:$4", landscape: true})
}

// aboutSheet writes run facts. Nothing on it enters the content hash.
func (b *book) aboutSheet(sheet string, m Meta, title string, extra []kvRow) error {
	b.hashOn = false
	defer func() { b.hashOn = true }()
	if _, err := b.f.NewSheet(sheet); err != nil {
		return err
	}
	if err := b.title2(sheet, title, "Where these numbers come from."); err != nil {
		return err
	}
	wm := any("unknown")
	if !m.Watermark.IsZero() {
		wm = m.Watermark.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	loc, err := time.LoadLocation(m.TZ)
	if err != nil {
		loc = time.UTC
	}
	rows := []kvRow{
		{"Month", m.Month.Long(), styleSpec{}},
		{"Interval", fmt.Sprintf("%s to %s (exclusive), %s", m.Month.Start(loc).Format("2006-01-02 15:04 MST"), m.Month.End(loc).Format("2006-01-02 15:04 MST"), m.TZ), styleSpec{}},
		{"Time zone", m.TZ, styleSpec{}},
		{"Currency", m.Currency, styleSpec{}},
		{"Data watermark", wm, styleSpec{}},
		{"Run id", m.RunID, styleSpec{}},
		{"signals version", m.Version, styleSpec{}},
	}
	rows = append(rows, extra...)
	r := 4
	for _, kv := range rows {
		if err := b.row(sheet, 1, r, c(kv.k, styleSpec{bold: true}), c(kv.v, kv.s)); err != nil {
			return err
		}
		r++
	}
	r++
	if err := b.set(sheet, 1, r, "Jobs for this month", styleSpec{bold: true, size: 12, color: colNavy}); err != nil {
		return err
	}
	r++
	if len(m.Jobs) == 0 {
		if err := b.note(sheet, 1, r, "No job runs recorded for this month."); err != nil {
			return err
		}
		r++
	}
	for _, j := range m.Jobs {
		st := styleSpec{}
		switch j.Status {
		case "failed", "cancelled":
			st = styleSpec{color: colRed, bold: true}
		case "succeeded":
			st = styleSpec{color: colGreen}
		}
		text := j.Status
		if !j.FinishedAt.IsZero() {
			text += ", finished " + j.FinishedAt.UTC().Format("2006-01-02 15:04:05 UTC")
		}
		if j.RunID != "" {
			text += " (run " + j.RunID + ")"
		}
		if err := b.row(sheet, 1, r, c(j.Job, styleSpec{bold: true}), c(text, st)); err != nil {
			return err
		}
		r++
	}
	r++
	if err := b.set(sheet, 1, r, "Data quality", styleSpec{bold: true, size: 12, color: colNavy}); err != nil {
		return err
	}
	r++
	if len(m.DataQuality) == 0 {
		if err := b.note(sheet, 1, r, "No rows were rejected this month."); err != nil {
			return err
		}
	} else {
		if err := b.row(sheet, 1, r, c("Source", styleSpec{bold: true, border: "bottom"}), c("Check", styleSpec{bold: true, border: "bottom"}),
			c("Rows", styleSpec{bold: true, border: "bottom", halign: "right"}), c("Example", styleSpec{bold: true, border: "bottom"})); err != nil {
			return err
		}
		r++
		for _, q := range m.DataQuality {
			if err := b.row(sheet, 1, r, c(q.Source, styleSpec{}), c(q.Check, styleSpec{}), c(q.Rows, styleSpec{fmt: fmtCount}), c(q.Example, styleSpec{color: colMuted})); err != nil {
				return err
			}
			r++
		}
	}
	return b.setup(sheet, sheetOpts{widths: map[string]float64{"A": 22, "B": 60, "C": 24, "D": 40}, landscape: true})
}

// wrapLines estimates how many lines text takes in a wrapped column that
// holds about width characters a line.
func wrapLines(text string, width int) int {
	n := 0
	for _, para := range strings.Split(text, "\n") {
		n += 1 + (len([]rune(para))-1)/width
	}
	return max(n, 1)
}

// fitRow sets the height of a row of wrapped text (Excel does not grow rows
// for text written by a program); one line keeps the default height.
func fitRow(b *book, sheet string, row, lines int) error {
	if lines <= 1 {
		return nil
	}
	return b.f.SetRowHeight(sheet, row, fitHeight(lines))
}

// fitHeight is the height of a row of that many wrapped lines, at most 20;
// 0 (the default height) for one line.
func fitHeight(lines int) float64 {
	if lines <= 1 {
		return 0
	}
	return float64(min(lines, 20))*12.75 + 3
}
