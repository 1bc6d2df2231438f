package jobs_test

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests name IANA zones; do not depend on the host's zoneinfo

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/jmoiron/sqlx"

	"github.com/signalsdev/signals/extract"
	"github.com/signalsdev/signals/internal/pgtest"
	"github.com/signalsdev/signals/jobs"
	"github.com/signalsdev/signals/transform"
)

// ---------------------------------------------------------------------------
// Fixture: a warehouse and a reporting schema in a database of the test's own.

type fixture struct {
	db  *pgtest.DB
	rdb *sqlx.DB // connects with search_path = reporting, as the command does
	cfg jobs.Config
}

func newFixture(t *testing.T, tz string) *fixture {
	t.Helper()
	loc, err := time.LoadLocation(tz)
	if err != nil {
		t.Fatal(err)
	}
	db, rdb := pgtest.NewReporting(t)
	return &fixture{db: db, rdb: rdb, cfg: jobs.Config{Loc: loc, Currency: "USD"}.WithDefaults()}
}

// sub is a billing.subscriptions row; Currency defaults to USD, Interval to 1,
// End "" is a running subscription. Instants are RFC 3339.
type sub struct {
	ID, Cust, Currency string
	Interval           int
	Amount             string
	Trial              bool
	Start, End         string
}

// customer is a crm.customers row; "" attributes are null.
type customer struct{ ID, Segment, Region, Industry, Channel string }

type fxRate struct{ Currency, Month, Rate string }

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (f *fixture) load(t *testing.T, cs []customer, subs []sub, rates []fxRate) {
	t.Helper()
	for _, c := range cs {
		f.db.Exec(t, `insert into crm.customers (customer_id, name, segment, region, industry, acquisition_channel, created_at)
			values ($1, $1, $2, $3, $4, $5, '2015-01-01')`,
			c.ID, nullable(c.Segment), nullable(c.Region), nullable(c.Industry), nullable(c.Channel))
	}
	for _, s := range subs {
		cur, iv := cmp.Or(s.Currency, "USD"), cmp.Or(s.Interval, 1)
		f.db.Exec(t, `insert into billing.subscriptions (subscription_id, customer_id, plan, currency, interval_months, amount, is_trial, started_at, ended_at)
			values ($1, $2, 'plan', $3, $4, $5, $6, $7, $8)`,
			s.ID, s.Cust, cur, iv, s.Amount, s.Trial, s.Start, nullable(s.End))
	}
	for _, r := range rates {
		f.db.Exec(t, `insert into billing.fx_rates (currency, month, rate) values ($1, $2, $3)`, r.Currency, r.Month+"-01", r.Rate)
	}
}

func mustMonth(t *testing.T, s string) transform.Month {
	t.Helper()
	m, err := transform.ParseMonth(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// run runs the job for month m in a transaction of its own, as the runner
// does: commit on success, roll back on error.
func (f *fixture) run(t *testing.T, month string) error {
	t.Helper()
	ctx := t.Context()
	tx := f.rdb.MustBeginTx(ctx, nil)
	jc := &jobs.JobContext{Month: mustMonth(t, month), Config: &f.cfg, Warehouse: extract.NewWarehouse(f.rdb), Tx: tx, Log: slog.Default()}
	if err := (jobs.MRR{}).Run(ctx, jc); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			t.Errorf("roll back %s after %v: %v", month, err, rerr)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("commit %s: %v", month, err)
	}
	return nil
}

func (f *fixture) mustRun(t *testing.T, months ...string) {
	t.Helper()
	for _, m := range months {
		if err := f.run(t, m); err != nil {
			t.Fatalf("run mrr for %s: %v", m, err)
		}
	}
}

// custRow is a customer_mrr_monthly row, money in cents.
type custRow struct {
	Month    string `db:"month"`
	Customer string `db:"customer_id"`
	Start    int64  `db:"mrr_start"`
	End      int64  `db:"mrr_end"`
	FX       int64  `db:"mrr_fx"`
	Movement string `db:"movement"`
	Cohort   string `db:"cohort_month"`
}

func cr(month, cust string, start, end, fx int64, mv, cohort string) custRow {
	return custRow{month, cust, start, end, fx, mv, cohort}
}

func (f *fixture) customerRows(t *testing.T) []custRow {
	t.Helper()
	var rows []custRow
	err := f.rdb.Select(&rows, `select to_char(month, 'YYYY-MM') as month, customer_id,
			(mrr_start * 100)::bigint as mrr_start, (mrr_end * 100)::bigint as mrr_end, (mrr_fx * 100)::bigint as mrr_fx,
			movement, to_char(cohort_month, 'YYYY-MM') as cohort_month
		from customer_mrr_monthly order by month, customer_id`)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// bridge is an mrr_monthly row, money in cents.
type bridge struct {
	Month                string   `db:"month"`
	Dimension            string   `db:"dimension"`
	Member               string   `db:"member"`
	CustomersStart       int      `db:"customers_start"`
	CustomersNew         int      `db:"customers_new"`
	CustomersReactivated int      `db:"customers_reactivated"`
	CustomersExpanded    int      `db:"customers_expanded"`
	CustomersContracted  int      `db:"customers_contracted"`
	CustomersChurned     int      `db:"customers_churned"`
	CustomersEnd         int      `db:"customers_end"`
	Start                int64    `db:"mrr_start"`
	FX                   int64    `db:"mrr_fx"`
	New                  int64    `db:"mrr_new"`
	Reactivation         int64    `db:"mrr_reactivation"`
	Expansion            int64    `db:"mrr_expansion"`
	Contraction          int64    `db:"mrr_contraction"`
	Churned              int64    `db:"mrr_churned"`
	End                  int64    `db:"mrr_end"`
	LogoChurnRate        *float64 `db:"logo_churn_rate"`
	GrossMRRChurnRate    *float64 `db:"gross_mrr_churn_rate"`
	NetMRRChurnRate      *float64 `db:"net_mrr_churn_rate"`
	GRR                  *float64 `db:"grr"`
	NRR                  *float64 `db:"nrr"`
	QuickRatio           *float64 `db:"quick_ratio"`
	NetCustomerChange    *float64 `db:"net_customer_change_rate"`
}

func (f *fixture) bridges(t *testing.T) []bridge {
	t.Helper()
	var rows []bridge
	err := f.rdb.Select(&rows, `select to_char(month, 'YYYY-MM') as month, dimension, member,
			customers_start, customers_new, customers_reactivated, customers_expanded, customers_contracted, customers_churned, customers_end,
			(mrr_start * 100)::bigint as mrr_start, (mrr_fx * 100)::bigint as mrr_fx, (mrr_new * 100)::bigint as mrr_new,
			(mrr_reactivation * 100)::bigint as mrr_reactivation, (mrr_expansion * 100)::bigint as mrr_expansion,
			(mrr_contraction * 100)::bigint as mrr_contraction, (mrr_churned * 100)::bigint as mrr_churned, (mrr_end * 100)::bigint as mrr_end,
			logo_churn_rate, gross_mrr_churn_rate, net_mrr_churn_rate, grr, nrr, quick_ratio, net_customer_change_rate
		from mrr_monthly order by month, dimension, member`)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// all returns the all=all row of each month.
func allRows(bs []bridge) map[string]bridge {
	m := map[string]bridge{}
	for _, b := range bs {
		if b.Dimension == "all" {
			m[b.Month] = b
		}
	}
	return m
}

type cohortRow struct {
	Month           string `db:"month"`
	Cohort          string `db:"cohort_month"`
	MonthsSince     int    `db:"months_since"`
	Customers       int    `db:"customers"`
	CustomersActive int    `db:"customers_active"`
	MRRCohort       int64  `db:"mrr_cohort"`
	MRRActive       int64  `db:"mrr_active"`
}

func (f *fixture) cohorts(t *testing.T) []cohortRow {
	t.Helper()
	var rows []cohortRow
	err := f.rdb.Select(&rows, `select to_char(month, 'YYYY-MM') as month, to_char(cohort_month, 'YYYY-MM') as cohort_month,
			months_since, customers, customers_active, (mrr_cohort * 100)::bigint as mrr_cohort, (mrr_active * 100)::bigint as mrr_active
		from cohort_retention order by month, cohort_month`)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// dump is every row of the job's three tables as JSON text, in a fixed order:
// two dumps are equal exactly when the tables hold the same rows.
func (f *fixture) dump(t *testing.T) map[string][]string {
	t.Helper()
	d := map[string][]string{}
	for _, table := range []string{"mrr_monthly", "customer_mrr_monthly", "cohort_retention"} {
		var rows []string
		if err := f.rdb.Select(&rows, fmt.Sprintf(`select row_to_json(t)::text from %s t order by 1`, table)); err != nil {
			t.Fatal(err)
		}
		d[table] = rows
	}
	return d
}

// checkInvariants proves, on whatever the tables hold: the bridge identity to
// the cent for every month and member; mrr_start(M) = mrr_end(M-1) for every
// member when both months were run (attributes never change in these
// fixtures); the all row's mrr_end is the sum of the customer rows; and a
// rerun of every month, newest first, leaves identical rows.
func (f *fixture) checkInvariants(t *testing.T, months []string) {
	t.Helper()
	bs := f.bridges(t)
	type key struct{ month, dim, member string }
	byKey := map[key]bridge{}
	for _, b := range bs {
		byKey[key{b.Month, b.Dimension, b.Member}] = b
		if b.End != b.Start+b.FX+b.New+b.Reactivation+b.Expansion-b.Contraction-b.Churned {
			t.Errorf("%s %s=%s: bridge does not hold: %+v", b.Month, b.Dimension, b.Member, b)
		}
	}
	ran := map[string]bool{}
	for _, m := range months {
		ran[m] = true
	}
	for _, m := range months {
		prev := mustMonth(t, m).Add(-1).String()
		if !ran[prev] {
			continue
		}
		members := map[[2]string]bool{}
		for k := range byKey {
			if k.month == m || k.month == prev {
				members[[2]string{k.dim, k.member}] = true
			}
		}
		for dm := range members {
			// A member with no row in a month had no MRR at either end of it.
			start, end := byKey[key{m, dm[0], dm[1]}].Start, byKey[key{prev, dm[0], dm[1]}].End
			if start != end {
				t.Errorf("%s=%s: mrr_start of %s is %d cents, mrr_end of %s is %d", dm[0], dm[1], m, start, prev, end)
			}
		}
	}
	sumEnd := map[string]int64{}
	for _, c := range f.customerRows(t) {
		sumEnd[c.Month] += c.End
	}
	for m, a := range allRows(bs) {
		if a.End != sumEnd[m] {
			t.Errorf("%s: all mrr_end %d cents, customer rows add up to %d", m, a.End, sumEnd[m])
		}
	}
	before := f.dump(t)
	for _, m := range slices.Backward(months) {
		f.mustRun(t, m)
	}
	if diff := gocmp.Diff(before, f.dump(t)); diff != "" {
		t.Errorf("rerunning %v changed the tables (-first +rerun)\n%s", months, diff)
	}
}

// ---------------------------------------------------------------------------
// Rules, each proved through PostgreSQL with the job as the command runs it.

func TestMRRRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		tz        string
		customers []customer
		subs      []sub
		rates     []fxRate
		months    []string
		want      []custRow
		check     func(t *testing.T, f *fixture)
	}{
		{
			name:   "a start mid-month is new in that month at the full monthly amount",
			subs:   []sub{{ID: "s1", Cust: "c1", Amount: "100", Start: "2026-03-15T12:00:00Z"}},
			months: []string{"2026-02", "2026-03", "2026-04"},
			want: []custRow{
				cr("2026-03", "c1", 0, 100_00, 0, "new", "2026-03"),
				cr("2026-04", "c1", 100_00, 100_00, 0, "flat", "2026-03"),
			},
		},
		{
			// CONTRACT §3: active at end_of_M when ended_at >= end_of_M. A
			// subscription ending at that very instant covered all of M, so it
			// is in M's closing MRR and churns in M+1; one second earlier it
			// churns in M.
			name: "ends at local midnight on the 1st: active at that month end, churns the month after",
			tz:   "America/New_York",
			subs: []sub{
				{ID: "s1", Cust: "c1", Amount: "100", Start: "2026-01-10T15:00:00Z", End: "2026-04-01T04:00:00Z"}, // 00:00 EDT April 1
				{ID: "s2", Cust: "c2", Amount: "100", Start: "2026-01-10T15:00:00Z", End: "2026-04-01T03:59:59Z"}, // 23:59:59 March 31
			},
			months: []string{"2026-03", "2026-04"},
			want: []custRow{
				cr("2026-03", "c1", 100_00, 100_00, 0, "flat", "2026-01"),
				cr("2026-03", "c2", 100_00, 0, 0, "churn", "2026-01"),
				cr("2026-04", "c1", 100_00, 0, 0, "churn", "2026-01"),
			},
		},
		{
			name: "an instant that is still February in New York starts and ends in February",
			tz:   "America/New_York",
			subs: []sub{
				{ID: "s1", Cust: "c1", Amount: "100", Start: "2026-03-01T03:00:00Z"}, // 22:00 EST February 28
				{ID: "s2", Cust: "c2", Amount: "100", Start: "2026-01-05T15:00:00Z", End: "2026-03-01T03:00:00Z"},
			},
			months: []string{"2026-02", "2026-03"},
			want: []custRow{
				cr("2026-02", "c1", 0, 100_00, 0, "new", "2026-02"),
				cr("2026-02", "c2", 100_00, 0, 0, "churn", "2026-01"),
				cr("2026-03", "c1", 100_00, 100_00, 0, "flat", "2026-02"),
			},
		},
		{
			name: "the same instants in UTC are March",
			tz:   "UTC",
			subs: []sub{
				{ID: "s1", Cust: "c1", Amount: "100", Start: "2026-03-01T03:00:00Z"},
				{ID: "s2", Cust: "c2", Amount: "100", Start: "2026-01-05T15:00:00Z", End: "2026-03-01T03:00:00Z"},
			},
			months: []string{"2026-02", "2026-03"},
			want: []custRow{
				cr("2026-02", "c2", 100_00, 100_00, 0, "flat", "2026-01"),
				cr("2026-03", "c1", 0, 100_00, 0, "new", "2026-03"),
				cr("2026-03", "c2", 100_00, 0, 0, "churn", "2026-01"),
			},
		},
		{
			name: "annual and quarterly plans count amount / interval months, rounded once per customer",
			subs: []sub{
				{ID: "s1", Cust: "annual", Interval: 12, Amount: "1200", Start: "2026-01-05T00:00:00Z"},
				{ID: "s2", Cust: "quarterly", Interval: 3, Amount: "100", Start: "2026-01-05T00:00:00Z"},
				// 33.333... + 33.333... = 66.67, not 33.33 + 33.33
				{ID: "s3", Cust: "two-quarterly", Interval: 3, Amount: "100", Start: "2026-01-05T00:00:00Z"},
				{ID: "s4", Cust: "two-quarterly", Interval: 3, Amount: "100", Start: "2026-01-06T00:00:00Z"},
			},
			months: []string{"2026-01", "2026-02"},
			want: []custRow{
				cr("2026-01", "annual", 0, 100_00, 0, "new", "2026-01"),
				cr("2026-01", "quarterly", 0, 33_33, 0, "new", "2026-01"),
				cr("2026-01", "two-quarterly", 0, 66_67, 0, "new", "2026-01"),
				cr("2026-02", "annual", 100_00, 100_00, 0, "flat", "2026-01"),
				cr("2026-02", "quarterly", 33_33, 33_33, 0, "flat", "2026-01"),
				cr("2026-02", "two-quarterly", 66_67, 66_67, 0, "flat", "2026-01"),
			},
		},
		{
			name: "a trial then paid: the trial is no MRR, the customer is new when paying starts",
			subs: []sub{
				{ID: "s1", Cust: "c1", Amount: "100", Trial: true, Start: "2026-01-05T00:00:00Z", End: "2026-02-05T00:00:00Z"},
				{ID: "s2", Cust: "c1", Amount: "100", Start: "2026-02-05T00:00:00Z"},
			},
			months: []string{"2026-01", "2026-02", "2026-03"},
			want: []custRow{
				cr("2026-02", "c1", 0, 100_00, 0, "new", "2026-02"),
				cr("2026-03", "c1", 100_00, 100_00, 0, "flat", "2026-02"),
			},
		},
		{
			name: "in and out within one month is never counted, and a later start is new, not a reactivation",
			subs: []sub{
				{ID: "s1", Cust: "c1", Amount: "100", Start: "2026-03-03T00:00:00Z", End: "2026-03-20T00:00:00Z"},
				{ID: "s2", Cust: "c2", Amount: "100", Start: "2026-01-03T00:00:00Z", End: "2026-01-20T00:00:00Z"},
				{ID: "s3", Cust: "c2", Amount: "70", Start: "2026-03-10T00:00:00Z"},
			},
			months: []string{"2026-01", "2026-02", "2026-03", "2026-04"},
			want: []custRow{
				cr("2026-03", "c2", 0, 70_00, 0, "new", "2026-03"),
				cr("2026-04", "c2", 70_00, 70_00, 0, "flat", "2026-03"),
			},
			check: func(t *testing.T, f *fixture) {
				want := []cohortRow{
					{Month: "2026-03", Cohort: "2026-03", Customers: 1, CustomersActive: 1, MRRCohort: 70_00, MRRActive: 70_00},
					{Month: "2026-04", Cohort: "2026-03", MonthsSince: 1, Customers: 1, CustomersActive: 1, MRRCohort: 70_00, MRRActive: 70_00},
				}
				if diff := gocmp.Diff(want, f.cohorts(t)); diff != "" {
					t.Errorf("cohorts (-want +got)\n%s", diff)
				}
				all := allRows(f.bridges(t))
				for _, m := range []string{"2026-01", "2026-02"} {
					if diff := gocmp.Diff(bridge{Month: m, Dimension: "all", Member: "all"}, all[m]); diff != "" {
						t.Errorf("%s all row (-want +got)\n%s", m, diff)
					}
				}
			},
		},
		{
			name: "two concurrent subscriptions add up",
			subs: []sub{
				{ID: "s1", Cust: "c1", Amount: "100", Start: "2026-01-05T00:00:00Z"},
				{ID: "s2", Cust: "c1", Amount: "50", Start: "2026-02-10T00:00:00Z"},
			},
			months: []string{"2026-01", "2026-02", "2026-03"},
			want: []custRow{
				cr("2026-01", "c1", 0, 100_00, 0, "new", "2026-01"),
				cr("2026-02", "c1", 100_00, 150_00, 0, "expansion", "2026-01"),
				cr("2026-03", "c1", 150_00, 150_00, 0, "flat", "2026-01"),
			},
		},
		{
			name: "an upgrade by replacement is an expansion, not churn and new",
			subs: []sub{
				// replaced mid-month
				{ID: "s1", Cust: "mid", Amount: "100", Start: "2026-01-10T00:00:00Z", End: "2026-03-15T00:00:00Z"},
				{ID: "s2", Cust: "mid", Amount: "200", Start: "2026-03-15T00:00:00Z"},
				// replaced exactly at the end of March: March closes on the old plan
				{ID: "s3", Cust: "at-end", Amount: "100", Start: "2026-01-10T00:00:00Z", End: "2026-04-01T00:00:00Z"},
				{ID: "s4", Cust: "at-end", Amount: "200", Start: "2026-04-01T00:00:00Z"},
				// a downgrade by replacement is a contraction
				{ID: "s5", Cust: "down", Amount: "300", Start: "2026-01-10T00:00:00Z", End: "2026-03-20T00:00:00Z"},
				{ID: "s6", Cust: "down", Amount: "100", Start: "2026-03-20T00:00:00Z"},
			},
			months: []string{"2026-02", "2026-03", "2026-04"},
			want: []custRow{
				cr("2026-02", "at-end", 100_00, 100_00, 0, "flat", "2026-01"),
				cr("2026-02", "down", 300_00, 300_00, 0, "flat", "2026-01"),
				cr("2026-02", "mid", 100_00, 100_00, 0, "flat", "2026-01"),
				cr("2026-03", "at-end", 100_00, 100_00, 0, "flat", "2026-01"),
				cr("2026-03", "down", 300_00, 100_00, 0, "contraction", "2026-01"),
				cr("2026-03", "mid", 100_00, 200_00, 0, "expansion", "2026-01"),
				cr("2026-04", "at-end", 100_00, 200_00, 0, "expansion", "2026-01"),
				cr("2026-04", "down", 100_00, 100_00, 0, "flat", "2026-01"),
				cr("2026-04", "mid", 200_00, 200_00, 0, "flat", "2026-01"),
			},
			check: func(t *testing.T, f *fixture) {
				got := allRows(f.bridges(t))["2026-03"]
				if got.CustomersChurned != 0 || got.CustomersNew != 0 || got.Expansion != 100_00 || got.Contraction != 200_00 {
					t.Errorf("March all row: churned %d, new %d, expansion %d, contraction %d; want 0, 0, 10000, 20000",
						got.CustomersChurned, got.CustomersNew, got.Expansion, got.Contraction)
				}
			},
		},
		{
			name: "churn then reactivation",
			subs: []sub{
				{ID: "s1", Cust: "c1", Amount: "100", Start: "2026-01-10T00:00:00Z", End: "2026-02-20T00:00:00Z"},
				{ID: "s2", Cust: "c1", Amount: "120", Start: "2026-04-03T00:00:00Z"},
			},
			months: []string{"2026-01", "2026-02", "2026-03", "2026-04", "2026-05"},
			want: []custRow{
				cr("2026-01", "c1", 0, 100_00, 0, "new", "2026-01"),
				cr("2026-02", "c1", 100_00, 0, 0, "churn", "2026-01"),
				cr("2026-04", "c1", 0, 120_00, 0, "reactivation", "2026-01"),
				cr("2026-05", "c1", 120_00, 120_00, 0, "flat", "2026-01"),
			},
			check: func(t *testing.T, f *fixture) {
				all := allRows(f.bridges(t))
				if a := all["2026-04"]; a.CustomersReactivated != 1 || a.Reactivation != 120_00 || a.CustomersNew != 0 {
					t.Errorf("April all row: reactivated %d (%d cents), new %d; want 1 (12000), 0", a.CustomersReactivated, a.Reactivation, a.CustomersNew)
				}
				if a := all["2026-02"]; a.CustomersChurned != 1 || a.Churned != 100_00 || *a.LogoChurnRate != 1 {
					t.Errorf("February all row: churned %d (%d cents, rate %v); want 1 (10000, 1)", a.CustomersChurned, a.Churned, *a.LogoChurnRate)
				}
			},
		},
		{
			name: "a free plan is no MRR",
			subs: []sub{
				{ID: "s1", Cust: "free", Amount: "0", Start: "2026-01-05T00:00:00Z"},
				{ID: "s2", Cust: "free-and-paid", Amount: "0", Start: "2026-01-05T00:00:00Z"},
				{ID: "s3", Cust: "free-and-paid", Amount: "50", Start: "2026-02-05T00:00:00Z"},
			},
			months: []string{"2026-01", "2026-02"},
			want: []custRow{
				cr("2026-02", "free-and-paid", 0, 50_00, 0, "new", "2026-02"),
			},
		},
		{
			// Each month converts at its own rates: s (end of M-1) at M's rates,
			// mrr_start at M-1's, so mrr_fx = Σs − mrr_start carries the rate
			// move and the customer is flat, not expanded.
			name: "FX moves show in mrr_fx, and mrr_start equals last month's mrr_end",
			subs: []sub{
				{ID: "s1", Cust: "eur", Currency: "EUR", Amount: "100", Start: "2026-01-15T00:00:00Z"},
				{ID: "s2", Cust: "usd", Amount: "100", Start: "2026-01-15T00:00:00Z"},
				{ID: "s3", Cust: "gbp-annual", Currency: "GBP", Interval: 12, Amount: "1200", Start: "2026-02-10T00:00:00Z"},
			},
			rates: []fxRate{
				{"EUR", "2026-01", "1.05"}, {"EUR", "2026-02", "1.10"}, {"EUR", "2026-03", "1.20"},
				{"GBP", "2026-01", "1.25"}, {"GBP", "2026-02", "1.25"}, {"GBP", "2026-03", "1.30"},
			},
			months: []string{"2026-01", "2026-02", "2026-03"},
			want: []custRow{
				cr("2026-01", "eur", 0, 105_00, 0, "new", "2026-01"),
				cr("2026-01", "usd", 0, 100_00, 0, "new", "2026-01"),
				cr("2026-02", "eur", 110_00, 110_00, 5_00, "flat", "2026-01"),
				cr("2026-02", "gbp-annual", 0, 125_00, 0, "new", "2026-02"),
				cr("2026-02", "usd", 100_00, 100_00, 0, "flat", "2026-01"),
				cr("2026-03", "eur", 120_00, 120_00, 10_00, "flat", "2026-01"),
				// s is February's closing 100 GBP at March's rate: flat, fx +5.00
				cr("2026-03", "gbp-annual", 130_00, 130_00, 5_00, "flat", "2026-02"),
				cr("2026-03", "usd", 100_00, 100_00, 0, "flat", "2026-01"),
			},
			check: func(t *testing.T, f *fixture) {
				all := allRows(f.bridges(t))
				type line struct{ Start, FX, New, Expansion, End int64 }
				got := map[string]line{}
				for m, a := range all {
					got[m] = line{a.Start, a.FX, a.New, a.Expansion, a.End}
				}
				want := map[string]line{
					"2026-01": {Start: 0, FX: 0, New: 205_00, End: 205_00},
					"2026-02": {Start: 205_00, FX: 5_00, New: 125_00, End: 335_00},
					"2026-03": {Start: 335_00, FX: 15_00, End: 350_00},
				}
				if diff := gocmp.Diff(want, got); diff != "" {
					t.Errorf("all rows (-want +got)\n%s", diff)
				}
			},
		},
		{
			name: "a null attribute is the member (none), and so is a customer missing from crm.customers",
			customers: []customer{
				{ID: "c1", Segment: "SMB", Region: "EU", Industry: "SaaS", Channel: "ads"},
				{ID: "c2", Region: "EU"},
			},
			subs: []sub{
				{ID: "s1", Cust: "c1", Amount: "100", Start: "2026-01-05T00:00:00Z"},
				{ID: "s2", Cust: "c2", Amount: "200", Start: "2026-01-05T00:00:00Z"},
				{ID: "s3", Cust: "c3", Amount: "400", Start: "2026-01-05T00:00:00Z"},
			},
			months: []string{"2026-01"},
			want: []custRow{
				cr("2026-01", "c1", 0, 100_00, 0, "new", "2026-01"),
				cr("2026-01", "c2", 0, 200_00, 0, "new", "2026-01"),
				cr("2026-01", "c3", 0, 400_00, 0, "new", "2026-01"),
			},
			check: func(t *testing.T, f *fixture) {
				type member struct {
					Dimension, Member string
					CustomersNew      int
					New, End          int64
				}
				var got []member
				for _, b := range f.bridges(t) {
					got = append(got, member{b.Dimension, b.Member, b.CustomersNew, b.New, b.End})
				}
				want := []member{ // ordered by dimension, member as stored
					{"acquisition_channel", "(none)", 2, 600_00, 600_00},
					{"acquisition_channel", "ads", 1, 100_00, 100_00},
					{"all", "all", 3, 700_00, 700_00},
					{"industry", "(none)", 2, 600_00, 600_00},
					{"industry", "SaaS", 1, 100_00, 100_00},
					{"region", "(none)", 1, 400_00, 400_00},
					{"region", "EU", 2, 300_00, 300_00},
					{"segment", "(none)", 2, 600_00, 600_00},
					{"segment", "SMB", 1, 100_00, 100_00},
				}
				if diff := gocmp.Diff(want, got); diff != "" {
					t.Errorf("members (-want +got)\n%s", diff)
				}
			},
		},
		{
			name: "cohorts: size, customers still active, MRR at the cohort's end and now",
			subs: []sub{
				{ID: "s1", Cust: "c1", Amount: "100", Start: "2026-01-05T00:00:00Z"},
				{ID: "s2", Cust: "c1", Amount: "80", Start: "2026-03-05T00:00:00Z"},
				{ID: "s3", Cust: "c2", Amount: "50", Start: "2026-01-20T00:00:00Z", End: "2026-03-10T00:00:00Z"},
				{ID: "s4", Cust: "c3", Amount: "200", Start: "2026-02-03T00:00:00Z"},
				{ID: "s5", Cust: "in-and-out", Amount: "500", Start: "2026-02-03T00:00:00Z", End: "2026-02-10T00:00:00Z"},
				{ID: "s6", Cust: "trial-only", Amount: "500", Trial: true, Start: "2026-02-03T00:00:00Z"},
			},
			months: []string{"2026-01", "2026-02", "2026-03"},
			want: []custRow{
				cr("2026-01", "c1", 0, 100_00, 0, "new", "2026-01"),
				cr("2026-01", "c2", 0, 50_00, 0, "new", "2026-01"),
				cr("2026-02", "c1", 100_00, 100_00, 0, "flat", "2026-01"),
				cr("2026-02", "c2", 50_00, 50_00, 0, "flat", "2026-01"),
				cr("2026-02", "c3", 0, 200_00, 0, "new", "2026-02"),
				cr("2026-03", "c1", 100_00, 180_00, 0, "expansion", "2026-01"),
				cr("2026-03", "c2", 50_00, 0, 0, "churn", "2026-01"),
				cr("2026-03", "c3", 200_00, 200_00, 0, "flat", "2026-02"),
			},
			check: func(t *testing.T, f *fixture) {
				want := []cohortRow{
					{Month: "2026-01", Cohort: "2026-01", MonthsSince: 0, Customers: 2, CustomersActive: 2, MRRCohort: 150_00, MRRActive: 150_00},
					{Month: "2026-02", Cohort: "2026-01", MonthsSince: 1, Customers: 2, CustomersActive: 2, MRRCohort: 150_00, MRRActive: 150_00},
					{Month: "2026-02", Cohort: "2026-02", MonthsSince: 0, Customers: 1, CustomersActive: 1, MRRCohort: 200_00, MRRActive: 200_00},
					{Month: "2026-03", Cohort: "2026-01", MonthsSince: 2, Customers: 2, CustomersActive: 1, MRRCohort: 150_00, MRRActive: 180_00},
					{Month: "2026-03", Cohort: "2026-02", MonthsSince: 1, Customers: 1, CustomersActive: 1, MRRCohort: 200_00, MRRActive: 200_00},
				}
				if diff := gocmp.Diff(want, f.cohorts(t)); diff != "" {
					t.Errorf("cohorts (-want +got)\n%s", diff)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, cmp.Or(tt.tz, "UTC"))
			f.load(t, tt.customers, tt.subs, tt.rates)
			f.mustRun(t, tt.months...)
			if diff := gocmp.Diff(tt.want, f.customerRows(t)); diff != "" {
				t.Errorf("customer_mrr_monthly (-want +got)\n%s", diff)
			}
			if tt.check != nil {
				tt.check(t, f)
			}
			f.checkInvariants(t, tt.months)
		})
	}
}

func TestMRRMissingFXRate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		rates              []fxRate
		wantCur, wantMonth string
	}{
		{name: "no rate for the run month names the run month",
			rates: []fxRate{{"EUR", "2026-08", "1.10"}}, wantCur: "EUR", wantMonth: "2026-09"},
		{name: "no rate for the month before names it: mrr_start is at its rates",
			rates: []fxRate{{"EUR", "2026-09", "1.10"}}, wantCur: "EUR", wantMonth: "2026-08"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, "UTC")
			// USD customers first and last, so rows stream (and are COPYed)
			// before and after the one that fails.
			f.load(t, nil, []sub{
				{ID: "s0", Cust: "a-usd", Amount: "10", Start: "2026-08-10T00:00:00Z"},
				{ID: "s1", Cust: "m-eur", Currency: "EUR", Amount: "100", Start: "2026-08-10T00:00:00Z"},
				{ID: "s2", Cust: "z-usd", Amount: "20", Start: "2026-08-10T00:00:00Z"},
			}, tt.rates)
			err := f.run(t, "2026-09")
			if err == nil {
				t.Fatal("run for 2026-09 succeeded, want an error for the missing rate")
			}
			for _, s := range []string{tt.wantCur, tt.wantMonth} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not name %s", err, s)
				}
			}
			var in *extract.InputError
			if !errors.As(err, &in) || !jobs.IsUsage(err) {
				t.Errorf("error %T %v is not an input error (exit 2)", err, err)
			}
			if diff := gocmp.Diff(map[string][]string{"mrr_monthly": nil, "customer_mrr_monthly": nil, "cohort_retention": nil}, f.dump(t)); diff != "" {
				t.Errorf("rows were written (-want +got)\n%s", diff)
			}
		})
	}
}

func TestMRRFailedRerunKeepsTheMonth(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "UTC")
	f.load(t, nil, []sub{
		{ID: "s0", Cust: "a-usd", Amount: "10", Start: "2026-08-10T00:00:00Z"},
		{ID: "s1", Cust: "m-eur", Currency: "EUR", Amount: "100", Start: "2026-08-10T00:00:00Z"},
	}, []fxRate{{"EUR", "2026-08", "1.10"}, {"EUR", "2026-09", "1.20"}})
	f.mustRun(t, "2026-09")
	before := f.dump(t)
	if len(before["customer_mrr_monthly"]) != 2 {
		t.Fatalf("first run wrote %d customer rows, want 2", len(before["customer_mrr_monthly"]))
	}
	f.db.Exec(t, `delete from billing.fx_rates where month = '2026-09-01'`)
	if err := f.run(t, "2026-09"); err == nil || !strings.Contains(err.Error(), "EUR") || !strings.Contains(err.Error(), "2026-09") {
		t.Fatalf("rerun without the September rate: %v, want an error naming EUR and 2026-09", err)
	}
	if diff := gocmp.Diff(before, f.dump(t)); diff != "" {
		t.Errorf("the failed rerun changed the month (-before +after)\n%s", diff)
	}
}

// TestMRRBridgeContinuity runs a few months of every movement, with FX, over
// two segments, and proves mrr_start(M) = mrr_end(M-1) for every member.
func TestMRRBridgeContinuity(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "Europe/Berlin")
	var cs []customer
	var subs []sub
	for i := range 40 {
		id := fmt.Sprintf("c%02d", i)
		cs = append(cs, customer{ID: id, Segment: []string{"SMB", "Enterprise", ""}[i%3], Region: []string{"EU", "US"}[i%2]})
		cur := []string{"USD", "EUR", "GBP"}[i%3]
		start := time.Date(2025, time.Month(1+i%12), 1+i%27, i%24, 0, 0, 0, time.UTC)
		s := sub{ID: id + "-a", Cust: id, Currency: cur, Interval: []int{1, 3, 12}[i%3], Amount: strconv.Itoa(100 + 37*i), Start: start.Format(time.RFC3339)}
		if i%4 == 0 { // churn, and every other one comes back
			end := start.AddDate(0, 2+i%5, 3)
			s.End = end.Format(time.RFC3339)
			if i%8 == 0 {
				subs = append(subs, sub{ID: id + "-b", Cust: id, Currency: cur, Amount: "55.55", Start: end.AddDate(0, 3, 0).Format(time.RFC3339)})
			}
		}
		if i%5 == 1 { // upgrade by a second subscription
			subs = append(subs, sub{ID: id + "-c", Cust: id, Currency: cur, Amount: "19.99", Start: start.AddDate(0, 4, 0).Format(time.RFC3339)})
		}
		subs = append(subs, s)
	}
	var rates []fxRate
	var months []string
	for m := transform.NewMonth(2024, time.December); m <= transform.NewMonth(2026, time.June); m++ {
		k := int(m) % 7
		rates = append(rates, fxRate{"EUR", m.String(), fmt.Sprintf("1.%02d", 5+k)}, fxRate{"GBP", m.String(), fmt.Sprintf("1.%02d", 20+2*k)})
		if m >= transform.NewMonth(2025, time.January) {
			months = append(months, m.String())
		}
	}
	f.load(t, cs, subs, rates)
	// Months are independent: run them in a shuffled order.
	order := slices.Clone(months)
	for i := range order {
		j := (i*7 + 3) % len(order)
		order[i], order[j] = order[j], order[i]
	}
	f.mustRun(t, order...)
	bs := f.bridges(t)
	var fx, churned, reactivated, expanded int
	for _, b := range bs {
		if b.Dimension == "all" {
			if b.FX != 0 {
				fx++
			}
			churned += b.CustomersChurned
			reactivated += b.CustomersReactivated
			expanded += b.CustomersExpanded
		}
	}
	if fx == 0 || churned == 0 || reactivated == 0 || expanded == 0 {
		t.Fatalf("the fixture does not exercise the bridge: %d months with fx, %d churned, %d reactivated, %d expanded", fx, churned, reactivated, expanded)
	}
	f.checkInvariants(t, months)
}

// ---------------------------------------------------------------------------
// The dbt mrr-playbook sample (dbt-labs/mrr-playbook, data/subscription_periods.csv)
//
// The playbook's models, in words:
//
//   - customer_revenue_by_month: for each customer, one row per month from the
//     month of its first start_date up to, not including, the month of its
//     last end_date; the row's mrr is the monthly_amount of the period with
//     start_date <= date_month < end_date (0 in a gap); is_active = mrr > 0;
//     first_active_month / last_active_month are the first and last active rows.
//   - customer_churn_month: one extra row, mrr 0 and inactive, for the month
//     after last_active_month.
//   - mrr: over those rows, ordered by month per customer, the previous row's
//     mrr and is_active (0 and false before the first row), and
//     change_category = 'new' in the first active month, else 'churn' when
//     inactive after active, 'reactivation' when active after inactive,
//     'upgrade' when mrr went up, 'downgrade' when it went down, else null.
//     The bridge is the sum of mrr_change (and the count of customers) per
//     month and category.
//
// How a playbook month maps to ours. Every date in the file is the first of a
// month, loaded as UTC midnight, and the job runs in UTC. A period
// [start_date, end_date) is active at the end of our month M, the instant
// B = first day of M+1, when started_at < B and ended_at >= B, that is when
// start_date <= first day of M and end_date >= first day of M+1 — with
// first-of-month dates exactly when start_date <= first day of M < end_date,
// the playbook's test for date_month = M. So the playbook's mrr for date_month
// M is our e (MRR at the end of M), its previous_month_mrr is our s (the end
// of M-1; no FX, all USD), and its change_category for M is our movement in M:
// new = new, upgrade = expansion, downgrade = contraction, churn = churn,
// reactivation = reactivation; its null for an active customer is our flat,
// and its null for an inactive one (a gap month after the churn row) is our
// "no row". The playbook's first_active_month is our cohort.
//
// Where the definitions differ, and why it does not show here:
//   - The playbook's util_months spine starts at 2018-01-01 (a dbt_utils
//     date_spine), so the three customers whose whole life is in 2017
//     (customers 2, 3 and 4) and the months 2017-09..2017-12 are absent from
//     its output. The expected table below uses a spine from the first
//     start_date instead, so that 2017 is compared too; months from 2018-01
//     on are identical either way because those customers were gone by
//     2017-11 and no other customer started before 2018.
//   - The playbook is month-grained: a period starting mid-month counts from
//     date_month >= start_date, the next month; we count it at the end of
//     its own month (an instant rule). All dates here are first-of-month, so
//     the two agree.
//   - The playbook's churn row comes right after the last active month even
//     if the customer has a later gap; with non-overlapping periods the
//     result is the same as ours (a churn in the first inactive month).
//   - The playbook's 'new' wins over every other category in the first active
//     month; ours is decided by s = 0 and no earlier MRR, the same thing.
//   - Money: the playbook sums floats; ours is numeric cents. Every amount is
//     whole dollars, so the comparison is exact.

// moduleRoot walks up from the working directory to the directory holding
// go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's working directory")
		}
		dir = parent
	}
}

type playbookPeriod struct {
	ID, Customer string
	Start, End   string // first-of-month dates, end exclusive
	Cents        int64
}

func readPlaybook(t *testing.T) []playbookPeriod {
	t.Helper()
	path := filepath.Join(moduleRoot(t), "..", "shared", "data", "mrr-playbook", "subscription_periods.csv")
	fh, err := os.Open(path)
	if err != nil {
		t.Fatalf("the mrr-playbook sample (see shared/data/mrr-playbook/SOURCE.md): %v", err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if want := []string{"subscription_id", "customer_id", "start_date", "end_date", "monthly_amount"}; !slices.Equal(recs[0], want) {
		t.Fatalf("%s header %v, want %v", path, recs[0], want)
	}
	var ps []playbookPeriod
	for _, r := range recs[1:] {
		amt, err := strconv.ParseInt(r[4], 10, 64)
		if err != nil {
			t.Fatalf("%s: monthly_amount %q: want whole dollars (the exact comparison relies on it)", path, r[4])
		}
		for _, d := range r[2:4] {
			if !strings.HasSuffix(d, "-01") {
				t.Fatalf("%s: date %q is not a first of month (the month mapping relies on it)", path, d)
			}
		}
		ps = append(ps, playbookPeriod{ID: r[0], Customer: r[1], Start: r[2], End: r[3], Cents: amt * 100})
	}
	if len(ps) != 121 {
		t.Fatalf("%s has %d periods, want the 121 of the sample", path, len(ps))
	}
	return ps
}

// monthIndex turns "2019-06-01" into a month count, independently of
// transform.Month.
func monthIndex(t *testing.T, date string) int {
	t.Helper()
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		t.Fatal(err)
	}
	return d.Year()*12 + int(d.Month()) - 1
}

func monthName(i int) string { return fmt.Sprintf("%04d-%02d", i/12, i%12+1) }

// playbookBridge is one month of the playbook's bridge; counts are customers.
type playbookBridge struct {
	Month                                                   string
	New, Expansion, Contraction, Churned, Reactivation      int64
	NNew, NExpansion, NContraction, NChurned, NReactivation int
	End                                                     int64
	NEnd                                                    int
}

// expectPlaybook computes the playbook's classification over the periods,
// per customer-month and per month, the way its models do (see above).
func expectPlaybook(t *testing.T, ps []playbookPeriod, first, last int) ([]custRow, []playbookBridge) {
	t.Helper()
	byCustomer := map[string][]playbookPeriod{}
	for _, p := range ps {
		byCustomer[p.Customer] = append(byCustomer[p.Customer], p)
	}
	bridges := map[int]*playbookBridge{}
	for m := first; m <= last; m++ {
		bridges[m] = &playbookBridge{Month: monthName(m)}
	}
	var rows []custRow
	for cust, cps := range byCustomer {
		spineFrom, spineTo := 1<<30, 0
		for _, p := range cps {
			spineFrom, spineTo = min(spineFrom, monthIndex(t, p.Start)), max(spineTo, monthIndex(t, p.End))
		}
		mrr := map[int]int64{}
		firstActive, lastActive := 1<<30, -1
		for m := spineFrom; m < spineTo; m++ {
			n := 0
			for _, p := range cps {
				if monthIndex(t, p.Start) <= m && m < monthIndex(t, p.End) {
					mrr[m] += p.Cents
					n++
				}
			}
			if n > 1 {
				t.Fatalf("customer %s has overlapping periods in %s: the playbook's join would duplicate the month", cust, monthName(m))
			}
			if mrr[m] > 0 {
				firstActive, lastActive = min(firstActive, m), max(lastActive, m)
			}
		}
		if lastActive < 0 {
			continue
		}
		// The spine plus the churn row right after the last active month.
		churnRow := lastActive + 1
		if churnRow < spineTo {
			t.Fatalf("customer %s: churn row %s inside its spine", cust, monthName(churnRow))
		}
		prevActive, prevMRR := false, int64(0)
		for m := spineFrom; m <= churnRow; m++ {
			if m >= spineTo && m != churnRow {
				continue
			}
			cur := mrr[m] // 0 on the churn row
			active, change := cur > 0, cur-prevMRR
			var category string
			switch {
			case m == firstActive:
				category = "new"
			case !active && prevActive:
				category = "churn"
			case active && !prevActive:
				category = "reactivation"
			case change > 0:
				category = "upgrade"
			case change < 0:
				category = "downgrade"
			}
			b := bridges[m]
			if b == nil {
				t.Fatalf("customer %s: playbook month %s outside %s..%s", cust, monthName(m), monthName(first), monthName(last))
			}
			movement := map[string]string{"new": "new", "churn": "churn", "reactivation": "reactivation",
				"upgrade": "expansion", "downgrade": "contraction"}[category]
			switch category {
			case "new":
				b.New, b.NNew = b.New+change, b.NNew+1
			case "upgrade":
				b.Expansion, b.NExpansion = b.Expansion+change, b.NExpansion+1
			case "downgrade":
				b.Contraction, b.NContraction = b.Contraction-change, b.NContraction+1
			case "churn":
				b.Churned, b.NChurned = b.Churned-change, b.NChurned+1
			case "reactivation":
				b.Reactivation, b.NReactivation = b.Reactivation+change, b.NReactivation+1
			case "":
				if active {
					movement = "flat"
				}
			}
			if active {
				b.End, b.NEnd = b.End+cur, b.NEnd+1
			}
			if movement != "" {
				rows = append(rows, cr(monthName(m), cust, prevMRR, cur, 0, movement, monthName(firstActive)))
			}
			prevActive, prevMRR = active, cur
		}
	}
	slices.SortFunc(rows, func(a, b custRow) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.Customer, b.Customer))
	})
	var bs []playbookBridge
	for m := first; m <= last; m++ {
		bs = append(bs, *bridges[m])
	}
	return rows, bs
}

func TestMRRPlaybook(t *testing.T) {
	t.Parallel()
	ps := readPlaybook(t)
	first, last := monthIndex(t, "2017-09-01"), monthIndex(t, "2020-02-01")
	wantRows, wantBridge := expectPlaybook(t, ps, first, last)

	// Anchors worked by hand from the file, so that a mistake shared by the
	// job and expectPlaybook cannot pass unseen.
	anchors := []playbookBridge{
		{Month: "2017-09", New: 75_00, NNew: 2, End: 75_00, NEnd: 2},                              // customers 2 (25) and 3 (50) start
		{Month: "2017-10", New: 25_00, NNew: 1, Churned: 50_00, NChurned: 1, End: 50_00, NEnd: 2}, // 4 starts, 3 ends
		{Month: "2017-11", Churned: 50_00, NChurned: 2},                                           // 2 and 4 end
		{Month: "2017-12"}, // nobody
		{Month: "2018-01", New: 55_00, NNew: 1, End: 55_00, NEnd: 1},             // 7 starts at 55
		{Month: "2018-02", Expansion: 15_00, NExpansion: 1, End: 70_00, NEnd: 1}, // 7 moves to 70
		{Month: "2018-03", End: 70_00, NEnd: 1},                                  // 7 flat
	}
	if diff := gocmp.Diff(anchors, wantBridge[:len(anchors)]); diff != "" {
		t.Fatalf("expectPlaybook disagrees with the hand-worked months (-hand +computed)\n%s", diff)
	}

	f := newFixture(t, "UTC")
	var cs []customer
	seen := map[string]bool{}
	var subs []sub
	for _, p := range ps {
		if !seen[p.Customer] {
			seen[p.Customer] = true
			n, _ := strconv.Atoi(p.Customer)
			cs = append(cs, customer{ID: p.Customer, Segment: []string{"even", "odd"}[n%2]})
		}
		subs = append(subs, sub{ID: p.ID, Cust: p.Customer, Amount: transform.Money(p.Cents).String(),
			Start: p.Start + "T00:00:00Z", End: p.End + "T00:00:00Z"})
	}
	f.load(t, cs, subs, nil)
	var months []string
	for m := first; m <= last; m++ {
		months = append(months, monthName(m))
	}
	// Months are independent of each other: run them newest first.
	newestFirst := slices.Clone(months)
	slices.Reverse(newestFirst)
	f.mustRun(t, newestFirst...)

	var gotBridge []playbookBridge
	for _, b := range f.bridges(t) {
		if b.Dimension != "all" {
			continue
		}
		if b.FX != 0 {
			t.Errorf("%s: mrr_fx %d cents in an all-USD warehouse", b.Month, b.FX)
		}
		gotBridge = append(gotBridge, playbookBridge{Month: b.Month,
			New: b.New, Expansion: b.Expansion, Contraction: b.Contraction, Churned: b.Churned, Reactivation: b.Reactivation,
			NNew: b.CustomersNew, NExpansion: b.CustomersExpanded, NContraction: b.CustomersContracted,
			NChurned: b.CustomersChurned, NReactivation: b.CustomersReactivated,
			End: b.End, NEnd: b.CustomersEnd})
	}
	if diff := gocmp.Diff(wantBridge, gotBridge); diff != "" {
		t.Errorf("monthly bridge differs from the playbook's (-playbook +signals)\n%s", diff)
	}
	if diff := gocmp.Diff(wantRows, f.customerRows(t)); diff != "" {
		t.Errorf("customer months differ from the playbook's (-playbook +signals)\n%s", diff)
	}
	f.checkInvariants(t, months)
}
