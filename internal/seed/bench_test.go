package seed_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/signalsdev/signals/internal/pgtest"
	"github.com/signalsdev/signals/internal/seed"
	"github.com/signalsdev/signals/transform"
)

// TestSeedLarge measures a full-size seed (100,000 customers over 36 months
// by default) and prints rows and seconds. It runs only with
// SIGNALS_SEED_BENCH=1; SIGNALS_SEED_CUSTOMERS and SIGNALS_SEED_MONTHS
// change the size. Timing is reported, never asserted.
//
//	SIGNALS_SEED_BENCH=1 go test -run TestSeedLarge -v -timeout 20m ./internal/seed/
func TestSeedLarge(t *testing.T) {
	if os.Getenv("SIGNALS_SEED_BENCH") != "1" {
		t.Skip("set SIGNALS_SEED_BENCH=1 to measure a 100,000-customer seed")
	}
	o := seed.Options{Customers: envInt(t, "SIGNALS_SEED_CUSTOMERS", 100_000), Months: envInt(t, "SIGNALS_SEED_MONTHS", 36),
		Until: transform.NewMonth(2026, time.June), Seed: 42}
	db := pgtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	st, err := seed.Run(ctx, db.DB, o)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, name := range seed.Tables() {
		t.Logf("%-26s %12d rows", name, st.Rows[name])
		total += st.Rows[name]
	}
	t.Logf("%d customers x %d months: %d rows in %.1f s (%.0f rows/s)", o.Customers, o.Months, total,
		st.Elapsed.Seconds(), float64(total)/st.Elapsed.Seconds())
}

func envInt(t *testing.T, k string, def int) int {
	t.Helper()
	v := os.Getenv(k)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("%s=%q: %v", k, v, err)
	}
	return n
}
