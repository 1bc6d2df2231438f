package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/lib/pq"
	"github.com/robfig/cron/v3"

	sqlfiles "github.com/signalsdev/signals/sql"
	"github.com/signalsdev/signals/transform"
)

// DefaultSchedule is 07:00 on the 2nd of each month, in the reporting time
// zone: the first morning when last month is closed and loaded.
const DefaultSchedule = "0 7 2 * *"

// ScheduleOptions configure the cron daemon.
type ScheduleOptions struct {
	Spec string // five-field cron spec; DefaultSchedule when empty
	Jobs []Job
	Send bool
	// Grace is how long a SIGTERM waits for the running month (default 25s).
	Grace time.Duration
}

// Schedule stays up and, at start and on every tick of the cron spec (in the
// reporting time zone), runs every closed month since the last month all jobs
// succeeded, so a month missed during downtime is caught up. When ctx ends
// it takes no more work and waits up to Grace for the running month, then
// cancels it.
func (r *Runner) Schedule(ctx context.Context, opts ScheduleOptions) error {
	if opts.Spec == "" {
		opts.Spec = DefaultSchedule
	}
	if opts.Grace == 0 {
		opts.Grace = 25 * time.Second
	}
	logger := cronLogger{r}
	c := cron.New(cron.WithLocation(r.Config.Loc), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var running sync.WaitGroup
	tick := func() {
		running.Add(1)
		defer running.Done()
		if ctx.Err() != nil {
			return
		}
		if err := r.CatchUp(workCtx, opts.Jobs, opts.Send); err != nil {
			r.Log.Error("scheduled run failed", "err", err)
		}
	}
	if _, err := c.AddFunc(opts.Spec, tick); err != nil {
		return UsageError{fmt.Errorf("schedule %q: %w", opts.Spec, err)}
	}
	r.Log.Info("schedule started", "spec", opts.Spec, "tz", r.Config.Loc.String())
	c.Start()
	// Catch up at start, through the cron's own wrappers (no overlap).
	go c.Entries()[0].WrappedJob.Run()
	<-ctx.Done()
	r.Log.Info("stopping: no new work; waiting for the running month", "grace", opts.Grace.String())
	c.Stop() // no new ticks; the running one is awaited below
	idle := make(chan struct{})
	go func() { running.Wait(); close(idle) }()
	select {
	case <-idle:
	case <-time.After(opts.Grace):
		r.Log.Warn("grace period over; cancelling the running month")
		cancelWork()
		<-idle
	}
	return nil
}

// CatchUp runs every closed month after the last month for which all jobs
// succeeded (just the last closed month when none ever did).
func (r *Runner) CatchUp(ctx context.Context, js []Job, send bool) error {
	last := transform.LastClosed(r.Now(), r.Config.Loc)
	var lastOK sql.NullTime
	if err := r.DB.GetContext(ctx, &lastOK, sqlfiles.Query("job_runs_last_success"), pq.Array(Names(js))); err != nil {
		return fmt.Errorf("read the last successful month: %w", err)
	}
	first := last
	if lastOK.Valid {
		first = transform.NewMonth(lastOK.Time.Year(), lastOK.Time.Month()).Add(1)
	}
	for m := first; m <= last; m++ {
		if _, err := r.RunMonth(ctx, m, js, send); err != nil {
			return err
		}
	}
	return nil
}

type cronLogger struct{ r *Runner }

func (l cronLogger) Info(msg string, kv ...any) { l.r.Log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.r.Log.Error("cron: "+msg, append(kv, "err", err)...)
}
