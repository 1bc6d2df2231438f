package jobs

import (
	"time"

	"github.com/signalsdev/signals/report"
	"github.com/signalsdev/signals/transform"
)

// Config is everything a run needs, built once by the command from flags,
// the environment, an optional config file and defaults (flag > environment >
// config file > default; see README).
type Config struct {
	// DatabaseURL is the warehouse connection URL (DATABASE_URL). Secret:
	// never logged; use Redact.
	DatabaseURL string
	// Schema is the reporting schema (SIGNALS_SCHEMA, default "reporting").
	Schema string
	// Loc is the reporting time zone (--tz, SIGNALS_TZ, default UTC).
	Loc *time.Location
	// Currency is the reporting currency, ISO 4217 (--currency,
	// SIGNALS_CURRENCY, default USD).
	Currency string
	// OutDir receives workbooks and the outbox (--out, default ./out).
	OutDir string

	// AllowEmpty computes a job even when its primary source is empty.
	AllowEmpty bool
	// RequireFresh refuses a month that ends after the data watermark.
	RequireFresh bool
	// AllowOpenMonth allows a month that has not closed yet.
	AllowOpenMonth bool
	// Force reruns backfill months that already succeeded with the same
	// parameters and watermark.
	Force bool

	// LockWait is how long a run waits for another run of the same job and
	// month before skipping (default 5s).
	LockWait time.Duration
	// JobTimeout bounds one job-month, retries included (default 30m).
	JobTimeout time.Duration
	// StatementTimeout bounds each statement (default 10m).
	StatementTimeout time.Duration
	// QueryWorkers is max_parallel_workers_per_gather for the statements
	// of a job (SIGNALS_QUERY_WORKERS). Nil leaves the server's setting,
	// except in a backfill of several months at once, which gets its
	// parallelism from the months and runs them with 0: on 2 cores, the
	// workers of two months' queries fought the months' COPY backends and
	// made the backfill 20% slower.
	QueryWorkers *int
	// Retries is how many times a transient database error is retried
	// (default 4), with capped exponential backoff and jitter.
	Retries int

	// Schedule is the cron spec of `signals schedule` (SIGNALS_SCHEDULE,
	// default DefaultSchedule), in the reporting time zone.
	Schedule string

	// Version is the build's version, recorded in job_runs and workbooks.
	Version string

	// Surveys configures the surveys job: the CES scale (default 0–5, easy
	// from 4).
	Surveys transform.SurveyConfig
	// Health configures the health job: component weights (default
	// sentiment 30, billing 20, support 15, MRR trend 20, usage 15), the
	// contract-request and cancel-intent phrases, competitor names (default
	// none) and the sentiment look-back (default 6 months).
	Health transform.HealthConfig
	// Mail configures digest delivery for the reports job: SMTP server
	// (SIGNALS_SMTP_URL, secret), sender (SIGNALS_MAIL_FROM), recipients
	// (SIGNALS_FINANCE_TO, SIGNALS_CX_TO) and the attachment limit
	// (SIGNALS_MAX_ATTACHMENT_MB, default 10). No SMTP URL: digests go to
	// OutDir/YYYY-MM/outbox/ as .eml files.
	Mail report.MailConfig
}

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Schema == "" {
		c.Schema = "reporting"
	}
	if c.Loc == nil {
		c.Loc = time.UTC
	}
	if c.Currency == "" {
		c.Currency = "USD"
	}
	if c.OutDir == "" {
		c.OutDir = "out"
	}
	if c.LockWait == 0 {
		c.LockWait = 5 * time.Second
	}
	if c.JobTimeout == 0 {
		c.JobTimeout = 30 * time.Minute
	}
	if c.StatementTimeout == 0 {
		c.StatementTimeout = 10 * time.Minute
	}
	if c.Retries == 0 {
		c.Retries = 4
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	c.Surveys = c.Surveys.WithDefaults()
	c.Health = c.Health.WithDefaults()
	c.Mail = c.Mail.WithDefaults()
	return c
}
