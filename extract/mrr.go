package extract

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	sqlfiles "github.com/signalsdev/signals/sql"
	"github.com/signalsdev/signals/transform"
)

type customerMRRRow struct {
	CustomerID         string         `db:"customer_id"`
	Segment            string         `db:"segment"`
	Region             string         `db:"region"`
	Industry           string         `db:"industry"`
	AcquisitionChannel string         `db:"acquisition_channel"`
	CohortMonth        time.Time      `db:"cohort_month"`
	StartPrevCents     int64          `db:"start_prev_cents"`
	StartCents         int64          `db:"start_cents"`
	EndCents           int64          `db:"end_cents"`
	CohortCents        int64          `db:"cohort_cents"`
	MissingFX          sql.NullString `db:"missing_fx"`
}

// CustomerMRR streams, for month m in time zone loc and reporting currency
// cur, one row per customer that had MRR at some month end up to the end of
// m (query mrr_customers). A subscription in a currency with no FX rate for
// a month it must be converted at is an *InputError naming the currency and
// month. It returns the number of rows read.
func (w *Warehouse) CustomerMRR(ctx context.Context, m transform.Month, loc *time.Location, cur string, fn func(transform.CustomerMonth) error) (int64, error) {
	rows, err := w.db.QueryxContext(ctx, sqlfiles.Query("mrr_customers"),
		m.Start(loc), m.End(loc), m.Date(), m.Add(-1).Date(), loc.String(), cur)
	if err != nil {
		return 0, fmt.Errorf("select customer MRR for %s: %w", m, err)
	}
	defer rows.Close()
	var n int64
	var r customerMRRRow
	for rows.Next() {
		if err := rows.StructScan(&r); err != nil {
			return n, fmt.Errorf("scan customer MRR for %s: %w", m, err)
		}
		n++
		if r.MissingFX.Valid {
			c, mon, _ := strings.Cut(r.MissingFX.String, " ")
			return n, Inputf("no FX rate for currency %s in month %s (billing.fx_rates; needed by customer %s's subscriptions for %s in %s)",
				c, mon, r.CustomerID, m, cur)
		}
		err := fn(transform.CustomerMonth{
			CustomerID:         r.CustomerID,
			Segment:            r.Segment,
			Region:             r.Region,
			Industry:           r.Industry,
			AcquisitionChannel: r.AcquisitionChannel,
			Cohort:             transform.NewMonth(r.CohortMonth.Year(), r.CohortMonth.Month()),
			StartPrev:          transform.Money(r.StartPrevCents),
			Start:              transform.Money(r.StartCents),
			End:                transform.Money(r.EndCents),
			CohortMRR:          transform.Money(r.CohortCents),
		})
		if err != nil {
			return n, err
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("read customer MRR for %s: %w", m, err)
	}
	return n, nil
}
