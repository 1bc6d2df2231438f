package jobs

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	sqlfiles "github.com/signalsdev/signals/sql"
	"github.com/signalsdev/signals/transform"
)

// BackfillOptions describe a backfill over the months From..To inclusive.
type BackfillOptions struct {
	From, To transform.Month
	Jobs     []Job
	// Parallel is how many months run at once (default 1). Each month's jobs
	// run in order.
	Parallel int
	// Send delivers digests (the reports job); off by default for backfills.
	Send bool
	// DryRun prints the plan and runs nothing.
	DryRun bool
	// Progress receives one line per finished month (stderr).
	Progress io.Writer
}

// BackfillResult sums up a backfill.
type BackfillResult struct {
	Ran, Skipped, Failed int
	Outcomes             []Outcome
}

// Backfill runs opts.Jobs for every month of the range. A month whose latest
// run of every job succeeded with the same parameters and data watermark is
// skipped unless Config.Force, so an interrupted backfill resumes where it
// stopped. The first error is returned after the running months finish;
// months not yet started are not started.
func (r *Runner) Backfill(ctx context.Context, opts BackfillOptions) (BackfillResult, error) {
	var res BackfillResult
	if opts.To < opts.From {
		return res, UsageError{fmt.Errorf("backfill range %s to %s is reversed: --from must not be after --to", opts.From, opts.To)}
	}
	if opts.Parallel < 1 {
		opts.Parallel = 1
	}
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	months := transform.Months(opts.From, opts.To)
	if !r.Config.AllowOpenMonth {
		if last := opts.To; last.End(r.Config.Loc).After(r.Now()) {
			return res, UsageError{fmt.Errorf("backfill month %s has not closed yet in %s; end the range at %s or pass --allow-open-month",
				last, r.Config.Loc, transform.LastClosed(r.Now(), r.Config.Loc))}
		}
	}
	wm, err := r.warehouse().Watermark(ctx)
	if err != nil {
		return res, err
	}
	done, err := r.doneMonths(ctx, opts, wm)
	if err != nil {
		return res, err
	}
	var todo []transform.Month
	for _, m := range months {
		if done[m] && !r.Config.Force {
			res.Skipped++
			if opts.DryRun {
				fmt.Fprintf(opts.Progress, "%s skip: already succeeded with the same parameters and data (use --force to rerun)\n", m)
			}
			continue
		}
		todo = append(todo, m)
		if opts.DryRun {
			fmt.Fprintf(opts.Progress, "%s run: %v\n", m, Names(opts.Jobs))
		}
	}
	if opts.DryRun {
		fmt.Fprintf(opts.Progress, "plan: %d months to run, %d to skip, %d at a time\n", len(todo), res.Skipped, opts.Parallel)
		return res, nil
	}

	start := r.Now()
	var (
		mu       sync.Mutex
		firstErr error
		finished int
	)
	sem := make(chan struct{}, opts.Parallel)
	var wg sync.WaitGroup
	for _, m := range todo {
		mu.Lock()
		stop := firstErr != nil
		mu.Unlock()
		if stop || ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			t0 := r.Now()
			outs, err := r.RunMonth(ctx, m, opts.Jobs, opts.Send)
			mu.Lock()
			defer mu.Unlock()
			finished++
			res.Outcomes = append(res.Outcomes, outs...)
			status := "done"
			if err != nil {
				res.Failed++
				status = "FAILED: " + err.Error()
				if firstErr == nil {
					firstErr = err
				}
			} else {
				res.Ran++
			}
			elapsed := r.Now().Sub(start)
			eta := time.Duration(float64(elapsed) / float64(finished) * float64(len(todo)-finished))
			fmt.Fprintf(opts.Progress, "month %d of %d (%s) %s in %s; elapsed %s, about %s left\n",
				finished, len(todo), m, status, r.Now().Sub(t0).Round(time.Millisecond),
				elapsed.Round(time.Second), eta.Round(time.Second))
		}()
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return res, firstErr
}

// doneMonths returns the months of the range that every job of opts already
// completed with the current parameters and watermark.
func (r *Runner) doneMonths(ctx context.Context, opts BackfillOptions, wm time.Time) (map[transform.Month]bool, error) {
	count := map[transform.Month]int{}
	for _, j := range opts.Jobs {
		params := r.params(j.Name())
		var months []time.Time
		if err := r.DB.SelectContext(ctx, &months, sqlfiles.Query("job_runs_done"), j.Name(),
			opts.From.Date(), opts.To.Date(), paramsHash(params, wm)); err != nil {
			return nil, fmt.Errorf("read finished months of job %s: %w", j.Name(), err)
		}
		for _, t := range months {
			count[transform.NewMonth(t.Year(), t.Month())]++
		}
	}
	done := map[transform.Month]bool{}
	for m, n := range count {
		done[m] = n == len(opts.Jobs)
	}
	return done, nil
}
