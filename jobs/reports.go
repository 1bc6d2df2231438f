package jobs

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/signalsdev/signals/extract"
	"github.com/signalsdev/signals/load"
	"github.com/signalsdev/signals/report"
	"github.com/signalsdev/signals/transform"
)

// Mailer delivers one digest message to its recipients. *report.SMTPMailer
// implements it; an error that is a *report.SendError marked permanent is
// not retried.
type Mailer interface {
	Send(ctx context.Context, msg *report.Message) error
}

// Reports renders the month's finance and CX workbooks from the reporting
// tables to OutDir/YYYY-MM/ and, when the run sends (JobContext.Send),
// delivers the two email digests.
//
// Delivery goes through the ledger (table deliveries): a digest whose
// content hash was already delivered to a recipient is not sent again; a
// changed digest is sent marked as a correction; a failing recipient is
// retried with backoff without re-sending to the others. The content hash
// covers the digest and the workbook's figures, never the run id or time.
// Without an SMTP server (Config.Mail.SMTPURL) the digests are written to
// OutDir/YYYY-MM/outbox/ as .eml files instead, outside the ledger.
// Digests are never sent for a month whose other jobs' latest run failed.
type Reports struct {
	// Mailer replaces the SMTP mailer built from Config.Mail.SMTPURL
	// (other transports, tests). Deliveries through it use the ledger.
	Mailer Mailer
}

// ReadsEarlierMonths implements ReadsEarlierMonths: the workbooks show
// twelve months of trends.
func (Reports) ReadsEarlierMonths() bool { return true }

// Name implements Job.
func (Reports) Name() string { return "reports" }

// Source implements Job: the reports job reads only what other jobs wrote.
func (Reports) Source() string { return "" }

// verbatimLimit caps the detractor comments a CX workbook lists.
const verbatimLimit = 2000

// digestAtRisk is how many at-risk accounts the digests show.
const digestAtRisk = 5

// rendered is one report's workbook and what its digest needs.
type rendered struct {
	name   string // report.ReportFinance or report.ReportCX
	path   string // the workbook
	info   report.WorkbookInfo
	digest func(report.DigestOptions) (*report.Digest, error)
}

// Run implements Job.
func (r Reports) Run(ctx context.Context, jc *JobContext) error {
	log := jc.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := jc.Month
	rd := extract.NewReporting(jc.Tx)
	meta, err := r.meta(ctx, rd, jc)
	if err != nil {
		return err
	}
	dir := filepath.Join(jc.Config.OutDir, m.String())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}

	// Everything but the movements and the at-risk accounts is read first:
	// those two stream, each holding the transaction's connection while
	// its workbook is written.
	topAtRisk, atRisk, err := rd.TopAtRisk(ctx, m, digestAtRisk)
	if err != nil {
		return err
	}
	fin, err := financeData(ctx, rd, m, meta, topAtRisk, atRisk)
	if err != nil {
		return err
	}
	cx, err := cxData(ctx, rd, m, jc.Loc(), meta, topAtRisk, atRisk)
	if err != nil {
		return err
	}
	jc.RowsRead += int64(len(fin.Trend) + len(fin.Members) + len(fin.PrevMembers) + len(fin.Cohorts) + len(fin.TopMovements) +
		len(cx.Surveys) + len(cx.Health) + len(topAtRisk) + len(cx.Campaigns) + len(cx.Verbatims))
	fin.Movements = rd.Movements(ctx, m)
	cx.AtRisk = rd.AtRisk(ctx, m)

	finPath := filepath.Join(dir, "finance-"+m.String()+".xlsx")
	finInfo, err := writeWorkbook(finPath, func(w io.Writer) (report.WorkbookInfo, error) { return report.WriteFinanceWorkbook(w, fin) })
	if err != nil {
		return fmt.Errorf("finance workbook for %s: %w", m, err)
	}
	jc.RowsRead += finInfo.Rows
	cxPath := filepath.Join(dir, "cx-"+m.String()+".xlsx")
	cxInfo, err := writeWorkbook(cxPath, func(w io.Writer) (report.WorkbookInfo, error) { return report.WriteCXWorkbook(w, cx) })
	if err != nil {
		return fmt.Errorf("cx workbook for %s: %w", m, err)
	}
	jc.RowsRead += cxInfo.Rows
	log.Info("workbooks written", "month", m.String(), "finance", finPath, "cx", cxPath, "movements", finInfo.Rows, "at_risk", cxInfo.Rows)

	if !jc.Send {
		return nil
	}
	if failed := failedJobs(meta.Jobs); len(failed) > 0 {
		return fmt.Errorf("not sending the %s digests: the latest run of %s failed for this month; rerun it first",
			m, strings.Join(failed, ", "))
	}
	reports := []rendered{
		{report.ReportFinance, finPath, finInfo, func(o report.DigestOptions) (*report.Digest, error) { return report.FinanceDigest(fin, o) }},
		{report.ReportCX, cxPath, cxInfo, func(o report.DigestOptions) (*report.Digest, error) { return report.CXDigest(cx, o) }},
	}
	cfg := jc.Config.Mail.WithDefaults()
	mailer := r.Mailer
	if mailer == nil && cfg.SMTPURL == "" {
		return writeOutbox(ctx, jc, log, cfg, dir, reports)
	}
	if mailer == nil {
		sm, err := report.NewSMTPMailer(cfg.SMTPURL, cfg.Timeout)
		if err != nil {
			return UsageError{err}
		}
		mailer = sm
	}
	if jc.Warehouse == nil || jc.Warehouse.DB() == nil {
		return errors.New("reports: no database handle for the delivery ledger")
	}
	ledger, err := load.NewLedger(jc.Warehouse.DB(), jc.Config.Schema)
	if err != nil {
		return err
	}
	var failures []string
	for _, rp := range reports {
		f, err := deliver(ctx, jc, log, cfg, ledger, mailer, rp)
		if err != nil {
			return err
		}
		failures = append(failures, f...)
	}
	if len(failures) > 0 {
		return fmt.Errorf("deliver the %s digests: %d %s failed (the others were sent): %s",
			m, len(failures), plural(len(failures), "delivery", "deliveries"), strings.Join(failures, "; "))
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// meta gathers the run facts the About sheets show.
func (r Reports) meta(ctx context.Context, rd *extract.Reporting, jc *JobContext) (report.Meta, error) {
	jobs, err := rd.JobStatuses(ctx, jc.Month)
	if err != nil {
		return report.Meta{}, err
	}
	dq, err := rd.DataQuality(ctx, jc.Month)
	if err != nil {
		return report.Meta{}, err
	}
	meta := report.Meta{
		Month: jc.Month, Currency: jc.Config.Currency, TZ: jc.Loc().String(),
		RunID: jc.RunID, Version: jc.Config.Version, Watermark: jc.Watermark,
	}
	for _, j := range jobs {
		if j.Job != r.Name() {
			meta.Jobs = append(meta.Jobs, j)
		}
	}
	meta.DataQuality = dq
	return meta, nil
}

// failedJobs names the jobs whose latest run for the month failed or was
// cancelled.
func failedJobs(js []report.JobStatus) []string {
	var out []string
	for _, j := range js {
		if j.Status == "failed" || j.Status == "cancelled" {
			out = append(out, j.Job)
		}
	}
	return out
}

func financeData(ctx context.Context, rd *extract.Reporting, m transform.Month, meta report.Meta,
	topAtRisk []transform.AtRiskRow, atRisk transform.AtRiskCounts) (*report.FinanceData, error) {
	trend, err := rd.MRRMonths(ctx, m.Add(-12), m, []string{"all"})
	if err != nil {
		return nil, err
	}
	members, err := rd.MRRMonths(ctx, m.Add(-1), m, transform.Dimensions)
	if err != nil {
		return nil, err
	}
	cohorts, err := rd.Cohorts(ctx, m.Add(-11), m)
	if err != nil {
		return nil, err
	}
	top, err := rd.TopMovements(ctx, m, 5)
	if err != nil {
		return nil, err
	}
	d := &report.FinanceData{Meta: meta, Trend: trend, Cohorts: cohorts, TopMovements: top, TopAtRisk: topAtRisk, AtRiskCounts: atRisk}
	for _, r := range members {
		if r.Month == m {
			d.Members = append(d.Members, r)
		} else {
			d.PrevMembers = append(d.PrevMembers, r)
		}
	}
	// Report order: dimensions as in transform.Dimensions, then member.
	order := func(a, b transform.MRRMonthly) int {
		if c := slices.Index(transform.Dimensions, a.Dimension) - slices.Index(transform.Dimensions, b.Dimension); c != 0 {
			return c
		}
		return strings.Compare(a.Member, b.Member)
	}
	slices.SortStableFunc(d.Members, order)
	slices.SortStableFunc(d.PrevMembers, order)
	return d, nil
}

func cxData(ctx context.Context, rd *extract.Reporting, m transform.Month, loc *time.Location, meta report.Meta,
	topAtRisk []transform.AtRiskRow, atRisk transform.AtRiskCounts) (*report.CXData, error) {
	surveys, err := rd.SurveyMonths(ctx, m.Add(-11), m)
	if err != nil {
		return nil, err
	}
	health, err := rd.HealthMonths(ctx, m.Add(-11), m)
	if err != nil {
		return nil, err
	}
	lift, err := rd.CampaignLift(ctx, m)
	if err != nil {
		return nil, err
	}
	verb, err := rd.Verbatims(ctx, m, loc, verbatimLimit)
	if err != nil {
		return nil, err
	}
	return &report.CXData{Meta: meta, Surveys: surveys, Health: health, TopAtRisk: topAtRisk, AtRiskCounts: atRisk,
		Campaigns: lift, Verbatims: verb}, nil
}

// writeWorkbook renders a workbook to path through a temporary file in the
// same folder: readers never see a half-written workbook.
func writeWorkbook(path string, render func(io.Writer) (report.WorkbookInfo, error)) (report.WorkbookInfo, error) {
	var info report.WorkbookInfo
	err := report.WriteFileAtomic(path, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		var err error
		if info, err = render(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
	return info, err
}

// attachment decides whether the workbook at path goes with the digest:
// it returns the path to attach, or "" and a note saying where it is.
func attachment(path, name string, maxMB int) (string, string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", "", fmt.Errorf("workbook %s: %w", path, err)
	}
	if st.Size() <= int64(maxMB)<<20 {
		return path, "", nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return "", fmt.Sprintf("The workbook %s (%.1f MB) is larger than the %d MB attachment limit, so it is not attached. It is at %s.",
		name, float64(st.Size())/(1<<20), maxMB, abs), nil
}

// contentHash identifies what a recipient would read: the digest as
// rendered without volatile fields, and the workbook's figures.
func contentHash(d *report.Digest, wb report.WorkbookInfo) string {
	s := sha256.Sum256([]byte(d.ContentHash + "\n" + wb.ContentHash))
	return hex.EncodeToString(s[:])
}

// writeOutbox writes each digest once, to all its recipients, as
// OUT/YYYY-MM/outbox/<report>-YYYY-MM.eml.
func writeOutbox(ctx context.Context, jc *JobContext, log *slog.Logger, cfg report.MailConfig, dir string, reports []rendered) error {
	box := report.Outbox{Dir: filepath.Join(dir, "outbox")}
	for _, rp := range reports {
		name := filepath.Base(rp.path)
		attach, note, err := attachment(rp.path, name, cfg.MaxAttachmentMB)
		if err != nil {
			return err
		}
		d, err := rp.digest(report.DigestOptions{WorkbookName: name, WorkbookNote: note})
		if err != nil {
			return err
		}
		msg := report.NewMessage(d, cfg.From, cfg.Recipients(rp.name), attach)
		if err := box.Send(ctx, msg); err != nil {
			return fmt.Errorf("write the %s digest to the outbox: %w", rp.name, err)
		}
		jc.RowsWritten++
		log.Info("digest written to the outbox (no SMTP server configured)", "report", rp.name, "path", box.Path(msg))
	}
	return nil
}

// deliver sends one report's digest to each of its recipients that has not
// had this content yet, and records every delivery in the ledger. It
// returns the failed deliveries, described for the operator; an error means
// the ledger itself could not be read or written.
func deliver(ctx context.Context, jc *JobContext, log *slog.Logger, cfg report.MailConfig, ledger *load.Ledger, mailer Mailer, rp rendered) ([]string, error) {
	to := cfg.Recipients(rp.name)
	if len(to) == 0 {
		log.Warn("no recipients configured for the digest; nothing sent", "report", rp.name)
		return nil, nil
	}
	name := filepath.Base(rp.path)
	attach, note, err := attachment(rp.path, name, cfg.MaxAttachmentMB)
	if err != nil {
		return nil, err
	}
	digests := map[bool]*report.Digest{}
	digest := func(correction bool) (*report.Digest, error) {
		if d, ok := digests[correction]; ok {
			return d, nil
		}
		d, err := rp.digest(report.DigestOptions{Correction: correction, WorkbookName: name, WorkbookNote: note})
		if err != nil {
			return nil, err
		}
		digests[correction] = d
		return d, nil
	}
	base, err := digest(false)
	if err != nil {
		return nil, err
	}
	hash := contentHash(base, rp.info)
	var failures []string
	for _, rcpt := range to {
		sent, err := ledger.Sent(ctx, rp.name, jc.Month, rcpt)
		if err != nil {
			return failures, err
		}
		if slices.Contains(sent, hash) {
			log.Info("digest already delivered with this content; not sent again", "report", rp.name, "to", rcpt)
			continue
		}
		correction := len(sent) > 0
		d, err := digest(correction)
		if err != nil {
			return failures, err
		}
		rec := load.Delivery{Report: rp.name, Month: jc.Month, Recipient: rcpt, ContentHash: hash, RunID: jc.RunID,
			Status: "pending", Correction: correction}
		if err := ledger.Record(ctx, rec); err != nil {
			return failures, err
		}
		attempts, sendErr := sendWithRetry(ctx, log, mailer, report.NewMessage(d, cfg.From, []string{rcpt}, attach), cfg)
		rec.Attempts = attempts
		if sendErr != nil {
			rec.Status, rec.Error = "failed", truncate(sendErr.Error(), 1000)
			failures = append(failures, fmt.Sprintf("%s digest to %s after %d %s: %v", rp.name, rcpt, attempts, plural(attempts, "attempt", "attempts"), sendErr))
			log.Error("digest delivery failed", "report", rp.name, "to", rcpt, "attempts", attempts, "err", sendErr)
		} else {
			rec.Status = "sent"
			jc.RowsWritten++
			log.Info("digest delivered", "report", rp.name, "to", rcpt, "attempts", attempts, "correction", correction)
		}
		// Record even when the run is being cancelled: the mail went (or not).
		if err := ledger.Record(context.WithoutCancel(ctx), rec); err != nil {
			return failures, err
		}
	}
	return failures, nil
}

// sendWithRetry sends msg, retrying temporary failures with exponential
// backoff (cfg.RetryBackoff doubling, at most a minute apart) up to
// cfg.Retries times. It returns the number of attempts made.
func sendWithRetry(ctx context.Context, log *slog.Logger, mailer Mailer, msg *report.Message, cfg report.MailConfig) (int, error) {
	wait := cfg.RetryBackoff
	for attempt := 1; ; attempt++ {
		err := mailer.Send(ctx, msg)
		if err == nil {
			return attempt, nil
		}
		if attempt > cfg.Retries || !report.IsTemporary(err) || ctx.Err() != nil {
			return attempt, err
		}
		log.Warn("digest delivery failed; retrying", "report", msg.Report, "to", strings.Join(msg.To, ", "),
			"attempt", attempt, "wait", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return attempt, fmt.Errorf("%w (then: %w)", err, ctx.Err())
		case <-t.C:
		}
		wait = min(wait*2, time.Minute)
	}
}

// truncate shortens s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
