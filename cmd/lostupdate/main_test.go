package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// These tests run the lostupdate binary the way users do: standalone, with
// -json and -fix, and as go vet -vettool, on the analyzer's test module and
// on the fixture services.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "lostupdate-cmd")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "lostupdate")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building lostupdate: %v\n%s", err, out)
		os.Exit(1)
	}
	// The modules the test data needs must be in the module cache: the
	// go command may fetch them now, through the module proxy.
	for _, mod := range []string{"testdata/cases", "testdata/services", "correct_fixtures"} {
		cmd := exec.Command("go", "list", "-deps", "-test", "./...")
		cmd.Dir = filepath.Join(root(), mod)
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go list -deps -test ./... in %s: %v\n%s", mod, err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func root() string {
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		panic(err)
	}
	return dir
}

// run runs the binary (or go vet with it) in a directory and returns its
// combined output and exit code.
func run(t *testing.T, dir string, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	return "", 0
}

// finding is a diagnostic as file:line: message.
var findingLine = regexp.MustCompile(`^(\S+\.go):(\d+):\d+: (.*)$`)

// findings extracts "file:line: message" lines (not related information)
// from plain output, with file names relative to dir.
func findings(t *testing.T, dir, out string) []string {
	t.Helper()
	var fs []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		m := findingLine.FindStringSubmatch(sc.Text())
		if m == nil || strings.HasPrefix(m[3], "\t") {
			continue
		}
		rel, err := filepath.Rel(dir, m[1])
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = m[1]
		}
		fs = append(fs, fmt.Sprintf("%s:%s: %s", rel, m[2], m[3]))
	}
	sort.Strings(fs)
	return fs
}

// wantLines returns "file:line" of every diagnostic expectation under
// dir: a "// want" comment followed by a quoted or back-quoted pattern
// (fact expectations name the object first and are not counted).
func wantLines(t *testing.T, dir string) []string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		for i, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, "// want \"") || strings.Contains(line, "// want `") {
				lines = append(lines, fmt.Sprintf("%s:%d", rel, i+1))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return lines
}

// positions returns the file:line part of findings.
func positions(fs []string) []string {
	var ps []string
	for _, f := range fs {
		parts := strings.SplitN(f, ": ", 2)
		ps = append(ps, parts[0])
	}
	return slices.Compact(ps)
}

func TestExitStatusAndFindings(t *testing.T) {
	dir := filepath.Join(root(), "testdata", "cases")
	out, code := run(t, dir, binary, "./bank")
	if code != 3 {
		t.Fatalf("lostupdate ./bank exited %d, want 3 (findings)\n%s", code, out)
	}
	got := positions(findings(t, dir, out))
	var want []string
	for _, w := range wantLines(t, dir) {
		if strings.HasPrefix(w, "bank/") {
			want = append(want, w)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings at\n%s\nwant at the // want lines\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCleanPackageExitsZero(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "go.mod", "module example.com/clean\n\ngo 1.26.0\n")
	write(t, dir, "clean.go", `package clean

import (
	"context"
	"database/sql"
)

func deposit(ctx context.Context, db *sql.DB, id, amount int64) error {
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = balance + $1 WHERE id = $2", amount, id)
	return err
}
`)
	if out, code := run(t, dir, binary, "./..."); code != 0 || strings.TrimSpace(out) != "" {
		t.Errorf("lostupdate on a clean package: exit %d, output %q; want 0 and nothing", code, out)
	}
}

func TestBrokenGoFile(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "go.mod", "module example.com/broken\n\ngo 1.26.0\n")
	write(t, dir, "broken.go", "package broken\n\nfunc f( {\n")
	out, code := run(t, dir, binary, "./...")
	if code != 1 {
		t.Errorf("exit %d, want 1 for a package that does not parse", code)
	}
	if !strings.Contains(out, "broken.go:3") || strings.Contains(out, "panic") {
		t.Errorf("output should name broken.go:3 and not panic:\n%s", out)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "broken.go")); string(data) != "package broken\n\nfunc f( {\n" {
		t.Errorf("the broken file was changed: %q", data)
	}
}

func TestUnknownCategoryFlag(t *testing.T) {
	dir := filepath.Join(root(), "testdata", "cases")
	out, code := run(t, dir, binary, "-disable=nosuch", "./bank")
	if code == 0 || code == 3 || !strings.Contains(out, `unknown category "nosuch"`) {
		t.Errorf("exit %d, output:\n%s\nwant a usage error naming the category", code, out)
	}
}

func TestDisableCategory(t *testing.T) {
	dir := filepath.Join(root(), "testdata", "cases")
	out, _ := run(t, dir, binary, "-disable=lost-update,mutex", "./bank")
	for _, f := range findings(t, dir, out) {
		if strings.Contains(f, "outside a locking transaction") || strings.Contains(f, "sync.Mutex") {
			t.Errorf("disabled category still reported: %s", f)
		}
	}
	if len(findings(t, dir, out)) == 0 {
		t.Error("no findings left at all; only two categories were disabled")
	}
}

// jsonDiag is a diagnostic in -json output.
type jsonDiag struct {
	Category string `json:"category"`
	Posn     string `json:"posn"`
	Message  string `json:"message"`
	Related  []struct {
		Posn    string `json:"posn"`
		Message string `json:"message"`
	} `json:"related"`
	SuggestedFixes []json.RawMessage `json:"suggested_fixes"`
}

func TestJSON(t *testing.T) {
	dir := filepath.Join(root(), "testdata", "cases")
	out, code := run(t, dir, binary, "-json", "./bank", "./shop")
	if code != 0 {
		t.Fatalf("-json exited %d\n%s", code, out)
	}
	var tree map[string]map[string][]jsonDiag
	if err := json.Unmarshal([]byte(out), &tree); err != nil {
		t.Fatalf("-json output is not JSON: %v\n%s", err, out)
	}
	diags := tree["example.com/cases/bank"]["lostupdate"]
	if len(diags) == 0 {
		t.Fatalf("no diagnostics for example.com/cases/bank in\n%s", out)
	}
	categories := make(map[string]bool)
	for _, d := range append(diags, tree["example.com/cases/shop"]["lostupdate"]...) {
		categories[d.Category] = true
		// A lock that locks nothing is reported at the load itself: its
		// message names the load, and no related position repeats it.
		lockNothing := d.Category == "gorm-query-option" && strings.HasPrefix(d.Message, `Set("gorm:query_option", "FOR UPDATE") locks nothing`)
		if !strings.HasPrefix(d.Message, "lost update: ") && !lockNothing || len(d.Related) == 0 && !lockNothing {
			t.Errorf("%s: want a message starting with \"lost update: \" and the load as related information, got %+v", d.Posn, d)
		}
	}
	for _, c := range []string{"lost-update", "lock-outside-tx", "stale-read", "lock-other-handle", "gorm-query-option", "share-lock", "mutex"} {
		if !categories[c] {
			t.Errorf("category %s never appears in -json output", c)
		}
	}
}

// TestJSONOncePerFinding checks that a finding is in the -json output once,
// though the package and its test variant are both analysed, and that a
// finding in a _test.go file is there only with -tests.
func TestJSONOncePerFinding(t *testing.T) {
	dir := filepath.Join(root(), "testdata", "cases")
	tests := []struct {
		args      []string
		wantTests int
	}{
		{[]string{"-json", "./configs/testfiles"}, 0},
		{[]string{"-json", "-tests", "./configs/testfiles"}, 1},
	}
	for _, tt := range tests {
		out, code := run(t, dir, binary, tt.args...)
		if code != 0 {
			t.Fatalf("%v exited %d\n%s", tt.args, code, out)
		}
		var tree map[string]map[string][]jsonDiag
		if err := json.Unmarshal([]byte(out), &tree); err != nil {
			t.Fatalf("-json output is not JSON: %v\n%s", err, out)
		}
		seen := make(map[string]int)
		inTests := 0
		for _, pkg := range tree {
			for _, d := range pkg["lostupdate"] {
				seen[d.Posn]++
				if strings.Contains(d.Posn, "_test.go:") {
					inTests++
				}
			}
		}
		if len(seen) == 0 {
			t.Errorf("%v: no finding in\n%s", tt.args, out)
		}
		for posn, n := range seen {
			if n != 1 {
				t.Errorf("%v: the finding at %s is in the output %d times, want once", tt.args, posn, n)
			}
		}
		if inTests != tt.wantTests {
			t.Errorf("%v: %d findings in _test.go files, want %d", tt.args, inTests, tt.wantTests)
		}
	}
}

// fixesCopy copies the fixes package of the test module into a temporary
// module and returns its directory and the source it came from.
func fixesCopy(t *testing.T) (dir, src string) {
	t.Helper()
	src = filepath.Join(root(), "testdata", "cases")
	dir = t.TempDir()
	for _, f := range []string{"go.mod", "go.sum", "fixes/fixes.go"} {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		write(t, dir, f, string(data))
	}
	return dir, src
}

// TestFix checks that -fix applies the fixes (fixes.go.golden), then lists
// the findings that had none and exits 3; a second -fix finds only those.
func TestFix(t *testing.T) {
	dir, src := fixesCopy(t)
	out, code := run(t, dir, binary, "-fix", "./fixes")
	if code != 3 {
		t.Fatalf("-fix exited %d, want 3: findings without a fix remain\n%s", code, out)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "fixes", "fixes.go"))
	want, _ := os.ReadFile(filepath.Join(src, "fixes", "fixes.go.golden"))
	if !bytes.Equal(got, want) {
		t.Errorf("-fix result differs from fixes.go.golden:\n%s", got)
	}
	remaining := findings(t, dir, out)
	if !strings.HasPrefix(out, fmt.Sprintf("lostupdate: -fix applied the fixes there were; %d findings have no fix and remain:\n", len(remaining))) || len(remaining) == 0 {
		t.Errorf("-fix output does not begin by saying how many findings remain (%d listed):\n%s", len(remaining), out)
	}
	again, code := run(t, dir, binary, "-fix", "./fixes")
	if code != 3 || !slices.Equal(findings(t, dir, again), remaining) {
		t.Errorf("a second -fix: exit %d, findings\n%s\nwant 3 and the same that remained:\n%s", code, again, out)
	}
}

// TestFixDiff checks that -fix -diff prints the fixes as a unified diff,
// every line the fixes change included, and leaves the file as it was.
func TestFixDiff(t *testing.T) {
	dir, src := fixesCopy(t)
	before, _ := os.ReadFile(filepath.Join(dir, "fixes", "fixes.go"))
	out, code := run(t, dir, binary, "-fix", "-diff", "./fixes")
	if code != 3 {
		t.Fatalf("-fix -diff exited %d, want 3: it shows changes it did not make\n%s", code, out)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "fixes", "fixes.go"))
	if !bytes.Equal(before, after) {
		t.Errorf("-fix -diff changed fixes.go:\n%s", after)
	}
	golden, _ := os.ReadFile(filepath.Join(src, "fixes", "fixes.go.golden"))
	oldLines, newLines := lineSet(string(before)), lineSet(string(golden))
	printed := lineSet(out)
	changes := 0
	for l := range oldLines {
		if !newLines[l] {
			changes++
			if !printed["-"+l] {
				t.Errorf("the diff does not remove %q\n%s", l, out)
			}
		}
	}
	for l := range newLines {
		if !oldLines[l] {
			changes++
			if !printed["+"+l] {
				t.Errorf("the diff does not add %q\n%s", l, out)
			}
		}
	}
	if changes == 0 {
		t.Fatal("fixes.go.golden is the same as fixes.go: nothing to diff")
	}
}

// TestFixDiffHunks checks that -diff on a large file prints one small
// hunk around the change, not the file.
func TestFixDiffHunks(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "go.mod", "module example.com/big\n\ngo 1.26\n")
	var b strings.Builder
	b.WriteString("package big\n\nimport (\n\t\"context\"\n\t\"database/sql\"\n)\n")
	for i := range 3000 {
		if i == 1500 {
			b.WriteString(`
func like(ctx context.Context, db *sql.DB, id int64) error {
	var likes int64
	if err := db.QueryRowContext(ctx, "SELECT likes FROM posts WHERE id = $1", id).Scan(&likes); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE posts SET likes = $1 WHERE id = $2", likes+1, id)
	return err
}
`)
		}
		fmt.Fprintf(&b, "\n// F%d returns %d.\nfunc F%d() int { return %d }\n", i, i, i, i)
	}
	write(t, dir, "big/big.go", b.String())
	out, code := run(t, dir, binary, "-fix", "-diff", "./...")
	if code != 3 {
		t.Fatalf("-fix -diff exited %d, want 3\n%s", code, out)
	}
	var changed []string
	for l := range strings.SplitSeq(out, "\n") {
		if (strings.HasPrefix(l, "+") || strings.HasPrefix(l, "-")) && !strings.HasPrefix(l, "+++") && !strings.HasPrefix(l, "---") {
			changed = append(changed, l)
		}
	}
	if strings.Count(out, "\n@@ ") != 1 || len(changed) != 2 || !strings.Contains(changed[1], "likes = likes + $1") {
		t.Errorf("want one hunk that changes one line, got %d changed lines:\n%s", len(changed), out)
	}
}

// lineSet returns the set of lines of s.
func lineSet(s string) map[string]bool {
	m := make(map[string]bool)
	for l := range strings.SplitSeq(s, "\n") {
		m[l] = true
	}
	return m
}

// TestVetTool checks that go vet -vettool reports what the standalone
// command does, including the lost updates through an interface (ifaces)
// that go vet, one package at a time, resolves from facts and reports in
// a file of another package, and that the standalone command reports a
// finding two implementations resolve once.
func TestVetTool(t *testing.T) {
	t.Parallel() // the slowest tests of the command overlap
	dir := filepath.Join(root(), "testdata", "cases")
	pkgs := []string{"./bank", "./shop", "./repo", "./service", "./gormrepo", "./ifaces/..."}
	standalone, code := run(t, dir, binary, pkgs...)
	if code != 3 {
		t.Fatalf("standalone exited %d\n%s", code, standalone)
	}
	vet, code := run(t, dir, "go", append([]string{"vet", "-vettool=" + binary}, pkgs...)...)
	if code == 0 {
		t.Fatalf("go vet -vettool reported nothing\n%s", vet)
	}
	// go vet prints each package's findings, and each package that
	// implements store.Driver (sqlitedb, pgdb) resolves the store's
	// lost updates on its own, with one message: the standalone command
	// prints such a finding once.
	a, b := findings(t, dir, standalone), findings(t, dir, vet)
	store := 0 // the findings of package store, which both resolve
	for _, f := range a {
		if strings.HasPrefix(f, "ifaces/store/") {
			store++
		}
	}
	if store == 0 {
		t.Fatalf("the standalone command reported nothing in ifaces/store:\n%s", strings.Join(a, "\n"))
	}
	if dups := len(b) - len(slices.Compact(slices.Clone(b))); dups != store {
		t.Errorf("go vet printed %d findings twice, want the %d of package store that sqlitedb and pgdb both resolve:\n%s", dups, store, strings.Join(b, "\n"))
	}
	if len(slices.Compact(slices.Clone(a))) != len(a) {
		t.Errorf("the standalone command printed a finding twice:\n%s", strings.Join(a, "\n"))
	}
	b = slices.Compact(b)
	if !slices.Equal(a, b) {
		t.Errorf("go vet -vettool findings differ from standalone:\nstandalone:\n%s\nvet:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
}

func TestDeterministic(t *testing.T) {
	dir := filepath.Join(root(), "testdata", "cases")
	first, _ := run(t, dir, binary, "./...")
	second, _ := run(t, dir, binary, "./...")
	if first != second {
		t.Errorf("two runs differ:\n%s\n---\n%s", first, second)
	}
}

// TestFixtureServices checks the product against the fixture services:
// every racy original is reported at its // want line, and the correct
// versions yield nothing.
func TestFixtureServices(t *testing.T) {
	t.Parallel() // the slowest tests of the command overlap
	racy := filepath.Join(root(), "testdata", "services")
	out, code := run(t, racy, binary, "./...")
	got, want := positions(findings(t, racy, out)), wantLines(t, racy)
	if code != 3 || !slices.Equal(got, want) {
		t.Errorf("racy originals: exit %d, findings at\n%s\nwant at\n%s\noutput:\n%s", code, strings.Join(got, "\n"), strings.Join(want, "\n"), out)
	}
	correct := filepath.Join(root(), "correct_fixtures")
	out, code = run(t, correct, binary, "./...")
	if code != 0 {
		t.Errorf("correct_fixtures: exit %d, want 0 and no findings:\n%s", code, out)
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestStandardLibrary runs lostupdate over the whole standard library
// (with tests): no package reaches a database API, so there must be no
// finding and no failure.
func TestStandardLibrary(t *testing.T) {
	t.Parallel() // the slowest tests of the command overlap
	if testing.Short() {
		t.Skip("-short: the standard library takes about half a minute")
	}
	out, code := run(t, root(), binary, "std")
	if code != 0 || strings.TrimSpace(out) != "" {
		t.Errorf("lostupdate std: exit %d, output:\n%s", code, out)
	}
}

// TestUnmodelledLibraries checks that a run over packages that reach
// their data through a library lostupdate does not model (rueidis) says so
// once, on standard error, with plain and -json output, and that a run
// over modelled code says nothing of the kind.
func TestUnmodelledLibraries(t *testing.T) {
	const notice = "lostupdate: 2 packages import rueidis (github.com/redis/rueidis), which lostupdate does not model: their data access through it was not checked (example.com/unmodelled/counter, example.com/unmodelled/sessions)\n"
	tests := []struct {
		name       string
		dir        string
		args       []string
		wantStderr string // "" for no notice
		wantCode   int
	}{
		{"plain", "unmodelled", []string{"./..."}, notice, 0},
		{"json", "unmodelled", []string{"-json", "./..."}, notice, 0},
		{"one package", "unmodelled", []string{"./plain"}, "", 0},
		{"modelled code with findings", "cases", []string{"./bank"}, "", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(binary, tt.args...)
			cmd.Dir = filepath.Join(root(), "testdata", tt.dir)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantCode {
				t.Errorf("exit status %d, want %d\nstderr:\n%s", code, tt.wantCode, &stderr)
			}
			got := strings.Count(stderr.String(), "which lostupdate does not model")
			switch {
			case tt.wantStderr == "" && got > 0:
				t.Errorf("a notice of an unmodelled library where none is imported:\n%s", &stderr)
			case tt.wantStderr != "" && (got != 1 || !strings.HasSuffix(stderr.String(), tt.wantStderr)):
				t.Errorf("stderr ends:\n%s\nwant it to end with the notice, once:\n%s", &stderr, tt.wantStderr)
			}
			if slices.Contains(tt.args, "-json") {
				var tree map[string]any
				if err := json.Unmarshal(stdout.Bytes(), &tree); err != nil {
					t.Errorf("-json output is not JSON (%v):\n%s", err, &stdout)
				}
			}
		})
	}
}

// TestVersion checks -V and go vet's -V=full protocol: a development build
// (the test's binary is built from the working tree) ends its line with a
// buildID, which go vet needs to notice a rebuilt tool.
func TestVersion(t *testing.T) {
	out, code := run(t, ".", binary, "-V")
	if code != 0 || !regexp.MustCompile(`^lostupdate version (v\S+|\(devel\)( [0-9a-f]{12}(-dirty)?)?)\n$`).MatchString(out) {
		t.Errorf("-V: exit %d, %q; want lostupdate version and the module version", code, out)
	}
	out, code = run(t, ".", binary, "-V=full")
	if code != 0 || !regexp.MustCompile(`^lostupdate version (v\S+|devel .* buildID=[0-9a-f]{64})\n$`).MatchString(out) {
		t.Errorf("-V=full: exit %d, %q; want go vet's form, with a buildID for a development build", code, out)
	}
}

// TestPartialFailure checks that a package that does not type-check does
// not hide the findings of the others from a CI gate: they are printed,
// the broken package is named, and the command exits 3, not 1.
func TestPartialFailure(t *testing.T) {
	dir := filepath.Join(root(), "testdata", "partial")
	out, code := run(t, dir, binary, "./...")
	if code != 3 {
		t.Errorf("exit status %d, want 3 (findings, though a package failed)\n%s", code, out)
	}
	for _, want := range []string{
		"broken/broken.go:7:9: invalid operation",
		"ledger/ledger.go:16:12: lost update: balance is read at ledger.go:13",
		"lostupdate: the package in ./broken could not be analysed (its errors are above); 1 finding in the other packages is reported above\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Without findings in the rest, a failure is a failure.
	out, code = run(t, dir, binary, "./broken")
	if code != 1 || strings.Contains(out, "could not be analysed") {
		t.Errorf("./broken alone: exit status %d, want 1 and no note\n%s", code, out)
	}
}
