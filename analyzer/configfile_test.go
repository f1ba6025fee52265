package analyzer_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/lostupdate/lostupdate/analyzer"
)

// TestConfigFile runs the analyzer on a module whose .lostupdate.yml
// disables the mutex category, excludes a package and a file pattern, and
// names a baseline that records one of the two lost updates of its store:
// only the other is reported.
func TestConfigFile(t *testing.T) {
	analysistest.Run(t, filepath.Join(testdata(), "configfile"), analyzer.New(analyzer.DefaultConfig()), "./...")
}

// TestDeclaredFunctions runs the analyzer on a module whose
// .lostupdate.yml declares what the functions of its store package do
// with a ledger service the analysis cannot see into: a balance read by
// one and written back by another is a lost update, not when the account
// is locked first in the declared transaction, and again when it is
// locked after the read.
func TestDeclaredFunctions(t *testing.T) {
	analysistest.Run(t, filepath.Join(testdata(), "declared"), analyzer.New(analyzer.DefaultConfig()), "./...")
}

// TestBaselineFlag gives the baseline with -baseline (Config.Baseline)
// and ignores the configuration file: the baseline still hides deposit's
// finding, and what the file disabled and excluded is reported again.
func TestBaselineFlag(t *testing.T) {
	dir := filepath.Join(testdata(), "configfile")
	cfg := analyzer.Config{NoConfigFile: true, Baseline: filepath.Join(dir, "lostupdate-baseline.json")}
	results := analysistest.Run(&captured{T: t}, dir, analyzer.New(cfg), "./...")
	var got []string
	for _, r := range results {
		for _, d := range r.Diagnostics {
			posn := r.Pass.Fset.Position(d.Pos)
			got = append(got, filepath.Base(posn.Filename)+":"+d.Category)
		}
	}
	want := map[string]bool{"legacy.go:lost-update": true, "refund_gen.go:lost-update": true, "store.go:lost-update": true, "store.go:mutex": true}
	if len(got) != len(want) {
		t.Fatalf("got diagnostics %v, want one each of %v", got, want)
	}
	for _, g := range got {
		if !want[g] {
			t.Errorf("unexpected diagnostic %s; want one each of %v", g, want)
		}
	}
}

// captured is a testing.T whose errors about unexpected diagnostics are
// dropped: TestBaselineFlag checks the diagnostics itself, since the test
// data's // want comments describe the run with the configuration file.
type captured struct{ *testing.T }

func (c *captured) Errorf(format string, args ...any) {}
