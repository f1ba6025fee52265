package plugin_test

import (
	"strings"
	"testing"

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
