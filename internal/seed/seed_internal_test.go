package seed

import (
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/google/go-cmp/cmp"

	"github.com/signalsdev/signals/transform"
)

func testGenerator(t *testing.T, customers, months int) *generator {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	o, err := Options{Customers: customers, Months: months, Until: transform.NewMonth(2026, time.March), Seed: 99, Loc: loc}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return newGenerator(o)
}

// rowsOf generates every per-customer table's rows of customer idx.
func rowsOf(t *testing.T, g *generator, idx int) map[string][][]any {
	t.Helper()
	c := g.newCustomer(idx)
	var h history
	g.simulate(&c, &h)
	out := map[string][][]any{}
	for _, pc := range perCustomerTables() {
		err := pc.rows(g, &c, &h, func(vals ...any) error {
			out[pc.t.String()] = append(out[pc.t.String()], append([]any(nil), vals...))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestCustomerRowsIndependentOfOrder(t *testing.T) {
	t.Parallel()
	g := testGenerator(t, 60, 12)
	forward := make([]map[string][][]any, 60)
	for i := range forward {
		forward[i] = rowsOf(t, g, i)
	}
	for i := len(forward) - 1; i >= 0; i -= 7 {
		if diff := cmp.Diff(forward[i], rowsOf(t, g, i)); diff != "" {
			t.Errorf("customer %d: rows depend on generation order (-forward +alone):\n%s", i, diff)
		}
	}
}

// TestCampaignsHaveARealEffect checks, on the rows the job will read, that
// each campaign's treatment arm buys or upgrades more often within the
// outcome window than its control arm, and visits far more often.
func TestCampaignsHaveARealEffect(t *testing.T) {
	t.Parallel()
	g := testGenerator(t, 40000, 12)
	type tally struct{ members, converted, visited [2]int }
	got := make([]tally, len(g.camps))
	byID := map[string]int{}
	for i, cp := range g.camps {
		byID[cp.id] = i
	}
	var h history
	for idx := range g.o.Customers {
		c := g.newCustomer(idx)
		g.simulate(&c, &h)
		arms := map[int]int{}
		assigned := map[int]time.Time{}
		_ = g.memberRows(&c, &h, func(v ...any) error {
			k, arm := byID[v[0].(string)], 0
			if v[2] == "treatment" {
				arm = 1
			}
			arms[k], assigned[k] = arm, v[3].(time.Time)
			got[k].members[arm]++
			return nil
		})
		conv, vis := map[int]bool{}, map[int]bool{}
		_ = g.eventRows(&c, &h, func(v ...any) error {
			k := byID[v[0].(string)]
			at := v[4].(time.Time)
			if at.Before(assigned[k]) || !at.Before(assigned[k].Add(days(float64(g.camps[k].windowDays)))) {
				return nil
			}
			if v[2] == "visit" {
				vis[k] = true
			} else {
				conv[k] = true
			}
			return nil
		})
		for k := range conv {
			got[k].converted[arms[k]]++
		}
		for k := range vis {
			got[k].visited[arms[k]]++
		}
	}
	rate := func(n, d int) float64 { return float64(n) / float64(d) }
	for k, tl := range got {
		name := g.camps[k].id
		if tl.members[0] < 100 || tl.members[1] < 100 {
			t.Fatalf("%s: arms of %v members, want at least 100 each", name, tl.members)
		}
		c, tr := rate(tl.converted[0], tl.members[0]), rate(tl.converted[1], tl.members[1])
		vc, vt := rate(tl.visited[0], tl.members[0]), rate(tl.visited[1], tl.members[1])
		t.Logf("%-24s members %v  converted control %.3f treatment %.3f  visited control %.3f treatment %.3f", name, tl.members, c, tr, vc, vt)
		if c == 0 || tr < 1.2*c {
			t.Errorf("%s: conversion control %.4f, treatment %.4f: want a positive treatment effect (at least 1.2x)", name, c, tr)
		}
		if vt < 2*vc {
			t.Errorf("%s: visits control %.4f, treatment %.4f: want at least 2x", name, vc, vt)
		}
	}
}

func TestTimestamp(t *testing.T) {
	t.Parallel()
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"UTC", time.Date(2026, 3, 5, 14, 3, 9, 0, time.UTC), "2026-03-05 14:03:09+00"},
		{"local midnight on the 1st in New York is 05:00 UTC in winter", time.Date(2026, 2, 1, 0, 0, 0, 0, ny), "2026-02-01 05:00:00+00"},
		{"and 04:00 UTC in summer", time.Date(2026, 7, 1, 0, 0, 0, 0, ny), "2026-07-01 04:00:00+00"},
		{"sub-second parts are cut", time.Date(1999, 12, 31, 23, 59, 59, 999, time.UTC), "1999-12-31 23:59:59+00"},
	}
	for _, tt := range tests {
		if got := timestamp(tt.in); got != tt.want {
			t.Errorf("%s: timestamp(%v) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestAddMonths(t *testing.T) {
	t.Parallel()
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		name string
		in   time.Time
		n    int
		want time.Time
	}{
		{"Jan 31 plus one month is the last day of February", time.Date(2026, 1, 31, 9, 30, 0, 0, ny), 1, time.Date(2026, 2, 28, 9, 30, 0, 0, ny)},
		{"in a leap year too", time.Date(2028, 1, 31, 9, 30, 0, 0, ny), 1, time.Date(2028, 2, 29, 9, 30, 0, 0, ny)},
		{"keeps the local time of day across DST", time.Date(2026, 2, 15, 14, 0, 0, 0, ny), 1, time.Date(2026, 3, 15, 14, 0, 0, 0, ny)},
		{"annual", time.Date(2025, 6, 1, 0, 0, 0, 0, ny), 12, time.Date(2026, 6, 1, 0, 0, 0, 0, ny)},
		{"zero", time.Date(2025, 6, 30, 1, 2, 3, 0, ny), 0, time.Date(2025, 6, 30, 1, 2, 3, 0, ny)},
	}
	for _, tt := range tests {
		if got := addMonths(tt.in, tt.n, ny); !got.Equal(tt.want) {
			t.Errorf("%s: addMonths(%v, %d) = %v, want %v", tt.name, tt.in, tt.n, got, tt.want)
		}
	}
}

func TestFXStaysInBands(t *testing.T) {
	t.Parallel()
	for seed := range int64(20) {
		fx := newFX(seed, transform.NewMonth(2000, time.January), transform.NewMonth(2030, time.December))
		for i, band := range [2][2]int64{{105e6, 115e6}, {120e6, 135e6}} {
			for k, r := range fx.rates[i] {
				if r < band[0] || r > band[1] {
					t.Fatalf("seed %d %s month %d: rate %s outside %s-%s", seed, fxCurrencies[i], k,
						rateText(r), rateText(band[0]), rateText(band[1]))
				}
			}
		}
	}
}

// TestCustomerIDs: ids are six-digit numbers up to 999,999 customers and
// wider beyond, every one the same width, so that they sort in number
// order; the ids of a customer's other rows carry the same number.
func TestCustomerIDs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		customers, idx int
		want           string
	}{
		{customers: 2000, idx: 0, want: "C000001"},
		{customers: 999_999, idx: 999_998, want: "C999999"},
		{customers: 1_000_000, idx: 0, want: "C0000001"},
		{customers: 1_000_000, idx: 999_999, want: "C1000000"},
	}
	for _, tt := range tests {
		g := testGenerator(t, tt.customers, 12)
		c := g.newCustomer(tt.idx)
		if c.id != tt.want {
			t.Errorf("customer %d of %d: id %q, want %q", tt.idx, tt.customers, c.id, tt.want)
		}
		if got, want := subID(&c, &sub{seq: 1}), "SUB-"+tt.want[1:]+"-01"; got != want {
			t.Errorf("customer %d of %d: subscription id %q, want %q", tt.idx, tt.customers, got, want)
		}
	}
	if _, err := (Options{Customers: maxCustomers + 1, Until: transform.NewMonth(2026, time.March)}).withDefaults(); err == nil {
		t.Errorf("%d customers: want an error", maxCustomers+1)
	}
}
