package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// adopting creates a module, in a repository of its own, holding the store
// of testdata/configfile (three findings) and no configuration file.
func adopting(t *testing.T) (dir string, store string) {
	t.Helper()
	dir = t.TempDir()
	data, err := os.ReadFile(filepath.Join(root(), "testdata", "configfile", "store", "store.go"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, ".git/HEAD", "ref: refs/heads/main\n")
	write(t, dir, "go.mod", "module example.com/adopt\n\ngo 1.26.0\n")
	write(t, dir, "store/store.go", string(data))
	return dir, string(data)
}

// baselineEntries reads a baseline file's findings.
func baselineEntries(t *testing.T, path string) []map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Findings []map[string]string `json:"findings"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, data)
	}
	return f.Findings
}

// newFinding is a lost update added at the top of store.go, which moves
// every recorded finding down.
const newFinding = `
// credit came after the baseline.
func (s *Store) credit(ctx context.Context, id, amount int64) error {
	var balance int64
	if err := s.db.QueryRowContext(ctx, "SELECT balance FROM wallets WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance+amount, id)
	return err
}
`

// TestBaselineWorkflow follows the README's adoption workflow: record
// today's findings, gate on new ones only, standalone and under go vet.
func TestBaselineWorkflow(t *testing.T) {
	t.Parallel() // the slowest tests of the command overlap
	dir, src := adopting(t)
	out, code := run(t, dir, binary, "-write-baseline", "lostupdate-baseline.json", "./...")
	if code != 0 || !strings.Contains(out, "lostupdate: recorded 3 findings in lostupdate-baseline.json") {
		t.Fatalf("-write-baseline: exit %d, want 0 and a count of 3 findings\n%s", code, out)
	}
	entries := baselineEntries(t, filepath.Join(dir, "lostupdate-baseline.json"))
	if len(entries) != 3 || entries[0]["file"] != "store/store.go" || entries[0]["function"] != "(*Store).bonus" {
		t.Errorf("baseline entries %v: want 3, in store/store.go, sorted by function", entries)
	}

	out, code = run(t, dir, binary, "-baseline", "lostupdate-baseline.json", "./...")
	if code != 0 || len(findings(t, dir, out)) != 0 {
		t.Errorf("-baseline right after -write-baseline: exit %d, want 0 and nothing\n%s", code, out)
	}

	// A new lost update above the recorded ones moves them all.
	edited := strings.Replace(src, "// deposit's lost update", strings.TrimPrefix(newFinding, "\n")+"\n// deposit's lost update", 1)
	write(t, dir, "store/store.go", edited)
	out, code = run(t, dir, binary, "-baseline", "lostupdate-baseline.json", "./...")
	got := findings(t, dir, out)
	if code != 3 || len(got) != 1 || !strings.HasPrefix(got[0], "store/store.go:24: lost update: balance is read at store.go:21") {
		t.Errorf("-baseline after adding credit: exit %d, findings %q; want 3 and credit's alone (store.go:24)\n%s", code, got, out)
	}

	// Under go vet, a baseline named in .lostupdate.yml: editing the
	// baseline must not be answered from go vet's cache.
	write(t, dir, ".lostupdate.yml", "baseline: lostupdate-baseline.json\n")
	out, code = run(t, dir, "go", "vet", "-vettool="+binary, "./...")
	if code == 0 || !strings.Contains(out, "store/store.go:24:12: lost update") || strings.Count(out, ": lost update") != 1 {
		t.Errorf("go vet with the baseline in .lostupdate.yml: exit %d, want credit's finding alone\n%s", code, out)
	}
	if out, code = run(t, dir, binary, "-write-baseline", "lostupdate-baseline.json", "./..."); code != 0 {
		t.Fatalf("-write-baseline with a configured baseline: exit %d\n%s", code, out)
	}
	if n := len(baselineEntries(t, filepath.Join(dir, "lostupdate-baseline.json"))); n != 4 {
		t.Errorf("-write-baseline recorded %d findings, want 4: a configured baseline must not hide findings from it", n)
	}
	out, code = run(t, dir, "go", "vet", "-vettool="+binary, "./...")
	if code != 0 || strings.Contains(out, "lost update") {
		t.Errorf("go vet after the baseline was written again: exit %d, want 0 and nothing (not its cached result)\n%s", code, out)
	}
}

func TestBaselineMisuse(t *testing.T) {
	dir, _ := adopting(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-write-baseline", "b.json", "-baseline", "b.json", "./..."}, "-write-baseline records every finding and -baseline hides the recorded ones: give one of them"},
		{[]string{"-write-baseline", "./..."}, "-write-baseline needs a file name"},
		{[]string{"-fix", "-write-baseline", "b.json", "./..."}, "run -fix first, then write the baseline"},
		{[]string{"-baseline", "missing.json", "./..."}, "reading the baseline: open missing.json: no such file or directory"},
	}
	for _, tt := range tests {
		out, code := run(t, dir, binary, tt.args...)
		if code != 1 || !strings.Contains(out, tt.want) {
			t.Errorf("lostupdate %s: exit %d, want 1 and %q\n%s", strings.Join(tt.args, " "), code, tt.want, out)
		}
		if _, err := os.Stat(filepath.Join(dir, "b.json")); err == nil {
			t.Errorf("lostupdate %s wrote b.json", strings.Join(tt.args, " "))
		}
	}
}

// TestConfigFileError checks that a wrong configuration is said once,
// with its line, and stops the run.
func TestConfigFileError(t *testing.T) {
	dir, _ := adopting(t)
	write(t, dir, ".lostupdate.yml", "disable: [mutex]\nexlude: [internal/legacy]\n")
	out, code := run(t, dir, binary, "./...")
	want := `.lostupdate.yml:2: unknown key "exlude": the keys are baseline, disable, enable, exclude, functions, tests`
	if code != 1 || strings.Count(out, want) != 1 || strings.Contains(out, "lost update") {
		t.Errorf("a configuration with an unknown key: exit %d, want 1 and %q once\n%s", code, want, out)
	}
	write(t, dir, ".lostupdate.yml", "disable: [mutex]\n")
	out, code = run(t, dir, binary, "./...")
	if got := findings(t, dir, out); code != 3 || len(got) != 2 {
		t.Errorf("with mutex disabled in .lostupdate.yml: exit %d, findings %q; want 3 and the 2 that are not mutex", code, got)
	}
}
