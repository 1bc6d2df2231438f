package extract_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests name IANA zones; do not depend on the host's zoneinfo

	"github.com/google/go-cmp/cmp"

	"github.com/signalsdev/signals/extract"
	"github.com/signalsdev/signals/internal/pgtest"
	"github.com/signalsdev/signals/transform"
)

// TestMain boots one throwaway PostgreSQL for the package's database tests
// (or uses TEST_DATABASE_URL / DATABASE_URL) and stops it afterwards.
func TestMain(m *testing.M) { pgtest.Main(m) }

func newYork(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// stream runs CustomerMRR for month and returns the rows ordered by customer.
func stream(t *testing.T, db *pgtest.DB, month string, loc *time.Location) ([]transform.CustomerMonth, int64, error) {
	t.Helper()
	m, err := transform.ParseMonth(month)
	if err != nil {
		t.Fatal(err)
	}
	var got []transform.CustomerMonth
	n, err := extract.NewWarehouse(db.DB).CustomerMRR(t.Context(), m, loc, "USD", func(c transform.CustomerMonth) error {
		got = append(got, c)
		return nil
	})
	slices.SortFunc(got, func(a, b transform.CustomerMonth) int { return strings.Compare(a.CustomerID, b.CustomerID) })
	return got, n, err
}

func TestCustomerMRR(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t, pgtest.WithWarehouse())
	db.Exec(t, `insert into crm.customers (customer_id, name, segment, region, industry, acquisition_channel, created_at) values
		('steady', 'Steady', 'SMB', 'EU', 'SaaS', 'ads', '2025-01-01'),
		('eur', 'Eur', null, 'EU', null, null, '2025-01-01')`)
	db.Exec(t, `insert into billing.fx_rates (currency, month, rate) values
		('EUR', '2026-02-01', 1.10), ('EUR', '2026-03-01', 1.20)`)
	db.Exec(t, `insert into billing.subscriptions (subscription_id, customer_id, plan, currency, interval_months, amount, is_trial, started_at, ended_at) values
		('s1',  'steady',         'p', 'USD', 1,  100, false, '2026-01-10T12:00:00Z', null),
		('s2',  'eur',            'p', 'EUR', 1,  100, false, '2026-02-10T12:00:00Z', null),
		('s3',  'quarterly-pair', 'p', 'USD', 3,  100, false, '2026-03-05T12:00:00Z', null),
		('s4',  'quarterly-pair', 'p', 'USD', 3,  100, false, '2026-03-06T12:00:00Z', null),
		('s5',  'gone',           'p', 'USD', 1,   50, false, '2025-06-10T12:00:00Z', '2025-09-10T12:00:00Z'),
		('s6',  'ny-edge',        'p', 'USD', 12, 120, false, '2026-04-01T03:00:00Z', null),
		('s7',  'in-and-out',     'p', 'USD', 1,  100, false, '2026-03-03T12:00:00Z', '2026-03-20T12:00:00Z'),
		('s8',  'trial',          'p', 'USD', 1,  100, true,  '2026-01-10T12:00:00Z', null),
		('s9',  'free',           'p', 'USD', 1,    0, false, '2026-01-10T12:00:00Z', null),
		('s10', 'next-month',     'p', 'USD', 1,  100, false, '2026-04-01T04:00:00Z', null)`)

	got, n, err := stream(t, db, "2026-03", newYork(t))
	if err != nil {
		t.Fatal(err)
	}
	mar := transform.NewMonth(2026, time.March)
	want := []transform.CustomerMonth{
		// EUR at February's rate for mrr_start, March's for s and e; null attributes are "".
		{CustomerID: "eur", Region: "EU", Cohort: mar.Add(-1), StartPrev: 110_00, Start: 120_00, End: 120_00, CohortMRR: 110_00},
		// long gone: streamed with zeros, for its cohort
		{CustomerID: "gone", Cohort: transform.NewMonth(2025, time.June), CohortMRR: 50_00},
		// 23:00 EDT on March 31 is March in New York: an annual plan at 10.00 a month
		{CustomerID: "ny-edge", Cohort: mar, End: 10_00, CohortMRR: 10_00},
		// two quarterly plans: 66.666... rounded once per customer
		{CustomerID: "quarterly-pair", Cohort: mar, End: 66_67, CohortMRR: 66_67},
		{CustomerID: "steady", Segment: "SMB", Region: "EU", Industry: "SaaS", AcquisitionChannel: "ads",
			Cohort: mar.Add(-2), StartPrev: 100_00, Start: 100_00, End: 100_00, CohortMRR: 100_00},
		// not streamed: in-and-out and trial (never MRR at a month end), free
		// (no MRR), next-month (starts exactly at the end of March)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CustomerMRR (-want +got)\n%s", diff)
	}
	if n != int64(len(want)) {
		t.Errorf("rows read %d, want %d", n, len(want))
	}
}

func TestCustomerMRRMissingRate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		rates     string
		start     string
		wantMonth string
	}{
		{name: "no rate for the month names the month", rates: `('EUR', '2026-08-01', 1.1)`, start: "2026-08-10T00:00:00Z", wantMonth: "2026-09"},
		{name: "no rate for the month before names that month", rates: `('EUR', '2026-09-01', 1.1)`, start: "2026-08-10T00:00:00Z", wantMonth: "2026-08"},
		{name: "no rate for the cohort month names the cohort month",
			rates: `('EUR', '2026-08-01', 1.1), ('EUR', '2026-09-01', 1.1)`, start: "2026-05-10T00:00:00Z", wantMonth: "2026-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := pgtest.New(t, pgtest.WithWarehouse())
			db.Exec(t, `insert into billing.fx_rates (currency, month, rate) values `+tt.rates)
			db.Exec(t, `insert into billing.subscriptions (subscription_id, customer_id, plan, currency, interval_months, amount, started_at)
				values ('s1', 'c1', 'p', 'EUR', 1, 100, $1)`, tt.start)
			_, _, err := stream(t, db, "2026-09", time.UTC)
			var in *extract.InputError
			if !errors.As(err, &in) {
				t.Fatalf("CustomerMRR error %v (%T), want an *extract.InputError", err, err)
			}
			if msg := err.Error(); !strings.Contains(msg, "EUR") || !strings.Contains(msg, "month "+tt.wantMonth) {
				t.Errorf("error %q does not name EUR and month %s", msg, tt.wantMonth)
			}
		})
	}
}

func TestCustomerMRRCallbackError(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t, pgtest.WithWarehouse())
	db.Exec(t, `insert into billing.subscriptions (subscription_id, customer_id, plan, currency, interval_months, amount, started_at)
		values ('s1', 'c1', 'p', 'USD', 1, 100, '2026-01-10T00:00:00Z'), ('s2', 'c2', 'p', 'USD', 1, 100, '2026-01-10T00:00:00Z')`)
	stop := errors.New("stop")
	calls := 0
	n, err := extract.NewWarehouse(db.DB).CustomerMRR(t.Context(), transform.NewMonth(2026, time.February), time.UTC, "USD",
		func(transform.CustomerMonth) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 || n != 1 {
		t.Errorf("CustomerMRR = %d rows, %v after %d calls; want 1, the callback's error, 1 call", n, err, calls)
	}
}
