package sarif_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lostupdate/lostupdate/analyzer"
	"github.com/lostupdate/lostupdate/sarif"
)

// The inputs are hand-written in the shape x/tools prints with -json, for
// files under /src/app, which is the base directory.

const base = "/src/app"

// bankGo is the source the tests read; the second line has a non-ASCII
// character before the diagnostic, so byte and UTF-16 columns differ.
const bankGo = "package bank\n// …x = y\n"

func readFile(name string) ([]byte, error) {
	if name == base+"/bank/bank.go" {
		return []byte(bankGo), nil
	}
	return nil, fs.ErrNotExist
}

const withFix = `{
	"example.com/app/bank": {
		"lostupdate": [
			{
				"category": "lost-update",
				"posn": "/src/app/bank/bank.go:29:12",
				"end": "/src/app/bank/bank.go:29:101",
				"message": "lost update: balance is read at bank.go:26 and written back here",
				"suggested_fixes": [
					{
						"message": "Update balance atomically",
						"edits": [
							{"filename": "/src/app/bank/bank.go", "start": 777, "end": 779, "new": "balance + $1"},
							{"filename": "/src/app/bank/bank.go", "start": 796, "end": 810, "new": ""}
						]
					}
				],
				"related": [
					{"posn": "/src/app/bank/bank.go:26:12", "end": "/src/app/bank/bank.go:26:100", "message": "balance is read here"}
				]
			}
		]
	}
}`

// convertCase is a conversion TestConvert checks and TestValidator has
// the official SARIF validator check.
type convertCase struct {
	name  string
	input string
	opts  sarif.Options
	// want maps paths in the SARIF output, as in
	// "runs.0.results.0.ruleId", to their values (numbers are
	// float64, as encoding/json decodes them).
	want map[string]any
	// results and failures are the expected Summary.
	results  int
	failures []string
}

var convertCases = []convertCase{{
	name:    "diagnostic with related information and a fix",
	input:   withFix,
	results: 1,
	want: map[string]any{
		"runs.0.invocations.0.executionSuccessful":                                           true,
		"runs.0.originalUriBaseIds.%SRCROOT%.uri":                                            "file:///src/app/",
		"runs.0.results.0.ruleId":                                                            "lost-update",
		"runs.0.results.0.ruleIndex":                                                         0.0,
		"runs.0.results.0.level":                                                             "warning",
		"runs.0.results.0.message.text":                                                      "lost update: balance is read at bank.go:26 and written back here",
		"runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri":                 "bank/bank.go",
		"runs.0.results.0.locations.0.physicalLocation.artifactLocation.uriBaseId":           "%SRCROOT%",
		"runs.0.results.0.locations.0.physicalLocation.region.startLine":                     29.0,
		"runs.0.results.0.locations.0.physicalLocation.region.startColumn":                   12.0,
		"runs.0.results.0.locations.0.physicalLocation.region.endLine":                       29.0,
		"runs.0.results.0.locations.0.physicalLocation.region.endColumn":                     101.0,
		"runs.0.results.0.relatedLocations.0.message.text":                                   "balance is read here",
		"runs.0.results.0.relatedLocations.0.physicalLocation.artifactLocation.uri":          "bank/bank.go",
		"runs.0.results.0.relatedLocations.0.physicalLocation.region.startLine":              26.0,
		"runs.0.results.0.relatedLocations.0.physicalLocation.region.endColumn":              100.0,
		"runs.0.results.0.fixes.0.description.text":                                          "Update balance atomically",
		"runs.0.results.0.fixes.0.artifactChanges.0.artifactLocation.uri":                    "bank/bank.go",
		"runs.0.results.0.fixes.0.artifactChanges.0.replacements.0.deletedRegion.byteOffset": 777.0,
		"runs.0.results.0.fixes.0.artifactChanges.0.replacements.0.deletedRegion.byteLength": 2.0,
		"runs.0.results.0.fixes.0.artifactChanges.0.replacements.0.insertedContent.text":     "balance + $1",
		"runs.0.results.0.fixes.0.artifactChanges.0.replacements.1.deletedRegion.byteOffset": 796.0,
		"runs.0.results.0.fixes.0.artifactChanges.0.replacements.1.deletedRegion.byteLength": 14.0,
		// Offsets past the end of the source cannot be converted:
		// only the byte range is given.
		"runs.0.results.0.fixes.0.artifactChanges.0.replacements.0.deletedRegion.charOffset": nil,
		// A deletion inserts nothing.
		"runs.0.results.0.fixes.0.artifactChanges.0.replacements.1.insertedContent": nil,
		"runs.0.tool.driver.rules.0.id":                                             "lost-update",
		"runs.0.tool.driver.rules.0.helpUri":                                        "https://github.com/lostupdate/lostupdate#lost-update",
	},
}, {
	name:  "columns and offsets in UTF-16 code units",
	input: `{"p": {"lostupdate": [{"category": "mutex", "posn": "/src/app/bank/bank.go:2:7", "end": "/src/app/bank/bank.go:2:12", "message": "m", "suggested_fixes": [{"message": "f", "edits": [{"filename": "/src/app/bank/bank.go", "start": 19, "end": 24, "new": "x + 1"}]}]}]}}`,
	// "// …x = y": the three bytes of … are one UTF-16 code
	// unit, so x, at byte column 7 and offset 19, is at column 5
	// and offset 17.
	results: 1,
	want: map[string]any{
		"runs.0.columnKind":          "utf16CodeUnits",
		"runs.0.results.0.ruleId":    "mutex",
		"runs.0.results.0.ruleIndex": float64(slices.Index(analyzer.Categories, analyzer.CategoryMutex)),
		"runs.0.results.0.locations.0.physicalLocation.region.startColumn":                   5.0,
		"runs.0.results.0.locations.0.physicalLocation.region.endColumn":                     10.0,
		"runs.0.results.0.fixes.0.artifactChanges.0.replacements.0.deletedRegion.byteOffset": 19.0,
		"runs.0.results.0.fixes.0.artifactChanges.0.replacements.0.deletedRegion.charOffset": 17.0,
		"runs.0.results.0.fixes.0.artifactChanges.0.replacements.0.deletedRegion.charLength": 5.0,
	},
}, {
	name:     "package error",
	input:    `{"./nonexist": {"lostupdate": {"error": "analysis skipped due to errors in package"}}}`,
	failures: []string{"./nonexist: analysis skipped due to errors in package"},
	want: map[string]any{
		"runs.0.results": []any{},
		"runs.0.invocations.0.executionSuccessful":                             false,
		"runs.0.invocations.0.toolExecutionNotifications.0.level":              "error",
		"runs.0.invocations.0.toolExecutionNotifications.0.message.text":       "./nonexist: analysis skipped due to errors in package",
		"runs.0.invocations.0.toolExecutionNotifications.0.properties.package": "./nonexist",
	},
}, {
	name:  "no findings",
	input: `{}`,
	want: map[string]any{
		"runs.0.results": []any{},
		"runs.0.invocations.0.executionSuccessful":        true,
		"runs.0.invocations.0.toolExecutionNotifications": nil,
		"runs.0.tool.driver.name":                         "lostupdate",
		"runs.0.tool.driver.informationUri":               "https://github.com/lostupdate/lostupdate",
	},
}, {
	name: "sorted by package, file, line and column; test variants once",
	input: `{
		"b": {"lostupdate": [
			{"category": "lost-update", "posn": "/src/app/b/b.go:9:2", "end": "/src/app/b/b.go:9:2", "message": "b9"},
			{"category": "lost-update", "posn": "/src/app/b/b.go:3:7", "end": "/src/app/b/b.go:3:9", "message": "b3.7"},
			{"category": "lost-update", "posn": "/src/app/b/b.go:3:2", "end": "/src/app/b/b.go:3:4", "message": "b3.2"}
		]},
		"b [b.test]": {"lostupdate": [
			{"category": "lost-update", "posn": "/src/app/b/b.go:3:2", "end": "/src/app/b/b.go:3:4", "message": "b3.2"}
		]},
		"a": {"lostupdate": [
			{"category": "stale-read", "posn": "/src/app/z/a.go:1:1", "end": "/src/app/z/a.go:1:5", "message": "a1"}
		]}
	}`,
	results: 4,
	want: map[string]any{
		"runs.0.results.0.message.text": "a1",
		"runs.0.results.1.message.text": "b3.2",
		"runs.0.results.2.message.text": "b3.7",
		"runs.0.results.3.message.text": "b9",
		"runs.0.results.4":              nil,
		// A diagnostic without an extent gets no end: SARIF takes
		// the rest of the line.
		"runs.0.results.3.locations.0.physicalLocation.region.endColumn": nil,
	},
}, {
	name:     "several trees, as go vet -json prints them",
	input:    `{"a": {"lostupdate": [{"category": "mutex", "posn": "/src/app/a.go:1:1", "end": "-", "message": "a"}]}}` + "\n" + `{"b": {"lostupdate": {"error": "broken"}}}`,
	results:  1,
	failures: []string{"b: broken"},
	want: map[string]any{
		"runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri": "a.go",
		"runs.0.invocations.0.executionSuccessful":                           false,
	},
}, {
	name:    "file outside the base directory",
	input:   `{"a": {"lostupdate": [{"category": "mutex", "posn": "/elsewhere/my dir/a.go:1:1", "end": "-", "message": "a"}]}}`,
	results: 1,
	want: map[string]any{
		"runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri":       "file:///elsewhere/my%20dir/a.go",
		"runs.0.results.0.locations.0.physicalLocation.artifactLocation.uriBaseId": nil,
	},
}, {
	name:    "unknown category, text that looks like a link, level error",
	input:   `{"a": {"lostupdate": [{"category": "new-check", "posn": "/src/app/a.go:1:1", "end": "-", "message": "call f[T](x)"}]}}`,
	opts:    sarif.Options{Level: "error"},
	results: 1,
	want: map[string]any{
		"runs.0.results.0.ruleId":       "new-check",
		"runs.0.results.0.ruleIndex":    float64(len(analyzer.Categories)),
		"runs.0.results.0.level":        "error",
		"runs.0.results.0.message.text": `call f\[T\](x)`,
		fmt.Sprintf("runs.0.tool.driver.rules.%d.helpUri", len(analyzer.Categories)):                    "https://github.com/lostupdate/lostupdate#new-check",
		fmt.Sprintf("runs.0.tool.driver.rules.%d.defaultConfiguration.level", len(analyzer.Categories)): "error",
	},
}}

func TestConvert(t *testing.T) {
	for _, tc := range convertCases {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.Base, opts.ReadFile = base, readFile
			var out bytes.Buffer
			sum, err := sarif.Convert(strings.NewReader(tc.input), &out, opts)
			if err != nil {
				t.Fatalf("Convert: %v", err)
			}
			if sum.Results != tc.results || !slices.Equal(sum.Failures, tc.failures) {
				t.Errorf("Summary = %+v, want %d results and failures %q", sum, tc.results, tc.failures)
			}
			log := checkRequired(t, out.Bytes())
			for path, want := range tc.want {
				got, _ := at(log, path)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %#v, want %#v", path, got, want)
				}
			}
		})
	}
}

// checkRequired decodes a SARIF log and checks the properties that SARIF
// 2.1.0 and GitHub code scanning require of what Convert writes.
func checkRequired(t *testing.T, data []byte) any {
	t.Helper()
	var log any
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, data)
	}
	for path, want := range map[string]any{
		"$schema":                 "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
		"version":                 "2.1.0",
		"runs.0.tool.driver.name": "lostupdate",
	} {
		if got, _ := at(log, path); got != want {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
	if runs, _ := at(log, "runs"); len(runs.([]any)) != 1 {
		t.Errorf("%d runs, want 1", len(runs.([]any)))
	}
	rules, _ := at(log, "runs.0.tool.driver.rules")
	var ids []string
	for i := range rules.([]any) {
		id, _ := at(log, fmt.Sprintf("runs.0.tool.driver.rules.%d.id", i))
		ids = append(ids, id.(string))
	}
	if !slices.Equal(ids[:len(analyzer.Categories)], analyzer.Categories) {
		t.Errorf("rules %q do not start with the categories %q", ids, analyzer.Categories)
	}
	results, ok := at(log, "runs.0.results")
	if _, isList := results.([]any); !ok || !isList {
		t.Fatalf("runs.0.results is %#v, want a list", results)
	}
	for i := range results.([]any) {
		r := fmt.Sprintf("runs.0.results.%d.", i)
		id, _ := at(log, r+"ruleId")
		idx, _ := at(log, r+"ruleIndex")
		if idx, ok := idx.(float64); !ok || int(idx) >= len(ids) || ids[int(idx)] != id {
			t.Errorf("%sruleIndex %v does not point to rule %v", r, idx, id)
		}
		if text, _ := at(log, r+"message.text"); text == "" || text == nil {
			t.Errorf("%smessage.text is missing", r)
		}
		if uri, _ := at(log, r+"locations.0.physicalLocation.artifactLocation.uri"); uri == nil {
			t.Errorf("%slocations has no artifact URI", r)
		}
		if fp, _ := at(log, r+"partialFingerprints.lostupdateFinding/v1"); fp == nil {
			t.Errorf("%shas no partial fingerprint", r)
		}
	}
	for i := range rules.([]any) {
		r := fmt.Sprintf("runs.0.tool.driver.rules.%d.", i)
		id, _ := at(log, r+"id")
		name, _ := at(log, r+"name")
		if name == id || name == nil {
			t.Errorf("%sname is %v, want a PascalCase name that is not the id %v", r, name, id)
		}
	}
	return log
}

// TestFingerprints checks that a finding keeps its partial fingerprint when
// lines are added above it (its line and the line numbers in its message
// change), that another statement gets another, and that two findings
// alike in one file are told apart.
func TestFingerprints(t *testing.T) {
	const msg = "lost update: balance is read at bank.go:%d and written back here"
	diag := func(line, read int) string {
		return fmt.Sprintf(`{"category": "lost-update", "posn": "/src/app/bank/bank.go:%d:2", "message": %q}`, line, fmt.Sprintf(msg, read))
	}
	source := func(lines ...string) func(string) ([]byte, error) {
		return func(string) ([]byte, error) { return []byte(strings.Join(lines, "\n")), nil }
	}
	write := "\tdb.Exec(\"UPDATE accounts SET balance = $1\", b+1)"
	fingerprints := func(input string, read func(string) ([]byte, error)) []string {
		t.Helper()
		var out bytes.Buffer
		if _, err := sarif.Convert(strings.NewReader(input), &out, sarif.Options{Base: "/src/app", ReadFile: read}); err != nil {
			t.Fatal(err)
		}
		log := checkRequired(t, out.Bytes())
		var fps []string
		for i := 0; ; i++ {
			fp, ok := at(log, fmt.Sprintf("runs.0.results.%d.partialFingerprints.lostupdateFinding/v1", i))
			if !ok {
				return fps
			}
			fps = append(fps, fp.(string))
		}
	}
	before := fingerprints(`{"p": {"lostupdate": [`+diag(2, 1)+`]}}`, source("", write))
	moved := fingerprints(`{"p": {"lostupdate": [`+diag(5, 4)+`]}}`, source("", "", "", "", write))
	other := fingerprints(`{"p": {"lostupdate": [`+diag(2, 1)+`]}}`, source("", "\tdb.Exec(\"UPDATE accounts SET balance = $1\", b-1)"))
	twice := fingerprints(`{"p": {"lostupdate": [`+diag(2, 1)+`, `+diag(4, 1)+`]}}`, source("", write, "", write))
	if len(before) != 1 || len(moved) != 1 || before[0] != moved[0] {
		t.Errorf("moved down three lines, the fingerprint changed: %q, then %q", before, moved)
	}
	if len(other) != 1 || other[0] == before[0] {
		t.Errorf("another statement has the same fingerprint %q", other)
	}
	if len(twice) != 2 || twice[0] == twice[1] || !strings.HasSuffix(twice[0], ":1") || !strings.HasSuffix(twice[1], ":2") {
		t.Errorf("two findings alike in one file: fingerprints %q, want two that differ by their order", twice)
	}
}

// at returns the value at a dotted path of object keys and list indexes.
func at(v any, path string) (any, bool) {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			if v = x[k]; v == nil {
				return nil, false
			}
		case []any:
			var i int
			if _, err := fmt.Sscan(k, &i); err != nil || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func TestConvertBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, input, want string
	}{
		{"empty", "", "input is empty"},
		{"plain text output", "/src/app/bank.go:29:12: lost update: …\n", "input is not JSON (did you run lostupdate with -json?)"},
		{"truncated", `{"p": {"lostupdate": [`, "input ends in the middle of a JSON value"},
		{"a list", `[]`, "want an object"},
		{"package not an object", `{"p": []}`, `package "p": want an object from analyzer name to result, got a list`},
		{"result a number", `{"p": {"lostupdate": 3}}`, `package "p", analyzer "lostupdate": want a list of diagnostics or {"error": "..."}, got a number`},
		{"object without error", `{"p": {"lostupdate": {"err": "x"}}}`, `an object result must be {"error": "<message>"}`},
		{"posn missing", `{"p": {"lostupdate": [{"message": "m"}]}}`, `diagnostic 1: "posn" is missing`},
		{"message missing", `{"p": {"lostupdate": [{"posn": "a.go:1:1"}]}}`, `diagnostic 1: "message" is missing`},
		{"posn not a position", `{"p": {"lostupdate": [{"posn": "a.go", "message": "m"}]}}`, `position "a.go" is not file:line:column`},
		{"negative line", `{"p": {"lostupdate": [{"posn": "a.go:-3:4", "message": "m"}]}}`, `position "a.go:-3:4" is not file:line:column with a positive line and column`},
		{"line zero", `{"p": {"lostupdate": [{"posn": "a.go:0:4", "message": "m"}]}}`, `position "a.go:0:4" is not file:line:column`},
		{"negative column", `{"p": {"lostupdate": [{"posn": "a.go:3:-4", "message": "m"}]}}`, `position "a.go:3:-4" is not file:line:column`},
		{"negative line in related", `{"p": {"lostupdate": [{"posn": "a.go:1:1", "message": "m", "related": [{"posn": "a.go:-1", "message": "r"}]}]}}`, `position "a.go:-1" is not file:line:column`},
		{"name not UTF-8", "{\"p\": {\"lostupdate\": [{\"posn\": \"a\xff.go:1:1\", \"message\": \"m\"}]}}", `the file name is not UTF-8`},
		{"name with U+FFFD", `{"p": {"lostupdate": [{"posn": "a\ufffd.go:1:1", "message": "m"}]}}`, `the file name is not UTF-8`},
		{"field of the wrong type", `{"p": {"lostupdate": [{"posn": 3, "message": "m"}]}}`, `field "posn" is a JSON number, want string`},
		{"related not a list", `{"p": {"lostupdate": [{"posn": "a.go:1:1", "message": "m", "related": "no"}]}}`, `field "related" is a JSON string, want list`},
		{"bad edit", `{"p": {"lostupdate": [{"posn": "a.go:1:1", "message": "m", "suggested_fixes": [{"message": "f", "edits": [{"filename": "a.go", "start": 5, "end": 2}]}]}]}}`, `is not a file and a byte range`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := sarif.Convert(strings.NewReader(tc.input), &out, sarif.Options{Base: base})
			var inErr *sarif.InputError
			if !errors.As(err, &inErr) {
				t.Fatalf("Convert error = %v, want an *InputError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if out.Len() > 0 {
				t.Errorf("Convert wrote %d bytes on error", out.Len())
			}
		})
	}
}

func TestConvertBadLevel(t *testing.T) {
	_, err := sarif.Convert(strings.NewReader("{}"), new(bytes.Buffer), sarif.Options{Level: "fatal"})
	if err == nil || !strings.Contains(err.Error(), `level "fatal"`) {
		t.Errorf("Convert with level fatal: error %v, want one naming the level", err)
	}
}

// TestDeterministic converts the same input twice and gets the same bytes,
// although Go's maps, which the input is decoded into, have no order.
func TestDeterministic(t *testing.T) {
	input := `{"b": {"lostupdate": [{"category": "mutex", "posn": "/src/app/b.go:1:1", "end": "-", "message": "b"}]},
		"a": {"lostupdate": [{"category": "mutex", "posn": "/src/app/a.go:1:1", "end": "-", "message": "a"}]},
		"c": {"lostupdate": {"error": "c"}}, "d": {"lostupdate": {"error": "d"}}}`
	var first []byte
	for range 20 {
		var out bytes.Buffer
		if _, err := sarif.Convert(strings.NewReader(input), &out, sarif.Options{Base: base}); err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = out.Bytes()
		} else if !bytes.Equal(first, out.Bytes()) {
			t.Fatalf("two conversions differ:\n%s\n---\n%s", first, out.Bytes())
		}
	}
}

// TestRulesDescribeEveryCategory checks that every category has its own
// description, the title of a code scanning alert.
func TestRulesDescribeEveryCategory(t *testing.T) {
	var out bytes.Buffer
	if _, err := sarif.Convert(strings.NewReader("{}"), &out, sarif.Options{}); err != nil {
		t.Fatal(err)
	}
	log := checkRequired(t, out.Bytes())
	for i, cat := range analyzer.Categories {
		desc, _ := at(log, fmt.Sprintf("runs.0.tool.driver.rules.%d.shortDescription.text", i))
		if s, _ := desc.(string); s == "" || strings.HasPrefix(s, "lostupdate ") {
			t.Errorf("category %s has no description of its own: %q", cat, desc)
		}
	}
}
