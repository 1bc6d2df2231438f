package jobs

import (
	"testing"

	"github.com/signalsdev/signals/internal/pgtest"
)

// TestMain boots one throwaway PostgreSQL for the package's database tests
// (or uses TEST_DATABASE_URL / DATABASE_URL) and stops it afterwards.
func TestMain(m *testing.M) { pgtest.Main(m) }
