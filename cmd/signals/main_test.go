package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/signalsdev/signals/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// cli runs the command in-process with the given environment and returns
// its exit status and output.
func cli(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr)
	return exitCode(err), stdout.String(), stderr.String()
}

var binary struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// signalsBinary builds the command once per test binary, for the tests that
// need a real process (signals, kill -9).
func signalsBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		dir, err := os.MkdirTemp("", "signals-bin-")
		if err != nil {
			binary.err = err
			return
		}
		binary.path = filepath.Join(dir, "signals")
		cmd := exec.Command("go", "build", "-o", binary.path, ".")
		binary.out, binary.err = cmd.CombinedOutput()
	})
	if binary.err != nil {
		t.Fatalf("build signals: %v\n%s", binary.err, binary.out)
	}
	return binary.path
}

// warehouse is a database with the source schema and a small, varied
// fixture: 300 customers with monthly and annual plans in USD and EUR from
// 2025-01, some churning, and EUR rates for every month.
func warehouse(t *testing.T) (*pgtest.DB, map[string]string) {
	t.Helper()
	db := pgtest.New(t, pgtest.WithWarehouse())
	db.Exec(t, `
insert into crm.customers
select 'C' || lpad(i::text, 4, '0'), 'Company ' || i,
       (array['SMB', 'Mid-Market', 'Enterprise'])[1 + i % 3],
       case when i % 11 = 0 then null else (array['EMEA', 'APAC', 'North America'])[1 + i % 3] end,
       'Software', (array['organic', 'partner'])[1 + i % 2], 'Ann', timestamptz '2024-12-01'
from generate_series(1, 300) i;

insert into billing.subscriptions
select 's' || i, 'C' || lpad(i::text, 4, '0'), 'pro', case when i % 5 = 0 then 'EUR' else 'USD' end,
       case when i % 7 = 0 then 12 else 1 end, (50 + (i % 10) * 10) * case when i % 7 = 0 then 12 else 1 end,
       false,
       timestamptz '2025-01-01 09:00+00' + (i % 360) * interval '1 day',
       case when i % 4 = 0 then timestamptz '2025-01-01 09:00+00' + (i % 360 + 40 + i % 200) * interval '1 day' end
from generate_series(1, 300) i;

insert into billing.fx_rates
select 'EUR', d::date, 1.05 + extract(month from d) / 100.0
from generate_series(date '2024-12-01', date '2027-01-01', interval '1 month') d;
`)
	env := map[string]string{"DATABASE_URL": db.URL, "SIGNALS_LOG_FORMAT": "text", "SIGNALS_OUT": t.TempDir()}
	return db, env
}

// dump is a canonical text of the rows of a reporting table for a month.
func dump(t *testing.T, db *pgtest.DB, table, where string) string {
	t.Helper()
	var s string
	if err := db.Get(&s, `select coalesce(string_agg(x, E'\n' order by x), '') from (select t::text as x from reporting.`+table+` t where `+where+`) d`); err != nil {
		t.Fatalf("dump %s: %v", table, err)
	}
	return s
}
