package sqlfiles

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestQueriesExist finds every Query("name") in the module's Go code and
// checks that queries/name.sql is embedded, and that every embedded query
// is used, so a typo or a leftover file fails here rather than at run time.
func TestQueriesExist(t *testing.T) {
	t.Parallel()
	use := regexp.MustCompile(`sqlfiles\.Query\("([a-z0-9_]+)"\)`)
	used := map[string]string{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "out" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range use.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	names := QueryNames()
	for name, where := range used {
		if !slices.Contains(names, name) {
			t.Errorf("%s uses query %q, but there is no sql/queries/%s.sql", where, name, name)
		}
	}
	for _, name := range names {
		if _, ok := used[name]; !ok {
			t.Errorf("sql/queries/%s.sql is used nowhere", name)
		}
		if strings.TrimSpace(Query(name)) == "" {
			t.Errorf("sql/queries/%s.sql is empty", name)
		}
	}
}
