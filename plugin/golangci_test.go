package plugin_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestGolangciLint builds golangci-lint with the plugin compiled in, the
// way `golangci-lint custom` does (testdata/golangci-lint), runs it on a
// copy of the analyzer's test packages and checks that it reports what
// the standalone command reports, that settings disable categories, and
// that //nolint:lostupdate suppresses a finding.
func TestGolangciLint(t *testing.T) {
	tmp := t.TempDir()
	gcl := filepath.Join(tmp, "golangci-lint")
	build(t, filepath.Join("testdata", "golangci-lint"), gcl, ".")
	standalone := filepath.Join(tmp, "lostupdate")
	build(t, filepath.Join("..", "cmd", "lostupdate"), standalone, ".")

	dir := filepath.Join(tmp, "mod")
	src := filepath.Join("..", "testdata", "cases")
	for _, p := range []string{"go.mod", "go.sum", "bank", "repo", "service", "shop"} {
		copyTree(t, filepath.Join(src, p), filepath.Join(dir, p))
	}
	want := standaloneFindings(t, standalone, dir)
	if len(want) < 20 {
		t.Fatalf("the standalone command found only %d findings in the test packages", len(want))
	}

	t.Run("same findings as standalone", func(t *testing.T) {
		got := lint(t, gcl, dir, nil)
		if !slices.Equal(keys(got), keys(want)) {
			t.Errorf("golangci-lint findings differ from the standalone command's:\ngolangci-lint:\n%s\nstandalone:\n%s",
				strings.Join(keys(got), "\n"), strings.Join(keys(want), "\n"))
		}
	})

	t.Run("settings disable a category", func(t *testing.T) {
		got := lint(t, gcl, dir, []string{"lost-update", "mutex"})
		var kept []finding
		for _, f := range want {
			if f.category != "lost-update" && f.category != "mutex" {
				kept = append(kept, f)
			}
		}
		if len(kept) == len(want) || len(kept) == 0 {
			t.Fatalf("the test packages should have findings in and out of the disabled categories; %d of %d kept", len(kept), len(want))
		}
		if !slices.Equal(keys(got), keys(kept)) {
			t.Errorf("with lost-update and mutex disabled:\ngot:\n%s\nwant:\n%s", strings.Join(keys(got), "\n"), strings.Join(keys(kept), "\n"))
		}
	})

	t.Run(".lostupdate.yml is not read", func(t *testing.T) {
		// golangci-lint would answer an edit of it from its cache: the
		// plugin takes its settings alone, and reports as before.
		config := filepath.Join(dir, ".lostupdate.yml")
		if err := os.WriteFile(config, []byte("disable: [lost-update]\nexclude: [shop]\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(config)
		got := lint(t, gcl, dir, nil)
		if !slices.Equal(keys(got), keys(want)) {
			t.Errorf("with a .lostupdate.yml, golangci-lint findings differ from the standalone command's without one:\ngolangci-lint:\n%s\nstandalone:\n%s",
				strings.Join(keys(got), "\n"), strings.Join(keys(want), "\n"))
		}
	})

	t.Run("--fix applies the same fixes", func(t *testing.T) {
		fixDir := filepath.Join(tmp, "fixmod")
		for _, p := range []string{"go.mod", "go.sum", "fixes/fixes.go"} {
			copyTree(t, filepath.Join(src, p), filepath.Join(fixDir, p))
		}
		lintFix(t, gcl, fixDir)
		got, err := os.ReadFile(filepath.Join(fixDir, "fixes", "fixes.go"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(src, "fixes", "fixes.go.golden"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("golangci-lint --fix result differs from fixes.go.golden (what lostupdate -fix writes):\n%s", got)
		}
	})

	t.Run("nolint suppresses a finding", func(t *testing.T) {
		f := want[0]
		path := filepath.Join(dir, f.file)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		// The directive must be a comment of its own, before the test
		// data's // want comment.
		code, comment, _ := strings.Cut(lines[f.line-1], " // want ")
		lines[f.line-1] = code + " //nolint:lostupdate // want " + comment
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.WriteFile(path, data, 0o644)
		got := lint(t, gcl, dir, nil)
		if slices.Contains(keys(got), f.key()) {
			t.Errorf("%s is still reported with //nolint:lostupdate on its line", f.key())
		}
		if len(got) != len(want)-1 {
			t.Errorf("%d findings with one line suppressed, want %d", len(got), len(want)-1)
		}
	})
}

// finding is one diagnostic, without its related information.
type finding struct {
	file     string // relative to the module, with forward slashes
	line     int
	col      int
	message  string
	category string // from the standalone command's -json
}

func (f finding) key() string { return fmt.Sprintf("%s:%d:%d: %s", f.file, f.line, f.col, f.message) }

func keys(fs []finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.key())
	}
	slices.Sort(out)
	return out
}

// build runs go build in dir, writing the binary to out.
func build(t *testing.T, dir, out, pkg string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in %s (the module proxy must be reachable to fetch golangci-lint): %v\n%s", dir, err, b)
	}
}

// standaloneFindings runs lostupdate -json ./... in dir.
func standaloneFindings(t *testing.T, bin, dir string) []finding {
	t.Helper()
	cmd := exec.Command(bin, "-json", "./...")
	cmd.Dir = dir
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 3) {
		t.Fatalf("lostupdate -json: %v\n%s", err, out)
	}
	var byPkg map[string]map[string]json.RawMessage
	if err := json.Unmarshal(out, &byPkg); err != nil {
		t.Fatalf("lostupdate -json output: %v\n%s", err, out)
	}
	var fs []finding
	for _, byAnalyzer := range byPkg {
		var diags []struct {
			Posn     string `json:"posn"`
			Message  string `json:"message"`
			Category string `json:"category"`
		}
		if err := json.Unmarshal(byAnalyzer["lostupdate"], &diags); err != nil {
			t.Fatalf("lostupdate -json diagnostics: %v\n%s", err, byAnalyzer["lostupdate"])
		}
		for _, d := range diags {
			var f finding
			var file string
			i := strings.LastIndex(d.Posn, ":")
			j := strings.LastIndex(d.Posn[:i], ":")
			file = d.Posn[:j]
			fmt.Sscanf(d.Posn[j+1:], "%d:%d", &f.line, &f.col)
			rel, err := filepath.Rel(dir, file)
			if err != nil {
				t.Fatal(err)
			}
			f.file, f.message, f.category = filepath.ToSlash(rel), d.Message, d.Category
			fs = append(fs, f)
		}
	}
	return fs
}

// writeConfig writes a .golangci.yml in dir that enables lostupdate alone,
// with the given categories disabled.
func writeConfig(t *testing.T, dir string, disable []string) {
	t.Helper()
	quoted := make([]string, len(disable))
	for i, c := range disable {
		quoted[i] = fmt.Sprintf("%q", c)
	}
	config := fmt.Sprintf(`version: "2"
linters:
  default: none
  enable:
    - lostupdate
  settings:
    custom:
      lostupdate:
        type: module
        description: finds lost updates
        settings:
          disable: [%s]
issues:
  max-issues-per-linter: 0
  max-same-issues: 0
`, strings.Join(quoted, ", "))
	if err := os.WriteFile(filepath.Join(dir, ".golangci.yml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
}

// lint runs the custom golangci-lint in dir with the plugin enabled and the
// given categories disabled, and returns its findings; a related position
// reported as an issue of its own is an error (the plugin folds them).
func lint(t *testing.T, bin, dir string, disable []string) []finding {
	t.Helper()
	writeConfig(t, dir, disable)
	report := filepath.Join(t.TempDir(), "report.json")
	cmd := exec.Command(bin, "run", "--output.json.path="+report, "./...")
	cmd.Dir = dir
	// golangci-lint caches analysis results by package content: a cache
	// of its own, so that a run analyses with this tree's analyzer.
	cmd.Env = append(os.Environ(), "GOLANGCI_LINT_CACHE="+filepath.Join(filepath.Dir(bin), "cache"))
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("golangci-lint run: %v\n%s", err, out)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("golangci-lint wrote no JSON report: %v\n%s", err, out)
	}
	var r struct {
		Issues []struct {
			FromLinter string
			Text       string
			Pos        struct {
				Filename     string
				Line, Column int
			}
		}
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("golangci-lint JSON report: %v\n%s", err, data)
	}
	var fs []finding
	for _, is := range r.Issues {
		if is.FromLinter != "lostupdate" {
			t.Errorf("an issue from linter %q: only lostupdate is enabled", is.FromLinter)
		}
		if strings.HasPrefix(is.Text, "lostupdate(related information)") {
			t.Errorf("a related position reported as an issue of its own, which //nolint on the finding does not hide: %s:%d: %s", is.Pos.Filename, is.Pos.Line, is.Text)
			continue
		}
		fs = append(fs, finding{file: filepath.ToSlash(is.Pos.Filename), line: is.Pos.Line, col: is.Pos.Column, message: is.Text})
	}
	return fs
}

// lintFix runs the custom golangci-lint with --fix in dir, lostupdate
// alone enabled.
func lintFix(t *testing.T, bin, dir string) {
	t.Helper()
	writeConfig(t, dir, nil)
	cmd := exec.Command(bin, "run", "--fix", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOLANGCI_LINT_CACHE="+filepath.Join(filepath.Dir(bin), "cache"))
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("golangci-lint run --fix: %v\n%s", err, out)
	}
}

// copyTree copies a file or a directory tree.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
