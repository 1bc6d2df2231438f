package transform_test

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests name IANA zones; do not depend on the host's zoneinfo

	"github.com/google/go-cmp/cmp"

	"github.com/signalsdev/signals/transform"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load location %s: %v", name, err)
	}
	return loc
}

func mustInstant(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("parse instant %q: %v", s, err)
	}
	return v
}

func TestParseMonth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    transform.Month
		wantErr bool
	}{
		{name: "plain month", in: "2026-09", want: transform.NewMonth(2026, time.September)},
		{name: "january", in: "2026-01", want: transform.NewMonth(2026, time.January)},
		{name: "december", in: "2026-12", want: transform.NewMonth(2026, time.December)},
		{name: "earliest year allowed", in: "1900-01", want: transform.NewMonth(1900, time.January)},
		{name: "latest year allowed", in: "9999-12", want: transform.NewMonth(9999, time.December)},
		{name: "month 13 is an error", in: "2026-13", wantErr: true},
		{name: "month 00 is an error", in: "2026-00", wantErr: true},
		{name: "one-digit month is an error", in: "2026-1", wantErr: true},
		{name: "empty is an error", in: "", wantErr: true},
		{name: "two-digit year is an error", in: "26-09", wantErr: true},
		{name: "slash separator is an error", in: "2026/09", wantErr: true},
		{name: "a day is an error", in: "2026-09-01", wantErr: true},
		{name: "year before 1900 is an error", in: "1899-12", wantErr: true},
		{name: "trailing letter in the month is an error", in: "2026-1a", wantErr: true},
		{name: "space in the month is an error", in: "2026- 1", wantErr: true},
		{name: "sign in the month is an error", in: "2026-+1", wantErr: true},
		{name: "sign in the year is an error", in: "+202-01", wantErr: true},
		{name: "leading space is an error", in: " 2026-1", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := transform.ParseMonth(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseMonth(%q) = %v, want an error", tt.in, got)
				}
				if !strings.Contains(err.Error(), `"`+tt.in+`"`) {
					t.Errorf("ParseMonth(%q) error %q does not name the bad value", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMonth(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseMonth(%q) = %v, want %v", tt.in, got, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("ParseMonth(%q).String() = %q, want the input back", tt.in, got.String())
			}
		})
	}
}

func TestMonthStartEnd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		month      string
		loc        string
		start, end string // instants, UTC
		hours      float64
	}{
		{name: "UTC month is midnight to midnight", month: "2026-09", loc: "UTC",
			start: "2026-09-01T00:00:00Z", end: "2026-10-01T00:00:00Z", hours: 30 * 24},
		{name: "UTC december ends at the next year's first instant", month: "2026-12", loc: "UTC",
			start: "2026-12-01T00:00:00Z", end: "2027-01-01T00:00:00Z", hours: 31 * 24},
		{name: "New York winter month is on EST", month: "2026-01", loc: "America/New_York",
			start: "2026-01-01T05:00:00Z", end: "2026-02-01T05:00:00Z", hours: 31 * 24},
		{name: "New York march loses an hour to DST", month: "2026-03", loc: "America/New_York",
			start: "2026-03-01T05:00:00Z", end: "2026-04-01T04:00:00Z", hours: 31*24 - 1},
		{name: "New York november gains an hour back", month: "2026-11", loc: "America/New_York",
			start: "2026-11-01T04:00:00Z", end: "2026-12-01T05:00:00Z", hours: 30*24 + 1},
		{name: "New York summer month is on EDT", month: "2026-07", loc: "America/New_York",
			start: "2026-07-01T04:00:00Z", end: "2026-08-01T04:00:00Z", hours: 31 * 24},
		{name: "leap february in Tokyo", month: "2028-02", loc: "Asia/Tokyo",
			start: "2028-01-31T15:00:00Z", end: "2028-02-29T15:00:00Z", hours: 29 * 24},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			loc := mustLoc(t, tt.loc)
			m, err := transform.ParseMonth(tt.month)
			if err != nil {
				t.Fatal(err)
			}
			start, end := m.Start(loc), m.End(loc)
			if want := mustInstant(t, tt.start); !start.Equal(want) {
				t.Errorf("%s.Start(%s) = %s, want %s", m, tt.loc, start.UTC(), want)
			}
			if want := mustInstant(t, tt.end); !end.Equal(want) {
				t.Errorf("%s.End(%s) = %s, want %s", m, tt.loc, end.UTC(), want)
			}
			if got := end.Sub(start).Hours(); got != tt.hours {
				t.Errorf("%s in %s lasts %v hours, want %v", m, tt.loc, got, tt.hours)
			}
			if !m.Add(1).Start(loc).Equal(end) {
				t.Errorf("%s.End is not the next month's Start", m)
			}
			if local := start.In(loc); local.Day() != 1 || local.Hour() != 0 || local.Minute() != 0 {
				t.Errorf("%s.Start(%s) = %s local, want local midnight on the 1st", m, tt.loc, local)
			}
			// An instant belongs to the month whose half-open interval holds it.
			if got := transform.MonthOf(start, loc); got != m {
				t.Errorf("MonthOf(Start) = %v, want %v", got, m)
			}
			if got := transform.MonthOf(end.Add(-time.Nanosecond), loc); got != m {
				t.Errorf("MonthOf(End - 1ns) = %v, want %v", got, m)
			}
			if got := transform.MonthOf(end, loc); got != m.Add(1) {
				t.Errorf("MonthOf(End) = %v, want %v", got, m.Add(1))
			}
		})
	}
}

func TestMonthOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		instant string
		loc     string
		want    string
	}{
		{name: "3am UTC on March 1st is still February in New York", instant: "2026-03-01T03:00:00Z", loc: "America/New_York", want: "2026-02"},
		{name: "the same instant is March in UTC", instant: "2026-03-01T03:00:00Z", loc: "UTC", want: "2026-03"},
		{name: "local midnight on the 1st belongs to the new month", instant: "2026-03-01T05:00:00Z", loc: "America/New_York", want: "2026-03"},
		{name: "one nanosecond before local midnight is the old month", instant: "2026-03-01T04:59:59.999999999Z", loc: "America/New_York", want: "2026-02"},
		{name: "an instant with an offset is placed by the zone, not the offset", instant: "2026-01-01T01:00:00+02:00", loc: "UTC", want: "2025-12"},
		{name: "Tokyo is ahead: 15:00 UTC on the 31st is the next month", instant: "2026-01-31T15:00:00Z", loc: "Asia/Tokyo", want: "2026-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := transform.MonthOf(mustInstant(t, tt.instant), mustLoc(t, tt.loc))
			if got.String() != tt.want {
				t.Errorf("MonthOf(%s, %s) = %s, want %s", tt.instant, tt.loc, got, tt.want)
			}
		})
	}
}

func TestMonthArithmetic(t *testing.T) {
	t.Parallel()
	dec := transform.NewMonth(2025, time.December)
	jan := transform.NewMonth(2026, time.January)
	tests := []struct {
		name string
		got  any
		want any
	}{
		{name: "add crosses the year", got: dec.Add(1), want: jan},
		{name: "negative add crosses the year back", got: jan.Add(-1), want: dec},
		{name: "add twelve is the same month next year", got: jan.Add(12).String(), want: "2027-01"},
		{name: "sub counts months", got: jan.Sub(transform.NewMonth(2024, time.November)), want: 14},
		{name: "sub is negative backwards", got: dec.Sub(jan), want: -1},
		{name: "year and month", got: [2]int{jan.Year(), int(jan.Month())}, want: [2]int{2026, 1}},
		{name: "date is the first day at UTC midnight", got: jan.Date(), want: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{name: "date string is the first day as SQL text", got: jan.DateString(), want: "2026-01-01"},
		{name: "date string pads the year and month", got: transform.NewMonth(987, time.March).DateString(), want: "0987-03-01"},
		{name: "long form for people", got: jan.Long(), want: "January 2026"},
		{name: "months lists both ends", got: transform.Months(dec, jan.Add(1)), want: []transform.Month{dec, jan, jan.Add(1)}},
		{name: "months of an empty range is empty", got: len(transform.Months(jan, dec)), want: 0},
		{name: "last closed month in the zone, not UTC",
			got:  transform.LastClosed(mustInstant(t, "2026-03-01T03:00:00Z"), mustLoc(t, "America/New_York")).String(),
			want: "2026-01"},
		{name: "last closed month at the first instant of a month",
			got:  transform.LastClosed(mustInstant(t, "2026-03-01T00:00:00Z"), time.UTC).String(),
			want: "2026-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, tt.got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestMonthText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantErr bool
	}{
		{name: "round trips YYYY-MM", in: "2026-03"},
		{name: "rejects a bad month", in: "2026-13", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var m transform.Month
			err := m.UnmarshalText([]byte(tt.in))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("UnmarshalText(%q) = %v, want an error", tt.in, m)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, err := m.MarshalText()
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.in {
				t.Errorf("MarshalText = %q, want %q", b, tt.in)
			}
		})
	}
}
