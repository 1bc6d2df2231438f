package load

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sqlfiles "github.com/signalsdev/signals/sql"
	"github.com/signalsdev/signals/transform"
)

// Ledger is the delivery ledger (table deliveries): which digest content
// went to which recipient for which report and month. Unlike the jobs'
// results it is written outside the job-month transaction, statement by
// statement, because a mail that went out cannot be rolled back: the record
// of it must survive a failure later in the run.
type Ledger struct {
	db     sqlx.ExtContext
	schema string
}

// NewLedger writes to schema's deliveries table through db (any search
// path: the table is schema-qualified).
func NewLedger(db sqlx.ExtContext, schema string) (*Ledger, error) {
	if err := ValidSchema(schema); err != nil {
		return nil, err
	}
	return &Ledger{db: db, schema: pq.QuoteIdentifier(schema)}, nil
}

// Delivery is one row of the ledger.
type Delivery struct {
	Report      string // "finance", "cx"
	Month       transform.Month
	Recipient   string
	ContentHash string
	RunID       string
	Status      string // pending, sent, failed
	Attempts    int    // attempts made by this call; they add up
	Error       string // redacted; "" for none
	Correction  bool
}

// Sent returns the content hashes already delivered to recipient for
// report and month, oldest first.
func (l *Ledger) Sent(ctx context.Context, report string, m transform.Month, recipient string) ([]string, error) {
	var hashes []string
	q := fmt.Sprintf(sqlfiles.Query("report_ledger_sent"), l.schema)
	if err := sqlx.SelectContext(ctx, l.db, &hashes, q, report, m.Date(), recipient); err != nil {
		return nil, fmt.Errorf("read delivery ledger for %s %s to %s: %w", report, m, recipient, err)
	}
	return hashes, nil
}

// Record inserts or updates a delivery.
func (l *Ledger) Record(ctx context.Context, d Delivery) error {
	q := fmt.Sprintf(sqlfiles.Query("report_ledger_record"), l.schema)
	if _, err := l.db.ExecContext(ctx, q, d.Report, d.Month.Date(), d.Recipient, d.ContentHash, d.RunID,
		d.Status, d.Attempts, d.Error, d.Correction); err != nil {
		return fmt.Errorf("record %s delivery of %s %s to %s: %w", d.Status, d.Report, d.Month, d.Recipient, err)
	}
	return nil
}
