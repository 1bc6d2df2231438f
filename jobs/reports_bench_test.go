package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/signalsdev/signals/extract"
	"github.com/signalsdev/signals/internal/pgtest"
	"github.com/signalsdev/signals/load"
	"github.com/signalsdev/signals/report"
)

// BenchmarkReportsJob100k renders both workbooks for a month with 100,000
// customer movements read from PostgreSQL (no delivery).
func BenchmarkReportsJob100k(b *testing.B) {
	db := pgtest.New(b, pgtest.WithWarehouse())
	u, _ := load.ConnURL(db.URL, "reporting")
	rdb := sqlx.MustOpen("postgres", u)
	defer rdb.Close()
	ctx := context.Background()
	if _, err := load.Migrate(ctx, rdb.DB, "reporting"); err != nil {
		b.Fatal(err)
	}
	rdb.MustExec(`
insert into crm.customers (customer_id, name, segment, region, created_at)
select 'C' || i, 'Customer ' || i, (array['SMB','Mid-Market','Enterprise'])[1 + i % 3], 'EMEA', '2024-01-01'
from generate_series(1, 100000) i;
insert into customer_mrr_monthly (month, customer_id, mrr_start, mrr_end, mrr_fx, mrr_change, movement, cohort_month, segment, region)
select '2026-09-01', 'C' || i, 100 + i % 500, 100 + i % 500 + (i % 7 - 3), 0, i % 7 - 3,
       case when i % 7 > 3 then 'expansion' when i % 7 < 3 then 'contraction' else 'flat' end,
       date '2024-01-01' + (i % 30) * interval '1 month', (array['SMB','Mid-Market','Enterprise'])[1 + i % 3], 'EMEA'
from generate_series(1, 100000) i;
analyze;`)
	cfg := Config{Schema: "reporting", Loc: time.UTC, Currency: "USD", OutDir: b.TempDir(), Mail: report.MailConfig{}}.WithDefaults()
	for b.Loop() {
		tx := rdb.MustBeginTx(ctx, nil)
		jc := &JobContext{RunID: "00000000-0000-4000-8000-000000000051", Month: sept, Config: &cfg, Warehouse: extract.NewWarehouse(rdb), Tx: tx}
		if err := (Reports{}).Run(ctx, jc); err != nil {
			b.Fatal(err)
		}
		tx.Rollback()
	}
}
