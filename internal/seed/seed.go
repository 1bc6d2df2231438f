package seed

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	sqlfiles "github.com/signalsdev/signals/sql"
	"github.com/signalsdev/signals/transform"
)

// Options says what to generate. The zero value of every field but Until
// means its default.
type Options struct {
	// Customers is the number of customers, C000001 upwards. Default 2000.
	Customers int
	// Months is the length of the window in months, ending with Until.
	// Default 24. Customers may predate the window by up to two years.
	Months int
	// Until is the last month of data (inclusive): nothing happens at or
	// after Until.End(Loc). Required.
	Until transform.Month
	// Seed seeds every random draw. The same Options give byte-identical
	// tables, whatever the machine or the clock.
	Seed int64
	// Loc is the reporting time zone that places events in months and days
	// (local office hours, local midnight on the 1st). Nil means UTC.
	Loc *time.Location
}

// Stats reports what Run wrote.
type Stats struct {
	Rows    map[string]int64 // rows per table, by schema-qualified name ("crm.customers")
	Elapsed time.Duration    // wall time of Run
}

// Defaults of Options.
const (
	DefaultCustomers = 2000
	DefaultMonths    = 24
)

// maxCustomers bounds a seed; customer numbers are zero-padded to six
// digits, or to the width of the largest, so that ids sort in number order.
const maxCustomers = 10_000_000

// chunkSize is how many customers are simulated at a time: the memory bound.
// Each table is copied chunk by chunk, so the rows stay in customer order.
const chunkSize = 4096

func (o Options) withDefaults() (Options, error) {
	if o.Customers == 0 {
		o.Customers = DefaultCustomers
	}
	if o.Months == 0 {
		o.Months = DefaultMonths
	}
	if o.Loc == nil {
		o.Loc = time.UTC
	}
	switch {
	case o.Customers < 0 || o.Customers > maxCustomers:
		return o, fmt.Errorf("customers %d: want 1 to %d", o.Customers, maxCustomers)
	case o.Months < 0 || o.Months > 240:
		return o, fmt.Errorf("months %d: want 1 to 240", o.Months)
	case o.Until.Year() < 1950 || o.Until.Year() > 9000:
		return o, fmt.Errorf("until %s: want a month between 1950 and 9000", o.Until)
	}
	return o, nil
}

// table is a source table and the columns the generator fills, in order.
type table struct {
	schema, name string
	cols         []string
}

func (t table) String() string { return t.schema + "." + t.name }

// The source tables (read-only).
var (
	tCustomers     = table{"crm", "customers", []string{"customer_id", "name", "segment", "region", "industry", "acquisition_channel", "owner", "created_at"}}
	tSubscriptions = table{"billing", "subscriptions", []string{"subscription_id", "customer_id", "plan", "currency", "interval_months", "amount", "is_trial", "started_at", "ended_at"}}
	tFX            = table{"billing", "fx_rates", []string{"currency", "month", "rate"}}
	tInvoices      = table{"billing", "invoices", []string{"invoice_id", "customer_id", "subscription_id", "currency", "amount", "status", "issued_at", "due_at", "paid_at", "failed_attempts"}}
	tResponses     = table{"survey", "responses", []string{"response_id", "customer_id", "survey_type", "score", "touchpoint", "comment", "responded_at"}}
	tTickets       = table{"support", "tickets", []string{"ticket_id", "customer_id", "opened_at", "closed_at", "priority", "category", "subject", "body"}}
	tUsage         = table{"product", "usage_daily", []string{"customer_id", "day", "active_users", "events"}}
	tCampaigns     = table{"crm", "campaigns", []string{"campaign_id", "name", "channel", "started_at", "ended_at", "window_days", "control_share"}}
	tMembers       = table{"crm", "campaign_members", []string{"campaign_id", "customer_id", "arm", "assigned_at"}}
	tEvents        = table{"crm", "campaign_events", []string{"campaign_id", "customer_id", "event", "value", "occurred_at"}}
)

// Tables lists the source tables Run fills, schema-qualified.
func Tables() []string {
	var names []string
	for _, t := range allTables() {
		names = append(names, t.String())
	}
	return names
}

func allTables() []table {
	return []table{tCustomers, tSubscriptions, tFX, tInvoices, tResponses, tTickets, tUsage, tCampaigns, tMembers, tEvents}
}

// perCustomer is a table written customer by customer from the simulation.
type perCustomer struct {
	t    table
	rows func(g *generator, c *customer, h *history, emit emitFunc) error
}

func perCustomerTables() []perCustomer {
	return []perCustomer{
		{tCustomers, (*generator).customerRows},
		{tSubscriptions, (*generator).subscriptionRows},
		{tInvoices, (*generator).invoiceRows},
		{tResponses, (*generator).responseRows},
		{tTickets, (*generator).ticketRows},
		{tUsage, (*generator).usageRows},
		{tMembers, (*generator).memberRows},
		{tEvents, (*generator).eventRows},
	}
}

// Run creates the source schema if it is missing, empties every source
// table and fills them all in one transaction, with COPY. Customers are
// simulated a chunk at a time and their rows streamed, so memory does not
// grow with the number of customers. Nothing reads the clock except to
// measure Stats.Elapsed.
func Run(ctx context.Context, db *sqlx.DB, o Options) (Stats, error) {
	began := time.Now()
	st := Stats{Rows: map[string]int64{}}
	o, err := o.withDefaults()
	if err != nil {
		return st, fmt.Errorf("seed options: %w", err)
	}
	g := newGenerator(o)
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return st, fmt.Errorf("begin the seed transaction: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if _, err := tx.ExecContext(ctx, sqlfiles.Warehouse); err != nil {
		return st, fmt.Errorf("create the source schema: %w", err)
	}
	names := Tables()
	if _, err := tx.ExecContext(ctx, "truncate table "+strings.Join(names, ", ")); err != nil {
		return st, fmt.Errorf("truncate the source tables: %w", err)
	}
	for _, name := range names {
		st.Rows[name] = 0
	}
	if err := copyRows(ctx, tx, tFX, st.Rows, g.fxRows); err != nil {
		return st, err
	}
	if err := copyRows(ctx, tx, tCampaigns, st.Rows, g.campaignRows); err != nil {
		return st, err
	}
	restore, err := dropKeys(ctx, tx, []table{tInvoices, tResponses, tTickets, tUsage})
	if err != nil {
		return st, err
	}
	pcs := perCustomerTables()
	custs := make([]customer, 0, chunkSize)
	hists := make([]history, chunkSize)
	for lo := 0; lo < o.Customers; lo += chunkSize {
		hi := min(lo+chunkSize, o.Customers)
		custs = custs[:0]
		for i := lo; i < hi; i++ {
			custs = append(custs, g.newCustomer(i))
			g.simulate(&custs[i-lo], &hists[i-lo])
		}
		for _, pc := range pcs {
			err := copyRows(ctx, tx, pc.t, st.Rows, func(emit emitFunc) error {
				for i := range custs {
					if err := pc.rows(g, &custs[i], &hists[i], emit); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return st, err
			}
		}
	}
	if err := restore(); err != nil {
		return st, err
	}
	if _, err := tx.ExecContext(ctx, sqlfiles.WarehouseIndexes); err != nil {
		return st, fmt.Errorf("create the recommended source indexes: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return st, fmt.Errorf("commit the seed: %w", err)
	}
	// Fresh statistics, so the first run's plans fit the data.
	for _, t := range Tables() {
		if _, err := db.ExecContext(ctx, "analyze "+t); err != nil {
			return st, fmt.Errorf("analyze %s: %w", t, err)
		}
	}
	st.Elapsed = time.Since(began)
	return st, nil
}

// copyRows runs one COPY into t on tx, feeding it the rows fill emits, and
// adds their number to counts.
func copyRows(ctx context.Context, tx *sqlx.Tx, t table, counts map[string]int64, fill func(emitFunc) error) (err error) {
	stmt, err := tx.PrepareContext(ctx, pq.CopyInSchema(t.schema, t.name, t.cols...))
	if err != nil {
		return fmt.Errorf("copy %s: %w", t, err)
	}
	defer func() {
		if cerr := stmt.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("copy %s: %w", t, cerr)
		}
	}()
	var n int64
	emit := func(vals ...any) error {
		if len(vals) != len(t.cols) {
			return fmt.Errorf("%d values for %d columns", len(vals), len(t.cols))
		}
		for i, v := range vals {
			if t, ok := v.(time.Time); ok {
				vals[i] = timestamp(t)
			}
		}
		n++
		_, err := stmt.ExecContext(ctx, vals...)
		return err
	}
	if err := fill(emit); err != nil {
		return fmt.Errorf("copy %s: %w", t, err)
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy %s: %w", t, err)
	}
	counts[t.String()] += n
	return nil
}

// dropKeys drops the primary keys of the big tables, when no foreign key
// refers to them, so that COPY does not maintain their indexes row by row;
// restore adds them back as they were, one sort each, inside the same
// transaction (and so checks that the generated keys are unique).
func dropKeys(ctx context.Context, tx *sqlx.Tx, ts []table) (restore func() error, err error) {
	type key struct{ table, name, def string }
	var keys []key
	for _, t := range ts {
		var ks []struct {
			Name string `db:"conname"`
			Def  string `db:"def"`
		}
		err := tx.SelectContext(ctx, &ks, `select c.conname, pg_get_constraintdef(c.oid) as def
			from pg_constraint c
			where c.conrelid = $1::regclass and c.contype = 'p'
			  and not exists (select 1 from pg_constraint f where f.confrelid = c.conrelid and f.contype = 'f')`,
			pq.QuoteIdentifier(t.schema)+"."+pq.QuoteIdentifier(t.name))
		if err != nil {
			return nil, fmt.Errorf("find the primary key of %s: %w", t, err)
		}
		for _, k := range ks {
			q := fmt.Sprintf("alter table %s drop constraint %s", t, pq.QuoteIdentifier(k.Name))
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return nil, fmt.Errorf("drop the primary key of %s: %w", t, err)
			}
			keys = append(keys, key{t.String(), k.Name, k.Def})
		}
	}
	return func() error {
		for _, k := range keys {
			q := fmt.Sprintf("alter table %s add constraint %s %s", k.table, pq.QuoteIdentifier(k.name), k.def)
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("restore the primary key of %s: %w", k.table, err)
			}
		}
		return nil
	}, nil
}

// timestamp formats t, to the second, as a timestamptz literal in UTC:
// "2026-03-05 14:23:11+00". It is several times cheaper than the driver's
// general formatting, and COPY sends millions of them.
func timestamp(t time.Time) string {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	var b [22]byte
	put := func(at, v, width int) {
		for i := at + width - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, y, 4)
	b[4] = '-'
	put(5, int(mo), 2)
	b[7] = '-'
	put(8, d, 2)
	b[10] = ' '
	put(11, h, 2)
	b[13] = ':'
	put(14, mi, 2)
	b[16] = ':'
	put(17, s, 2)
	b[19], b[20], b[21] = '+', '0', '0'
	return string(b[:])
}
