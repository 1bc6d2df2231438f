package seed_test

import (
	"context"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests' time zones, whatever the machine has

	"github.com/google/go-cmp/cmp"

	"github.com/signalsdev/signals/internal/pgtest"
	"github.com/signalsdev/signals/internal/seed"
	"github.com/signalsdev/signals/transform"
)

var until = transform.NewMonth(2026, time.March)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func run(t *testing.T, db *pgtest.DB, o seed.Options) seed.Stats {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	st, err := seed.Run(ctx, db.DB, o)
	if err != nil {
		t.Fatalf("seed.Run: %v", err)
	}
	return st
}

// orderBy is each table's key order for checksums.
var orderBy = map[string]string{
	"crm.customers":         "customer_id",
	"billing.subscriptions": "subscription_id",
	"billing.fx_rates":      "currency, month",
	"billing.invoices":      "invoice_id",
	"survey.responses":      "response_id",
	"support.tickets":       "ticket_id",
	"product.usage_daily":   "customer_id, day",
	"crm.campaigns":         "campaign_id",
	"crm.campaign_members":  "campaign_id, customer_id",
	"crm.campaign_events":   "campaign_id, customer_id, occurred_at, event, value",
}

// checksums returns the md5 of every table's rows in key order, as text in
// UTC.
func checksums(t *testing.T, db *pgtest.DB) map[string]string {
	t.Helper()
	tx := db.MustBegin()
	defer tx.Rollback() //nolint:errcheck
	if _, err := tx.Exec("set local timezone = 'UTC'"); err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{}
	for _, name := range seed.Tables() {
		var sum string
		q := "select md5(coalesce(string_agg(t::text, E'\\n' order by " + orderBy[name] + "), '')) from " + name + " t"
		if err := tx.Get(&sum, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		sums[name] = sum
	}
	return sums
}

func TestRunIsDeterministic(t *testing.T) {
	t.Parallel()
	o := seed.Options{Customers: 400, Months: 8, Until: until, Seed: 7, Loc: mustLoc(t, "Europe/Berlin")}
	a, b := pgtest.New(t), pgtest.New(t)
	stA := run(t, a, o)
	first := checksums(t, a)
	stB := run(t, b, o)
	if diff := cmp.Diff(first, checksums(t, b)); diff != "" {
		t.Errorf("two databases seeded with the same options differ (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(stA.Rows, stB.Rows); diff != "" {
		t.Errorf("row counts differ (-first +second):\n%s", diff)
	}
	// Seeding again truncates first: the same tables, not twice the rows.
	run(t, a, o)
	if diff := cmp.Diff(first, checksums(t, a)); diff != "" {
		t.Errorf("a second run in the same database differs (-first +second):\n%s", diff)
	}
	// Another seed gives other data.
	o.Seed = 8
	run(t, b, o)
	other := checksums(t, b)
	for _, name := range []string{"crm.customers", "billing.subscriptions", "billing.fx_rates", "survey.responses"} {
		if other[name] == first[name] {
			t.Errorf("%s: seeds 7 and 8 gave identical rows", name)
		}
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	tests := []struct {
		name string
		o    seed.Options
	}{
		{"no until", seed.Options{Customers: 10}},
		{"negative customers", seed.Options{Customers: -1, Until: until}},
		{"negative months", seed.Options{Months: -3, Until: until}},
	}
	for _, tt := range tests {
		if _, err := seed.Run(context.Background(), db.DB, tt.o); err == nil {
			t.Errorf("%s: Run succeeded, want an error", tt.name)
		}
	}
}

// seeded is one database seeded with the defaults (2000 customers, 24
// months) in a time zone away from UTC, shared by the checks below.
type seeded struct {
	db    *pgtest.DB
	o     seed.Options
	stats seed.Stats
}

func newSeeded(t *testing.T) seeded {
	t.Helper()
	o := seed.Options{Until: until, Seed: 20260331, Loc: mustLoc(t, "America/New_York")}
	db := pgtest.New(t)
	st := run(t, db, o)
	o.Customers, o.Months = seed.DefaultCustomers, seed.DefaultMonths
	return seeded{db: db, o: o, stats: st}
}

// bind fills in the parameters of the checks' queries as typed literals
// (not every query uses every one): $1 the start of the window, $2 the end
// of the data, $3 the first month, $4 Until, $5 the time zone.
func (s seeded) bind(q string) string {
	first := s.o.Until.Add(-(s.o.Months - 1))
	ts := func(t time.Time) string { return "'" + t.UTC().Format("2006-01-02 15:04:05Z07:00") + "'::timestamptz" }
	return strings.NewReplacer(
		"$1", ts(first.Start(s.o.Loc)),
		"$2", ts(s.o.Until.End(s.o.Loc)),
		"$3", "'"+first.Date().Format(time.DateOnly)+"'::date",
		"$4", "'"+s.o.Until.Date().Format(time.DateOnly)+"'::date",
		"$5", "'"+s.o.Loc.String()+"'::text",
	).Replace(q)
}

func TestSeededWarehouse(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	t.Run("every table has rows and Stats counts them", func(t *testing.T) {
		for _, name := range seed.Tables() {
			var n int64
			if err := s.db.Get(&n, "select count(*) from "+name); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Errorf("%s is empty", name)
			}
			if got := s.stats.Rows[name]; got != n {
				t.Errorf("%s: Stats.Rows = %d, the table has %d", name, got, n)
			}
		}
	})
	t.Run("sanity", func(t *testing.T) { testSanity(t, s) })
	t.Run("proportions", func(t *testing.T) { testProportions(t, s) })
}

// testSanity runs queries that count violations of what the data promises.
func testSanity(t *testing.T, s seeded) {
	checks := []struct{ name, query string }{
		{"every subscription's customer exists",
			`select count(*) from billing.subscriptions s where not exists (select 1 from crm.customers c where c.customer_id = s.customer_id)`},
		{"ended_at is after started_at",
			`select count(*) from billing.subscriptions where ended_at <= started_at`},
		{"subscriptions start and end before the end of the data",
			`select count(*) from billing.subscriptions where started_at >= $2 or ended_at >= $2`},
		{"trials last 14 to 30 days",
			`select count(*) from billing.subscriptions where is_trial and ended_at is not null
			   and not (ended_at - started_at between interval '13 days 23 hours' and interval '30 days 1 hour')`},
		{"one currency per customer",
			`select count(*) from (select customer_id from billing.subscriptions group by 1 having count(distinct currency) > 1) x`},
		{"every non-USD currency has a rate for every month of the window and the month before",
			`select count(*) from (select distinct currency from billing.subscriptions where currency <> 'USD') c
			   cross join generate_series($3::date - interval '1 month', $4::date, interval '1 month') m
			 where not exists (select 1 from billing.fx_rates f where f.currency = c.currency and f.month = m::date)`},
		{"every non-USD subscription has a rate for its start month",
			`select count(*) from billing.subscriptions s where s.currency <> 'USD' and not exists (
			   select 1 from billing.fx_rates f where f.currency = s.currency
			      and f.month = date_trunc('month', s.started_at at time zone $5)::date)`},
		{"rates stay in their bands",
			`select count(*) from billing.fx_rates where not (currency = 'EUR' and rate between 1.05 and 1.15
			   or currency = 'GBP' and rate between 1.20 and 1.35)`},
		{"no rate after Until", `select count(*) from billing.fx_rates where month > $4`},
		{"every invoice's subscription exists and belongs to its customer, in its currency",
			`select count(*) from billing.invoices i where i.subscription_id is not null and not exists (
			   select 1 from billing.subscriptions s where s.subscription_id = i.subscription_id
			      and s.customer_id = i.customer_id and s.currency = i.currency)`},
		{"invoices are issued while their subscription runs",
			`select count(*) from billing.invoices i join billing.subscriptions s using (subscription_id)
			 where i.issued_at < s.started_at or i.issued_at >= s.ended_at`},
		{"no invoice for a trial or a free plan",
			`select count(*) from billing.invoices i join billing.subscriptions s using (subscription_id) where s.is_trial or s.amount = 0`},
		{"paid invoices and only they have paid_at",
			`select count(*) from billing.invoices where (status = 'paid') <> (paid_at is not null)`},
		{"failed payments are counted on open and uncollectible invoices",
			`select count(*) from billing.invoices where status = 'uncollectible' and failed_attempts = 0`},
		{"statuses are known", `select count(*) from billing.invoices where status not in ('paid', 'open', 'void', 'uncollectible')`},
		{"responses, tickets, usage and members belong to customers",
			`select (select count(*) from survey.responses r where not exists (select 1 from crm.customers c where c.customer_id = r.customer_id))
			      + (select count(*) from support.tickets r where not exists (select 1 from crm.customers c where c.customer_id = r.customer_id))
			      + (select count(*) from product.usage_daily r where not exists (select 1 from crm.customers c where c.customer_id = r.customer_id))
			      + (select count(*) from crm.campaign_members r where not exists (select 1 from crm.customers c where c.customer_id = r.customer_id))`},
		{"survey types are known", `select count(*) from survey.responses where survey_type not in ('nps', 'csat', 'ces')`},
		{"responses fall in the window", `select count(*) from survey.responses where responded_at < $1 or responded_at >= $2`},
		{"tickets fall in the window and close after they open",
			`select count(*) from support.tickets where opened_at < $1 or opened_at >= $2 or closed_at < opened_at or closed_at >= $2`},
		{"usage covers the last four months only",
			`select count(*) from product.usage_daily where day < $4::date - interval '3 months' or day >= $4::date + interval '1 month'`},
		{"usage only on days with a subscription",
			`select count(*) from product.usage_daily u where not exists (select 1 from billing.subscriptions s
			   where s.customer_id = u.customer_id and s.started_at < (u.day + 1)::timestamp at time zone $5
			     and (s.ended_at is null or s.ended_at > u.day::timestamp at time zone $5))`},
		{"usage is not negative", `select count(*) from product.usage_daily where active_users < 0 or events < 0`},
		{"members are assigned while their campaign runs",
			`select count(*) from crm.campaign_members m join crm.campaigns c using (campaign_id)
			 where m.assigned_at < c.started_at or m.assigned_at >= coalesce(c.ended_at, $2)`},
		{"arms are control or treatment", `select count(*) from crm.campaign_members where arm not in ('control', 'treatment')`},
		{"every event has a member",
			`select count(*) from crm.campaign_events e where not exists (select 1 from crm.campaign_members m
			   where m.campaign_id = e.campaign_id and m.customer_id = e.customer_id)`},
		{"events happen before the end of the data with a value of at least 0",
			`select count(*) from crm.campaign_events where occurred_at >= $2 or value < 0`},
		{"customers are created before the end of the data", `select count(*) from crm.customers where created_at >= $2`},
	}
	for _, c := range checks {
		var n int64
		if err := s.db.Get(&n, s.bind(c.query)); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if n != 0 {
			t.Errorf("%s: %d violations", c.name, n)
		}
	}
}

// testProportions is a smoke test of realism: each figure within a wide
// band around what the generator aims for.
func testProportions(t *testing.T, s seeded) {
	checks := []struct {
		name   string
		query  string
		lo, hi float64
	}{
		{"SMB share", `select avg((segment = 'SMB')::int) from crm.customers`, 0.55, 0.65},
		{"Mid-Market share", `select avg((segment = 'Mid-Market')::int) from crm.customers`, 0.25, 0.35},
		{"Enterprise share", `select avg((segment = 'Enterprise')::int) from crm.customers`, 0.07, 0.13},
		{"null regions", `select avg((region is null)::int) from crm.customers`, 0.005, 0.04},
		{"null channels", `select avg((acquisition_channel is null)::int) from crm.customers`, 0.005, 0.04},
		{"customers created before the window", `select avg((created_at < $1)::int) from crm.customers`, 0.2, 0.45},
		{"EUR share of subscriptions", `select avg((currency = 'EUR')::int) from billing.subscriptions`, 0.07, 0.17},
		{"GBP share of subscriptions", `select avg((currency = 'GBP')::int) from billing.subscriptions`, 0.04, 0.12},
		{"customers who started with a trial", `select count(distinct customer_id)::float / (select count(*) from crm.customers) from billing.subscriptions where is_trial`, 0.25, 0.6},
		{"annual subscriptions", `select avg((interval_months = 12)::int) from billing.subscriptions`, 0.1, 0.45},
		{"quarterly subscriptions", `select avg((interval_months = 3)::int) from billing.subscriptions`, 0.02, 0.15},
		{"free plans", `select avg((amount = 0 and not is_trial)::int) from billing.subscriptions`, 0.005, 0.06},
		{"add-ons", `select avg((plan like '%Add-on')::int) from billing.subscriptions`, 0.01, 0.1},
		{"plan changes: a paid plan starting the instant another ends",
			`select count(*)::float / (select count(*) from billing.subscriptions) from billing.subscriptions a join billing.subscriptions b
			   on a.customer_id = b.customer_id and b.started_at = a.ended_at and not a.is_trial and a.amount > 0 and not b.is_trial and b.amount > 0`, 0.03, 0.3},
		{"reactivations: a paid plan starting after a gap",
			`select count(*)::float / (select count(*) from crm.customers) from billing.subscriptions b where not b.is_trial and b.amount > 0
			   and exists (select 1 from billing.subscriptions a where a.customer_id = b.customer_id and not a.is_trial and a.amount > 0 and a.ended_at < b.started_at)
			   and not exists (select 1 from billing.subscriptions a where a.customer_id = b.customer_id and a.subscription_id <> b.subscription_id
			                   and a.started_at < b.started_at and (a.ended_at is null or a.ended_at >= b.started_at))`, 0.01, 0.2},
		{"starts at a time of day other than local midnight",
			`select avg(((started_at at time zone $5)::time <> '00:00')::int) from billing.subscriptions`, 0.85, 0.995},
		{"monthly logo churn",
			`with m as (select generate_series($3::date, $4::date, interval '1 month') m),
			 a as (select m.m, s.customer_id from m join billing.subscriptions s
			         on s.started_at < (m.m + interval '1 month')::timestamp at time zone $5
			        and (s.ended_at is null or s.ended_at >= (m.m + interval '1 month')::timestamp at time zone $5)
			       where not s.is_trial and s.amount > 0 group by 1, 2)
			 select avg(c)::float from (select a.m, avg((not exists (select 1 from a b where b.m = a.m + interval '1 month' and b.customer_id = a.customer_id))::int) c
			   from a where a.m < $4 group by 1) x`, 0.012, 0.035},
		{"paid invoices", `select avg((status = 'paid')::int) from billing.invoices`, 0.9, 0.995},
		{"invoices with failed payments", `select avg((failed_attempts > 0)::int) from billing.invoices`, 0.01, 0.08},
		{"failed payments concentrate before churn: failure rate of customers who churn over the others",
			`with churners as (select distinct customer_id from billing.subscriptions where ended_at is not null and not is_trial and amount > 0
			                   and not exists (select 1 from billing.subscriptions b where b.customer_id = billing.subscriptions.customer_id and b.started_at = billing.subscriptions.ended_at))
			 select avg((failed_attempts > 0)::int) filter (where customer_id in (select customer_id from churners))
			      / avg((failed_attempts > 0)::int) filter (where customer_id not in (select customer_id from churners))
			 from billing.invoices`, 2, 100},
		{"skipped answers", `select avg((score is null)::int) from survey.responses`, 0.015, 0.05},
		{"out-of-range scores",
			`select avg((survey_type = 'nps' and score not between 0 and 10 or survey_type = 'csat' and score not between 1 and 5
			             or survey_type = 'ces' and score not between 0 and 5)::int) from survey.responses`, 0.0003, 0.005},
		{"answers with a comment", `select avg((comment is not null)::int) from survey.responses`, 0.25, 0.6},
		{"answers per customer and year",
			`select count(*) / (select count(*) from crm.customers)::float / 2 from survey.responses`, 1, 6},
		{"NPS of customers about to churn is lower: mean score gap",
			`with r as (select r.score, exists (select 1 from billing.subscriptions s where s.customer_id = r.customer_id and not s.is_trial
			              and s.ended_at between r.responded_at and r.responded_at + interval '90 days'
			              and not exists (select 1 from billing.subscriptions b where b.customer_id = s.customer_id and b.started_at = s.ended_at)) churning
			           from survey.responses r where survey_type = 'nps' and score between 0 and 10)
			 select avg(score) filter (where not churning) - avg(score) filter (where churning) from r`, 1, 6},
		{"contract requests", `select count(*) from support.tickets where body ilike '%copy of our contract%' or body ilike '%copy of the contract%'`, 1, 200},
		{"cancellation intent", `select count(*) from support.tickets where body ilike '%cancel our subscription%' or body ilike '%will not renew%'`, 1, 200},
		{"harmless cancellations", `select count(*) from support.tickets where body ilike '%cancelled my meeting%'`, 1, 200},
		{"usage fades before churn: events in the last 30 days over days 60-90 before",
			`with c as (select customer_id, ended_at from billing.subscriptions s where not is_trial and amount > 0 and ended_at is not null
			              and not exists (select 1 from billing.subscriptions b where b.customer_id = s.customer_id and b.started_at = s.ended_at)
			              and ended_at >= $4::date - interval '1 month')
			 select avg(u.events) filter (where u.day >= c.ended_at - interval '30 days')
			      / avg(u.events) filter (where u.day < c.ended_at - interval '60 days')
			 from c join product.usage_daily u using (customer_id) where u.day >= c.ended_at - interval '90 days' and u.day < c.ended_at`, 0.2, 0.8},
		{"campaigns", `select count(*) from crm.campaigns`, 3, 3},
		{"members per campaign: smallest share of customers",
			`select min(n)::float / (select count(*) from crm.customers) from (select count(*) n from crm.campaign_members group by campaign_id) x`, 0.03, 0.25},
		{"control share off target by at most",
			`select max(abs(x.c - cp.control_share)) from (select campaign_id, avg((arm = 'control')::int) c from crm.campaign_members group by 1) x
			 join crm.campaigns cp using (campaign_id)`, 0, 0.12},
		{"visit rate of treatment over control",
			`with v as (select m.arm, exists (select 1 from crm.campaign_events e join crm.campaigns c using (campaign_id) where e.campaign_id = m.campaign_id
			              and e.customer_id = m.customer_id and e.event = 'visit' and e.occurred_at >= m.assigned_at
			              and e.occurred_at < m.assigned_at + c.window_days * interval '1 day') hit
			           from crm.campaign_members m)
			 select avg(hit::int) filter (where arm = 'treatment') / avg(hit::int) filter (where arm = 'control') from v`, 2, 20},
	}
	for _, c := range checks {
		var v *float64
		if err := s.db.Get(&v, s.bind(c.query)); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if v == nil {
			t.Errorf("%s: null", c.name)
			continue
		}
		t.Logf("%-90s %.4f", c.name, *v)
		if *v < c.lo || *v > c.hi {
			t.Errorf("%s = %.4f, want within [%g, %g]", c.name, *v, c.lo, c.hi)
		}
	}
}
