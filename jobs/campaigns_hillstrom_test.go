package jobs

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/signalsdev/signals/internal/pgtest"
	"github.com/signalsdev/signals/transform"
)

// hillstromPath finds ../shared/data/hillstrom/hillstrom.csv beside the
// module root (the directory holding go.mod), wherever the test runs from.
func hillstromPath(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "data", "hillstrom", "hillstrom.csv")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("Hillstrom data set: %v (it lives beside the repository, see shared/data/hillstrom/SOURCE.md)", err)
	}
	return p
}

// hillstromRow is the part of a hillstrom.csv row the test uses.
type hillstromRow struct {
	segment           string // "Mens E-Mail", "Womens E-Mail", "No E-Mail"
	visit, conversion bool
	spend             string // dollars, as written
}

func readHillstrom(t *testing.T) []hillstromRow {
	t.Helper()
	f, err := os.Open(hillstromPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, h := range []string{"segment", "visit", "conversion", "spend"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("hillstrom.csv: no column %q in %q", h, header)
		}
	}
	var rows []hillstromRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("hillstrom.csv: %v", err)
		}
		rows = append(rows, hillstromRow{
			segment:    rec[col["segment"]],
			visit:      rec[col["visit"]] == "1",
			conversion: rec[col["conversion"]] == "1",
			spend:      rec[col["spend"]],
		})
	}
	if len(rows) != 64000 {
		t.Fatalf("hillstrom.csv: %d rows, want 64,000", len(rows))
	}
	return rows
}

// TestCampaignsHillstrom runs the job on Kevin Hillstrom's e-mail experiment
// (64,000 customers randomised to a Mens e-mail, a Womens e-mail or no
// e-mail; visits, conversions and spend within two weeks), loaded as two
// campaigns that share the no-e-mail holdout as their control arm, and
// checks the published per-arm facts.
func TestCampaignsHillstrom(t *testing.T) {
	t.Parallel()
	rows := readHillstrom(t)
	rdb := pgtest.ReportingDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	sent := time.Date(2008, time.March, 3, 12, 0, 0, 0, time.UTC)
	if _, err := rdb.ExecContext(ctx, `insert into crm.campaigns (campaign_id, name, channel, started_at, ended_at, window_days, control_share) values
		('mens', 'Mens E-Mail', 'email', $1, $2, 14, 0.5),
		('womens', 'Womens E-Mail', 'email', $1, $2, 14, 0.5)`, sent, sent.AddDate(0, 0, 14)); err != nil {
		t.Fatal(err)
	}
	tx := rdb.MustBeginTx(ctx, nil)
	members, err := tx.PrepareContext(ctx, pq.CopyInSchema("crm", "campaign_members", "campaign_id", "customer_id", "arm", "assigned_at"))
	if err != nil {
		t.Fatal(err)
	}
	type event struct{ campaign, customer, event, value string }
	var events []event
	for i, r := range rows {
		id := fmt.Sprintf("h%05d", i+1)
		var in []struct{ campaign, arm string }
		switch r.segment {
		case "Mens E-Mail":
			in = append(in, struct{ campaign, arm string }{"mens", "treatment"})
		case "Womens E-Mail":
			in = append(in, struct{ campaign, arm string }{"womens", "treatment"})
		case "No E-Mail":
			in = append(in, struct{ campaign, arm string }{"mens", "control"}, struct{ campaign, arm string }{"womens", "control"})
		default:
			t.Fatalf("row %d: segment %q", i+2, r.segment)
		}
		for _, c := range in {
			if _, err := members.ExecContext(ctx, c.campaign, id, c.arm, sent); err != nil {
				t.Fatal(err)
			}
			if r.visit {
				events = append(events, event{c.campaign, id, "visit", "0"})
			}
			if r.conversion {
				events = append(events, event{c.campaign, id, "purchase", r.spend})
			}
		}
	}
	if _, err := members.ExecContext(ctx); err != nil {
		t.Fatal(err)
	}
	members.Close()
	evs, err := tx.PrepareContext(ctx, pq.CopyInSchema("crm", "campaign_events", "campaign_id", "customer_id", "event", "value", "occurred_at"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if _, err := evs.ExecContext(ctx, e.campaign, e.customer, e.event, e.value, sent.Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := evs.ExecContext(ctx); err != nil {
		t.Fatal(err)
	}
	evs.Close()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	m := transform.NewMonth(2008, time.March)
	runCampaigns(t, rdb, m, time.UTC)
	got := liftRows(t, rdb, m)

	// The published per-arm facts: members, conversion (%, 4 decimals) and
	// spend per customer ($, 4 decimals).
	type arm struct {
		N          int64
		Conversion float64
		Spend      float64
	}
	r4 := func(x float64) float64 { return math.Round(x*1e4) / 1e4 }
	armOf := func(campaign string, treatment bool) arm {
		rate, spend := got[campaign+"/purchase_rate"], got[campaign+"/purchase_per_member"]
		if treatment {
			return arm{rate.NTreatment, r4(100 * rate.TreatmentMean.Float64), r4(spend.TreatmentMean.Float64)}
		}
		return arm{rate.NControl, r4(100 * rate.ControlMean.Float64), r4(spend.ControlMean.Float64)}
	}
	for _, c := range []struct {
		name string
		got  arm
		want arm
	}{
		{"Mens E-Mail", armOf("mens", true), arm{21307, 1.2531, 1.4226}},
		{"No E-Mail (mens control)", armOf("mens", false), arm{21306, 0.5726, 0.6528}},
		{"No E-Mail (womens control)", armOf("womens", false), arm{21306, 0.5726, 0.6528}},
		{"Womens E-Mail", armOf("womens", true), arm{21387, 0.8837, 1.0772}},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, c.got, c.want)
		}
	}
	for _, k := range []string{"mens/purchase_rate", "mens/purchase_per_member", "mens/visit_rate", "womens/purchase_rate", "womens/purchase_per_member", "womens/visit_rate"} {
		r := got[k]
		if r.Reason.Valid || r.LowSample || !r.RelLift.Valid || !r.SRMPValue.Valid || r.SRMPValue.Float64 < transform.LiftSRMThreshold {
			t.Errorf("%s: reason %v, low sample %v, rel %v, srm %v", k, r.Reason, r.LowSample, r.RelLift, r.SRMPValue)
		}
		t.Logf("%-27s control %.4f, treatment %.4f: relative lift %+.4f (95%% CI %+.4f .. %+.4f), p = %.3g; absolute %+.5f; SRM p = %.3f",
			k, r.ControlMean.Float64, r.TreatmentMean.Float64, r.RelLift.Float64, r.RelCILow.Float64, r.RelCIHigh.Float64, r.RelPValue.Float64, r.AbsLift.Float64, r.SRMPValue.Float64)
	}
	mens := got["mens/purchase_rate"]
	t.Logf("Mens e-mail vs no e-mail, purchase_rate (conversion): relative lift %.2f%% (95%% CI %.2f%% .. %.2f%%), p = %.3g",
		100*mens.RelLift.Float64, 100*mens.RelCILow.Float64, 100*mens.RelCIHigh.Float64, mens.RelPValue.Float64)
	if r := got["mens/retained"]; r.NControl != 0 || r.NTreatment != 0 || r.Reason.String != "no members with MRR when assigned in an arm" {
		t.Errorf("mens/retained without subscriptions: %+v", r)
	}
}
