package flow

import (
	"go/token"
	"go/types"
	"slices"
	"testing"
)

// TestFieldAt checks the field an access path ends at, and that a path the
// type does not have (through a slice or map element, or a field that is
// not there) gives none rather than a panic.
func TestFieldAt(t *testing.T) {
	pkg := types.NewPackage("example.com/store", "store")
	str := types.Typ[types.String]
	key := types.NewField(token.NoPos, pkg, "Key", str, false)
	setting := types.NewNamed(types.NewTypeName(token.NoPos, pkg, "Setting", nil),
		types.NewStruct([]*types.Var{key}, []string{`db:"key"`}), nil)
	ptr := types.NewPointer(setting)
	tests := []struct {
		name  string
		t     types.Type
		path  string
		field string
		tag   string
	}{
		{"field of a pointer", ptr, ".Key", "Key", `db:"key"`},
		{"field through a star", ptr, "*.Key", "Key", `db:"key"`},
		{"no such field", ptr, ".Value", "", ""},
		{"under no such field", ptr, ".Value.Key", "", ""},
		{"slice element", types.NewSlice(ptr), "[]*.Key", "", ""},
		{"map element", types.NewMap(str, ptr), "{k}.Key", "", ""},
		{"not a field", ptr, "*", "", ""},
		{"empty path", ptr, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, tag, _ := fieldAt(tt.t, tt.path)
			name := ""
			if f != nil {
				name = f.Name()
			}
			if name != tt.field || tag != tt.tag {
				t.Errorf("fieldAt(%s, %q) = %q, %q; want %q, %q", tt.t, tt.path, name, tag, tt.field, tt.tag)
			}
		})
	}
}

// TestIsSubquery checks which SET expressions are one subquery, whose
// placeholders filter what it counts rather than give the value.
func TestIsSubquery(t *testing.T) {
	tests := []struct {
		expr string
		want bool
	}{
		{"(SELECT COUNT(*) FROM markers m JOIN photos p ON ? WHERE m.subject_id = subjects.id)", true},
		{" ( select count(*) from likes where likes.photo_id = ? ) ", true},
		{"(SELECT n FROM a) + (SELECT n FROM b)", false},
		{"(SELECT n FROM a) + ?", false},
		{"COALESCE((SELECT n FROM a), 0)", false},
		{"? + 1", false},
		{"(n + ?)", false},
		{"(", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isSubquery(tt.expr); got != tt.want {
			t.Errorf("isSubquery(%q) = %v, want %v", tt.expr, got, tt.want)
		}
	}
}

// TestFieldPrefixes checks the prefixes of an access path that end at a
// field, longest first, through elements and pointers, and none for a
// path without a field.
func TestFieldPrefixes(t *testing.T) {
	tests := []struct {
		path string
		want []string
	}{
		{".Tags*[]*.ID", []string{".Tags"}},
		{".A.B*.C", []string{".A.B", ".A"}},
		{".EditIDs*[]", []string{".EditIDs"}},
		{".Key", nil},
		{"*[]", nil},
		{"", nil},
		{".", nil},
	}
	for _, tt := range tests {
		var got []string
		for p := range fieldPrefixes(tt.path) {
			got = append(got, p)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("fieldPrefixes(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}
