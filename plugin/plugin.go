// Package plugin registers lostupdate as a golangci-lint v2 module plugin.
//
// Build a golangci-lint that contains it with `golangci-lint custom` and a
// .custom-gcl.yml naming this module:
//
//	version: v2.15.0
//	plugins:
//	  - module: github.com/lostupdate/lostupdate
//	    import: github.com/lostupdate/lostupdate/plugin
//	    version: latest
//
// and enable it in .golangci.yml:
//
//	linters:
//	  enable: [lostupdate]
//	  settings:
//	    custom:
//	      lostupdate:
//	        type: module
//	        settings:
//	          disable: [mutex]       # categories not to report, as -disable
//	          enable: [stale-row]    # categories to report in full, as -enable
//	          tests: false           # findings in _test.go files, as -tests
//
// The project's .lostupdate.yml (see package configfile) is not read here:
// golangci-lint caches a package's issues under a key made of the package
// and golangci-lint's own configuration, so an edit of that file would be
// answered from the cache. Its equivalents are these settings, golangci-lint's
// linters.exclusions (for exclude) and new-from-rev (for a baseline).
// golangci-lint's own //nolint:lostupdate comments suppress a finding
// there, as //lostupdate:ignore does for the standalone command.
package plugin

import (
	"fmt"

	"github.com/golangci/plugin-module-register/register"
	"go.yaml.in/yaml/v3"
	"golang.org/x/tools/go/analysis"

	"github.com/lostupdate/lostupdate/analyzer"
	"github.com/lostupdate/lostupdate/analyzer/configfile"
)

// Name is the linter's name in golangci-lint's configuration.
const Name = "lostupdate"

func init() {
	register.Plugin(Name, New)
}

// Settings are the plugin's settings in .golangci.yml.
type Settings struct {
	// Disable lists categories not to report, as the -disable flag does.
	Disable []string `json:"disable"`
	// Enable lists categories to report in full, as the -enable flag
	// does (stale-row: every whole-row write of a row read without a
	// lock).
	Enable []string `json:"enable"`
	// Tests reports findings in _test.go files too, as -tests does.
	Tests bool `json:"tests"`
	// Functions declares what the project's functions that the analysis
	// cannot see into do with their data, as the functions key of
	// .lostupdate.yml does: full function names mapped to loads, saves,
	// table, column, handle, locks, serializes and runs-in-transaction.
	Functions map[string]map[string]any `json:"functions"`
}

// New builds the plugin from its settings; unknown settings and unknown
// categories are errors.
func New(settings any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](settings)
	if err != nil {
		return nil, fmt.Errorf("lostupdate settings: %w", err)
	}
	// golangci-lint reports each related position as an issue of its
	// own, which a //nolint on the finding's line does not hide.
	cfg := analyzer.Config{Disable: s.Disable, Enable: s.Enable, Tests: s.Tests, FoldRelated: true, NoConfigFile: true}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("lostupdate settings: %w", err)
	}
	if len(s.Functions) > 0 {
		// The same declarations, and the same checks, as the file's.
		data, err := yaml.Marshal(map[string]any{"functions": s.Functions})
		if err != nil {
			return nil, fmt.Errorf("lostupdate settings: functions: %w", err)
		}
		f, err := configfile.Parse("lostupdate settings", data, analyzer.Categories)
		if err != nil {
			return nil, err
		}
		cfg.Functions = f.Functions
	}
	return linter{cfg}, nil
}

// linter is the registered plugin.
type linter struct{ cfg analyzer.Config }

// BuildAnalyzers returns the analyzer configured by the settings.
func (l linter) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	return []*analysis.Analyzer{analyzer.New(l.cfg)}, nil
}

// GetLoadMode asks for type information: the analyzer works on SSA.
func (l linter) GetLoadMode() string { return register.LoadModeTypesInfo }
