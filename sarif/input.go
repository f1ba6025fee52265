package sarif

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The types below mirror the JSON that golang.org/x/tools prints with
// -json (internal/analysis/driverutil: JSONTree and JSONDiagnostic): a
// tree from package ID to analyzer name to either a list of diagnostics or
// {"error": "..."}. Unknown fields are ignored, so that a newer x/tools
// that adds one does not break the conversion.

type jsonDiagnostic struct {
	Category       string        `json:"category"`
	Posn           string        `json:"posn"`
	End            string        `json:"end"`
	Message        string        `json:"message"`
	URL            string        `json:"url"`
	SuggestedFixes []jsonFix     `json:"suggested_fixes"`
	Related        []jsonRelated `json:"related"`
}

type jsonFix struct {
	Message string     `json:"message"`
	Edits   []jsonEdit `json:"edits"`
}

// jsonEdit replaces the bytes [Start, End) of Filename with New.
type jsonEdit struct {
	Filename string `json:"filename"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	New      string `json:"new"`
}

type jsonRelated struct {
	Posn    string `json:"posn"`
	End     string `json:"end"`
	Message string `json:"message"`
}

// entry is one analyzer's result for one package: diagnostics, or the
// error that stopped the analysis.
type entry struct {
	pkg, analyzer string
	diags         []jsonDiagnostic
	failed        bool
	err           string
}

// InputError reports input that is not the JSON of `lostupdate -json`.
type InputError struct {
	// Msg says what is wrong and where.
	Msg string
}

func (e *InputError) Error() string { return e.Msg }

func inputErrorf(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// wantShape describes the expected input in error messages.
const wantShape = `{"<package>": {"<analyzer>": [diagnostics] or {"error": "..."}}}`

// decode reads one or more JSON trees (go vet -json prints one per
// package) and returns their entries by package and analyzer within each tree.
func decode(r io.Reader) ([]entry, error) {
	dec := json.NewDecoder(r)
	var entries []entry
	trees := 0
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, syntaxError(err)
		}
		trees++
		raw = bytes.TrimSpace(raw)
		if raw[0] != '{' {
			return nil, inputErrorf("input is JSON but not the output of lostupdate -json: want an object %s, got %s", wantShape, kind(raw))
		}
		var pkgs map[string]json.RawMessage
		if err := json.Unmarshal(raw, &pkgs); err != nil {
			return nil, inputErrorf("input does not have the shape %s: %v", wantShape, err)
		}
		for _, pkg := range slices.Sorted(maps.Keys(pkgs)) {
			v := bytes.TrimSpace(pkgs[pkg])
			if len(v) == 0 || v[0] != '{' {
				return nil, inputErrorf("package %q: want an object from analyzer name to result, got %s", pkg, kind(v))
			}
			var analyzers map[string]json.RawMessage
			if err := json.Unmarshal(v, &analyzers); err != nil {
				return nil, inputErrorf("package %q: %v", pkg, err)
			}
			for _, name := range slices.Sorted(maps.Keys(analyzers)) {
				e, err := decodeEntry(pkg, name, analyzers[name])
				if err != nil {
					return nil, err
				}
				entries = append(entries, e)
			}
		}
	}
	if trees == 0 {
		return nil, inputErrorf("input is empty: want the output of lostupdate -json")
	}
	return entries, nil
}

// decodeEntry decodes one analyzer's result for one package.
func decodeEntry(pkg, name string, v json.RawMessage) (entry, error) {
	e := entry{pkg: pkg, analyzer: name}
	where := fmt.Sprintf("package %q, analyzer %q", pkg, name)
	v = bytes.TrimSpace(v)
	switch {
	case len(v) > 0 && v[0] == '[':
		if err := json.Unmarshal(v, &e.diags); err != nil {
			return e, inputErrorf("%s: the diagnostics are not a list of {\"posn\", \"message\", …}: %v", where, describe(err))
		}
		for i, d := range e.diags {
			if err := checkDiagnostic(d); err != nil {
				return e, inputErrorf("%s: diagnostic %d: %v", where, i+1, err)
			}
		}
	case len(v) > 0 && v[0] == '{':
		var je struct {
			Err *string `json:"error"`
		}
		if err := json.Unmarshal(v, &je); err != nil || je.Err == nil {
			return e, inputErrorf(`%s: an object result must be {"error": "<message>"}, got %s`, where, v)
		}
		e.failed, e.err = true, *je.Err
	default:
		return e, inputErrorf(`%s: want a list of diagnostics or {"error": "..."}, got %s`, where, kind(v))
	}
	return e, nil
}

// checkDiagnostic checks the fields the conversion relies on.
func checkDiagnostic(d jsonDiagnostic) error {
	if d.Message == "" {
		return errors.New(`"message" is missing or empty`)
	}
	if d.Posn == "" {
		return errors.New(`"posn" is missing`)
	}
	if _, err := parsePosn(d.Posn); err != nil {
		return err
	}
	for _, r := range d.Related {
		if _, err := parsePosn(r.Posn); err != nil {
			return fmt.Errorf("related information: %w", err)
		}
	}
	for _, f := range d.SuggestedFixes {
		for _, e := range f.Edits {
			if e.Filename == "" || e.Start < 0 || e.End < e.Start {
				return fmt.Errorf("suggested fix %q: edit %q [%d, %d) is not a file and a byte range", f.Message, e.Filename, e.Start, e.End)
			}
		}
	}
	return nil
}

// syntaxError explains a JSON decoding error of the whole input.
func syntaxError(err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return inputErrorf("input is not JSON (did you run lostupdate with -json?): %v at byte %d", err, syn.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return inputErrorf("input ends in the middle of a JSON value: was lostupdate -json interrupted?")
	}
	return inputErrorf("reading the input: %v", err)
}

// describe rewrites a json type error in the input's terms.
func describe(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("field %q is a JSON %s, want %s", te.Field, te.Value, jsonKind(te.Type))
	}
	return err.Error()
}

// jsonKind names the JSON kind that decodes into a Go type.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "list"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Bool:
		return "boolean"
	}
	return "number"
}

// kind names the kind of a JSON value for error messages.
func kind(v json.RawMessage) string {
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// position is a parsed "file:line:column" of token.Position.String.
// A zero line means no position ("-").
type position struct {
	file      string
	line, col int
}

// parsePosn parses the output of token.Position.String: "file:line:col",
// "file:line" when the column is unknown, or "-" for no position. The file
// name may itself contain colons (C:\src on Windows), so it is split from
// the right.
func parsePosn(s string) (position, error) {
	if s == "-" {
		return position{}, nil
	}
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		// JSON encoders write a name that is not UTF-8 with U+FFFD in
		// place of its bad bytes: a name that no longer names the file.
		return position{}, fmt.Errorf("position %q: the file name is not UTF-8 (U+FFFD stands for its bad bytes), so SARIF cannot name the file; rename it", s)
	}
	rest, last, ok := cutNumber(s)
	if !ok {
		return position{}, fmt.Errorf("position %q is not file:line:column with a positive line and column", s)
	}
	if file, line, ok := cutNumber(rest); ok {
		return position{file: file, line: line, col: last}, nil
	}
	if i := strings.LastIndexByte(rest, ':'); i > 0 {
		if _, err := strconv.Atoi(rest[i+1:]); err == nil {
			// "a.go:-3:4" or "a.go:0:4": not a file named "a.go:-3".
			return position{}, fmt.Errorf("position %q is not file:line:column with a positive line and column", s)
		}
	}
	return position{file: rest, line: last}, nil
}

// cutNumber splits "prefix:n" into prefix and a positive n.
func cutNumber(s string) (string, int, bool) {
	i := strings.LastIndexByte(s, ':')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil || n <= 0 {
		return "", 0, false
	}
	return s[:i], n, true
}
