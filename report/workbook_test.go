package report

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got); if the change is intended, run go test ./report -update:\n%s", name, d)
	}
}

// dumpWorkbook is the canonical text form of a workbook: for every sheet its
// tables, panes, conditional formats and page setup, then every non-empty
// cell as reference, type, raw value and number format. Formulas are
// reported (there should be none).
func dumpWorkbook(t *testing.T, data []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		fmt.Fprintf(&b, "## sheet %s\n", sheet)
		tables, err := f.GetTables(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range tables {
			fmt.Fprintf(&b, "table %s %s %s\n", tb.Name, tb.Range, tb.StyleName)
		}
		if p, err := f.GetPanes(sheet); err == nil && p.Freeze {
			fmt.Fprintf(&b, "freeze %s (x=%d y=%d)\n", p.TopLeftCell, p.XSplit, p.YSplit)
		}
		cfs, _ := f.GetConditionalFormats(sheet)
		refs := make([]string, 0, len(cfs))
		for ref := range cfs {
			refs = append(refs, ref)
		}
		slices.Sort(refs)
		for _, ref := range refs {
			for _, cf := range cfs[ref] {
				fmt.Fprintf(&b, "conditional %s %s\n", ref, cf.Type)
			}
		}
		if pl, err := f.GetPageLayout(sheet); err == nil && pl.Orientation != nil {
			fw, fh := 0, 0
			if pl.FitToWidth != nil {
				fw = *pl.FitToWidth
			}
			if pl.FitToHeight != nil {
				fh = *pl.FitToHeight
			}
			fmt.Fprintf(&b, "print %s fit %dx%d\n", *pl.Orientation, fw, fh)
		}
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for col, v := range row {
				if v == "" {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(col+1, r+1)
				typ, _ := f.GetCellType(sheet, ref)
				code := map[excelize.CellType]string{
					excelize.CellTypeBool: "b", excelize.CellTypeDate: "d", excelize.CellTypeError: "e",
					excelize.CellTypeFormula: "f", excelize.CellTypeInlineString: "s", excelize.CellTypeSharedString: "s",
					excelize.CellTypeNumber: "n", excelize.CellTypeUnset: "n",
				}[typ]
				if fm, _ := f.GetCellFormula(sheet, ref); fm != "" {
					code = "FORMULA(" + fm + ")"
				}
				nf := ""
				if id, err := f.GetCellStyle(sheet, ref); err == nil && id != 0 {
					if st, err := f.GetStyle(id); err == nil {
						switch {
						case st.CustomNumFmt != nil:
							nf = " " + *st.CustomNumFmt
						case st.NumFmt != 0:
							nf = fmt.Sprintf(" #%d", st.NumFmt)
						}
					}
				}
				fmt.Fprintf(&b, "%s %s %q%s\n", ref, code, v, nf)
			}
		}
	}
	// Charts: their titles, in part order.
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var charts []string
	titleRE := regexp.MustCompile(`<a:t>([^<]*)</a:t>`)
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/charts/chart") {
			continue
		}
		rc, _ := zf.Open()
		x, _ := io.ReadAll(rc)
		rc.Close()
		title := ""
		if m := titleRE.FindSubmatch(x); m != nil {
			title = string(m[1])
		}
		charts = append(charts, zf.Name+" "+title)
	}
	slices.Sort(charts)
	for _, ch := range charts {
		fmt.Fprintf(&b, "chart %s\n", ch)
	}
	return b.String()
}

func renderFinance(t *testing.T, d *FinanceData) ([]byte, WorkbookInfo) {
	t.Helper()
	var buf bytes.Buffer
	info, err := WriteFinanceWorkbook(&buf, d)
	if err != nil {
		t.Fatalf("WriteFinanceWorkbook: %v", err)
	}
	return buf.Bytes(), info
}

func renderCX(t *testing.T, d *CXData) ([]byte, WorkbookInfo) {
	t.Helper()
	var buf bytes.Buffer
	info, err := WriteCXWorkbook(&buf, d)
	if err != nil {
		t.Fatalf("WriteCXWorkbook: %v", err)
	}
	return buf.Bytes(), info
}

func TestFinanceWorkbookGolden(t *testing.T) {
	data, info := renderFinance(t, fixFinance())
	if info.Rows != int64(len(fixMovementRows())) {
		t.Errorf("movement rows = %d, want %d", info.Rows, len(fixMovementRows()))
	}
	golden(t, "finance.golden", []byte(dumpWorkbook(t, data)))
	if os.Getenv("SIGNALS_KEEP_WORKBOOKS") != "" {
		_ = os.WriteFile(filepath.Join(os.Getenv("SIGNALS_KEEP_WORKBOOKS"), "finance-2026-09.xlsx"), data, 0o644)
	}
}

func TestCXWorkbookGolden(t *testing.T) {
	data, _ := renderCX(t, fixCX())
	golden(t, "cx.golden", []byte(dumpWorkbook(t, data)))
	if os.Getenv("SIGNALS_KEEP_WORKBOOKS") != "" {
		_ = os.WriteFile(filepath.Join(os.Getenv("SIGNALS_KEEP_WORKBOOKS"), "cx-2026-09.xlsx"), data, 0o644)
	}
}

func TestEmptyWorkbooksGolden(t *testing.T) {
	fin, _ := renderFinance(t, emptyFinance())
	golden(t, "finance-empty.golden", []byte(dumpWorkbook(t, fin)))
	cx, _ := renderCX(t, emptyCX())
	golden(t, "cx-empty.golden", []byte(dumpWorkbook(t, cx)))
}

// Text a spreadsheet would read as a formula (=, +, -, @) is stored as a
// string, never as a formula, wherever it appears.
func TestFormulaLikeTextStaysText(t *testing.T) {
	fin, _ := renderFinance(t, fixFinance())
	cx, _ := renderCX(t, fixCX())
	cases := []struct {
		name string
		data []byte
		text string
	}{
		{"finance", fin, `=HYPERLINK("http://x.test","click")`},
		{"finance", fin, "+Plus Holdings"},
		{"finance", fin, "-Minus GmbH"},
		{"finance", fin, "@home Labs"},
		{"cx", cx, "=cmd|' /C calc'!A0"},
		{"cx", cx, "=1+2 reports are slow"},
		{"cx", cx, "@here billing charged us twice"},
		{"cx", cx, "-- onboarding was fine, docs are thin"},
		{"cx", cx, "+1 to what everyone says: too many outages this month."},
	}
	for _, tc := range cases {
		f, err := excelize.OpenReader(bytes.NewReader(tc.data))
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for _, sheet := range f.GetSheetList() {
			refs, err := f.SearchSheet(sheet, regexp.QuoteMeta(tc.text), true)
			if err != nil {
				t.Fatal(err)
			}
			for _, ref := range refs {
				found++
				if fm, _ := f.GetCellFormula(sheet, ref); fm != "" {
					t.Errorf("%s %s!%s: stored as formula %q", tc.name, sheet, ref, fm)
				}
				typ, _ := f.GetCellType(sheet, ref)
				if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
					t.Errorf("%s %s!%s: cell type %v, want a string", tc.name, sheet, ref, typ)
				}
				if v, _ := f.GetCellValue(sheet, ref); v != tc.text {
					t.Errorf("%s %s!%s = %q, want %q", tc.name, sheet, ref, v, tc.text)
				}
			}
		}
		if found == 0 {
			t.Errorf("%s: %q not found in any sheet", tc.name, tc.text)
		}
		f.Close()
	}
	// And at the XML level: no <f> element anywhere.
	for name, data := range map[string][]byte{"finance": fin, "cx": cx} {
		zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		for _, zf := range zr.File {
			if !strings.HasPrefix(zf.Name, "xl/worksheets/") {
				continue
			}
			rc, _ := zf.Open()
			x, _ := io.ReadAll(rc)
			rc.Close()
			if bytes.Contains(x, []byte("<f>")) || bytes.Contains(x, []byte("<f ")) {
				t.Errorf("%s %s holds a formula", name, zf.Name)
			}
		}
	}
}

// The content hash ignores the About sheet's run facts and follows the
// figures.
func TestWorkbookContentHash(t *testing.T) {
	_, a := renderFinance(t, fixFinance())
	d := fixFinance()
	d.RunID, d.Version, d.Watermark, d.Jobs = "another-run", "v9", d.Watermark.AddDate(0, 1, 0), nil
	_, b := renderFinance(t, d)
	if a.ContentHash != b.ContentHash {
		t.Errorf("hash changed with volatile fields only: %s vs %s", a.ContentHash, b.ContentHash)
	}
	d = fixFinance()
	rows := fixMovementRows()
	rows[0].End++
	rows[0].Change++
	d.Movements = seq(rows)
	_, c := renderFinance(t, d)
	if c.ContentHash == a.ContentHash {
		t.Error("hash did not change when one movement changed by a cent")
	}
	_, x := renderCX(t, fixCX())
	cx := fixCX()
	cx.RunID = "other"
	_, y := renderCX(t, cx)
	if x.ContentHash != y.ContentHash {
		t.Error("cx hash changed with the run id")
	}
}

// Money stays exact to the cent through the workbook.
func TestMoneyCellsExact(t *testing.T) {
	data, _ := renderFinance(t, fixFinance())
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Movements row 5 is C-0004: 2950.50 at the end, change -1149.50.
	for ref, want := range map[string]string{"J5": "2950.5", "K5": "-1149.5", "I2": "12500"} {
		got, _ := f.GetCellValue(SheetMovements, ref, excelize.Options{RawCellValue: true})
		if got != want {
			t.Errorf("Movements!%s = %s, want %s", ref, got, want)
		}
	}
}
