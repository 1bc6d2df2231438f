// Package jobs orchestrates: the job registry, the runner that takes a
// per-(job, month) advisory lock, records every run in job_runs, retries
// transient database errors and commits each job-month in one transaction;
// backfills over a range of months; and the cron schedule.
//
// Each job (mrr.go, surveys.go, ...) wires extract -> transform -> load for
// one month. Only this package and cmd log.
package jobs
