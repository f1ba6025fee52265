package flow

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// adapterFiles are the files of flow that read one shape of library API
// (and adapters.go, which registers them): the only ones that may name
// a library's identifiers in apis.
var adapterFiles = []string{"adapters.go", "gorm.go", "bun.go", "xorm.go", "ent.go", "boil.go", "mongo.go", "cache.go"}

// TestEngineNamesNoLibrary keeps library knowledge data: outside the
// adapters, flow refers to no library of the apis table, neither by its
// Lib constant (apis.GORM) nor by an identifier named for it
// (apis.GormChain, apis.IsBunIdent). database/sql, the engine's own
// language, and sync are not libraries in this sense.
func TestEngineNamesNoLibrary(t *testing.T) {
	libs := libConstants(t)
	if len(libs) < 10 {
		t.Fatalf("found %d library constants in apis/libs.go (%v); has the Lib type moved?", len(libs), libs)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || slices.Contains(adapterFiles, name) {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "apis" {
				if lib, ok := namesLibrary(sel.Sel.Name, libs); ok {
					t.Errorf("%s: apis.%s names the library %s: read it through the adapter of its shape, or make it a row of apis", fset.Position(sel.Pos()), sel.Sel.Name, lib)
				}
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatal("no engine file checked")
	}
}

// namesLibrary reports whether an identifier of apis names one of the
// libraries: it is a Lib constant, or starts with one (after an "Is"),
// as a word of its own (GormChain, IsBunIdent; not Entry for Ent).
func namesLibrary(id string, libs []string) (string, bool) {
	id = strings.TrimPrefix(id, "Is")
	for _, lib := range libs {
		if len(id) < len(lib) || !strings.EqualFold(id[:len(lib)], lib) {
			continue
		}
		if rest := id[len(lib):]; rest == "" || unicode.IsUpper(rune(rest[0])) || unicode.IsDigit(rune(rest[0])) {
			return lib, true
		}
	}
	return "", false
}

// libConstants returns the names of apis's Lib constants, but for NoLib,
// SQL and Sync.
func libConstants(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "apis", "libs.go"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "libs.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST || len(g.Specs) == 0 {
			continue
		}
		first, ok := g.Specs[0].(*ast.ValueSpec)
		if !ok || first.Type == nil {
			continue
		}
		if typ, ok := first.Type.(*ast.Ident); !ok || typ.Name != "Lib" {
			continue
		}
		for _, s := range g.Specs {
			for _, n := range s.(*ast.ValueSpec).Names {
				if n.Name != "NoLib" && n.Name != "SQL" && n.Name != "Sync" {
					out = append(out, n.Name)
				}
			}
		}
	}
	return out
}

func TestNamesLibrary(t *testing.T) {
	libs := []string{"GORM", "Bun", "Ent", "Redis", "PGX"}
	tests := []struct {
		id   string
		want bool
	}{
		{"GORM", true},
		{"GormChain", true},
		{"IsBunIdent", true},
		{"EntBuilder", true},
		{"Redis", true},
		{"Entry", false},
		{"End", false},
		{"SQLText", false},
		{"IsSQLExpr", false},
		{"Bundle", false},
		{"Load", false},
	}
	for _, tt := range tests {
		if _, got := namesLibrary(tt.id, libs); got != tt.want {
			t.Errorf("namesLibrary(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}
