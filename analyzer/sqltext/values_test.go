package sqltext

import (
	"reflect"
	"testing"
)

// TestAssignedValue pairs atomic updates (Self) with writes of a
// placeholder as it is and with writes of a value computed from
// placeholders (Computed).
func TestAssignedValue(t *testing.T) {
	tests := []struct {
		sql            string
		col            string
		self, computed bool
	}{
		// atomic: the current value on every path
		{"UPDATE t SET n = n + $1 WHERE id = $2", "n", true, false},
		{"UPDATE t SET t.n = GREATEST(t.n - $1, 0) WHERE id = $2", "n", true, false},
		{"UPDATE t SET n = COALESCE(n, 0) + $1 WHERE id = $2", "n", true, false},
		{"UPDATE t SET n = (n + $1) * 2 WHERE id = $2", "n", true, false},
		{"UPDATE t SET s = s || $1 WHERE id = $2", "s", true, false},
		{"UPDATE t SET s = CONCAT(s, ?) WHERE id = ?", "s", true, false},
		{"UPDATE t SET n = CASE WHEN n > $1 THEN n - $1 ELSE n END WHERE id = $2", "n", true, false},
		{"UPDATE t SET n = IF(n > ?, n - ?, n) WHERE id = ?", "n", true, false},
		{"UPDATE t SET n = COALESCE(n, $1) WHERE id = $2", "n", true, false},
		{"UPDATE t SET d = jsonb_set(d, '{a}', $1) WHERE id = $2", "d", true, false},
		{"UPDATE t SET n = n::int + $1::int WHERE id = $2", "n", true, false},
		{"INSERT INTO c (k, n) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET n = c.n + EXCLUDED.n", "n", true, false},
		{"INSERT INTO c (k, n) VALUES (?, ?) ON DUPLICATE KEY UPDATE n = n + VALUES(n)", "n", true, false},
		// the column only as a fallback: a placeholder may be written as it is
		{"UPDATE t SET n = COALESCE($1, n) WHERE id = $2", "n", false, false},
		{"UPDATE t SET n = IFNULL(?, n) WHERE id = ?", "n", false, false},
		{"UPDATE t SET n = CASE WHEN $2 THEN $1 ELSE n END WHERE id = $3", "n", false, false},
		{"UPDATE t SET n = CASE WHEN n IS NULL THEN n ELSE $1 END WHERE id = $2", "n", false, false},
		{"UPDATE t SET n = IF(?, ?, n) WHERE id = ?", "n", false, false},
		{"UPDATE t SET n = CASE WHEN n > $1 THEN n - $1 END WHERE id = $2", "n", false, false},
		// one placeholder as it is (or converted)
		{"UPDATE t SET n = $1 WHERE id = $2", "n", false, false},
		{"UPDATE t SET n = CAST($1 AS int) WHERE id = $2", "n", false, false},
		{"UPDATE t SET n = CONVERT(?, SIGNED) WHERE id = ?", "n", false, false},
		{"UPDATE t SET n = $1::int WHERE id = $2", "n", false, false},
		{"UPDATE t SET n = $1::numeric(10, 2) WHERE id = $2", "n", false, false},
		{"UPDATE t SET s = NULLIF($1, '') WHERE id = $2", "s", false, false},
		{"UPDATE t SET s = LOWER($1) WHERE id = $2", "s", false, false},
		{"UPDATE t SET s = CONCAT(?) WHERE id = ?", "s", false, false},
		{"UPDATE t SET n = CASE WHEN $3 THEN $1 ELSE $2 END WHERE id = $4", "n", false, false},
		{"UPDATE t SET n = +$1 WHERE id = $2", "n", false, false},
		{"UPDATE t SET n = o.n FROM o WHERE t.id = o.id", "n", false, false},
		{"INSERT INTO c (k, n) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET n = EXCLUDED.n", "n", false, false},
		// computed from placeholders
		{"UPDATE t SET n = $1 + $2 WHERE id = $3", "n", false, true},
		{"UPDATE t SET n = $1 + 1 WHERE id = $2", "n", false, true},
		{"UPDATE t SET n = $1 * 2 WHERE id = $2", "n", false, true},
		{"UPDATE t SET n = -$1 WHERE id = $2", "n", false, true},
		{"UPDATE t SET s = $1 || 'x' WHERE id = $2", "s", false, true},
		{"UPDATE t SET s = CONCAT(?, 'x') WHERE id = ?", "s", false, true},
		{"UPDATE t SET s = CONCAT_WS('-', ?, ?) WHERE id = ?", "s", false, true},
		{"UPDATE t SET n = ABS($1 - $2) WHERE id = $3", "n", false, true},
		{"UPDATE t SET n = COALESCE($1 + 1, n) WHERE id = $2", "n", false, true},
		{"UPDATE t SET n = CASE WHEN $2 THEN $1 + 1 ELSE n END WHERE id = $3", "n", false, true},
		{"UPDATE t SET n = ($1 + $2)::int WHERE id = $3", "n", false, true},
		{"INSERT INTO c (k, n) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET n = EXCLUDED.n + 1", "n", false, true},
		{"INSERT INTO c (k, n) VALUES ($1, $2 * 2) ON CONFLICT (k) DO UPDATE SET n = EXCLUDED.n", "n", false, true},
		{"REPLACE INTO c (k, n) VALUES (?, ? + ?)", "n", false, true},
		{"REPLACE INTO c (k, n) VALUES (?, ?)", "n", false, false},
	}
	for _, tt := range tests {
		st := Parse(tt.sql)
		a := st.Assigns(tt.col)
		if a == nil {
			t.Errorf("Parse(%q) assigns no %s", tt.sql, tt.col)
			continue
		}
		if a.Self != tt.self || a.Computed != tt.computed {
			t.Errorf("Parse(%q).Assigns(%q): Self %v, Computed %v; want %v, %v", tt.sql, tt.col, a.Self, a.Computed, tt.self, tt.computed)
		}
	}
}

// TestNormalizes pairs rewrites that only tidy a column's own text with
// atomic updates that add something to it.
func TestNormalizes(t *testing.T) {
	tests := []struct {
		sql  string
		col  string
		want bool
	}{
		{"UPDATE files SET name = UPPER(name)", "name", true},
		{"UPDATE files f SET name = lower(f.name) WHERE id = $1", "name", true},
		{`UPDATE files SET c = RTRIM(regexp_replace(c, '\n+', '\n', 'g'), '\r')`, "c", true},
		{"UPDATE t SET s = TRIM(BOTH ' ' FROM s)", "s", true},
		{"UPDATE t SET s = NULLIF(TRIM(s), '')", "s", true},
		// something added: an event, a value from Go, another column
		{"UPDATE t SET n = n + 1", "n", false},
		{"UPDATE t SET s = s || 'x'", "s", false},
		{"UPDATE t SET s = UPPER(s) || $1 WHERE id = $2", "s", false},
		{"UPDATE t SET s = REPLACE(s, $1, $2) WHERE id = $3", "s", false},
		{"UPDATE t SET s = COALESCE(s, o)", "s", false},
		{"UPDATE t SET d = jsonb_set(d, '{a}', '1')", "d", false},
		{"UPDATE t SET s = s", "s", false},
		{"UPDATE t SET s = UPPER($1) WHERE id = $2", "s", false},
		{"INSERT INTO t (k, s) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET s = UPPER(t.s)", "s", false},
	}
	for _, tt := range tests {
		st := Parse(tt.sql)
		a := st.Assigns(tt.col)
		if a == nil {
			t.Errorf("Parse(%q) assigns no %s", tt.sql, tt.col)
			continue
		}
		if a.Normalizes != tt.want {
			t.Errorf("Parse(%q).Assigns(%q).Normalizes = %v, want %v", tt.sql, tt.col, a.Normalizes, tt.want)
		}
	}
}

// TestAssignedParams checks that Params and Bare keep their meaning when
// the value is computed.
func TestAssignedParams(t *testing.T) {
	p := func(i int) Param { return Param{Index: i} }
	tests := []struct {
		sql  string
		want Assignment
	}{
		{"UPDATE t SET n = $1 + $2 WHERE id = $3", Assignment{Column: "n", Computed: true, Params: []Param{p(0), p(1)}}},
		{"UPDATE t SET n = COALESCE($1, n) WHERE id = $2", Assignment{Column: "n", Params: []Param{p(0)}}},
		{"UPDATE t SET n = CASE WHEN $2 THEN $1 ELSE n END WHERE id = $3", Assignment{Column: "n", Params: []Param{p(1), p(0)}}},
	}
	for _, tt := range tests {
		got := Parse(tt.sql).Sets
		for i := range got {
			got[i].ExprStart, got[i].ExprEnd = 0, 0
		}
		if len(got) != 1 || !reflect.DeepEqual(got[0], tt.want) {
			t.Errorf("Parse(%q).Sets = %+v, want [%+v]", tt.sql, got, tt.want)
		}
	}
}
