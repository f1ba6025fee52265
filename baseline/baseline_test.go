package baseline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFingerprintIgnoresLines(t *testing.T) {
	a := Fingerprint("lost-update", "store/store.go", "(*Store).deposit", "balance is read at store.go:21 and written back", "\t_, err := db.Exec(q, b)\n")
	tests := []struct {
		name                              string
		category, file, fn, message, line string
		same                              bool
	}{
		{"lines moved", "lost-update", "store/store.go", "(*Store).deposit", "balance is read at store.go:40 and written back", "_, err := db.Exec(q, b)", true},
		{"other category", "mutex", "store/store.go", "(*Store).deposit", "balance is read at store.go:21 and written back", "_, err := db.Exec(q, b)", false},
		{"other file", "lost-update", "store/other.go", "(*Store).deposit", "balance is read at store.go:21 and written back", "_, err := db.Exec(q, b)", false},
		{"other function", "lost-update", "store/store.go", "(*Store).withdraw", "balance is read at store.go:21 and written back", "_, err := db.Exec(q, b)", false},
		{"other message", "lost-update", "store/store.go", "(*Store).deposit", "likes is read at store.go:21 and written back", "_, err := db.Exec(q, b)", false},
		{"statement edited", "lost-update", "store/store.go", "(*Store).deposit", "balance is read at store.go:21 and written back", "_, err := db.Exec(q, b, c)", false},
	}
	for _, tt := range tests {
		b := Fingerprint(tt.category, tt.file, tt.fn, tt.message, tt.line)
		if (a == b) != tt.same {
			t.Errorf("%s: same fingerprint = %v, want %v", tt.name, a == b, tt.same)
		}
	}
}

func TestWriteReadMatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baseline.json")
	e := Entry{File: "a.go", Function: "F", Category: "lost-update", Fingerprint: "f1", Message: "m"}
	other := Entry{File: "a.go", Function: "G", Category: "lost-update", Fingerprint: "f2", Message: "m"}
	// Two findings agree in everything: the baseline holds both.
	if err := Write(path, []Entry{other, e, e}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Index(string(data), `"f1"`) > strings.Index(string(data), `"f2"`) {
		t.Errorf("entries are not sorted:\n%s", data)
	}
	s, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 3 {
		t.Errorf("Len = %d, want 3", s.Len())
	}
	m := s.Matcher()
	got := []bool{m.Known(e), m.Known(e), m.Known(e), m.Known(other), m.Known(Entry{File: "b.go", Fingerprint: "f1"})}
	want := []bool{true, true, false, true, false}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Known #%d = %v, want %v (the third copy of e is new; a finding in another file is new)", i, got[i], want[i])
		}
	}
	// A fresh matcher starts again.
	if !s.Matcher().Known(e) {
		t.Error("a fresh matcher does not know e")
	}
	var none *Set
	if none.Matcher().Known(e) {
		t.Error("a nil set knows a finding")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, data, err string }{
		{"not JSON", "findings: []", "is not a lostupdate baseline (write one with -write-baseline)"},
		{"other tool", `{"version": 1, "tool": "gosec", "findings": []}`, `it says tool "gosec", version 1`},
		{"other version", `{"version": 2, "tool": "lostupdate", "findings": []}`, "version 2"},
		{"unknown field", `{"version": 1, "tool": "lostupdate", "findings": [], "extra": 1}`, `unknown field "extra"`},
		{"entry without fingerprint", `{"version": 1, "tool": "lostupdate", "findings": [{"file": "a.go", "category": "x", "message": "m"}]}`, "finding 1 has no file or fingerprint"},
	}
	for _, tt := range tests {
		_, err := Parse("b.json", []byte(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.err)
		}
	}
	if _, err := Read(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "reading the baseline") {
		t.Errorf("Read of a missing file: %v", err)
	}
}
