package main_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lostupdate/lostupdate/analyzer"
)

// These tests build lostupdate and lostupdate-sarif and run them as users
// do: lostupdate -json ./bank | lostupdate-sarif, on the analyzer's test
// module.

var lostupdate, lostupdateSARIF string

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "lostupdate-sarif")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	lostupdate = filepath.Join(dir, "lostupdate")
	lostupdateSARIF = filepath.Join(dir, "lostupdate-sarif")
	for bin, pkg := range map[string]string{lostupdate: "../lostupdate", lostupdateSARIF: "."} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build -o %s %s: %v\n%s", bin, pkg, err, out)
			return 1
		}
	}
	// The test module's dependencies must be in the module cache; the go
	// command may fetch them now, through the module proxy.
	cmd := exec.Command("go", "list", "-deps", "-test", "./...")
	cmd.Dir = cases()
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go list -deps -test ./... in %s: %v\n%s", cmd.Dir, err, out)
		return 1
	}
	return m.Run()
}

// cases is the analyzer's test module.
func cases() string {
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "cases"))
	if err != nil {
		panic(err)
	}
	return dir
}

// sarifLog is the part of a SARIF log the tests look at.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID string `json:"id"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Level      string                `json:"level"`
				Message    struct{ Text string } `json:"message"`
				Properties map[string]string     `json:"properties"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string                `json:"ruleId"`
			Message   struct{ Text string } `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			RelatedLocations []json.RawMessage `json:"relatedLocations"`
		} `json:"results"`
	} `json:"runs"`
}

// diagnostics counts the distinct diagnostics in lostupdate -json output
// (a package and its test variant report the same ones).
func diagnostics(t *testing.T, data []byte) int {
	t.Helper()
	var tree map[string]map[string][]struct {
		Posn, Category, Message string
	}
	if err := json.Unmarshal(data, &tree); err != nil {
		t.Fatalf("lostupdate -json printed something else: %v\n%s", err, data)
	}
	seen := make(map[string]bool)
	for _, analyzers := range tree {
		for _, diags := range analyzers {
			for _, d := range diags {
				seen[d.Posn+"\x00"+d.Category+"\x00"+d.Message] = true
			}
		}
	}
	return len(seen)
}

func TestPipeline(t *testing.T) {
	dir := cases()
	// lostupdate -json ./bank | lostupdate-sarif, keeping a copy of the JSON.
	lu := exec.Command(lostupdate, "-json", "./bank")
	lu.Dir = dir
	var luErr bytes.Buffer
	lu.Stderr = &luErr
	pipe, err := lu.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var jsonOut, sarifOut, sarifErr bytes.Buffer
	conv := exec.Command(lostupdateSARIF)
	conv.Dir = dir
	conv.Stdin = io.TeeReader(pipe, &jsonOut)
	conv.Stdout, conv.Stderr = &sarifOut, &sarifErr
	if err := lu.Start(); err != nil {
		t.Fatal(err)
	}
	if err := conv.Run(); err != nil {
		t.Fatalf("lostupdate-sarif: %v\n%s", err, sarifErr.Bytes())
	}
	if err := lu.Wait(); err != nil {
		t.Fatalf("lostupdate -json ./bank: %v\n%s", err, luErr.Bytes())
	}
	if sarifErr.Len() > 0 {
		t.Errorf("lostupdate-sarif wrote to stderr:\n%s", sarifErr.Bytes())
	}

	want := diagnostics(t, jsonOut.Bytes())
	if want == 0 {
		t.Fatalf("lostupdate -json ./bank reported nothing:\n%s", jsonOut.Bytes())
	}
	var log sarifLog
	if err := json.Unmarshal(sarifOut.Bytes(), &log); err != nil {
		t.Fatalf("lostupdate-sarif output is not JSON: %v\n%s", err, sarifOut.Bytes())
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "lostupdate" {
		t.Fatalf("want one run of lostupdate in SARIF 2.1.0, got version %q with %d runs", log.Version, len(log.Runs))
	}
	if v := log.Runs[0].Tool.Driver.Version; v == "" || v == "(unknown)" {
		t.Errorf("tool.driver.version is %q; want the module version the tool was built at", v)
	}
	r := log.Runs[0]
	if !r.Invocations[0].ExecutionSuccessful {
		t.Errorf("executionSuccessful is false for a package that was analysed")
	}
	if len(r.Results) != want {
		t.Errorf("%d SARIF results, want %d, one per diagnostic", len(r.Results), want)
	}
	related := 0
	for i, res := range r.Results {
		if !slices.Contains(analyzer.Categories, res.RuleID) {
			t.Errorf("result %d: ruleId %q is not a category (%s)", i, res.RuleID, strings.Join(analyzer.Categories, ", "))
		}
		if res.Message.Text == "" || len(res.Locations) != 1 {
			t.Errorf("result %d: want a message and one location, got %+v", i, res)
			continue
		}
		loc := res.Locations[0].PhysicalLocation
		if uri := loc.ArtifactLocation.URI; !strings.HasPrefix(uri, "bank/") || !strings.HasSuffix(uri, ".go") || loc.ArtifactLocation.URIBaseID != "%SRCROOT%" {
			t.Errorf("result %d: artifact %+v, want a URI relative to the module like bank/bank.go, based on %%SRCROOT%%", i, loc.ArtifactLocation)
		}
		if loc.Region.StartLine <= 0 {
			t.Errorf("result %d: no start line", i)
		}
		related += len(res.RelatedLocations)
	}
	if related == 0 {
		t.Errorf("no result has related locations; every lost update names its load")
	}
}

// TestFileAndBase converts a saved -json file from another directory,
// with -base naming the module root.
func TestFileAndBase(t *testing.T) {
	lu := exec.Command(lostupdate, "-json", "./bank")
	lu.Dir = cases()
	data, err := lu.Output()
	if err != nil {
		t.Fatalf("lostupdate -json ./bank: %v", err)
	}
	file := filepath.Join(t.TempDir(), "lostupdate.json")
	if err := os.WriteFile(file, data, 0o666); err != nil {
		t.Fatal(err)
	}
	conv := exec.Command(lostupdateSARIF, "-base", "..", "-level", "error", file)
	conv.Dir = filepath.Join(cases(), "bank")
	out, err := conv.Output()
	if err != nil {
		t.Fatalf("lostupdate-sarif -base .. %s: %v", file, err)
	}
	for _, want := range []string{`"uri": "bank/bank.go"`, `"level": "error"`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output does not contain %s", want)
		}
	}
}

func TestBadInput(t *testing.T) {
	// The plain output of lostupdate (on stderr), what users pipe in
	// when they forget -json (with 2>&1).
	plain := exec.Command(lostupdate, "./bank")
	plain.Dir = cases()
	text, _ := plain.CombinedOutput()
	if len(text) == 0 {
		t.Fatal("lostupdate ./bank printed nothing")
	}
	missing := filepath.Join(t.TempDir(), "missing.json")
	for _, tc := range []struct {
		name  string
		args  []string
		stdin []byte
		want  string
	}{
		{"plain text", nil, text, "standard input: input is not JSON (did you run lostupdate with -json?)"},
		{"wrong shape", nil, []byte(`{"example.com/p": {"lostupdate": 42}}`), `package "example.com/p", analyzer "lostupdate": want a list of diagnostics`},
		{"empty", nil, nil, "input is empty"},
		{"missing file", []string{missing}, nil, "missing.json: no such file"},
		{"two files", []string{"a.json", "b.json"}, nil, "want at most one input file, got 2"},
		{"bad level", []string{"-level", "fatal"}, []byte("{}"), `-level "fatal": want one of warning, error, note`},
		{"unknown flag", []string{"-format", "sarif"}, []byte("{}"), "flag provided but not defined: -format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(lostupdateSARIF, tc.args...)
			cmd.Stdin = bytes.NewReader(tc.stdin)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 {
				t.Errorf("exit: %v, want status 2", err)
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr %q does not say %q", stderr.String(), tc.want)
			}
			if stdout.Len() > 0 {
				t.Errorf("wrote %d bytes to stdout on bad input:\n%s", stdout.Len(), stdout.Bytes())
			}
		})
	}
}

// TestPackageError: a package that failed to load is recorded, listed on
// stderr, and the conversion still succeeds so that the upload happens.
func TestPackageError(t *testing.T) {
	lu := exec.Command(lostupdate, "-json", "./nonexist")
	lu.Dir = cases()
	data, _ := lu.Output() // with -json, lostupdate exits 0 and reports the error in the JSON
	conv := exec.Command(lostupdateSARIF)
	conv.Stdin = bytes.NewReader(data)
	var stdout, stderr bytes.Buffer
	conv.Stdout, conv.Stderr = &stdout, &stderr
	if err := conv.Run(); err != nil {
		t.Fatalf("lostupdate-sarif: %v\n%s", err, stderr.Bytes())
	}
	if !strings.Contains(stderr.String(), "not analysed: ./nonexist:") {
		t.Errorf("stderr %q does not name the package that was not analysed", stderr.String())
	}
	var log sarifLog
	if err := json.Unmarshal(stdout.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Runs[0].Invocations[0].ExecutionSuccessful {
		t.Errorf("executionSuccessful is true though a package failed")
	}
}

// TestUnmodelledNotices saves lostupdate's output and standard error over
// a module whose packages use rueidis, which lostupdate does not model, and
// checks that -notices turns its notice into a warning notification of a
// successful invocation, said on standard error too.
func TestUnmodelledNotices(t *testing.T) {
	dir := t.TempDir()
	jsonFile, logFile := filepath.Join(dir, "lostupdate.json"), filepath.Join(dir, "lostupdate.log")
	lu := exec.Command(lostupdate, "-json", "./...")
	lu.Dir = filepath.Join(cases(), "..", "unmodelled")
	var luOut, luErr bytes.Buffer
	lu.Stdout, lu.Stderr = &luOut, &luErr
	if err := lu.Run(); err != nil {
		t.Fatalf("lostupdate -json ./...: %v\n%s", err, luErr.Bytes())
	}
	if err := os.WriteFile(jsonFile, luOut.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(logFile, luErr.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	conv := exec.Command(lostupdateSARIF, "-notices", logFile, jsonFile)
	var stdout, stderr bytes.Buffer
	conv.Stdout, conv.Stderr = &stdout, &stderr
	if err := conv.Run(); err != nil {
		t.Fatalf("lostupdate-sarif: %v\n%s", err, stderr.Bytes())
	}
	const text = "2 packages import rueidis (github.com/redis/rueidis), which lostupdate does not model: their data access through it was not checked (example.com/unmodelled/counter, example.com/unmodelled/sessions)"
	if want := "lostupdate-sarif: not checked: " + text + "\n"; stderr.String() != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr.Bytes(), want)
	}
	var log sarifLog
	if err := json.Unmarshal(stdout.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	inv := log.Runs[0].Invocations[0]
	if !inv.ExecutionSuccessful {
		t.Errorf("executionSuccessful is false; every package was analysed")
	}
	if len(inv.ToolExecutionNotifications) != 1 {
		t.Fatalf("%d notifications, want 1: %+v", len(inv.ToolExecutionNotifications), inv.ToolExecutionNotifications)
	}
	n := inv.ToolExecutionNotifications[0]
	if n.Level != "warning" || n.Message.Text != text || n.Properties["library"] != "rueidis" || n.Properties["packages"] != "2" {
		t.Errorf("notification %+v, want a warning %q with library rueidis and packages 2", n, text)
	}

	// A missing -notices file is a usage error that writes nothing.
	conv = exec.Command(lostupdateSARIF, "-notices", filepath.Join(dir, "missing.log"), jsonFile)
	stdout.Reset()
	conv.Stdout = &stdout
	err := conv.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || stdout.Len() > 0 {
		t.Errorf("with a missing -notices file: %v, %d bytes written; want exit status 2 and nothing written", err, stdout.Len())
	}
}
