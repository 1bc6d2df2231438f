package jobs_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/signalsdev/signals/internal/pgtest"
	"github.com/signalsdev/signals/jobs"
	"github.com/signalsdev/signals/transform"
)

// The fixture of TestHealthJob, for January 2026 in UTC. Every customer pays
// 100.00 USD a month since June 2025 unless said otherwise and has no
// invoices, usage or survey answers, so its score has only the support and
// MRR-trend components (weights 15 and 20) unless its rows add more.
const healthFixture = `
insert into crm.customers (customer_id, name, created_at)
select id, id, '2025-01-01T00:00:00Z'
from unnest(array['h-cancel', 'h-churned', 'h-comp', 'h-contract', 'h-csat', 'h-detractor', 'h-healthy',
                  'h-meeting', 'h-new', 'h-pay1', 'h-pay2', 'h-shrink', 'h-usage']) id;

insert into billing.subscriptions (subscription_id, customer_id, plan, currency, interval_months, amount, started_at, ended_at)
select 's-' || id, id, 'pro', 'USD', 1, 100.00, '2025-06-01T00:00:00Z', null
from unnest(array['h-cancel', 'h-comp', 'h-contract', 'h-csat', 'h-detractor', 'h-healthy',
                  'h-meeting', 'h-pay1', 'h-pay2', 'h-usage']) id;
insert into billing.subscriptions values
    ('s-h-new', 'h-new', 'pro', 'USD', 1, 100.00, false, '2026-01-10T00:00:00Z', null),
    ('s-h-churned', 'h-churned', 'pro', 'USD', 1, 100.00, false, '2025-06-01T00:00:00Z', '2026-01-20T00:00:00Z'),
    -- 200.00 until 15 January, then 140.00: a 30% contraction.
    ('s-h-shrink-1', 'h-shrink', 'pro', 'USD', 1, 200.00, false, '2025-06-01T00:00:00Z', '2026-01-15T00:00:00Z'),
    ('s-h-shrink-2', 'h-shrink', 'lite', 'USD', 1, 140.00, false, '2026-01-15T00:00:00Z', null);

insert into support.tickets (ticket_id, customer_id, opened_at, priority, subject, body) values
    ('T-100', 'h-contract', '2026-01-12T10:00:00Z', 'normal', 'Contract question', 'Hi team, thanks. Can I get a copy of our contract? Best, Ann'),
    ('T-200', 'h-meeting', '2026-01-12T10:00:00Z', null, 'Reschedule', 'I cancelled my meeting with our CSM, can we find a new slot?'),
    ('T-300', 'h-cancel', '2026-01-31T23:59:59Z', 'urgent', 'Cancellation', 'We want to cancel our subscription at the end of the month.'),
    -- February in UTC: not January's.
    ('T-301', 'h-cancel', '2026-02-01T00:00:00Z', 'normal', 'Contract', 'Please send a copy of our contract.'),
    ('T-400', 'h-comp', '2026-01-20T10:00:00Z', 'low', 'Pricing', 'Acme offered us a better price.'),
    -- a churned customer has no health row, whatever it writes.
    ('T-500', 'h-churned', '2026-01-05T10:00:00Z', 'normal', 'Bye', 'We will not renew.');

insert into survey.responses (response_id, customer_id, survey_type, score, touchpoint, comment, responded_at) values
    ('n-h-10', 'h-healthy', 'nps', 10, 'product', 'Great product', '2026-01-08T10:00:00Z'),
    -- the previous NPS answer is from long before the sentiment look-back;
    -- an off-scale answer, a skip and a CSAT answer after it do not count.
    ('r-h1', 'h-detractor', 'nps', 9, 'product', null, '2024-12-10T10:00:00Z'),
    ('r-h0', 'h-detractor', 'nps', 12, 'product', null, '2025-05-01T10:00:00Z'),
    ('r-h0b', 'h-detractor', 'nps', null, 'product', null, '2025-06-01T10:00:00Z'),
    ('r-h0c', 'h-detractor', ' CSAT', 1, 'support', null, '2025-06-15T10:00:00Z'),
    ('r-h2', 'h-detractor', 'nps', 3, 'product', null, '2026-01-10T10:00:00Z'),
    -- off the scale: neither the latest answer nor a score.
    ('r-h3', 'h-detractor', 'nps', 11, 'product', null, '2026-01-20T10:00:00Z'),
    ('c-1', 'h-csat', 'csat', 5, 'support', null, '2025-12-05T10:00:00Z'),
    ('c-2', 'h-csat', 'csat', 3, 'support', null, '2026-01-05T10:00:00Z'),
    ('c-3', 'h-csat', 'csat', null, 'support', null, '2026-01-25T10:00:00Z');

insert into billing.invoices (invoice_id, customer_id, subscription_id, currency, amount, status, issued_at, due_at, paid_at, failed_attempts) values
    ('inv-0', 'h-pay2', 's-h-pay2', 'USD', 100.00, 'paid', '2025-12-03T00:00:00Z', '2025-12-17T00:00:00Z', '2025-12-04T00:00:00Z', 0),
    -- two failed attempts and still open after its due date: 100 - 2×30 - 20 = 20.
    ('inv-1', 'h-pay2', 's-h-pay2', 'USD', 100.00, 'open', '2026-01-03T00:00:00Z', '2026-01-17T00:00:00Z', null, 2),
    -- one failed attempt, then paid: 70.
    ('inv-2', 'h-pay1', 's-h-pay1', 'USD', 100.00, 'paid', '2026-01-05T00:00:00Z', '2026-01-19T00:00:00Z', '2026-01-10T00:00:00Z', 1);

-- 10 active users a day from October to December; in January 10 a day on
-- the 1st to the 18th and 0 after: 180/31 = 5.8 a day, 41.9% down. Events
-- stay at 100 a day.
insert into product.usage_daily (customer_id, day, active_users, events)
select 'h-usage', d::date, case when d >= '2026-01-19' then 0 else 10 end, 100
from generate_series(timestamp '2025-10-01', timestamp '2026-01-31', interval '1 day') d;

-- last month's score.
insert into reporting.customer_health (month, customer_id, score, band, components)
values ('2025-12-01', 'h-healthy', 88.5, 'green', '{}');
`

func TestHealthJob(t *testing.T) {
	t.Parallel()
	rdb := pgtest.ReportingDB(t)
	surveyMustExec(t, rdb, healthFixture)
	jan := transform.NewMonth(2026, 1)
	cfg := jobs.Config{Loc: time.UTC, Health: transform.HealthConfig{Competitors: []string{"Acme"}}}
	if err := surveyRunJob(t, rdb, jobs.MRR{}, jan, cfg, slog.Default()); err != nil {
		t.Fatalf("mrr job: %v", err)
	}
	// Twice: a rerun replaces the month.
	for range 2 {
		if err := surveyRunJob(t, rdb, jobs.Health{}, jan, cfg, slog.Default()); err != nil {
			t.Fatalf("health job: %v", err)
		}
	}

	type health struct {
		CustomerID string   `db:"customer_id"`
		Score      float64  `db:"score"`
		Band       string   `db:"band"`
		PrevScore  *float64 `db:"prev_score"`
		MRR        string   `db:"mrr"`
	}
	var got []health
	if err := rdb.Select(&got, `select customer_id, score::float8 as score, band, prev_score::float8 as prev_score, mrr::text as mrr
		from customer_health where month = '2026-01-01' order by customer_id`); err != nil {
		t.Fatal(err)
	}
	prev := 88.5
	want := []health{
		// urgent ticket: support 70 -> (15×70 + 20×100)/35; cancel intent forces red
		{"h-cancel", 87.1, "red", nil, "100.00"},
		// one low ticket: support 90 -> (15×90 + 20×100)/35
		{"h-comp", 95.7, "green", nil, "100.00"},
		// the required case: a copy of the contract makes the customer red
		{"h-contract", 95.7, "red", nil, "100.00"},
		// CSAT 3 -> sentiment 50: (30×50 + 15×100 + 20×100)/65
		{"h-csat", 76.9, "green", nil, "100.00"},
		// NPS 3 -> sentiment 30: (30×30 + 3500)/65; promoter -> detractor forces red
		{"h-detractor", 67.7, "red", nil, "100.00"},
		{"h-healthy", 100, "green", &prev, "100.00"},
		// "I cancelled my meeting" is not intent to cancel
		{"h-meeting", 95.7, "green", nil, "100.00"},
		// new this month: no MRR trend, support alone
		{"h-new", 100, "green", nil, "100.00"},
		// billing 70: (20×70 + 3500)/55
		{"h-pay1", 89.1, "green", nil, "100.00"},
		// billing 20: (20×20 + 3500)/55 = 70.9, but 2 failed payments are critical
		{"h-pay2", 70.9, "red", nil, "100.00"},
		// MRR -30%: trend 40 -> (1500 + 20×40)/35; critical contraction
		{"h-shrink", 65.7, "red", nil, "140.00"},
		// usage 58.1: (3500 + 15×58.1)/50
		{"h-usage", 87.4, "green", nil, "100.00"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("customer_health (-want +got):\n%s", diff)
	}

	type signal struct {
		CustomerID string `db:"customer_id"`
		Signal     string `db:"signal"`
		Severity   string `db:"severity"`
		Evidence   string `db:"evidence"`
	}
	var gotSignals []signal
	if err := rdb.Select(&gotSignals, `select customer_id, signal, severity, evidence
		from customer_signals where month = '2026-01-01' order by customer_id, signal`); err != nil {
		t.Fatal(err)
	}
	wantSignals := []signal{
		{"h-cancel", "cancel_intent", "critical",
			`ticket T-300 states an intent to cancel or not renew: "We want to cancel our subscription at the end of the month." (matched "cancel* * subscription*")`},
		{"h-comp", "competitor_mention", "warning", `ticket T-400 mentions a competitor: "Acme offered us a better price." (matched "Acme")`},
		{"h-contract", "contract_request", "critical",
			`ticket T-100 asks for a copy of the contract: "Can I get a copy of our contract?" (matched "copy of our contract")`},
		{"h-csat", "score_drop", "warning", "CSAT 3 (response c-2) after 5 (response c-1)"},
		{"h-detractor", "detractor", "warning", "NPS 3 in response r-h2 (a detractor: 0-6)"},
		{"h-detractor", "score_drop", "critical", "NPS 3 (response r-h2) after 9 (response r-h1): a promoter became a detractor"},
		{"h-pay1", "payment_failed", "warning", "1 failed payment attempt on invoices issued in 2026-01; most on invoice inv-2 (USD 100.00, paid, 1 attempt)"},
		{"h-pay2", "payment_failed", "critical", "2 failed payment attempts on invoices issued in 2026-01; most on invoice inv-1 (USD 100.00, open, 2 attempts)"},
		{"h-shrink", "mrr_contraction", "critical", "MRR fell 30.0% from 200.00 to 140.00 USD (end of 2025-12 to end of 2026-01, at 2026-01's rates)"},
		{"h-usage", "usage_drop", "warning", "active users per day fell 41.9% to 5.8 in 2026-01 from a mean of 10.0 over 2025-10 to 2025-12"},
	}
	if diff := cmp.Diff(wantSignals, gotSignals); diff != "" {
		t.Errorf("customer_signals (-want +got):\n%s", diff)
	}

	// The components of the customer with an overdue, twice-failed invoice.
	var raw []byte
	if err := rdb.Get(&raw, `select components from customer_health where month = '2026-01-01' and customer_id = 'h-pay2'`); err != nil {
		t.Fatal(err)
	}
	var comps transform.HealthComponents
	if err := json.Unmarshal(raw, &comps); err != nil {
		t.Fatal(err)
	}
	if comps.Billing.Score == nil || *comps.Billing.Score != 20 || !strings.Contains(comps.Billing.Detail, "1 invoice overdue") ||
		comps.Sentiment.Score != nil || comps.Usage.Score != nil || comps.Support.EffectiveWeight != 0.2727 {
		t.Errorf("h-pay2 components = %s", raw)
	}
	if diff := cmp.Diff([]string{"payment_failed"}, comps.ForcedRedBy); diff != "" {
		t.Errorf("h-pay2 forced_red_by (-want +got):\n%s", diff)
	}
}

// TestHealthNeedsMRR: without the mrr job's rows for the month, the health
// job fails with an input error that says to run the mrr job first.
func TestHealthNeedsMRR(t *testing.T) {
	t.Parallel()
	rdb := pgtest.ReportingDB(t)
	err := surveyRunJob(t, rdb, jobs.Health{}, transform.NewMonth(2026, 1), jobs.Config{}, slog.Default())
	if err == nil || !jobs.IsUsage(err) || !strings.Contains(err.Error(), "run the mrr job for 2026-01 first") {
		t.Fatalf("health without mrr: error %v, want an input error telling to run the mrr job", err)
	}
}

// TestHealthJobBatches writes more customers than one COPY batch holds, so
// that health rows and signals are written in several rounds: every
// customer gets its row, and every signal stays with its customer.
func TestHealthJobBatches(t *testing.T) {
	t.Parallel()
	rdb := pgtest.ReportingDB(t)
	surveyMustExec(t, rdb, `
insert into billing.subscriptions (subscription_id, customer_id, plan, currency, interval_months, amount, started_at)
select 's' || i, 'b' || lpad(i::text, 5, '0'), 'pro', 'USD', 1, 10.00, '2025-06-01T00:00:00Z' from generate_series(1, 4500) i;
insert into support.tickets (ticket_id, customer_id, opened_at, subject, body)
select 'T' || i, 'b' || lpad(i::text, 5, '0'), '2026-01-15T00:00:00Z', 'Contract', 'May I have a copy of the contract?'
from generate_series(1, 4500, 1000) i;`)
	jan := transform.NewMonth(2026, 1)
	cfg := jobs.Config{Loc: time.UTC}
	for _, j := range []jobs.Job{jobs.MRR{}, jobs.Health{}} {
		if err := surveyRunJob(t, rdb, j, jan, cfg, slog.Default()); err != nil {
			t.Fatalf("%s job: %v", j.Name(), err)
		}
	}
	var got struct {
		Rows    int `db:"rows"`
		Red     int `db:"red"`
		Signals int `db:"signals"`
	}
	if err := rdb.Get(&got, `select (select count(*) from customer_health) as rows,
		(select count(*) from customer_health where band = 'red') as red,
		(select count(*) from customer_signals s join customer_health h using (month, customer_id)
		  where h.band = 'red' and s.signal = 'contract_request' and s.evidence like 'ticket T' || substr(s.customer_id, 2)::int || ' %') as signals`); err != nil {
		t.Fatal(err)
	}
	want := struct{ Rows, Red, Signals int }{4500, 5, 5}
	if diff := cmp.Diff(want, struct{ Rows, Red, Signals int }(got)); diff != "" {
		t.Errorf("health rows, red ones, their signals (-want +got):\n%s", diff)
	}
}

// TestHealthPrevScoreLinksMonths writes three months of health out of order,
// then all at once as a parallel backfill does: either way every row's
// prev_score ends up as the customer's score of the month before (null when
// it had none), although each month's scores differ.
func TestHealthPrevScoreLinksMonths(t *testing.T) {
	t.Parallel()
	db, rdb := pgtest.NewReporting(t)
	// 300 customers since September 2025; customer i opens i % 4 urgent
	// tickets in November, (i + 1) % 4 in December and (i + 2) % 4 in
	// January, so that its support component, and its score, moves.
	surveyMustExec(t, rdb, `
insert into billing.subscriptions (subscription_id, customer_id, plan, currency, interval_months, amount, started_at)
select 's' || i, 'p' || lpad(i::text, 3, '0'), 'pro', 'USD', 1, 10.00, '2025-09-01T00:00:00Z' from generate_series(1, 300) i;
insert into support.tickets (ticket_id, customer_id, opened_at, priority, subject, body)
select 'T' || i || '-' || k || '-' || n, 'p' || lpad(i::text, 3, '0'), make_date(2025, 11, 1) + k * interval '1 month' + interval '3 days',
       'urgent', 'Help', 'It is broken'
from generate_series(1, 300) i, generate_series(0, 2) k, generate_series(1, 3) n
where n <= (i + k) % 4;`)
	nov := transform.NewMonth(2025, 11)
	months := []transform.Month{nov, nov.Add(1), nov.Add(2)}
	cfg := jobs.Config{DatabaseURL: db.URL, Loc: time.UTC}.WithDefaults()
	for _, m := range months {
		if err := surveyRunJob(t, rdb, jobs.MRR{}, m, cfg, slog.Default()); err != nil {
			t.Fatalf("mrr %s: %v", m, err)
		}
	}
	check := func(t *testing.T) {
		t.Helper()
		var bad []string
		if err := rdb.Select(&bad, `
select h.month::text || ' ' || h.customer_id || ': prev ' || coalesce(h.prev_score::text, 'null') || ', last month ' || coalesce(p.score::text, 'null')
from customer_health h
left join customer_health p on p.month = h.month - interval '1 month' and p.customer_id = h.customer_id
where h.prev_score is distinct from p.score
order by 1 limit 5`); err != nil {
			t.Fatal(err)
		}
		if len(bad) > 0 {
			t.Errorf("prev_score differs from the month before's score, e.g.:\n%s", strings.Join(bad, "\n"))
		}
		var n, moved int
		if err := rdb.QueryRow(`select count(*), count(*) filter (where prev_score <> score) from customer_health`).Scan(&n, &moved); err != nil {
			t.Fatal(err)
		}
		if n != 900 || moved == 0 {
			t.Errorf("%d health rows, %d with a score other than last month's; want 900 and some", n, moved)
		}
	}

	t.Run("out of order", func(t *testing.T) {
		for _, m := range []transform.Month{months[2], months[0], months[1]} {
			if err := surveyRunJob(t, rdb, jobs.Health{}, m, cfg, slog.Default()); err != nil {
				t.Fatalf("health %s: %v", m, err)
			}
		}
		check(t)
	})
	t.Run("parallel backfill", func(t *testing.T) {
		if _, err := rdb.Exec(`delete from customer_health`); err != nil {
			t.Fatal(err)
		}
		cfg := cfg
		cfg.Force = true
		r := jobs.NewRunner(cfg, rdb, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if _, err := r.Backfill(context.Background(), jobs.BackfillOptions{
			From: months[0], To: months[2], Jobs: []jobs.Job{jobs.Health{}}, Parallel: 3,
		}); err != nil {
			t.Fatal(err)
		}
		check(t)
	})
}
