package flow_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/lostupdate/lostupdate/analyzer/flow"
)

// TestStandardLibrary runs the engine over every function of a broad set
// of standard library packages, as if each reached a database: it must not
// panic, and two runs must produce the same summaries.
func TestStandardLibrary(t *testing.T) {
	if testing.Short() {
		t.Log("-short: analysing only database/sql and net/http")
	}
	patterns := []string{"database/sql", "net/http"}
	if !testing.Short() {
		patterns = append(patterns, "encoding/json", "go/types", "go/parser", "fmt", "strings", "sort",
			"text/template", "html/template", "net/url", "crypto/tls", "compress/flate", "archive/zip",
			"regexp/syntax", "math/big", "time", "os/exec", "runtime/pprof", "sync", "context", "reflect")
	}
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedImports}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	first := summarise(t, pkgs)
	second := summarise(t, pkgs)
	if first != second {
		t.Fatalf("summaries differ between two runs:\n%s\n---\n%s", first, second)
	}
}

// summarise analyses every function and renders the non-empty summaries.
func summarise(t *testing.T, pkgs []*packages.Package) string {
	var lines []string
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			t.Fatalf("%s: %v", p.PkgPath, p.Errors)
		}
		ssapkg, funcs := flow.Build(p.Fset, p.Types, p.Syntax, p.TypesInfo)
		a := flow.New(p.Fset, ssapkg, nil)
		for _, fn := range funcs {
			r := a.Func(fn)
			if !r.Summary.Empty() || len(r.Writes) > 0 {
				lines = append(lines, fmt.Sprintf("%s: %s (%d loads, %d writes)", fn, r.Summary, len(r.Loads), len(r.Writes)))
			}
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
