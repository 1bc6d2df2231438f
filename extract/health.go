package extract

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/lib/pq"

	sqlfiles "github.com/signalsdev/signals/sql"
	"github.com/signalsdev/signals/transform"
)

type healthRow struct {
	CustomerID    string          `db:"customer_id"`
	MRRStartCents int64           `db:"mrr_start_cents"`
	MRREndCents   int64           `db:"mrr_end_cents"`
	PrevScore     sql.NullFloat64 `db:"prev_score"`

	NPSLatestScore  sql.NullInt64  `db:"nps_latest_score"`
	NPSLatestID     sql.NullString `db:"nps_latest_id"`
	NPSPrevScore    sql.NullInt64  `db:"nps_prev_score"`
	NPSPrevID       sql.NullString `db:"nps_prev_id"`
	NPSLowestScore  sql.NullInt64  `db:"nps_lowest_score"`
	NPSLowestID     sql.NullString `db:"nps_lowest_id"`
	CSATLatestScore sql.NullInt64  `db:"csat_latest_score"`
	CSATLatestID    sql.NullString `db:"csat_latest_id"`
	CSATPrevScore   sql.NullInt64  `db:"csat_prev_score"`
	CSATPrevID      sql.NullString `db:"csat_prev_id"`
	SentNPSScore    sql.NullInt64  `db:"sent_nps_score"`
	SentNPSID       sql.NullString `db:"sent_nps_id"`
	SentCSATScore   sql.NullInt64  `db:"sent_csat_score"`
	SentCSATID      sql.NullString `db:"sent_csat_id"`
	SentCESScore    sql.NullInt64  `db:"sent_ces_score"`
	SentCESID       sql.NullString `db:"sent_ces_id"`

	Invoices              int            `db:"invoices"`
	FailedPayments        int            `db:"failed_payments"`
	OverdueInvoices       int            `db:"overdue_invoices"`
	FailedInvoiceID       sql.NullString `db:"failed_invoice_id"`
	FailedInvoiceCurrency sql.NullString `db:"failed_invoice_currency"`
	FailedInvoiceAmount   sql.NullString `db:"failed_invoice_amount"`
	FailedInvoiceStatus   sql.NullString `db:"failed_invoice_status"`
	FailedInvoiceAttempts sql.NullInt64  `db:"failed_invoice_attempts"`

	Tickets    int            `db:"tickets"`
	TicketLoad int            `db:"ticket_load"`
	DocKinds   pq.StringArray `db:"doc_kinds"`
	DocIDs     pq.StringArray `db:"doc_ids"`
	DocTexts   pq.StringArray `db:"doc_texts"`

	Users0  float64 `db:"users_0"`
	Users1  float64 `db:"users_1"`
	Users2  float64 `db:"users_2"`
	Users3  float64 `db:"users_3"`
	Events0 float64 `db:"events_0"`
	Events1 float64 `db:"events_1"`
	Events2 float64 `db:"events_2"`
	Events3 float64 `db:"events_3"`
}

func healthAnswer(score sql.NullInt64, id sql.NullString) *transform.HealthAnswer {
	if !score.Valid {
		return nil
	}
	return &transform.HealthAnswer{ResponseID: id.String, Score: int(score.Int64)}
}

// HealthMRRReady reports whether the mrr job has written month m (query
// health_mrr_ready), whose customers the health job scores.
func (w *Warehouse) HealthMRRReady(ctx context.Context, m transform.Month) (bool, error) {
	var ready bool
	if err := w.db.GetContext(ctx, &ready, sqlfiles.Query("health_mrr_ready"), m.Date()); err != nil {
		return false, fmt.Errorf("check customer_mrr_monthly for %s: %w", m, err)
	}
	return ready, nil
}

// HealthParams are the inputs of the health query that come from
// configuration: the sentiment look-back in months, the CES scale, and the
// LIKE patterns that pick candidate texts by their lower-cased contents
// (transform.HealthScorer.DocumentPatterns).
type HealthParams struct {
	SentimentMonths  int
	CESMin, CESMax   int
	DocumentPatterns []string
}

// HealthCustomers streams, for month m in time zone loc, one row per
// customer with MRR at the end of m with the features of its health score
// (query health_customers). It reads the customers from the reporting table
// customer_mrr_monthly and the previous score from customer_health. It
// returns the number of customers read.
func (w *Warehouse) HealthCustomers(ctx context.Context, m transform.Month, loc *time.Location, p HealthParams, fn func(transform.HealthFeatures) error) (int64, error) {
	var usageMonths pq.StringArray
	for k := -3; k <= 1; k++ {
		usageMonths = append(usageMonths, m.Add(k).Date().Format(time.DateOnly))
	}
	rows, done, err := w.stream(ctx, sqlfiles.Query("health_customers"),
		m.Date(), m.Add(-1).Date(), m.Start(loc), m.End(loc), m.Add(1-p.SentimentMonths).Start(loc),
		usageMonths, p.CESMin, p.CESMax, pq.Array(p.DocumentPatterns))
	if err != nil {
		return 0, fmt.Errorf("select health features for %s: %w", m, err)
	}
	defer done()
	var n int64
	for rows.Next() {
		var r healthRow
		if err := rows.StructScan(&r); err != nil {
			return n, fmt.Errorf("scan health features for %s: %w", m, err)
		}
		n++
		f := transform.HealthFeatures{
			CustomerID:      r.CustomerID,
			MRRStart:        transform.Money(r.MRRStartCents),
			MRREnd:          transform.Money(r.MRREndCents),
			NPSLatest:       healthAnswer(r.NPSLatestScore, r.NPSLatestID),
			NPSPrevious:     healthAnswer(r.NPSPrevScore, r.NPSPrevID),
			NPSLowest:       healthAnswer(r.NPSLowestScore, r.NPSLowestID),
			CSATLatest:      healthAnswer(r.CSATLatestScore, r.CSATLatestID),
			CSATPrevious:    healthAnswer(r.CSATPrevScore, r.CSATPrevID),
			SentimentNPS:    healthAnswer(r.SentNPSScore, r.SentNPSID),
			SentimentCSAT:   healthAnswer(r.SentCSATScore, r.SentCSATID),
			SentimentCES:    healthAnswer(r.SentCESScore, r.SentCESID),
			Invoices:        r.Invoices,
			FailedPayments:  r.FailedPayments,
			OverdueInvoices: r.OverdueInvoices,
			Tickets:         r.Tickets,
			TicketLoad:      r.TicketLoad,
			Usage: [4]transform.HealthUsage{
				{ActiveUsers: r.Users0, Events: r.Events0},
				{ActiveUsers: r.Users1, Events: r.Events1},
				{ActiveUsers: r.Users2, Events: r.Events2},
				{ActiveUsers: r.Users3, Events: r.Events3},
			},
		}
		if r.PrevScore.Valid {
			f.PrevScore = &r.PrevScore.Float64
		}
		if r.FailedInvoiceID.Valid {
			f.FailedInvoice = &transform.HealthInvoice{
				ID: r.FailedInvoiceID.String, Currency: r.FailedInvoiceCurrency.String, Amount: r.FailedInvoiceAmount.String,
				Status: r.FailedInvoiceStatus.String, FailedAttempts: int(r.FailedInvoiceAttempts.Int64),
			}
		}
		for i := range r.DocIDs {
			f.Documents = append(f.Documents, transform.HealthDocument{Kind: r.DocKinds[i], ID: r.DocIDs[i], Text: r.DocTexts[i]})
		}
		if err := fn(f); err != nil {
			return n, err
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("read health features for %s: %w", m, err)
	}
	return n, nil
}
