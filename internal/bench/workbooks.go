package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/xuri/excelize/v2"
)

// The finance workbook's Movements sheet, and the two floors beside it,
// hold 100,000 customer movements of 12 columns (id, name, segment, region,
// industry, channel, cohort, movement, start, end, change, FX).
var wbRows = 100_000

func numCPU() int { return runtime.NumCPU() }

// workbookBenches times the bare excelize StreamWriter loop (this binary,
// re-executed with -mode) and exceljs's streaming WorkbookWriter (Node,
// installed with npm into the bench's temp folder).
func workbookBenches(ctx context.Context, tmp string, runs int) []measure {
	self, _ := os.Executable()
	var out []measure
	fin, err := median(runs, func() (measure, error) {
		return proc(os.Environ(), self, "-mode", "finance", "-file", filepath.Join(tmp, "finance.xlsx"))
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: finance workbook:", err)
	} else {
		fin.name = "finance workbook, 100k-row Movements sheet"
		out = append(out, fin)
	}
	m, err := median(runs, func() (measure, error) {
		return proc(os.Environ(), self, "-mode", "excelize", "-file", filepath.Join(tmp, "bare.xlsx"))
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: bare excelize:", err)
	} else {
		m.name = "bare excelize StreamWriter, the same 100k x 12 rows"
		if fin.wall > 0 {
			fin.extra = fmt.Sprintf("%.2fx the bare loop's time", fin.wall.Seconds()/m.wall.Seconds())
			out[len(out)-1] = fin
		}
		out = append(out, m)
	}
	js := filepath.Join(tmp, "exceljs")
	if err := npmInstall(ctx, js); err != nil {
		fmt.Fprintln(os.Stderr, "bench: exceljs unavailable:", err)
		return out
	}
	m, err = median(runs, func() (measure, error) {
		return proc(os.Environ(), "node", filepath.Join(js, "write.js"), filepath.Join(tmp, "exceljs.xlsx"))
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: exceljs:", err)
	} else {
		m.name = "exceljs WorkbookWriter, the same 100k x 12 rows"
		out = append(out, m)
	}
	return out
}

// bareExcelize is the library's own floor: a StreamWriter loop writing the
// rows of the finance workbook's Movements sheet (12 columns: six texts, a
// date, a text, four amounts), nothing else.
func bareExcelize(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"customer_id", "name", "segment", "region", "industry", "channel", "cohort",
		"movement", "mrr_start", "mrr_end", "mrr_change", "mrr_fx"}); err != nil {
		return err
	}
	for i := 0; i < wbRows; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		s, e := float64(i%997)*1.25, float64(i%991)*1.5
		if err := sw.SetRow(cell, []any{fmt.Sprintf("C%07d", i), fmt.Sprintf("Customer %d Ltd", i), "SMB", "EMEA", "Software", "Partner",
			time.Date(2024, time.Month(1+i%12), 1, 0, 0, 0, 0, time.UTC), "Flat", s, e, e - s, 0.0}); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

const writeJS = `const ExcelJS = require('exceljs');
(async () => {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: process.argv[2] });
  const ws = wb.addWorksheet('Sheet1');
  ws.addRow(['customer_id', 'name', 'segment', 'region', 'industry', 'channel', 'cohort', 'movement', 'mrr_start', 'mrr_end', 'mrr_change', 'mrr_fx']).commit();
  for (let i = 0; i < ` + "100000" + `; i++) {
    const s = (i % 997) * 1.25, e = (i % 991) * 1.5;
    ws.addRow(['C' + String(i).padStart(7, '0'), 'Customer ' + i + ' Ltd', 'SMB', 'EMEA', 'Software', 'Partner',
      new Date(Date.UTC(2024, i % 12, 1)), 'Flat', s, e, e - s, 0]).commit();
  }
  ws.commit();
  await wb.commit();
})();
`

func npmInstall(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "write.js"), []byte(writeJS), 0o644); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "npm", "install", "--silent", "--no-audit", "--no-fund", "exceljs@4")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm install exceljs: %w\n%s", err, out)
	}
	return nil
}
