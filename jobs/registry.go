package jobs

import (
	"fmt"
	"slices"
	"strings"
)

// Registry lists every job in the order a month runs them: the reports job
// comes last because it renders what the others wrote.
func Registry() []Job {
	return []Job{
		MRR{},
		Surveys{},
		Campaigns{},
		Health{},
		Reports{}, // last: renders what the others wrote
	}
}

// Select returns the registry's jobs named in names (comma-separated lists
// allowed), in registry order. An empty list selects every job. An unknown
// name is a usage error naming it.
func Select(names []string) ([]Job, error) {
	all := Registry()
	if len(names) == 0 {
		return all, nil
	}
	want := map[string]bool{}
	for _, n := range names {
		for _, p := range strings.Split(n, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			if !slices.ContainsFunc(all, func(j Job) bool { return j.Name() == p }) {
				return nil, UsageError{fmt.Errorf("unknown job %q (jobs: %s)", p, strings.Join(Names(all), ", "))}
			}
			want[p] = true
		}
	}
	var sel []Job
	for _, j := range all {
		if want[j.Name()] {
			sel = append(sel, j)
		}
	}
	return sel, nil
}

// Names returns the jobs' names.
func Names(js []Job) []string {
	names := make([]string, len(js))
	for i, j := range js {
		names[i] = j.Name()
	}
	return names
}
