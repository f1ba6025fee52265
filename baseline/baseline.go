// Package baseline records the findings a codebase has today, so that a
// team adopting lostupdate can gate new code on new findings only. A
// finding is identified without its line number, by its file (relative to
// its module's root), the function that holds it, its category and a
// fingerprint of its message and of the text of its line: edits elsewhere
// in the file, which move lines, do not make a recorded finding new.
package baseline

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
)

// FormatVersion is the version of the baseline file format.
const FormatVersion = 1

// Entry is one recorded finding.
type Entry struct {
	// File is the finding's file, slash-separated and relative to the
	// root of the module that holds it.
	File string `json:"file"`
	// Function is the function (or method, "(*T).M") that holds the
	// finding, empty at package level.
	Function string `json:"function,omitempty"`
	// Category is the finding's category.
	Category string `json:"category"`
	// Fingerprint identifies the finding within its file and function
	// (see Fingerprint).
	Fingerprint string `json:"fingerprint"`
	// Message is the finding's message when it was recorded, for the
	// person reading the file; matching does not use it.
	Message string `json:"message"`
}

// key is what matching compares.
func (e Entry) key() string { return e.File + "\x00" + e.Fingerprint }

// file is the baseline file's JSON form.
type file struct {
	Version  int     `json:"version"`
	Tool     string  `json:"tool"`
	Findings []Entry `json:"findings"`
}

// lineRef is a file:line reference in a message ("bank.go:26").
var lineRef = regexp.MustCompile(`(\.go):\d+\b`)

// StripLines removes the line numbers of a message's file:line
// references, so that a message stays the same when lines move.
func StripLines(message string) string { return lineRef.ReplaceAllString(message, "$1") }

// Hash returns a short hexadecimal hash of parts, each kept apart from
// the next.
func Hash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Fingerprint identifies a finding without its line number: its category,
// file and function, its message without line numbers, and the text of
// its line with the surrounding space trimmed.
func Fingerprint(category, file, function, message, line string) string {
	return Hash(category, file, function, StripLines(message), strings.TrimSpace(line))
}

// Write writes the entries to path as a baseline file, sorted so that the
// file is the same for the same findings.
func Write(path string, entries []Entry) error {
	entries = slices.Clone(entries)
	slices.SortFunc(entries, func(a, b Entry) int {
		return cmp.Or(strings.Compare(a.File, b.File), strings.Compare(a.Function, b.Function),
			strings.Compare(a.Category, b.Category), strings.Compare(a.Fingerprint, b.Fingerprint),
			strings.Compare(a.Message, b.Message))
	})
	if entries == nil {
		entries = []Entry{}
	}
	data, err := json.MarshalIndent(file{Version: FormatVersion, Tool: "lostupdate", Findings: entries}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o666)
}

// Set is a read baseline. Each entry excuses one finding with its file
// and fingerprint: a second finding that agrees with the first is new.
type Set struct {
	path  string
	count map[string]int
}

// Read reads the baseline file at path.
func Read(path string) (*Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the baseline: %w", err)
	}
	return Parse(path, data)
}

// Parse parses a baseline file's contents; path names it in errors.
func Parse(path string, data []byte) (*Set, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s is not a lostupdate baseline (write one with -write-baseline): %w", path, err)
	}
	if f.Version != FormatVersion || f.Tool != "lostupdate" {
		return nil, fmt.Errorf("%s is not a lostupdate baseline of version %d (it says tool %q, version %d): write it again with -write-baseline", path, FormatVersion, f.Tool, f.Version)
	}
	s := &Set{path: path, count: make(map[string]int)}
	for i, e := range f.Findings {
		if e.File == "" || e.Fingerprint == "" {
			return nil, fmt.Errorf("%s: finding %d has no file or fingerprint: write the baseline again with -write-baseline", path, i+1)
		}
		s.count[e.key()]++
	}
	return s, nil
}

// Path returns the file the set was read from.
func (s *Set) Path() string { return s.path }

// Len returns how many findings the baseline holds.
func (s *Set) Len() int {
	n := 0
	for _, c := range s.count {
		n += c
	}
	return n
}

// Matcher consumes a Set's entries as findings are matched against them.
// One is used for one package's findings, so that a package analysed
// twice (go vet, then the standalone command) matches the same way.
type Matcher struct{ left map[string]int }

// Matcher returns a fresh matcher over the set; a nil set matches
// nothing.
func (s *Set) Matcher() *Matcher {
	m := &Matcher{left: make(map[string]int)}
	if s != nil {
		for k, c := range s.count {
			m.left[k] = c
		}
	}
	return m
}

// Known reports whether e is in the baseline and, if so, uses up one of
// its entries.
func (m *Matcher) Known(e Entry) bool {
	k := e.key()
	if m.left[k] == 0 {
		return false
	}
	m.left[k]--
	return true
}

// ErrBoth is the error of a run asked to write a baseline and to read
// one.
var ErrBoth = errors.New("-write-baseline records every finding and -baseline hides the recorded ones: give one of them")
