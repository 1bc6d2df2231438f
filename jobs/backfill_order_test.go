package jobs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/signalsdev/signals/transform"
)

// orderTestJob is a job that only has a name, and reads earlier months when
// reads is set.
type orderTestJob struct {
	name  string
	reads bool
}

func (j orderTestJob) Name() string                         { return j.name }
func (orderTestJob) Source() string                         { return "" }
func (orderTestJob) Run(context.Context, *JobContext) error { return nil }
func (j orderTestJob) ReadsEarlierMonths() bool             { return j.reads }

// TestMonthOrder: in a backfill, a job that reads earlier months waits for
// the jobs before it in every earlier month of the backfill, and fails when
// one of them failed; other jobs never wait.
func TestMonthOrder(t *testing.T) {
	t.Parallel()
	aug, sep, oct := transform.NewMonth(2026, 8), transform.NewMonth(2026, 9), transform.NewMonth(2026, 10)
	js := []Job{orderTestJob{name: "mrr"}, orderTestJob{name: "health"}, orderTestJob{name: "reports", reads: true}}
	waited := func(o *monthOrder, m transform.Month, i int) (blocked bool, err error) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		err = o.wait(ctx, m, i, js[i])
		return err == context.DeadlineExceeded, err
	}

	t.Run("data jobs never wait", func(t *testing.T) {
		t.Parallel()
		o := newMonthOrder([]transform.Month{aug, sep}, js)
		for i := range 2 {
			if blocked, err := waited(o, sep, i); blocked || err != nil {
				t.Errorf("job %s of %s: blocked %v, err %v; want to run at once", js[i].Name(), sep, blocked, err)
			}
		}
	})
	t.Run("the reader waits for the earlier months' data jobs", func(t *testing.T) {
		t.Parallel()
		o := newMonthOrder([]transform.Month{aug, sep, oct}, js)
		if blocked, _ := waited(o, oct, 2); !blocked {
			t.Fatal("reports of October ran before August and September were written")
		}
		o.finish(aug, 0, true)
		o.finish(aug, 1, true)
		o.finish(sep, 0, true)
		if blocked, _ := waited(o, oct, 2); !blocked {
			t.Fatal("reports of October ran before September's health was written")
		}
		o.finish(sep, 1, true)
		if blocked, err := waited(o, oct, 2); blocked || err != nil {
			t.Fatalf("reports of October: blocked %v, err %v once every earlier month is written", blocked, err)
		}
		if blocked, err := waited(o, aug, 2); blocked || err != nil {
			t.Errorf("reports of the first month: blocked %v, err %v; it has no earlier month in the backfill", blocked, err)
		}
	})
	t.Run("a failed earlier month fails the reader", func(t *testing.T) {
		t.Parallel()
		o := newMonthOrder([]transform.Month{aug, sep}, js)
		o.finish(aug, 0, true)
		o.abandon(aug, 1) // health failed; reports never ran
		_, err := waited(o, sep, 2)
		if err == nil || !strings.Contains(err.Error(), "reads 2026-08, whose health job did not succeed") {
			t.Errorf("reports after a failed month: %v, want an error naming the month and the job", err)
		}
	})
	t.Run("no order outside a backfill", func(t *testing.T) {
		t.Parallel()
		var o *monthOrder
		if err := o.wait(context.Background(), sep, 2, js[2]); err != nil {
			t.Error(err)
		}
		o.finish(sep, 2, true)
		o.abandon(sep, 0)
	})
}
