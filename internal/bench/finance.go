package main

import (
	"fmt"
	"iter"
	"os"

	"github.com/signalsdev/signals/report"
	"github.com/signalsdev/signals/transform"
)

// financeWorkbook writes the whole finance workbook (every sheet, the
// charts, a Movements sheet of wbRows customers) to path: what the reports
// job renders, with the month's data generated here instead of read, so
// that the figure is the workbook's alone. Totals and cohorts come from
// the revenue job's own aggregator over the same customers.
func financeWorkbook(path string) error {
	month := transform.NewMonth(2026, 9)
	segs := []string{"SMB", "Mid-Market", "Enterprise"}
	regions := []string{"EMEA", "NA", "APAC", "LATAM"}
	customer := func(i int) transform.CustomerMonth {
		s := transform.Money(5_000 + (i*7919)%500_000)
		e := s + transform.Money((i*104729)%40_000-20_000)
		switch i % 20 {
		case 0:
			e = 0 // churn
		case 1:
			s = 0 // new
		}
		return transform.CustomerMonth{Segment: segs[i%3], Region: regions[i%4],
			Industry: "Software", AcquisitionChannel: "Partner", Cohort: month.Add(-(i % 36)),
			StartPrev: s, Start: s, End: e, CohortMRR: s}
	}
	agg := transform.NewMRRAggregator(month, "USD")
	for i := range wbRows {
		agg.Add(customer(i))
	}
	totals := agg.Totals()
	var trend []transform.MRRMonthly
	for k := -12; k <= 0; k++ {
		t := totals[0] // the "all" row, the same every month
		t.Month = month.Add(k)
		trend = append(trend, t)
	}
	movements := iter.Seq2[report.MovementRow, error](func(yield func(report.MovementRow, error) bool) {
		for i := range wbRows {
			c := customer(i)
			mv, ok := transform.Classify(c, month)
			if !ok {
				continue
			}
			if !yield(report.MovementRow{CustomerID: fmt.Sprintf("C%07d", i), Name: fmt.Sprintf("Customer %d Ltd", i), Segment: c.Segment,
				Region: c.Region, Industry: c.Industry, AcquisitionChannel: c.AcquisitionChannel, Cohort: c.Cohort,
				Movement: mv, Start: c.Start, End: c.End, Change: c.End - c.Start}, nil) {
				return
			}
		}
	})
	d := &report.FinanceData{
		Meta:        report.Meta{Month: month, Currency: "USD", TZ: "UTC", RunID: "bench", Version: "bench"},
		Trend:       trend,
		Members:     totals,
		PrevMembers: totals,
		Cohorts:     agg.Cohorts(),
		Movements:   movements,
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := report.WriteFinanceWorkbook(f, d); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
