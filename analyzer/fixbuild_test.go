package analyzer_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestFixesBuild type-checks each package of fixPackages with its golden
// files in place of the files they are the fixed form of: a suggested fix
// that leaves code that does not compile (a variable declared and not
// used, an argument of the wrong type) fails here even when the golden
// file records it faithfully.
func TestFixesBuild(t *testing.T) {
	for _, p := range fixPackages {
		t.Run(p.module+"/"+p.pattern, func(t *testing.T) {
			overlay := goldenOverlay(t, p.module, p.pattern)
			for _, err := range typeErrors(t, filepath.Join(testdata(), p.module), p.pattern, overlay) {
				t.Errorf("golden file does not build: %s", err)
			}
		})
	}
}

// TestFixesBuildCatchesErrors checks that TestFixesBuild's type-check sees
// the golden contents: a golden file broken in the overlay is reported.
func TestFixesBuildCatchesErrors(t *testing.T) {
	p := fixPackages[0]
	overlay := goldenOverlay(t, p.module, p.pattern)
	for path, src := range overlay {
		overlay[path] = append(src, []byte("\nvar _ = undefinedByTheTest\n")...)
	}
	errs := typeErrors(t, filepath.Join(testdata(), p.module), p.pattern, overlay)
	found := false
	for _, err := range errs {
		if strings.Contains(err, "undefinedByTheTest") {
			found = true
		}
	}
	if !found {
		t.Errorf("type errors of a broken golden file = %q, want one about undefinedByTheTest", errs)
	}
}

// goldenOverlay maps each Go file of a package that has a golden file
// (x.go with x.go.golden) to the golden contents.
func goldenOverlay(t *testing.T, module, pattern string) map[string][]byte {
	t.Helper()
	dir := filepath.Join(testdata(), module, filepath.FromSlash(pattern))
	goldens, err := filepath.Glob(filepath.Join(dir, "*.go.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if len(goldens) == 0 {
		t.Fatalf("no golden files in %s", dir)
	}
	overlay := make(map[string][]byte)
	for _, g := range goldens {
		src, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(string(src), "-- ") {
			// A golden file per fix message (txtar) holds several
			// versions of the file, none of them the whole result.
			t.Fatalf("%s is a txtar archive, which this test does not read", g)
		}
		overlay[strings.TrimSuffix(g, ".golden")] = src
	}
	return overlay
}

// typeErrors loads the package pattern in module directory dir with the
// overlay in place and returns its errors (parse and type errors, and
// failures to load), or fails the test when the overlaid files were not
// part of it.
func typeErrors(t *testing.T, dir, pattern string, overlay map[string][]byte) []string {
	t.Helper()
	cfg := &packages.Config{
		Mode:    packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo,
		Dir:     dir,
		Env:     append(os.Environ(), "GO111MODULE=on", "GOPROXY=off", "GOWORK=off", "GOFLAGS=-mod=mod"),
		Overlay: overlay,
		Tests:   false,
	}
	pkgs, err := packages.Load(cfg, pattern)
	if err != nil {
		t.Fatalf("loading %s in %s: %v", pattern, dir, err)
	}
	if len(pkgs) != 1 {
		t.Fatalf("loading %s in %s: %d packages, want 1", pattern, dir, len(pkgs))
	}
	pkg := pkgs[0]
	for path := range overlay {
		found := false
		for _, f := range pkg.CompiledGoFiles {
			if filepath.Clean(f) == filepath.Clean(path) {
				found = true
			}
		}
		if !found {
			t.Fatalf("%s is not among the files of %s: %q", path, pkg.PkgPath, pkg.CompiledGoFiles)
		}
	}
	var errs []string
	for _, e := range pkg.Errors {
		errs = append(errs, e.Error())
	}
	return errs
}
