package jobs

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"
	"github.com/jmoiron/sqlx"
	"github.com/xuri/excelize/v2"

	"github.com/signalsdev/signals/extract"
	"github.com/signalsdev/signals/internal/pgtest"
	"github.com/signalsdev/signals/report"
	"github.com/signalsdev/signals/transform"
)

var sept = transform.NewMonth(2026, time.September)

// seedReporting writes one small month of results, as the other jobs would.
func seedReporting(t *testing.T, db *sqlx.DB) {
	t.Helper()
	db.MustExec(`
insert into crm.customers (customer_id, name, segment, region, owner, created_at) values
 ('C1', '=SUM(A1:A9)', 'SMB', 'EMEA', 'Ana Ortiz', '2025-01-01'),
 ('C2', 'Beta LLC', 'SMB', 'NA', 'Ben Cole', '2025-01-01'),
 ('C3', 'Gamma GmbH', 'Enterprise', 'EMEA', 'Ana Ortiz', '2025-01-01'),
 ('C4', 'Delta Inc', 'Enterprise', 'NA', null, '2025-01-01');
insert into crm.campaigns (campaign_id, name, started_at, window_days, control_share)
 values ('CMP-1', 'Win-back email', '2026-08-01', 30, 0.5);
insert into survey.responses (response_id, customer_id, survey_type, score, touchpoint, comment, responded_at) values
 ('R1', 'C3', 'nps', 3, 'support', '@channel we are leaving unless support improves', '2026-09-14 10:00+00'),
 ('R2', 'C4', 'nps', 9, 'product', 'great', '2026-09-15 10:00+00'),
 ('R3', 'C2', 'nps', 1, 'billing', 'wrong month', '2026-10-01 00:00+00');

insert into job_runs (run_id, job, month, status, started_at, finished_at)
 values ('00000000-0000-4000-8000-0000000000aa', 'mrr', '2026-09-01', 'succeeded', '2026-10-02 06:00+00', '2026-10-02 06:01+00');

insert into mrr_monthly (month, dimension, member, currency,
  customers_start, customers_new, customers_reactivated, customers_expanded, customers_contracted, customers_churned, customers_end,
  mrr_start, mrr_fx, mrr_new, mrr_reactivation, mrr_expansion, mrr_contraction, mrr_churned, mrr_end,
  logo_churn_rate, gross_mrr_churn_rate, net_mrr_churn_rate, grr, nrr, quick_ratio, net_customer_change_rate) values
 ('2026-08-01', 'all', 'all', 'USD', 100, 5, 0, 10, 3, 4, 101, 10000.00, 0, 500, 0, 200, 100, 300, 10300.00, 0.04, 0.04, 0.02, 0.96, 0.98, 1.75, 0.01),
 ('2026-09-01', 'all', 'all', 'USD', 101, 8, 1, 12, 4, 5, 105, 10300.00, -20.50, 800, 50, 300, 150.25, 400, 10879.25, 0.0495, 0.0535, 0.0195, 0.9465, 0.9755, 2.0, 0.0396),
 ('2026-09-01', 'segment', 'SMB', 'USD', 50, 6, 1, 5, 2, 4, 53, 4000.00, 0, 500, 50, 100, 50.25, 300, 4299.75, 0.08, 0.0876, 0.0501, 0.9124, 0.9374, 1.86, 0.06),
 ('2026-09-01', 'segment', 'Enterprise', 'USD', 51, 2, 0, 7, 2, 1, 52, 6300.00, -20.50, 300, 0, 200, 100, 100, 6579.50, 0.0196, 0.0319, -0.0001, 0.9681, 1.0001, 2.5, 0.0196);

insert into customer_mrr_monthly (month, customer_id, mrr_start, mrr_end, mrr_fx, mrr_change, movement, cohort_month, segment, region) values
 ('2026-09-01', 'C1', 0, 300.00, 0, 300.00, 'new', '2026-09-01', 'SMB', 'EMEA'),
 ('2026-09-01', 'C2', 200.00, 0, 0, -200.00, 'churn', '2025-02-01', 'SMB', 'NA'),
 ('2026-09-01', 'C3', 100.00, 150.00, -0.50, 50.00, 'expansion', '2025-03-01', 'Enterprise', 'EMEA'),
 ('2026-09-01', 'C4', 500.00, 500.00, 0, 0, 'flat', '2025-03-01', 'Enterprise', 'NA');

insert into cohort_retention (cohort_month, months_since, month, customers, customers_active, mrr_cohort, mrr_active) values
 ('2026-08-01', 1, '2026-09-01', 10, 8, 1000, 900),
 ('2026-09-01', 0, '2026-09-01', 8, 8, 800, 800);

insert into survey_monthly (month, survey_type, dimension, member, responses, skipped, positive, neutral, negative,
  score, std_error, ci_low, ci_high, prev_responses, prev_score, delta, p_value, significant, low_sample) values
 ('2026-08-01', 'nps', 'all', 'all', 120, 3, 60, 30, 30, 25.0, 7.0, 11.3, 38.7, null, null, null, null, null, false),
 ('2026-09-01', 'nps', 'all', 'all', 130, 2, 75, 30, 25, 38.5, 6.8, 25.2, 51.8, 120, 25.0, 13.5, 0.16, false, false),
 ('2026-09-01', 'csat', 'all', 'all', 12, 0, 10, 1, 1, 83.3, 10.8, 62.2, 100, null, null, null, null, null, true);

insert into customer_health (month, customer_id, score, band, prev_score, components, mrr) values
 ('2026-09-01', 'C3', 22.5, 'red', 64.0, '{}', 150.00),
 ('2026-09-01', 'C4', 55.0, 'yellow', null, '{}', 500.00),
 ('2026-09-01', 'C1', 80.0, 'green', null, '{}', 300.00);
insert into customer_signals (month, customer_id, signal, severity, evidence) values
 ('2026-09-01', 'C3', 'contract_request', 'critical', 'Ticket T-7: "please send a copy of our contract"'),
 ('2026-09-01', 'C3', 'detractor', 'warning', 'NPS 3 on 2026-09-14');

insert into campaign_lift (month, campaign_id, metric, kind, n_control, n_treatment, control_mean, treatment_mean,
  abs_lift, abs_ci_low, abs_ci_high, abs_p_value, rel_lift, rel_ci_low, rel_ci_high, rel_p_value, srm_p_value) values
 ('2026-09-01', 'CMP-1', 'purchase_rate', 'proportion', 400, 600, 0.10, 0.13, 0.03, -0.01, 0.07, 0.14, 0.3, -0.1, 0.7, 0.15, 0.00001);
`)
}

// testConfig is a run configuration writing to a temporary folder.
func testConfig(t *testing.T, mc report.MailConfig) *Config {
	t.Helper()
	mc.RetryBackoff = 5 * time.Millisecond
	c := Config{Schema: "reporting", Loc: time.UTC, Currency: "USD", OutDir: t.TempDir(), Version: "test", Mail: mc}.WithDefaults()
	return &c
}

// runReports runs the reports job for September 2026 in a transaction of
// its own, as the runner would, and returns its error.
func runReports(t *testing.T, db *sqlx.DB, cfg *Config, runID string, j Reports, logw io.Writer) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tx := db.MustBeginTx(ctx, nil)
	if logw == nil {
		logw = io.Discard
	}
	jc := &JobContext{RunID: runID, Month: sept, Config: cfg, Warehouse: extract.NewWarehouse(db), Tx: tx,
		Log: slog.New(slog.NewTextHandler(logw, nil)), Send: true}
	err := j.Run(ctx, jc)
	if cerr := tx.Commit(); cerr != nil {
		t.Fatalf("commit: %v", cerr)
	}
	return err
}

// parsedMail is a received message taken apart.
type parsedMail struct {
	Subject, Text, HTML string
	Inline              map[string]part // by Content-ID, without <>
	Attachments         map[string]part // by file name
}

type part struct {
	ContentType string
	Data        []byte
}

func parseMail(t *testing.T, raw []byte) parsedMail {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	dec := new(mime.WordDecoder)
	subj, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject: %v", err)
	}
	p := parsedMail{Subject: subj, Inline: map[string]part{}, Attachments: map[string]part{}}
	walkPart(t, &p, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), "", "", msg.Body)
	return p
}

func walkPart(t *testing.T, p *parsedMail, ctype, cte, disp, cid string, body io.Reader) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Fatalf("content type %q: %v", ctype, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			sub, err := mr.NextRawPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("multipart: %v", err)
			}
			walkPart(t, p, sub.Header.Get("Content-Type"), sub.Header.Get("Content-Transfer-Encoding"),
				sub.Header.Get("Content-Disposition"), sub.Header.Get("Content-ID"), sub)
		}
	}
	var r io.Reader = body
	switch strings.ToLower(cte) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s part: %v", mt, err)
	}
	dt, dparams, _ := mime.ParseMediaType(disp)
	switch {
	case dt == "attachment":
		p.Attachments[dparams["filename"]] = part{mt, data}
	case cid != "":
		p.Inline[strings.Trim(cid, "<>")] = part{mt, data}
	case mt == "text/plain":
		p.Text = string(data)
	case mt == "text/html":
		p.HTML = string(data)
	}
}

func TestReportsDeliverOverSMTP(t *testing.T) {
	t.Parallel()
	db := pgtest.ReportingDB(t)
	seedReporting(t, db)
	srv := startSMTP(t, nil)
	cfg := testConfig(t, report.MailConfig{SMTPURL: srv.URL(), From: "signals <signals@example.com>",
		FinanceTo: []string{"cfo@example.com", "controller@example.com"}, CXTo: []string{"cx@example.com"}})

	var logs bytes.Buffer
	if err := runReports(t, db, cfg, "00000000-0000-4000-8000-000000000001", Reports{}, &logs); err != nil {
		t.Fatalf("reports: %v", err)
	}
	dir := filepath.Join(cfg.OutDir, "2026-09")
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "cx-2026-09.xlsx finance-2026-09.xlsx" {
		t.Errorf("files in %s: %v, want the two workbooks and nothing half-written", dir, names)
	}
	if got := len(srv.Messages()); got != 3 {
		t.Fatalf("server received %d messages, want 3 (two finance recipients, one CX)", got)
	}
	for _, c := range []struct{ to, subject, attachment, sheet string }{
		{"cfo@example.com", "Finance — September 2026: MRR $10.9K (+5.6%), logo churn 5.0%", "finance-2026-09.xlsx", "Movements"},
		{"controller@example.com", "Finance — September 2026: MRR $10.9K (+5.6%), logo churn 5.0%", "finance-2026-09.xlsx", "Movements"},
		{"cx@example.com", "CX — September 2026: NPS 38.5 (+13.5), CSAT 83.3%, 2 accounts at risk", "cx-2026-09.xlsx", "Verbatims"},
	} {
		ms := srv.To(c.to)
		if len(ms) != 1 {
			t.Fatalf("%s received %d messages, want 1", c.to, len(ms))
		}
		if len(ms[0].To) != 1 {
			t.Errorf("message to %s was addressed to %v: each recipient gets their own", c.to, ms[0].To)
		}
		m := parseMail(t, ms[0].Data)
		if m.Subject != c.subject {
			t.Errorf("%s: subject %q, want %q", c.to, m.Subject, c.subject)
		}
		if !strings.Contains(m.Text, strings.SplitN(c.subject, ": ", 2)[1]) {
			t.Errorf("%s: text part lacks the headline:\n%s", c.to, m.Text)
		}
		if !strings.Contains(m.HTML, `src="cid:`+report.ChartContentID+`"`) {
			t.Errorf("%s: HTML part does not show the chart by Content-ID", c.to)
		}
		img, ok := m.Inline[report.ChartContentID]
		if !ok || img.ContentType != "image/png" || !bytes.HasPrefix(img.Data, []byte("\x89PNG")) {
			t.Errorf("%s: no inline PNG with Content-ID %s (inline parts: %v)", c.to, report.ChartContentID, keys(m.Inline))
		}
		att, ok := m.Attachments[c.attachment]
		if !ok || att.ContentType != report.XLSXType {
			t.Fatalf("%s: no %s attachment (attachments: %v)", c.to, c.attachment, keys(m.Attachments))
		}
		f, err := excelize.OpenReader(bytes.NewReader(att.Data))
		if err != nil {
			t.Fatalf("%s: attachment is not a workbook: %v", c.to, err)
		}
		if idx, _ := f.GetSheetIndex(c.sheet); idx < 0 {
			t.Errorf("%s: attached workbook has no %s sheet", c.to, c.sheet)
		}
		f.Close()
	}
	// The workbook on disk: movements streamed, formula-like names as text.
	f, err := excelize.OpenFile(filepath.Join(dir, "finance-2026-09.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(report.SheetMovements)
	if len(rows) != 5 {
		t.Errorf("Movements has %d rows, want a header and 4 customers", len(rows))
	}
	refs, _ := f.SearchSheet(report.SheetMovements, "=SUM(A1:A9)")
	if len(refs) != 1 {
		t.Fatalf("customer name =SUM(A1:A9) found %d times", len(refs))
	}
	if fm, _ := f.GetCellFormula(report.SheetMovements, refs[0]); fm != "" {
		t.Errorf("=SUM(A1:A9) stored as a formula")
	}
	f.Close()
	// The at-risk accounts, streamed from PostgreSQL: worst first, each
	// with its signals, most severe first.
	f, err = excelize.OpenFile(filepath.Join(dir, "cx-2026-09.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ = f.GetRows(report.SheetAtRisk)
	f.Close()
	var atRisk [][]string
	for _, r := range rows[4:] {
		r = append(r, make([]string, 11)...) // GetRows drops empty trailing cells
		atRisk = append(atRisk, []string{r[0], r[4], r[9], r[10]})
	}
	wantAtRisk := [][]string{
		{"C3", "Red", "contract request, detractor",
			"contract request (critical): Ticket T-7: \"please send a copy of our contract\"\ndetractor: NPS 3 on 2026-09-14"},
		{"C4", "Yellow", "", ""},
	}
	if diff := cmp.Diff(wantAtRisk, atRisk); diff != "" {
		t.Errorf("At risk sheet: ID, band, signals, evidence (-want +got):\n%s", diff)
	}
	var st []struct {
		Report, Recipient, Status string
		Attempts                  int
		Correction                bool
	}
	if err := db.Select(&st, `select report, recipient, status, attempts, correction from deliveries order by report, recipient`); err != nil {
		t.Fatal(err)
	}
	if len(st) != 3 {
		t.Fatalf("ledger has %d rows, want 3: %+v", len(st), st)
	}
	for _, s := range st {
		if s.Status != "sent" || s.Attempts != 1 || s.Correction {
			t.Errorf("ledger row %+v, want sent after 1 attempt, not a correction", s)
		}
	}
	if strings.Contains(logs.String(), srv.Password) {
		t.Error("the SMTP password appears in the logs")
	}

	// A second run over the same results sends nothing.
	if err := runReports(t, db, cfg, "00000000-0000-4000-8000-000000000002", Reports{}, nil); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if got := len(srv.Messages()); got != 3 {
		t.Fatalf("second run sent %d more messages, want none", got-3)
	}

	// Changed figures after a rerun of mrr: finance recipients get a
	// correction, CX (unchanged) gets nothing.
	db.MustExec(`update mrr_monthly set mrr_new = mrr_new + 1000, mrr_end = mrr_end + 1000 where month = '2026-09-01' and dimension = 'all'`)
	if err := runReports(t, db, cfg, "00000000-0000-4000-8000-000000000003", Reports{}, nil); err != nil {
		t.Fatalf("third run: %v", err)
	}
	if got := len(srv.Messages()); got != 5 {
		t.Fatalf("after a change, %d messages in all, want 5 (two corrections)", got)
	}
	for _, to := range []string{"cfo@example.com", "controller@example.com"} {
		ms := srv.To(to)
		m := parseMail(t, ms[len(ms)-1].Data)
		if !strings.HasPrefix(m.Subject, "Correction: Finance — September 2026: MRR $11.9K") {
			t.Errorf("%s: correction subject %q", to, m.Subject)
		}
		if !strings.Contains(m.Text, "CORRECTION") {
			t.Errorf("%s: correction not marked in the text part", to)
		}
	}
	if n := len(srv.To("cx@example.com")); n != 1 {
		t.Errorf("cx@example.com received %d messages, want 1 (its content did not change)", n)
	}
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// One recipient's failure is retried with backoff and never re-sends to
// the others; a permanent rejection is not retried and fails the job.
func TestReportsRecipientFailure(t *testing.T) {
	t.Parallel()
	db := pgtest.ReportingDB(t)
	seedReporting(t, db)
	srv := startSMTP(t, func(rcpt string, attempt int) error {
		switch {
		case rcpt == "flaky@example.com" && attempt <= 2:
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
		case rcpt == "gone@example.com":
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		}
		return nil
	})
	cfg := testConfig(t, report.MailConfig{SMTPURL: srv.URL(), From: "signals@example.com",
		FinanceTo: []string{"ok@example.com", "flaky@example.com", "gone@example.com"}, CXTo: []string{"cx@example.com"}})
	var logs bytes.Buffer
	err := runReports(t, db, cfg, "00000000-0000-4000-8000-000000000011", Reports{}, &logs)
	if err == nil || !strings.Contains(err.Error(), "gone@example.com") {
		t.Fatalf("run error = %v, want one naming gone@example.com", err)
	}
	if strings.Contains(err.Error(), srv.Password) || strings.Contains(logs.String(), srv.Password) {
		t.Error("the SMTP password leaks into the error or the logs")
	}
	for to, want := range map[string]int{"ok@example.com": 1, "flaky@example.com": 1, "gone@example.com": 0, "cx@example.com": 1} {
		if got := len(srv.To(to)); got != want {
			t.Errorf("%s received %d messages, want %d", to, got, want)
		}
	}
	attempts := func(rcpt string) (string, int) {
		var r struct {
			Status   string
			Attempts int
		}
		if err := db.Get(&r, `select status, attempts from deliveries where recipient = $1`, rcpt); err != nil {
			t.Fatal(err)
		}
		return r.Status, r.Attempts
	}
	if s, n := attempts("flaky@example.com"); s != "sent" || n != 3 {
		t.Errorf("flaky: %s after %d attempts, want sent after 3", s, n)
	}
	if s, n := attempts("gone@example.com"); s != "failed" || n != 1 {
		t.Errorf("gone: %s after %d attempts, want failed after 1 (5xx is not retried)", s, n)
	}

	// The rerun tries the failed recipient only.
	if err := runReports(t, db, cfg, "00000000-0000-4000-8000-000000000012", Reports{}, nil); err == nil {
		t.Fatal("rerun succeeded although gone@example.com still rejects")
	}
	for to, want := range map[string]int{"ok@example.com": 1, "flaky@example.com": 1, "cx@example.com": 1} {
		if got := len(srv.To(to)); got != want {
			t.Errorf("after the rerun %s received %d messages, want %d", to, got, want)
		}
	}
	if _, n := attempts("gone@example.com"); n != 2 {
		t.Errorf("gone: %d attempts over two runs, want 2", n)
	}
}

// Without SMTP the digests go to the outbox as .eml files; a month with no
// results still renders workbooks that say so.
func TestReportsOutboxAndEmptyMonth(t *testing.T) {
	t.Parallel()
	db := pgtest.ReportingDB(t)
	cfg := testConfig(t, report.MailConfig{FinanceTo: []string{"cfo@example.com"}})
	if err := runReports(t, db, cfg, "00000000-0000-4000-8000-000000000021", Reports{}, nil); err != nil {
		t.Fatalf("reports on an empty month: %v", err)
	}
	box := filepath.Join(cfg.OutDir, "2026-09", "outbox")
	for _, name := range []string{"finance-2026-09.eml", "cx-2026-09.eml"} {
		raw, err := os.ReadFile(filepath.Join(box, name))
		if err != nil {
			t.Fatalf("outbox: %v", err)
		}
		m := parseMail(t, raw)
		if !strings.Contains(m.Subject, "September 2026") || m.Text == "" || m.HTML == "" {
			t.Errorf("%s: subject %q, text %d bytes, html %d bytes", name, m.Subject, len(m.Text), len(m.HTML))
		}
		if len(m.Attachments) != 1 {
			t.Errorf("%s: %d attachments, want the workbook", name, len(m.Attachments))
		}
	}
	f, err := excelize.OpenFile(filepath.Join(cfg.OutDir, "2026-09", "finance-2026-09.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if refs, _ := f.SearchSheet(report.SheetSummary, "^No MRR data this month", true); len(refs) == 0 {
		t.Error("empty finance workbook does not say there is no data")
	}
	var n int
	if err := db.Get(&n, `select count(*) from deliveries`); err != nil || n != 0 {
		t.Errorf("outbox writes reached the ledger (%d rows, %v)", n, err)
	}
}

// Digests are never sent for a month whose jobs failed.
func TestReportsNoDigestAfterFailedJob(t *testing.T) {
	t.Parallel()
	db := pgtest.ReportingDB(t)
	seedReporting(t, db)
	db.MustExec(`insert into job_runs (run_id, job, month, status, started_at, finished_at, error)
		values ('00000000-0000-4000-8000-0000000000bb', 'mrr', '2026-09-01', 'failed', '2026-10-02 07:00+00', '2026-10-02 07:01+00', 'boom')`)
	srv := startSMTP(t, nil)
	cfg := testConfig(t, report.MailConfig{SMTPURL: srv.URL(), FinanceTo: []string{"cfo@example.com"}, CXTo: []string{"cx@example.com"}})
	err := runReports(t, db, cfg, "00000000-0000-4000-8000-000000000031", Reports{}, nil)
	if err == nil || !strings.Contains(err.Error(), "mrr") {
		t.Fatalf("error = %v, want a refusal naming the failed mrr job", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d digests sent for a month with a failed job", n)
	}
}

// A workbook over the attachment limit is left off with a line saying
// where it is.
func TestAttachmentLimit(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "finance-2026-09.xlsx")
	if err := os.WriteFile(path, make([]byte, 3<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	att, note, err := attachment(path, "finance-2026-09.xlsx", 2)
	if err != nil {
		t.Fatal(err)
	}
	if att != "" || !strings.Contains(note, "not attached") || !strings.Contains(note, path) {
		t.Errorf("over the limit: attach %q, note %q", att, note)
	}
	att, note, err = attachment(path, "finance-2026-09.xlsx", 10)
	if err != nil || att != path || note != "" {
		t.Errorf("under the limit: attach %q, note %q, err %v", att, note, err)
	}
	d, err := report.FinanceDigest(&report.FinanceData{Meta: report.Meta{Month: sept, Currency: "USD", TZ: "UTC"}},
		report.DigestOptions{WorkbookName: "finance-2026-09.xlsx", WorkbookNote: "The workbook is at /srv/out/x.xlsx."})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Text, "/srv/out/x.xlsx") || !strings.Contains(d.HTML, "/srv/out/x.xlsx") || strings.Contains(d.Text, "attached workbook") {
		t.Error("the digest does not say where the unattached workbook is")
	}
}

// The reports job renders what the mrr job actually writes.
func TestReportsAfterMRRJob(t *testing.T) {
	t.Parallel()
	db := pgtest.ReportingDB(t)
	db.MustExec(`
insert into crm.customers (customer_id, name, segment, created_at) values
 ('C1', 'One', 'SMB', '2026-07-01'), ('C2', 'Two', 'SMB', '2026-07-01'), ('C3', '@Three', 'Enterprise', '2026-07-01');
insert into billing.subscriptions (subscription_id, customer_id, plan, currency, interval_months, amount, started_at, ended_at) values
 ('S1', 'C1', 'basic', 'USD', 1, 100, '2026-07-15', null),
 ('S2', 'C2', 'pro', 'USD', 1, 200, '2026-08-10', '2026-09-20'),
 ('S3', 'C3', 'basic', 'USD', 1, 50, '2026-09-05', null);`)
	cfg := testConfig(t, report.MailConfig{})
	ctx := context.Background()
	for _, m := range []transform.Month{sept.Add(-1), sept} {
		tx := db.MustBeginTx(ctx, nil)
		jc := &JobContext{RunID: "00000000-0000-4000-8000-000000000041", Month: m, Config: cfg, Warehouse: extract.NewWarehouse(db), Tx: tx}
		if err := (MRR{}).Run(ctx, jc); err != nil {
			t.Fatalf("mrr %s: %v", m, err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	tx := db.MustBeginTx(ctx, nil)
	jc := &JobContext{RunID: "00000000-0000-4000-8000-000000000042", Month: sept, Config: cfg, Warehouse: extract.NewWarehouse(db), Tx: tx}
	if err := (Reports{}).Run(ctx, jc); err != nil {
		t.Fatalf("reports: %v", err)
	}
	tx.Commit()
	f, err := excelize.OpenFile(filepath.Join(cfg.OutDir, "2026-09", "finance-2026-09.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	raw := excelize.Options{RawCellValue: true}
	for _, c := range []struct{ sheet, ref, want string }{
		{report.SheetSummary, "A5", "MRR"},
		{report.SheetSummary, "B5", "150"},  // end of September
		{report.SheetSummary, "C5", "300"},  // end of August
		{report.SheetBridge, "B5", "300"},   // start
		{report.SheetBridge, "B7", "50"},    // new
		{report.SheetBridge, "B11", "-200"}, // churn
		{report.SheetBridge, "B12", "150"},  // end
		{report.SheetMovements, "B2", "@Three"},
		{report.SheetMovements, "H2", "New"},
		{report.SheetMovements, "H3", "Churn"},
		{report.SheetMovements, "H4", "Flat"},
	} {
		got, _ := f.GetCellValue(c.sheet, c.ref, raw)
		if got != c.want {
			t.Errorf("%s!%s = %q, want %q", c.sheet, c.ref, got, c.want)
		}
	}
	if jc.RowsRead == 0 {
		t.Error("RowsRead not counted")
	}
}
