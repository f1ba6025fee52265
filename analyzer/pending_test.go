package analyzer

import (
	"testing"

	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// TestConfirm checks which column an implementation confirms a pending
// lost update on, and that a value that names no column is confirmed only
// when one column qualifies.
func TestConfirm(t *testing.T) {
	const table = "sql:settings"
	load := func(col string) summary.Load {
		return summary.Load{Result: 0, Column: col, Table: table, Keys: []string{"name"}, Handle: summary.HandleRef{Param: -1}}
	}
	whole := summary.Write{Param: 2, Whole: true, Table: table}
	impl := func(cols ...string) summary.Impl {
		var loads []summary.Load
		for _, c := range cols {
			loads = append(loads, load(c))
		}
		return summary.Impl{Iface: "example.com/store.Driver", Type: "example.com/sqlitedb.DB", Methods: []summary.Method{
			{Name: "Get", Loads: loads},
			{Name: "Put", Writes: []summary.Write{whole}},
		}}
	}
	pending := func(column, field string) summary.Pending {
		return summary.Pending{Iface: "example.com/store.Driver", Load: "Get", Write: "Put", Column: column, Field: field}
	}
	tests := []struct {
		name string
		p    summary.Pending
		impl summary.Impl
		want string // the column confirmed, "" for none
	}{
		{"a column", pending("value", ""), impl("name", "value", "description"), "value"},
		{"a field", pending("", "Description"), impl("name", "value", "description"), "description"},
		{"the key", pending("name", ""), impl("name", "value"), ""},
		{"no column, one candidate", pending("", ""), impl("name", "value"), "value"},
		{"no column, two candidates", pending("", ""), impl("name", "value", "description"), ""},
		{"a column the load does not read", pending("owner", ""), impl("name", "value"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := confirm(tt.p, tt.impl)
			got := ""
			if ok {
				got = r.column
			}
			if got != tt.want {
				t.Errorf("confirm(%+v) confirmed %q, want %q", tt.p, got, tt.want)
			}
		})
	}
}
