package sarif_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lostupdate/lostupdate/sarif"
)

// multitool finds the official SARIF validator, sarif-multitool (npm
// install @microsoft/sarif-multitool): $LOSTUPDATE_SARIF_MULTITOOL, then
// PATH, then where .ci/services installs it.
func multitool(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("LOSTUPDATE_SARIF_MULTITOOL"); p != "" {
		return p
	}
	if p, err := exec.LookPath("sarif-multitool"); err == nil {
		return p
	}
	if cache, err := os.UserCacheDir(); err == nil {
		p := filepath.Join(cache, "lostupdate", "sarif-multitool", "node_modules", ".bin", "sarif-multitool")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("sarif-multitool is not installed: .ci/services installs it with npm (npm install @microsoft/sarif-multitool)")
	}
	t.Skip("sarif-multitool is not installed (npm install @microsoft/sarif-multitool); the SARIF is not validated")
	return ""
}

// diagnosticLine is a validator message about a file:
// "/tmp/x.sarif(103,13): warning SARIF1001: …".
var diagnosticLine = regexp.MustCompile(`(?m)^.*\(\d+,\d+\): (error|warning|note) [A-Z]+\d+: .*$`)

// TestValidator has the official SARIF validator check every log that
// TestConvert checks: no error, no warning.
func TestValidator(t *testing.T) {
	tool := multitool(t)
	dir := t.TempDir()
	var files []string
	for _, tc := range convertCases {
		opts := tc.opts
		opts.Base, opts.ReadFile = base, readFile
		var out bytes.Buffer
		if _, err := sarif.Convert(strings.NewReader(tc.input), &out, opts); err != nil {
			t.Fatalf("%s: Convert: %v", tc.name, err)
		}
		name := filepath.Join(dir, strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return '-'
		}, strings.ToLower(tc.name))+".sarif")
		if err := os.WriteFile(name, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	cmd := exec.Command(tool, append([]string{"validate"}, files...)...)
	cmd.Env = append(os.Environ(), "DOTNET_CLI_TELEMETRY_OPTOUT=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sarif-multitool validate: %v\n%s", err, out)
	}
	for _, m := range diagnosticLine.FindAllString(string(out), -1) {
		t.Errorf("the SARIF validator says: %s", m)
	}
	if !strings.Contains(string(out), "Analysis completed successfully") {
		t.Errorf("sarif-multitool did not complete:\n%s", out)
	}
}

// TestDriverVersion checks the tool version SARIF records: from a number
// on, as the validator wants it.
func TestDriverVersion(t *testing.T) {
	tests := []struct{ version, want string }{
		{"v1.2.0", "1.2.0"},
		{"v0.0.0-20261202015128-bcc13278f569+dirty", "0.0.0-20261202015128-bcc13278f569+dirty"},
		{"(devel) 4f3c2a1b9e0d-dirty", "0.0.0-devel+4f3c2a1b9e0d-dirty"},
		{"(devel)", "0.0.0-devel"},
		{"(unknown)", "0.0.0-unknown"},
		{"", "0.0.0-unknown"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if _, err := sarif.Convert(strings.NewReader("{}"), &out, sarif.Options{ToolVersion: tt.version}); err != nil {
			t.Fatal(err)
		}
		var log struct {
			Runs []struct {
				Tool struct {
					Driver struct {
						Version string
						Rules   []struct{ ID, Name string }
					}
				}
			}
		}
		if err := json.Unmarshal(out.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		d := log.Runs[0].Tool.Driver
		if d.Version != tt.want {
			t.Errorf("ToolVersion %q: tool.driver.version = %q, want %q", tt.version, d.Version, tt.want)
		}
		for _, r := range d.Rules {
			if strings.EqualFold(r.ID, r.Name) {
				t.Errorf("rule %q is named %q: SARIF wants a name that is not its id", r.ID, r.Name)
			}
		}
	}
}
