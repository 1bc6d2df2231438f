package load

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/signalsdev/signals/transform"
)

// MRRWriter writes one month of the revenue job: it clears the month from
// mrr_monthly, customer_mrr_monthly and cohort_retention, streams customer
// rows with COPY as they come, then writes the totals and cohorts.
type MRRWriter struct {
	tx        *sqlx.Tx
	month     transform.Month
	monthText string // month as COPY text, formatted once
	customers *Copier
	open      *Copier // the COPY in progress, nil between them
	written   int64
}

// NewMRRWriter clears month m and opens the customer COPY.
func NewMRRWriter(ctx context.Context, tx *sqlx.Tx, m transform.Month) (*MRRWriter, error) {
	for _, t := range [...]struct{ table, col string }{
		{"mrr_monthly", "month"}, {"customer_mrr_monthly", "month"}, {"cohort_retention", "month"},
	} {
		if _, err := DeleteMonth(ctx, tx, t.table, t.col, m); err != nil {
			return nil, err
		}
	}
	cp, err := Copy(ctx, tx, "customer_mrr_monthly",
		"month", "customer_id", "mrr_start", "mrr_end", "mrr_fx", "mrr_change", "movement", "cohort_month",
		"segment", "region", "industry", "acquisition_channel")
	if err != nil {
		return nil, err
	}
	return &MRRWriter{tx: tx, month: m, monthText: m.DateString(), customers: cp, open: cp}, nil
}

// Abort ends the COPY in progress, if any, so that the caller can roll the
// transaction back: a connection left in the middle of a COPY cannot run
// ROLLBACK. Call it (deferred) when the month fails; it does nothing after a
// successful Finish. Rows already sent are discarded with the transaction.
func (w *MRRWriter) Abort() {
	if w.open != nil {
		_ = w.open.stmt.Close() // the failure being handled is the error worth reporting
		w.open = nil
	}
}

// Customer streams one customer_mrr_monthly row. Dates go as text: the
// driver's own formatting of time.Time showed in the profile at 100,000
// rows.
func (w *MRRWriter) Customer(c transform.CustomerMRR) error {
	return w.customers.Row(w.monthText, c.CustomerID, c.Start.String(), c.End.String(), c.FX.String(),
		(c.End - c.Start).String(), string(c.Movement), c.Cohort.DateString(),
		nullText(c.Customer.Segment), nullText(c.Customer.Region), nullText(c.Customer.Industry), nullText(c.Customer.AcquisitionChannel))
}

// Finish closes the customer COPY and writes the totals and cohorts. It
// returns the number of rows written.
func (w *MRRWriter) Finish(ctx context.Context, totals []transform.MRRMonthly, cohorts []transform.CohortRow) (int64, error) {
	w.open = nil
	n, err := w.customers.Close()
	if err != nil {
		return 0, err
	}
	w.written += n
	cp, err := Copy(ctx, w.tx, "mrr_monthly",
		"month", "dimension", "member", "currency",
		"customers_start", "customers_new", "customers_reactivated", "customers_expanded", "customers_contracted", "customers_churned", "customers_end",
		"mrr_start", "mrr_fx", "mrr_new", "mrr_reactivation", "mrr_expansion", "mrr_contraction", "mrr_churned", "mrr_end",
		"logo_churn_rate", "gross_mrr_churn_rate", "net_mrr_churn_rate", "grr", "nrr", "quick_ratio", "net_customer_change_rate")
	if err != nil {
		return 0, err
	}
	w.open = cp
	for _, t := range totals {
		if !t.BridgeHolds() {
			return 0, fmt.Errorf("mrr bridge of %s %s=%s does not hold", t.Month, t.Dimension, t.Member)
		}
		if err := cp.Row(t.Month.Date(), t.Dimension, t.Member, t.Currency,
			t.CustomersStart, t.CustomersNew, t.CustomersReactivated, t.CustomersExpanded, t.CustomersContracted, t.CustomersChurned, t.CustomersEnd,
			t.MRRStart.String(), t.MRRFX.String(), t.MRRNew.String(), t.MRRReactivation.String(), t.MRRExpansion.String(),
			t.MRRContraction.String(), t.MRRChurned.String(), t.MRREnd.String(),
			Float(t.LogoChurnRate), Float(t.GrossMRRChurnRate), Float(t.NetMRRChurnRate), Float(t.GRR), Float(t.NRR),
			Float(t.QuickRatio), Float(t.NetCustomerChangeRate)); err != nil {
			return 0, err
		}
	}
	w.open = nil
	if n, err = cp.Close(); err != nil {
		return 0, err
	}
	w.written += n
	cp, err = Copy(ctx, w.tx, "cohort_retention",
		"cohort_month", "months_since", "month", "customers", "customers_active", "mrr_cohort", "mrr_active")
	if err != nil {
		return 0, err
	}
	w.open = cp
	for _, c := range cohorts {
		if err := cp.Row(c.Cohort.Date(), c.MonthsSince, c.Month.Date(), c.Customers, c.CustomersActive,
			c.MRRCohort.String(), c.MRRActive.String()); err != nil {
			return 0, err
		}
	}
	w.open = nil
	if n, err = cp.Close(); err != nil {
		return 0, err
	}
	w.written += n
	return w.written, nil
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}
