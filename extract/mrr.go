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

// CustomerMRR streams, for month m in time zone loc and reporting currency
// cur, one row per customer that had MRR at some month end up to the end of
// m (query mrr_customers). A subscription in a currency with no FX rate for
// a month it must be converted at is an *InputError naming the currency and
// month. It returns the number of rows read.
func (w *Warehouse) CustomerMRR(ctx context.Context, m transform.Month, loc *time.Location, cur string, fn func(transform.CustomerMonth) error) (int64, error) {
	rows, done, err := w.stream(ctx, sqlfiles.Query("mrr_customers"),
		m.Start(loc), m.End(loc), m.Date(), m.Add(-1).Date(), loc.String(), cur)
	if err != nil {
		return 0, fmt.Errorf("select customer MRR for %s: %w", m, err)
	}
	defer done()
	var (
		n                                  int64
		c                                  transform.CustomerMonth
		cohort                             string
		startPrev, start, end, cohortCents int64
		missingFX                          sql.NullString
	)
	for rows.Next() {
		// Scan, not StructScan: at 100,000 rows a month the reflection
		// showed in the profile.
		if err := rows.Scan(&c.CustomerID, &c.Segment, &c.Region, &c.Industry, &c.AcquisitionChannel, &cohort,
			&startPrev, &start, &end, &cohortCents, &missingFX); err != nil {
			return n, fmt.Errorf("scan customer MRR for %s: %w", m, err)
		}
		n++
		if missingFX.Valid {
			fxCur, mon, _ := strings.Cut(missingFX.String, " ")
			return n, Inputf("no FX rate for currency %s in month %s (billing.fx_rates; needed by customer %s's subscriptions for %s in %s)",
				fxCur, mon, c.CustomerID, m, cur)
		}
		c.StartPrev, c.Start, c.End, c.CohortMRR = transform.Money(startPrev), transform.Money(start), transform.Money(end), transform.Money(cohortCents)
		if c.Cohort, err = transform.ParseMonth(cohort); err != nil {
			return n, fmt.Errorf("customer %s's cohort: %w", c.CustomerID, err)
		}
		if err := fn(c); err != nil {
			return n, err
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("read customer MRR for %s: %w", m, err)
	}
	return n, nil
}
