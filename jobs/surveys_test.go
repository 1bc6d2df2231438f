package jobs_test

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jmoiron/sqlx"

	"github.com/signalsdev/signals/extract"
	"github.com/signalsdev/signals/internal/pgtest"
	"github.com/signalsdev/signals/jobs"
	"github.com/signalsdev/signals/transform"
)

// surveyRunJob runs job for month m in one committed transaction, logging
// into log.
func surveyRunJob(t *testing.T, rdb *sqlx.DB, job jobs.Job, m transform.Month, cfg jobs.Config, log *slog.Logger) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg = cfg.WithDefaults()
	tx := rdb.MustBeginTx(ctx, nil)
	jc := &jobs.JobContext{Month: m, Config: &cfg, Warehouse: extract.NewWarehouse(rdb), Tx: tx, Log: log}
	if err := job.Run(ctx, jc); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// surveyMustExec runs fixture statements.
func surveyMustExec(t *testing.T, rdb *sqlx.DB, query string, args ...any) {
	t.Helper()
	if _, err := rdb.Exec(query, args...); err != nil {
		t.Fatalf("%v\n%s", err, query)
	}
}

type surveyRow struct {
	Month         time.Time `db:"month"`
	SurveyType    string    `db:"survey_type"`
	Dimension     string    `db:"dimension"`
	Member        string    `db:"member"`
	Responses     int       `db:"responses"`
	Skipped       int       `db:"skipped"`
	Positive      int       `db:"positive"`
	Neutral       int       `db:"neutral"`
	Negative      int       `db:"negative"`
	Score         *float64  `db:"score"`
	StdError      *float64  `db:"std_error"`
	CILow         *float64  `db:"ci_low"`
	CIHigh        *float64  `db:"ci_high"`
	PrevResponses *int      `db:"prev_responses"`
	PrevScore     *float64  `db:"prev_score"`
	Delta         *float64  `db:"delta"`
	PValue        *float64  `db:"p_value"`
	Significant   *bool     `db:"significant"`
	LowSample     bool      `db:"low_sample"`
}

// The fixture of TestSurveysJob, for January 2026 in America/New_York
// (UTC−5): local midnight on 1 January is 05:00 UTC, on 1 February too.
const surveyFixture = `
insert into crm.customers (customer_id, name, segment, region, created_at) values
    ('c1', 'One', 'SMB', 'EU', '2025-01-01T00:00:00Z'),
    ('c2', 'Two', null, 'US', '2025-01-01T00:00:00Z');

-- NPS, January: c1 10 promoters + 5 passives at the support touchpoint,
-- c2 5 detractors and a skip with no touchpoint. One promoter answered at
-- 03:00 UTC on 1 February: 22:00 on 31 January in New York.
insert into survey.responses (response_id, customer_id, survey_type, score, touchpoint, responded_at)
select 'n-p' || i, 'c1', 'nps', 9 + i % 2, 'support', timestamptz '2026-01-10T12:00:00Z' + i * interval '1 hour'
from generate_series(1, 9) i;
insert into survey.responses values
    ('n-p10', 'c1', 'nps', 10, 'support', null, '2026-02-01T03:00:00Z');
insert into survey.responses (response_id, customer_id, survey_type, score, touchpoint, responded_at)
select 'n-pa' || i, 'c1', 'nps', 7 + i % 2, 'support', timestamptz '2026-01-11T12:00:00Z' + i * interval '1 hour'
from generate_series(1, 5) i;
insert into survey.responses (response_id, customer_id, survey_type, score, touchpoint, responded_at)
select 'n-d' || i, 'c2', 'nps', i, null, timestamptz '2026-01-12T12:00:00Z' + i * interval '1 hour'
from generate_series(1, 5) i;
insert into survey.responses values
    ('n-skip', 'c2', 'nps', null, null, null, '2026-01-13T12:00:00Z'),
    -- 00:00 on 1 February in New York: February, not January.
    ('n-feb', 'c2', 'nps', 0, null, null, '2026-02-01T05:00:00Z'),
    -- off the scale: never in a score, counted in data_quality.
    ('n-oor-1', 'c1', 'nps', 11, 'support', null, '2026-01-14T12:00:00Z'),
    ('n-oor-2', 'c1', 'nps', -1, 'support', null, '2026-01-14T13:00:00Z'),
    ('x-1', 'c1', 'stars', 3, 'support', null, '2026-01-14T13:00:00Z');

-- NPS, December: 5 promoters, the last at 04:59 UTC on 1 January (23:59 on
-- 31 December in New York).
insert into survey.responses (response_id, customer_id, survey_type, score, touchpoint, responded_at)
select 'd-p' || i, 'c1', 'nps', 10, 'support', timestamptz '2025-12-10T12:00:00Z' + i * interval '1 hour'
from generate_series(1, 4) i;
insert into survey.responses values
    ('d-p5', 'c1', 'nps', 10, 'support', null, '2026-01-01T04:59:00Z');

-- CES, January: 1, 2, 3, 4, 5 (mean 3, sample variance 2.5) and a 6, off
-- the default 0-5 scale.
insert into survey.responses (response_id, customer_id, survey_type, score, touchpoint, responded_at)
select 'e-' || i, 'c1', 'CES ', i, 'onboarding', timestamptz '2026-01-15T12:00:00Z' + i * interval '1 hour'
from generate_series(1, 6) i;

-- CSAT, 30 answers in each month: December 15 satisfied (50), January 27
-- satisfied (90).
insert into survey.responses (response_id, customer_id, survey_type, score, touchpoint, responded_at)
select 'cd-' || i, 'c2', 'csat', case when i <= 15 then 5 else 2 end, 'billing', timestamptz '2025-12-05T12:00:00Z' + i * interval '1 hour'
from generate_series(1, 30) i;
insert into survey.responses (response_id, customer_id, survey_type, score, touchpoint, responded_at)
select 'cj-' || i, 'c2', 'csat', case when i <= 27 then 4 else 3 end, 'billing', timestamptz '2026-01-05T12:00:00Z' + i * interval '1 hour'
from generate_series(1, 30) i;

-- another job's check for the same month stays.
insert into reporting.data_quality values ('2026-01-01', 'billing.invoices', 'negative_amount', 3, 'inv-1');
`

func TestSurveysJob(t *testing.T) {
	t.Parallel()
	rdb := pgtest.ReportingDB(t)
	surveyMustExec(t, rdb, surveyFixture)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	jan := transform.NewMonth(2026, 1)
	var logBuf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logBuf, nil))
	cfg := jobs.Config{Loc: ny}
	// Twice: a rerun replaces the month.
	for range 2 {
		if err := surveyRunJob(t, rdb, jobs.Surveys{}, jan, cfg, log); err != nil {
			t.Fatalf("surveys job: %v", err)
		}
	}

	var got []surveyRow
	if err := rdb.Select(&got, `select month, survey_type, dimension, member, responses, skipped, positive, neutral, negative,
		score, std_error, ci_low, ci_high, prev_responses, prev_score, delta, p_value, significant, low_sample
		from survey_monthly order by survey_type, dimension, member`); err != nil {
		t.Fatal(err)
	}
	f := func(v float64) *float64 { return &v }
	i := func(v int) *int { return &v }
	b := func(v bool) *bool { return &v }
	z := 1.959963984540054
	month := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	seNPS := 100 * math.Sqrt((0.5+0.25-0.0625)/20) // ≈ 18.54
	seSMB := 100 * math.Sqrt((2.0/3-4.0/9)/15)
	seCES := math.Sqrt(2.5 / 5)
	seCSATDec, seCSATJan := 100*math.Sqrt(0.25/30), 100*math.Sqrt(0.09/30)
	pCSAT := math.Erfc(40 / math.Sqrt(seCSATDec*seCSATDec+seCSATJan*seCSATJan) / math.Sqrt2)
	nps := func(dim, member string, n, skipped, p, pa, d int, score, se float64, prevN *int, prevScore *float64) surveyRow {
		r := surveyRow{Month: month, SurveyType: "nps", Dimension: dim, Member: member, Responses: n, Skipped: skipped,
			Positive: p, Neutral: pa, Negative: d, Score: f(score), StdError: f(se),
			CILow: f(math.Max(-100, score-z*se)), CIHigh: f(math.Min(100, score+z*se)),
			PrevResponses: i(0), LowSample: true}
		if prevN != nil {
			r.PrevResponses, r.PrevScore, r.Delta = prevN, prevScore, f(score-*prevScore)
		}
		return r
	}
	csat := func(dim, member string) surveyRow {
		return surveyRow{Month: month, SurveyType: "csat", Dimension: dim, Member: member, Responses: 30,
			Positive: 27, Neutral: 3, Score: f(90), StdError: f(seCSATJan), CILow: f(90 - z*seCSATJan), CIHigh: f(100),
			PrevResponses: i(30), PrevScore: f(50), Delta: f(40), PValue: f(pCSAT), Significant: b(true)}
	}
	ces := func(dim, member string) surveyRow {
		return surveyRow{Month: month, SurveyType: "ces", Dimension: dim, Member: member, Responses: 5,
			Positive: 2, Neutral: 1, Negative: 2, Score: f(3), StdError: f(seCES), CILow: f(3 - z*seCES), CIHigh: f(3 + z*seCES),
			PrevResponses: i(0), LowSample: true}
	}
	want := []surveyRow{
		ces("all", "all"), ces("region", "EU"), ces("segment", "SMB"), ces("touchpoint", "onboarding"),
		csat("all", "all"), csat("region", "US"), csat("segment", "(none)"), csat("touchpoint", "billing"),
		// the worked case: 10 promoters, 5 passives, 5 detractors -> 25 ± 18.54,
		// December's 5 promoters -> 100.
		nps("all", "all", 20, 1, 10, 5, 5, 25, seNPS, i(5), f(100)),
		nps("region", "EU", 15, 0, 10, 5, 0, 100*10.0/15, seSMB, i(5), f(100)),
		nps("region", "US", 5, 1, 0, 0, 5, -100, 0, nil, nil),
		nps("segment", "(none)", 5, 1, 0, 0, 5, -100, 0, nil, nil),
		nps("segment", "SMB", 15, 0, 10, 5, 0, 100*10.0/15, seSMB, i(5), f(100)),
		nps("touchpoint", "(none)", 5, 1, 0, 0, 5, -100, 0, nil, nil),
		nps("touchpoint", "support", 15, 0, 10, 5, 0, 100*10.0/15, seSMB, i(5), f(100)),
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("survey_monthly (-want +got):\n%s", diff)
	}
	if s := *got[8].StdError; math.Abs(s-18.54) > 0.005 {
		t.Errorf("worked case: NPS se = %.4f, want ≈ 18.54", s)
	}

	type dq struct {
		Source, Check string
		Rows          int64
		Example       string
	}
	var gotDQ []dq
	if err := rdb.Select(&gotDQ, `select source, "check", rows, example from data_quality where month = '2026-01-01' order by source, "check"`); err != nil {
		t.Fatal(err)
	}
	wantDQ := []dq{
		{"billing.invoices", "negative_amount", 3, "inv-1"},
		{"survey.responses", "ces_out_of_range", 1, "e-6"},
		{"survey.responses", "nps_out_of_range", 2, "n-oor-1"},
		{"survey.responses", "unknown_survey_type", 1, "x-1"},
	}
	if diff := cmp.Diff(wantDQ, gotDQ); diff != "" {
		t.Errorf("data_quality (-want +got):\n%s", diff)
	}
	if l := logBuf.String(); !strings.Contains(l, "level=WARN") || !strings.Contains(l, "check=nps_out_of_range rows=2") {
		t.Errorf("log: want a warning with the out-of-range count, got\n%s", l)
	}
}

// TestSurveysMonthBoundary proves the half-open local month: a response at
// 03:00 UTC on 1 February counts for January in America/New_York, and for
// February in UTC.
func TestSurveysMonthBoundary(t *testing.T) {
	t.Parallel()
	rdb := pgtest.ReportingDB(t)
	surveyMustExec(t, rdb, `insert into survey.responses (response_id, customer_id, survey_type, score, responded_at)
		select 'r' || i, 'c1', 'csat', 5, timestamptz '2026-01-20T12:00:00Z' + i * interval '1 hour' from generate_series(1, 5) i;
		insert into survey.responses values ('edge', 'c1', 'csat', 1, null, null, '2026-02-01T03:00:00Z')`)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	jan := transform.NewMonth(2026, 1)
	tests := []struct {
		name          string
		loc           *time.Location
		month         transform.Month
		wantResponses int
	}{
		{"03:00 UTC on 1 February is January in New York", ny, jan, 6},
		{"and not February in New York", ny, jan.Add(1), 0},
		{"it is February in UTC", time.UTC, jan.Add(1), 1},
		{"so January in UTC has only the other five", time.UTC, jan, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := surveyRunJob(t, rdb, jobs.Surveys{}, tt.month, jobs.Config{Loc: tt.loc}, slog.Default()); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := rdb.Get(&n, `select coalesce(sum(responses), 0) from survey_monthly where month = $1 and dimension = 'all'`, tt.month.Date()); err != nil {
				t.Fatal(err)
			}
			if n != tt.wantResponses {
				t.Errorf("responses in %s (%s) = %d, want %d", tt.month, tt.loc, n, tt.wantResponses)
			}
		})
	}
}
