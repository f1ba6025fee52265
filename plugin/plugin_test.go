package plugin_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/lostupdate/lostupdate/plugin"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name     string
		settings any
		wantErr  string // "" for none
	}{
		{name: "no settings", settings: nil},
		{name: "empty settings", settings: map[string]any{}},
		{name: "disable a category", settings: map[string]any{"disable": []any{"mutex", "share-lock"}}},
		{name: "unknown category", settings: map[string]any{"disable": []any{"mutexes"}}, wantErr: `unknown category "mutexes": the categories are`},
		{name: "stale-row in full, findings in tests", settings: map[string]any{"enable": []any{"stale-row"}, "tests": true}},
		{name: "unknown category to enable", settings: map[string]any{"enable": []any{"stale-rows"}}, wantErr: `unknown category "stale-rows"`},
		{name: "unknown setting", settings: map[string]any{"exclude": []any{"mutex"}}, wantErr: `unknown field "exclude"`},
		{name: "wrong type", settings: map[string]any{"disable": "mutex"}, wantErr: "lostupdate settings: decoding settings"},
		{name: "declared functions", settings: map[string]any{"functions": map[string]any{
			"example.com/app/store.Balance": map[string]any{"loads": "result 0", "table": "accounts", "column": "balance"},
			"example.com/app/store.Lock":    map[string]any{"locks": "param 1"},
		}}},
		{name: "declared function without a table", settings: map[string]any{"functions": map[string]any{
			"example.com/app/store.Save": map[string]any{"saves": "param 1"},
		}}, wantErr: "lostupdate settings:2: example.com/app/store.Save: name the table it reads or writes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := plugin.New(tt.settings)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New(%v) error = %v, want one containing %q", tt.settings, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%v): %v", tt.settings, err)
			}
			as, err := p.BuildAnalyzers()
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != 1 || as[0].Name != plugin.Name {
				t.Fatalf("BuildAnalyzers() = %v, want the one lostupdate analyzer", as)
			}
			if len(as[0].FactTypes) == 0 {
				t.Error("the analyzer has no fact types: repository summaries would not cross packages")
			}
			if got := p.GetLoadMode(); got != "typesinfo" {
				t.Errorf("GetLoadMode() = %q, want typesinfo", got)
			}
		})
	}
}

// TestDeclaredFunctionsSetting runs the plugin's analyzer, which does not
// read .lostupdate.yml, on the module of testdata/declared with its
// functions declared in the plugin's settings instead: the balance read by
// store.Balance and written back by store.SetBalance is reported, and the
// message says the settings declared the read; the application lock
// declared serializes (true, a YAML bool through the settings) protects a
// read made after it, not one made before.
func TestDeclaredFunctionsSetting(t *testing.T) {
	fn := func(m map[string]any) map[string]any { return m }
	p, err := plugin.New(map[string]any{"functions": map[string]any{
		"example.com/declared/store.Balance":        fn(map[string]any{"loads": "result 0", "table": "accounts", "column": "balance", "handle": "param 1"}),
		"example.com/declared/store.SetBalance":     fn(map[string]any{"saves": "param 3", "table": "accounts", "column": "balance", "handle": "param 1"}),
		"example.com/declared/store.LockAccount":    fn(map[string]any{"locks": "param 1"}),
		"(*example.com/declared/store.Client).InTx": fn(map[string]any{"runs-in-transaction": "param 1"}),
		"example.com/declared/store.Acquire":        fn(map[string]any{"serializes": true}),
	}})
	if err != nil {
		t.Fatal(err)
	}
	as, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	results := analysistest.Run(&quiet{}, filepath.Join("..", "testdata", "declared"), as[0], "./service")
	var got []string
	for _, r := range results {
		for _, d := range r.Diagnostics {
			got = append(got, fmt.Sprintf("%s: %s", filepath.Base(r.Pass.Fset.Position(d.Pos).String()), d.Message))
		}
	}
	if len(got) != 3 {
		t.Fatalf("got %d diagnostics, want the racy withdrawal and the two late locks:\n%s", len(got), strings.Join(got, "\n"))
	}
	if !strings.HasPrefix(got[0], "service.go:22:9: lost update: b is read at service.go:18 (by store.Balance, at the lostupdate settings)") {
		t.Errorf("first diagnostic %q, want the racy withdrawal, read as the settings declare", got[0])
	}
	if !strings.Contains(got[1], "before the lock taken at service.go:50") {
		t.Errorf("second diagnostic %q, want the row lock taken after the read", got[1])
	}
	if !strings.HasPrefix(got[2], "service.go:83:9: lost update: b is read at service.go:74") || !strings.Contains(got[2], "before the lock taken at service.go:78") {
		t.Errorf("third diagnostic %q, want the application lock taken after the read", got[2])
	}
}

// quiet is an analysistest.Testing that ignores the want comments, which
// name the configuration file's declarations.
type quiet struct{}

func (quiet) Errorf(string, ...any) {}
