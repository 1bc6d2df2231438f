package load

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"

	sqlfiles "github.com/signalsdev/signals/sql"
	"github.com/signalsdev/signals/transform"
)

// healthBatch is how many customers HealthWriter holds before it writes
// them: its memory is bounded by it, not by the number of customers.
const healthBatch = 2000

// HealthWriter writes one month of the health job: customer_health and
// customer_signals, with COPY, in batches of customers (two COPYs cannot
// share the transaction's connection at once, so each batch writes its
// health rows, then its signals).
type HealthWriter struct {
	tx      *sqlx.Tx
	month   transform.Month
	batch   []transform.HealthResult
	written int64
}

// NewHealthWriter deletes month m from customer_health and customer_signals.
func NewHealthWriter(ctx context.Context, tx *sqlx.Tx, m transform.Month) (*HealthWriter, error) {
	for _, t := range [...]string{"customer_health", "customer_signals"} {
		if _, err := DeleteMonth(ctx, tx, t, "month", m); err != nil {
			return nil, err
		}
	}
	return &HealthWriter{tx: tx, month: m}, nil
}

// Add queues one customer's health and signals, writing a batch when it is
// full.
func (w *HealthWriter) Add(ctx context.Context, r transform.HealthResult) error {
	w.batch = append(w.batch, r)
	if len(w.batch) >= healthBatch {
		return w.flush(ctx)
	}
	return nil
}

// Finish writes what is queued and returns the number of rows written.
func (w *HealthWriter) Finish(ctx context.Context) (int64, error) {
	if err := w.flush(ctx); err != nil {
		return 0, err
	}
	return w.written, nil
}

func (w *HealthWriter) flush(ctx context.Context) error {
	if len(w.batch) == 0 {
		return nil
	}
	cp, err := Copy(ctx, w.tx, "customer_health", "month", "customer_id", "score", "band", "prev_score", "components", "mrr")
	if err != nil {
		return err
	}
	signals := 0
	for _, r := range w.batch {
		comps, err := json.Marshal(r.Components)
		if err != nil {
			return fmt.Errorf("encode health components of customer %s: %w", r.CustomerID, err)
		}
		if err := cp.Row(r.Month.Date(), r.CustomerID, fmt.Sprintf("%.1f", r.Score), string(r.Band),
			healthScore(r.PrevScore), string(comps), r.MRR.String()); err != nil {
			return err
		}
		signals += len(r.Signals)
	}
	n, err := cp.Close()
	if err != nil {
		return err
	}
	w.written += n
	if signals > 0 {
		cp, err = Copy(ctx, w.tx, "customer_signals", "month", "customer_id", "signal", "severity", "evidence")
		if err != nil {
			return err
		}
		for _, r := range w.batch {
			for _, s := range r.Signals {
				if err := cp.Row(r.Month.Date(), r.CustomerID, s.Signal, s.Severity, s.Evidence); err != nil {
					return err
				}
			}
		}
		if n, err = cp.Close(); err != nil {
			return err
		}
		w.written += n
	}
	w.batch = w.batch[:0]
	return nil
}

func healthScore(s *float64) any {
	if s == nil {
		return nil
	}
	return fmt.Sprintf("%.1f", *s)
}

// LinkHealthMonths sets prev_score of month m's and month m+1's
// customer_health rows from the months before them (query
// health_prev_link), and returns the number of rows it changed. Run it in
// the job's transaction after m is written, serialised with the health runs
// of neighbouring months.
func LinkHealthMonths(ctx context.Context, tx *sqlx.Tx, m transform.Month) (int64, error) {
	// Month m was written in this transaction, so the planner's statistics
	// do not know its rows: it took 54,000 for one and joined them to the
	// month before in a nested loop that ran for minutes. Hash or merge
	// joins are right at any size here; statistics cannot make them wrong.
	if _, err := tx.ExecContext(ctx, "set local enable_nestloop = off"); err != nil {
		return 0, err
	}
	var changed int64
	for _, k := range [...]transform.Month{m, m.Add(1)} {
		res, err := tx.ExecContext(ctx, sqlfiles.Query("health_prev_link"), k.Date(), k.Add(-1).Date())
		if err != nil {
			return changed, fmt.Errorf("link health of %s to %s: %w", k, k.Add(-1), err)
		}
		n, _ := res.RowsAffected()
		changed += n
	}
	_, err := tx.ExecContext(ctx, "set local enable_nestloop = on")
	return changed, err
}
