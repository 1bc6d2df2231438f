package jobs

import (
	"testing"

	"github.com/signalsdev/signals/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
