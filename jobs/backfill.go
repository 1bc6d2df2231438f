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

	run := r // runs the months
	if opts.Parallel > 1 && r.Config.QueryWorkers == nil {
		// The months are the parallelism: no parallel workers inside them
		// (see Config.QueryWorkers).
		zero := 0
		c := *r
		c.Config.QueryWorkers = &zero
		run = &c
	}
	start := r.Now()
	order := newMonthOrder(todo, opts.Jobs)
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
			outs, err := run.runMonth(ctx, m, opts.Jobs, opts.Send, order)
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

// ReadsEarlierMonths is implemented by a job whose month M reads what other
// jobs wrote for months before M (reports: twelve-month trends). A backfill
// starts it for M only once every earlier month of the backfill has
// finished the jobs listed before it, so that a month rendered in a
// parallel backfill never misses one still being computed.
type ReadsEarlierMonths interface {
	ReadsEarlierMonths() bool
}

// monthOrder holds back, in a parallel backfill, the jobs that read earlier
// months until those months are written. A nil *monthOrder orders nothing.
type monthOrder struct {
	months []transform.Month // ascending
	jobs   []Job
	mu     sync.Mutex
	done   map[transform.Month][]chan struct{} // closed when job i of the month has finished
	failed map[transform.Month][]bool
}

func newMonthOrder(months []transform.Month, js []Job) *monthOrder {
	o := &monthOrder{months: months, jobs: js,
		done: map[transform.Month][]chan struct{}{}, failed: map[transform.Month][]bool{}}
	for _, m := range months {
		o.done[m] = make([]chan struct{}, len(js))
		for i := range js {
			o.done[m][i] = make(chan struct{})
		}
		o.failed[m] = make([]bool, len(js))
	}
	return o
}

// wait blocks job i (j) of month m until the earlier months have finished
// jobs 0..i-1, when j reads earlier months. It fails when one of them failed.
func (o *monthOrder) wait(ctx context.Context, m transform.Month, i int, j Job) error {
	if o == nil {
		return nil
	}
	if re, ok := j.(ReadsEarlierMonths); !ok || !re.ReadsEarlierMonths() {
		return nil
	}
	for _, e := range o.months {
		if e >= m {
			break
		}
		for k := 0; k < i; k++ {
			select {
			case <-o.done[e][k]:
			case <-ctx.Done():
				return ctx.Err()
			}
			o.mu.Lock()
			failed := o.failed[e][k]
			o.mu.Unlock()
			if failed {
				return fmt.Errorf("job %s for %s reads %s, whose %s job did not succeed in this backfill", j.Name(), m, e, o.jobs[k].Name())
			}
		}
	}
	return nil
}

// finish records that job i of month m has ended.
func (o *monthOrder) finish(m transform.Month, i int, ok bool) {
	if o == nil {
		return
	}
	o.mu.Lock()
	o.failed[m][i] = !ok
	o.mu.Unlock()
	close(o.done[m][i])
}

// abandon ends jobs from..len-1 of month m, which will not run (the month
// stopped early), as failed.
func (o *monthOrder) abandon(m transform.Month, from int) {
	if o == nil {
		return
	}
	for i := from; i < len(o.jobs); i++ {
		o.finish(m, i, false)
	}
}
