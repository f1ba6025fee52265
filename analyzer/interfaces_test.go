package analyzer_test

import (
	"fmt"
	"go/ast"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/lostupdate/lostupdate/analyzer"
)

// TestInterfaceRepositories checks lost updates through a repository
// interface whose implementation lives in a package the caller's does not
// import: they are resolved where both are visible and reported at the
// caller's position, a file of another package than the one that reports
// them. analysistest matches a package's diagnostics with the expectations
// of its own files only, so this test runs the analyzer on the packages and
// matches every diagnostic, and every package fact, with the // want
// comments of all their files, in analysistest's notation.
func TestInterfaceRepositories(t *testing.T) {
	dir := filepath.Join(testdata(), "cases")
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
			packages.NeedTypes | packages.NeedTypesSizes | packages.NeedSyntax | packages.NeedTypesInfo |
			packages.NeedDeps | packages.NeedModule,
		Dir: dir,
		Env: append(os.Environ(), "GO111MODULE=on", "GOPROXY=off", "GOWORK=off"),
	}
	pkgs, err := packages.Load(cfg, "./ifaces/...")
	if err != nil {
		t.Fatal(err)
	}
	if n := packages.PrintErrors(pkgs); n > 0 {
		t.Fatalf("%d errors loading the test packages", n)
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{analyzer.Analyzer}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := make(map[string][]expectation) // file:line → expectations
	var got []string                       // what was reported, as file:line: kind: message
	for act := range graph.All() {
		if act.Analyzer != analyzer.Analyzer || !strings.Contains(act.Package.PkgPath, "/ifaces/") {
			continue
		}
		if act.Err != nil {
			t.Fatalf("%s: %v", act, act.Err)
		}
		for _, f := range act.Package.Syntax {
			for k, es := range expectations(t, act.Package.Fset, f) {
				want[k] = append(want[k], es...)
			}
		}
		for _, d := range act.Diagnostics {
			posn := act.Package.Fset.Position(d.Pos)
			msg := d.Message
			for _, r := range d.Related {
				msg += "\n\t" + r.Message // the evidence, matched as part of the message
			}
			got = append(got, fmt.Sprintf("%s:%d\x00diagnostic\x00%s", filepath.Base(posn.Filename), posn.Line, msg))
		}
		for _, pf := range act.AllPackageFacts() {
			if pf.Package == act.Package.Types {
				posn := act.Package.Fset.Position(act.Package.Syntax[0].Pos())
				got = append(got, fmt.Sprintf("%s:1\x00fact\x00%s", filepath.Base(posn.Filename), pf))
			}
		}
	}
	slices.Sort(got)
	for _, g := range got {
		parts := strings.SplitN(g, "\x00", 3)
		key, kind, msg := parts[0], parts[1], parts[2]
		i := slices.IndexFunc(want[key], func(e expectation) bool { return e.kind == kind && e.rx.MatchString(msg) })
		if i < 0 {
			t.Errorf("%s: unexpected %s: %s", key, kind, msg)
			continue
		}
		want[key] = slices.Delete(want[key], i, i+1)
	}
	for key, es := range want {
		for _, e := range es {
			t.Errorf("%s: no %s was reported matching %#q", key, e.kind, e.rx)
		}
	}
}

// expectation is one // want pattern: a diagnostic, or the package fact.
type expectation struct {
	kind string
	rx   *regexp.Regexp
}

var wantRx = regexp.MustCompile("(package:)?(`[^`]*`|\"(?:[^\"\\\\]|\\\\.)*\")")

// expectations returns the // want patterns of a file by base name and
// line.
func expectations(t *testing.T, fset *token.FileSet, f *ast.File) map[string][]expectation {
	out := make(map[string][]expectation)
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			_, rest, ok := strings.Cut(c.Text, "// want ")
			if !ok {
				continue
			}
			posn := fset.Position(c.Slash)
			filename, line := posn.Filename, posn.Line
			for _, m := range wantRx.FindAllStringSubmatch(rest, -1) {
				pat, err := strconv.Unquote(m[2])
				if err != nil {
					t.Fatalf("%s:%d: bad pattern %s: %v", filename, line, m[2], err)
				}
				kind := "diagnostic"
				if m[1] != "" {
					kind = "fact"
				}
				key := fmt.Sprintf("%s:%d", filepath.Base(filename), line)
				out[key] = append(out[key], expectation{kind, regexp.MustCompile(pat)})
			}
		}
	}
	return out
}
