package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/jmoiron/sqlx"
)

// The plan check: with auto_explain loaded, one whole month runs through the
// binary, and every statement that took longer than planMinDuration has its
// executed plan (EXPLAIN ANALYZE, without per-node timing) written to the
// server log as JSON. Each plan is then searched for what goes wrong at
// scale: a nested loop that rescans a non-index inner side thousands of
// times or discards millions of rows in its join filter, and sorts, hash
// aggregates or hashes that spill to disk.

const planMinDuration = "100ms"

// planFinding is what the check found in one statement's plan.
type planFinding struct {
	Query    string // the query's name from its SQL file ("mrr_customers"), or its first words
	Duration float64
	Problems []string
}

// enableAutoExplain makes new sessions log the plans of slow statements.
// The module is loaded into this session first, so that ALTER SYSTEM knows
// its settings.
func enableAutoExplain(ctx context.Context, db *sqlx.DB) error {
	conn, err := db.Connx(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, s := range []string{
		"load 'auto_explain'",
		"alter system set session_preload_libraries = 'auto_explain'",
		"alter system set auto_explain.log_min_duration = '" + planMinDuration + "'",
		"alter system set auto_explain.log_analyze = on",
		"alter system set auto_explain.log_timing = off",
		"alter system set auto_explain.log_buffers = off",
		"alter system set auto_explain.log_format = 'json'",
		"select pg_reload_conf()",
	} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("auto_explain: %s: %w", s, err)
		}
	}
	return nil
}

func disableAutoExplain(ctx context.Context, db *sqlx.DB) error {
	for _, s := range []string{"alter system reset all", "select pg_reload_conf()"} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

type planNode struct {
	NodeType                string     `json:"Node Type"`
	RelationName            string     `json:"Relation Name"`
	ParentRelationship      string     `json:"Parent Relationship"`
	ActualRows              float64    `json:"Actual Rows"`
	ActualLoops             float64    `json:"Actual Loops"`
	RowsRemovedByJoinFilter float64    `json:"Rows Removed by Join Filter"`
	SortSpaceType           string     `json:"Sort Space Type"`
	SortMethod              string     `json:"Sort Method"`
	SortSpaceUsed           float64    `json:"Sort Space Used"`
	HashAggBatches          float64    `json:"HashAgg Batches"`
	DiskUsage               float64    `json:"Disk Usage"`
	HashBatches             float64    `json:"Hash Batches"`
	Plans                   []planNode `json:"Plans"`
}

var queryName = regexp.MustCompile(`^--\s*([a-z_0-9]+):`)

// checkPlans reads the auto_explain entries from the server log, starting
// at byte offset from, and returns one finding per statement.
func checkPlans(logFile string, from int64) ([]planFinding, error) {
	f, err := os.Open(logFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.Seek(from, 0); err != nil {
		return nil, err
	}
	var out []planFinding
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var (
		body     strings.Builder
		duration float64
		inPlan   bool
	)
	flush := func() error {
		if !inPlan {
			return nil
		}
		inPlan = false
		var entry struct {
			QueryText string   `json:"Query Text"`
			Plan      planNode `json:"Plan"`
		}
		if err := json.Unmarshal([]byte(body.String()), &entry); err != nil {
			return fmt.Errorf("read a plan from %s: %w", filepath.Base(logFile), err)
		}
		name := strings.Join(strings.Fields(entry.QueryText), " ")
		if m := queryName.FindStringSubmatch(strings.TrimSpace(entry.QueryText)); m != nil {
			name = m[1]
		} else if len(name) > 40 {
			name = name[:40] + "…"
		}
		out = append(out, planFinding{Query: name, Duration: duration, Problems: planProblems(entry.Plan)})
		body.Reset()
		return nil
	}
	for sc.Scan() {
		line := sc.Text()
		if inPlan && strings.HasPrefix(line, "\t") {
			body.WriteString(line)
			body.WriteByte('\n')
			continue
		}
		if err := flush(); err != nil {
			return out, err
		}
		if i := strings.Index(line, "duration: "); i >= 0 && strings.HasSuffix(line, "plan:") {
			fmt.Sscanf(line[i:], "duration: %f ms", &duration)
			inPlan = true
		}
	}
	if err := flush(); err != nil {
		return out, err
	}
	return out, sc.Err()
}

// planProblems walks a plan for nested-loop blow-ups and spills.
func planProblems(n planNode) []string {
	var ps []string
	var walk func(n planNode)
	walk = func(n planNode) {
		what := n.NodeType
		if n.RelationName != "" {
			what += " on " + n.RelationName
		}
		switch {
		case n.SortSpaceType == "Disk":
			ps = append(ps, fmt.Sprintf("%s spilled to disk (%s, %.0f kB)", what, n.SortMethod, n.SortSpaceUsed))
		case n.HashAggBatches > 1:
			ps = append(ps, fmt.Sprintf("%s spilled to disk in %.0f batches (%.0f kB)", what, n.HashAggBatches, n.DiskUsage))
		case n.NodeType == "Hash" && n.HashBatches > 1:
			ps = append(ps, fmt.Sprintf("hash table spilled to disk in %.0f batches", n.HashBatches))
		}
		if n.NodeType == "Nested Loop" && len(n.Plans) == 2 {
			inner := n.Plans[1]
			// Each rescan is cheap when it starts from an index, under
			// whatever single-input nodes (Limit, Sort, Aggregate) a
			// LATERAL subquery adds.
			leaf := inner
			for len(leaf.Plans) == 1 && !strings.Contains(leaf.NodeType, "Index") {
				leaf = leaf.Plans[0]
			}
			indexed := strings.Contains(leaf.NodeType, "Index") || leaf.NodeType == "Memoize" || leaf.NodeType == "Result"
			if inner.ActualLoops >= 1000 && !indexed {
				ps = append(ps, fmt.Sprintf("nested loop rescans %s %.0f times", inner.NodeType, inner.ActualLoops))
			}
			if n.RowsRemovedByJoinFilter >= 1e6 {
				ps = append(ps, fmt.Sprintf("nested loop discards %.0f rows in its join filter", n.RowsRemovedByJoinFilter))
			}
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(n)
	return ps
}
