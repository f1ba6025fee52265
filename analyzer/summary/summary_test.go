package summary

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"reflect"
	"slices"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct {
		name string
		s    Summary
		want string
	}{
		{"empty", Summary{}, ""},
		{"locked load on a parameter", Summary{
			Loads: []Load{{Result: 0, Into: -1, Lock: Row, Handle: HandleRef{Param: 2, Kind: Tx}, Rows: -1, SQL: -1}},
			Locks: []LockEffect{{Handle: HandleRef{Param: 2, Kind: Tx}}},
		}, "loads result 0 FOR UPDATE on param 2 (tx); locks param 2 (tx)"},
		{"load through a pointer from the caller's rows", Summary{
			Loads: []Load{{Result: -1, Into: 1, Path: ".Balance", Handle: HandleRef{Param: -1, Kind: Pool}, Rows: 0, SQL: -1}},
		}, "loads into param 1.Balance from the rows of param 0"},
		{"whole write and a change", Summary{
			Writes:  []Write{{Param: 1, Whole: true, Handle: HandleRef{Param: 0}}},
			Mutates: []Mutate{{Param: 0, Path: ".Balance"}},
		}, "writes param 1 (whole) on param 0; changes param 0.Balance"},
		{"field flows and a constant-argument case", Summary{
			Flows: []Flow{{Result: 0, Path: ".IP", From: []Source{{Param: 0, Path: ".RemoteAddr"}}}, {Result: 0, Path: ".Name", From: []Source{{Param: 1, Change: Computed}}}},
			Cases: []Case{{Param: 1, Value: false, Summary: &Summary{}}},
		}, "result 0.IP from param 0.RemoteAddr; result 0.Name from param 1 (computed); with param 1 false: {}"},
		{"a load with the caller's SQL", Summary{
			Loads: []Load{{Result: 0, Into: -1, Path: ".Speed", Handle: HandleRef{Param: 0, Path: ".db", Kind: Pool}, Rows: -1, SQL: 1, Slot: 3}},
		}, "loads result 0.Speed on param 0.db (pool) with the SQL of param 1"},
		{"a list written with a parameter appended", Summary{
			Writes: []Write{{Param: 1, Path: ".Authn", Column: "authn", Appended: 1 << 2, Handle: HandleRef{Param: 0}}},
			Flows:  []Flow{{Result: 0, From: []Source{{Param: 0, Appended: 1<<1 | 1<<3}}}},
		}, "writes param 1.Authn with param 2 appended to authn on param 0; result 0 from param 0 with param 1, param 3 appended"},
		{"a delta added atomically", Summary{
			Deltas: []Delta{{Param: 2, Column: "balance", Table: "accounts", Handle: HandleRef{Param: 0, Path: ".db", Kind: Pool}}},
		}, "adds param 2 to balance on param 0.db (pool)"},
		{"runner and wrapper", Summary{
			RunsInTx: []RunInTx{{Callback: 2, Kind: Tx}},
			Forwards: []Forward{{Query: true, SQL: 1, Args: 2, Handle: HandleRef{Param: 0, Path: ".db", Kind: Pool}}},
		}, "runs param 2 in a tx; queries the SQL of param 1 on param 0.db (pool)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEmpty(t *testing.T) {
	if (&Summary{Flows: []Flow{{Result: 0, Path: ".IP", From: []Source{{Param: 1}}}}}).Empty() {
		t.Error("a summary with a field-sensitive flow is not empty: callers need it")
	}
	if !(&Summary{}).Empty() {
		t.Error("a summary with nothing is empty")
	}
	if (&Summary{Deltas: []Delta{{Param: 1, Column: "balance"}}}).Empty() {
		t.Error("a summary that adds to a column is not empty: callers compute the delta")
	}
	if (&Summary{Forwards: []Forward{{SQL: 1}}}).Empty() {
		t.Error("a wrapper's summary is not empty")
	}
	var nilSummary *Summary
	if !nilSummary.Empty() {
		t.Error("a nil summary is empty")
	}
}

func TestNormalizeDeduplicatesAndSorts(t *testing.T) {
	s := Summary{
		Writes: []Write{{Param: 2, Column: "b"}, {Param: 1, Column: "a"}, {Param: 2, Column: "b"}},
		Locks:  []LockEffect{{Handle: HandleRef{Param: 1}}, {Handle: HandleRef{Param: 1}}},
	}
	s.Normalize()
	if len(s.Writes) != 2 || s.Writes[0].Param != 1 || len(s.Locks) != 1 {
		t.Errorf("Normalize() = %+v", s)
	}
}

// TestGob checks that a summary survives the encoding that analysis facts
// use between packages.
func TestGob(t *testing.T) {
	in := &Summary{
		Loads:    []Load{{Result: 0, Into: -1, Column: "balance", Table: "sql:accounts", Lock: Row, Handle: HandleRef{Param: 1, Path: ".db", Kind: Pool, InTx: true}, Rows: -1, SQL: -1, Keys: []string{"id"}, Site: "repo.go:30"}},
		Cases:    []Case{{Param: 1, Value: true, Summary: &Summary{Flows: []Flow{{Result: 0, From: []Source{{Param: 1, Change: Opaque}}}}}}},
		Writes:   []Write{{Param: 2, Path: ".Balance", Column: "balance", Change: Computed, Numeric: true, Lib: "gorm", Handle: HandleRef{Param: 0}}},
		Deltas:   []Delta{{Param: 3, Column: "balance", Table: "sql:accounts", Lib: "xorm", Site: "repo.go:41", Handle: HandleRef{Param: 0}}},
		Forwards: []Forward{{SQL: 1, Args: 2}},
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(in); err != nil {
		t.Fatal(err)
	}
	out := new(Summary)
	if err := gob.NewDecoder(&buf).Decode(out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("gob round trip:\n got %+v\nwant %+v", out, in)
	}
}

// TestHasPending checks the lookups that rely on Normalize's order: each
// pending lost update and implementation is found, and one that is not
// there is not.
func TestHasPending(t *testing.T) {
	w := &Package{}
	for i := range 50 {
		w.Pending = append(w.Pending, Pending{Iface: "app.Store", Write: "Save", Column: "n", File: "a.go", Line: 50 - i})
		w.Impls = append(w.Impls, Impl{Type: fmt.Sprintf("app.T%d", i), Iface: "app.Store"})
	}
	w.Normalize()
	for i := range 50 {
		if !w.HasPending(Pending{Iface: "app.Store", Write: "Save", Column: "n", File: "a.go", Line: i + 1}) {
			t.Errorf("pending at line %d not found", i+1)
		}
		if !w.HasImpl(Impl{Type: fmt.Sprintf("app.T%d", i), Iface: "app.Store"}) {
			t.Errorf("implementation app.T%d not found", i)
		}
	}
	if w.HasPending(Pending{Iface: "app.Store", Write: "Save", Column: "n", File: "a.go", Line: 51}) {
		t.Error("a pending lost update that is not there was found")
	}
	if w.HasImpl(Impl{Type: "app.T50", Iface: "app.Store"}) {
		t.Error("an implementation that is not there was found")
	}
}

// BenchmarkNormalize measures sorting and de-duplicating a summary with
// many writes, as a callee that writes many tables has.
func BenchmarkNormalize(b *testing.B) {
	var ws []Write
	for i := range 400 {
		ws = append(ws, Write{Param: i % 7, Path: fmt.Sprintf(".F%d", i%50), Column: fmt.Sprintf("c%d", i%50), Table: fmt.Sprintf("sql:t%d", i%9), Site: fmt.Sprintf("x.go:%d", i)})
	}
	b.ResetTimer()
	for b.Loop() {
		s := &Summary{Writes: slices.Clone(ws)}
		s.Normalize()
	}
}

// TestCases checks that each kind of case is found by its own lookup
// only: a stored-record case is not a bool's or a zero's.
func TestCases(t *testing.T) {
	boolCase := &Summary{Effects: true}
	zeroCase := &Summary{Writes: []Write{{Param: 1, Column: "n"}}}
	storedCase := &Summary{}
	s := &Summary{Effects: true, Cases: []Case{
		{Param: 1, Stored: true, Path: ".ID", Summary: storedCase},
		{Param: 1, Value: false, Summary: boolCase},
		{Param: 2, Zero: true, Summary: zeroCase},
	}}
	tests := []struct {
		name string
		got  *Summary
		want *Summary
	}{
		{"bool case", s.Case(1, false), boolCase},
		{"no bool case for true", s.Case(1, true), s},
		{"zero case", s.ZeroCase(2), zeroCase},
		{"no zero case of a stored record", s.ZeroCase(1), s},
		{"no stored case of a zero", func() *Summary { c, _ := s.StoredCase(2); return c }(), s},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if got, path := s.StoredCase(1); got != storedCase || path != ".ID" {
		t.Errorf("StoredCase(1) = %v, %q; want the stored case and .ID", got, path)
	}
	s.Normalize()
	if got, want := s.String(), "with param 1 false: {changes the database}; with param 1 stored (.ID set): {}; with param 2 zero: {writes param 1 to n on param 0}"; got != want {
		t.Errorf("String() = %q\nwant %q", got, want)
	}
}

// TestChangeUnseen checks which changes say a value passed through code
// the analysis cannot see into.
func TestChangeUnseen(t *testing.T) {
	for c, want := range map[Change]bool{Copied: false, Opaque: true, Computed: false, Made: true} {
		if got := c.Unseen(); got != want {
			t.Errorf("%s.Unseen() = %v, want %v", c, got, want)
		}
	}
}
