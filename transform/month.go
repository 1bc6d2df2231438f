package transform

import (
	"fmt"
	"strconv"
	"time"
)

// Month is a calendar month, counted from January of year 0. It carries no
// time zone: Start and End give its half-open interval [Start, End) in the
// reporting time zone the caller passes.
type Month int32

// MonthOf returns the month that holds instant t in loc.
func MonthOf(t time.Time, loc *time.Location) Month {
	t = t.In(loc)
	return NewMonth(t.Year(), t.Month())
}

// NewMonth returns the month m of year y.
func NewMonth(y int, m time.Month) Month { return Month(y*12 + int(m) - 1) }

// ParseMonth parses "YYYY-MM". The error names the bad value.
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' || !allDigits(s[:4]) || !allDigits(s[5:]) {
		return 0, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[5:])
	if y < 1900 || m < 1 || m > 12 {
		return 0, fmt.Errorf("month %q: want YYYY-MM with a month from 01 to 12", s)
	}
	return NewMonth(y, time.Month(m)), nil
}

// allDigits reports whether s is non-empty and only ASCII digits.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Year is the month's year.
func (m Month) Year() int { return int(m) / 12 }

// Month is the month of the year.
func (m Month) Month() time.Month { return time.Month(int(m)%12 + 1) }

// Add returns the month n months later (earlier for negative n).
func (m Month) Add(n int) Month { return m + Month(n) }

// Sub returns the number of months from o to m.
func (m Month) Sub(o Month) int { return int(m - o) }

// Start is local midnight on the first day of the month in loc.
func (m Month) Start(loc *time.Location) time.Time {
	return time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, loc)
}

// End is the start of the next month: the exclusive end of the month.
func (m Month) End(loc *time.Location) time.Time { return m.Add(1).Start(loc) }

// Date is the first day of the month as a UTC midnight, the form months are
// stored in (a SQL date).
func (m Month) Date() time.Time { return m.Start(time.UTC) }

// DateString is Date as SQL's text form of a date, "2026-09-01": what COPY
// reads fastest.
func (m Month) DateString() string {
	y, mo := m.Year(), int(m.Month())
	return string([]byte{byte('0' + y/1000%10), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + mo/10), byte('0' + mo%10), '-', '0', '1'})
}

// String formats the month as YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year(), int(m.Month())) }

// Long formats the month for people: "September 2026".
func (m Month) Long() string { return fmt.Sprintf("%s %d", m.Month(), m.Year()) }

// MarshalText implements encoding.TextMarshaler as YYYY-MM.
func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler from YYYY-MM.
func (m *Month) UnmarshalText(b []byte) error {
	v, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// LastClosed is the last month that has closed at instant now in loc.
func LastClosed(now time.Time, loc *time.Location) Month { return MonthOf(now, loc).Add(-1) }

// Months lists the months from first to last inclusive.
func Months(first, last Month) []Month {
	var ms []Month
	for m := first; m <= last; m++ {
		ms = append(ms, m)
	}
	return ms
}
