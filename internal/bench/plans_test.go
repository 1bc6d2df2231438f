package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// An auto_explain log as PostgreSQL writes it: two slow statements, one
// with a clean plan (its nested loop probes an index under a LATERAL's
// Limit and Sort), one with a spill and a nested-loop blow-up, between
// unrelated lines.
const autoExplainLog = `2026-11-23 12:42:39.700 UTC [19814] LOG:  checkpoint starting: time
2026-11-23 12:42:39.795 UTC [19814] LOG:  duration: 1310.389 ms  plan:
	{
	  "Query Text": "-- mrr_customers: one row per customer\nselect 1",
	  "Plan": {"Node Type": "Hash Join", "Actual Rows": 80086, "Actual Loops": 1,
	    "Plans": [{"Node Type": "Seq Scan", "Relation Name": "customers", "Actual Loops": 1},
	              {"Node Type": "Nested Loop", "Plans": [
	                {"Node Type": "Seq Scan", "Actual Loops": 1},
	                {"Node Type": "Limit", "Actual Loops": 12161, "Plans": [{"Node Type": "Sort", "Actual Loops": 12161,
	                  "Plans": [{"Node Type": "Index Scan", "Relation Name": "responses", "Actual Loops": 12161}]}]}]}]}
	}
2026-11-23 12:42:40.164 UTC [19816] LOG:  duration: 86000.5 ms  plan:
	{
	  "Query Text": "update customer_health h set prev_score = 1",
	  "Plan": {"Node Type": "Nested Loop", "Rows Removed by Join Filter": 2900000000,
	    "Plans": [{"Node Type": "Sort", "Sort Method": "external merge", "Sort Space Type": "Disk", "Sort Space Used": 3784},
	              {"Node Type": "Seq Scan", "Relation Name": "customer_health", "Actual Loops": 54000}]}
	}
2026-11-23 12:42:41.000 UTC [19816] LOG:  disconnection: session time: 0:00:01.2
`

func TestCheckPlans(t *testing.T) {
	log := filepath.Join(t.TempDir(), "server.log")
	if err := os.WriteFile(log, []byte(autoExplainLog), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := checkPlans(log, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []planFinding{
		{Query: "mrr_customers", Duration: 1310.389},
		{Query: "update customer_health h set prev_score …", Duration: 86000.5, Problems: []string{
			"nested loop rescans Seq Scan 54000 times",
			"nested loop discards 2900000000 rows in its join filter",
			"Sort spilled to disk (external merge, 3784 kB)",
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
