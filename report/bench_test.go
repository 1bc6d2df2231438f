package report

import (
	"fmt"
	"io"
	"iter"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/signalsdev/signals/transform"
)

// benchMovements generates n customer movements without holding them.
func benchMovements(n int) iter.Seq2[MovementRow, error] {
	segs := []string{"SMB", "Mid-Market", "Enterprise"}
	mvs := []transform.Movement{transform.MoveNew, transform.MoveExpansion, transform.MoveContraction, transform.MoveChurn, transform.MoveFlat}
	return func(yield func(MovementRow, error) bool) {
		for i := range n {
			s := transform.Money(10_000 + i%50_000)
			e := s + transform.Money(i%700-350)
			r := MovementRow{CustomerID: fmt.Sprintf("C-%06d", i), Name: fmt.Sprintf("Customer %d Ltd", i),
				Segment: segs[i%3], Region: "EMEA", Industry: "Software", AcquisitionChannel: "Partner",
				Cohort: fixMonth.Add(-(i % 36)), Movement: mvs[i%5], Start: s, End: e, Change: e - s}
			if !yield(r, nil) {
				return
			}
		}
	}
}

// BenchmarkFinanceWorkbook100k renders the whole finance workbook with
// 100,000 movement rows; compare with BenchmarkBareStreamWriter100k, the
// same rows through a bare StreamWriter loop.
func BenchmarkFinanceWorkbook100k(b *testing.B) {
	for b.Loop() {
		d := fixFinance()
		d.Movements = benchMovements(100_000)
		if _, err := WriteFinanceWorkbook(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBareStreamWriter100k(b *testing.B) {
	for b.Loop() {
		f := excelize.NewFile()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		row := make([]any, 12)
		i := 0
		for m := range benchMovements(100_000) {
			i++
			row[0], row[1], row[2], row[3], row[4], row[5] = m.CustomerID, m.Name, m.Segment, m.Region, m.Industry, m.AcquisitionChannel
			row[6], row[7], row[8], row[9], row[10], row[11] = m.Cohort.Date(), string(m.Movement), m.Start.Float(), m.End.Float(), m.Change.Float(), m.FX.Float()
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := sw.SetRow(cell, row); err != nil {
				b.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			b.Fatal(err)
		}
		if _, err := f.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}
