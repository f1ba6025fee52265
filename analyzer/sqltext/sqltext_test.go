package sqltext

import (
	"reflect"
	"testing"
)

func TestLock(t *testing.T) {
	tests := []struct {
		sql  string
		want Lock
	}{
		{"SELECT balance FROM accounts WHERE id = $1", NoLock},
		{"SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", RowUpdate},
		{"select balance from accounts where id = ? for update nowait", RowUpdate},
		{"SELECT n FROM t WHERE id = $1 FOR NO KEY UPDATE", RowUpdate},
		{"SELECT n FROM t WHERE id = $1 FOR SHARE", RowShare},
		{"SELECT n FROM t WHERE id = $1 FOR KEY SHARE", RowShare},
		{"SELECT n FROM t WHERE id = ? LOCK IN SHARE MODE", RowShare},
		{"SELECT pg_advisory_xact_lock($1)", AdvisoryXact},
		{"SELECT pg_advisory_lock(hashtext($1))", AdvisorySession},
		{"SELECT GET_LOCK(?, 10)", AdvisorySession},
		{"LOCK TABLE accounts IN EXCLUSIVE MODE", Table},
		{"LOCK TABLES accounts WRITE", Table},
		{"BEGIN IMMEDIATE", Database},
		{"-- FOR UPDATE in a comment\nSELECT n FROM t", NoLock},
		{"SELECT 'FOR UPDATE' FROM t", NoLock},
		{"SELECT \"for\" FROM t", NoLock},
		{"WITH x AS (SELECT id FROM t WHERE id = $1 FOR UPDATE) SELECT n FROM t JOIN x USING (id)", RowUpdate},
		{"", NoLock},
	}
	for _, tt := range tests {
		if got := Parse(tt.sql).Lock; got != tt.want {
			t.Errorf("Parse(%q).Lock = %v, want %v", tt.sql, got, tt.want)
		}
	}
}

func TestKind(t *testing.T) {
	tests := []struct {
		sql  string
		want Kind
	}{
		{"SELECT 1", Select},
		{"  update t set n = 1", Update},
		{"INSERT INTO t (a) VALUES ($1)", Insert},
		{"REPLACE INTO t (a) VALUES (?)", Insert},
		{"DELETE FROM t WHERE id = $1", Delete},
		{"BEGIN", Begin},
		{"START TRANSACTION", Begin},
		{"COMMIT", End},
		{"ROLLBACK", End},
		{"SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", SetIsolation},
		{"SET search_path = x", Unknown},
		{"VACUUM", Unknown},
		{"WITH c AS (SELECT 1) UPDATE t SET n = 2", Update},
	}
	for _, tt := range tests {
		if got := Parse(tt.sql).Kind; got != tt.want {
			t.Errorf("Parse(%q).Kind = %v, want %v", tt.sql, got, tt.want)
		}
	}
}

func TestColumns(t *testing.T) {
	tests := []struct {
		sql  string
		want []string
	}{
		{"SELECT balance FROM accounts WHERE id = $1", []string{"balance"}},
		{"SELECT a.balance, a.version FROM accounts a", []string{"balance", "version"}},
		{"SELECT n AS views, count(*) total, lower(name) FROM t", []string{"views", "total", ""}},
		{"SELECT DISTINCT stock, sold FROM books FOR UPDATE", []string{"stock", "sold"}},
		{"SELECT \"Stock\" FROM books", []string{"Stock"}},
	}
	for _, tt := range tests {
		if got := Parse(tt.sql).Columns; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q).Columns = %q, want %q", tt.sql, got, tt.want)
		}
	}
}

func TestSets(t *testing.T) {
	p := func(i int) Param { return Param{Index: i} }
	tests := []struct {
		sql  string
		want []Assignment
	}{
		{"UPDATE accounts SET balance = $1 WHERE id = $2",
			[]Assignment{{Column: "balance", Params: []Param{p(0)}, Bare: true}}},
		{"UPDATE accounts SET balance = balance + $1 WHERE id = $2",
			[]Assignment{{Column: "balance", Self: true, Params: []Param{p(0)}}}},
		{"UPDATE accounts a SET balance = a.balance - ? WHERE id = ?",
			[]Assignment{{Column: "balance", Self: true, Params: []Param{p(0)}}}},
		{"UPDATE books SET stock = ?, sold = sold + ? WHERE id = ?",
			[]Assignment{{Column: "stock", Params: []Param{p(0)}, Bare: true}, {Column: "sold", Self: true, Params: []Param{p(1)}}}},
		{"UPDATE t SET updated_at = now(), n = $2 WHERE id = $1",
			[]Assignment{{Column: "updated_at"}, {Column: "n", Params: []Param{p(1)}, Bare: true}}},
		{"UPDATE t SET n = :n WHERE id = :id",
			[]Assignment{{Column: "n", Params: []Param{{Index: -1, Name: "n"}}, Bare: true}}},
		{"UPDATE t SET t.n = GREATEST(t.n - $1, 0) WHERE id = $2",
			[]Assignment{{Column: "n", Self: true, Params: []Param{p(0)}}}},
		{"INSERT INTO counters (name, n) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET n = counters.n + EXCLUDED.n",
			[]Assignment{{Column: "n", Self: true, Params: []Param{p(1)}}}},
		{"INSERT INTO counters (name, n) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET n = EXCLUDED.n",
			[]Assignment{{Column: "n", Params: []Param{p(1)}}}},
		{"INSERT INTO counters (name, n) VALUES (?, ?) ON DUPLICATE KEY UPDATE n = n + VALUES(n)",
			[]Assignment{{Column: "n", Self: true, Params: []Param{p(1)}}}},
		{"INSERT INTO counters (name, n) VALUES (?, ?) ON DUPLICATE KEY UPDATE n = VALUES(n)",
			[]Assignment{{Column: "n", Params: []Param{p(1)}}}},
		{"INSERT INTO counters (name, n) VALUES (?, ?) AS new ON DUPLICATE KEY UPDATE n = new.n",
			[]Assignment{{Column: "n", Params: []Param{p(1)}}}},
		{"REPLACE INTO counters (name, n) VALUES (?, ?)",
			[]Assignment{{Column: "name", Params: []Param{p(0)}, Bare: true}, {Column: "n", Params: []Param{p(1)}, Bare: true}}},
		{"INSERT INTO ledger (account_id, amount) VALUES ($1, $2)", nil},
		{"INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING", nil},
	}
	for _, tt := range tests {
		got := Parse(tt.sql).Sets
		for i := range got { // offsets are checked in TestAssignmentOffsets
			got[i].ExprStart, got[i].ExprEnd = 0, 0
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q).Sets =\n  %+v\nwant\n  %+v", tt.sql, got, tt.want)
		}
	}
}

func TestAssignmentOffsets(t *testing.T) {
	sql := "UPDATE accounts SET balance = $1, note = 'x' WHERE id = $2"
	st := Parse(sql)
	if len(st.Sets) != 2 {
		t.Fatalf("got %d assignments, want 2", len(st.Sets))
	}
	if got := sql[st.Sets[0].ExprStart:st.Sets[0].ExprEnd]; got != "$1" {
		t.Errorf("first expression = %q, want $1", got)
	}
	if got := sql[st.Sets[1].ExprStart:st.Sets[1].ExprEnd]; got != "'x'" {
		t.Errorf("second expression = %q, want 'x'", got)
	}
}

func TestWhere(t *testing.T) {
	tests := []struct {
		sql  string
		want []Comparison
	}{
		{"UPDATE accounts SET balance = $1, version = version + 1 WHERE id = $2 AND version = $3",
			[]Comparison{{"id", Param{Index: 1}}, {"version", Param{Index: 2}}}},
		{"UPDATE books SET stock = ? WHERE id = ? AND stock = ?",
			[]Comparison{{"id", Param{Index: 1}}, {"stock", Param{Index: 2}}}},
		{"UPDATE t SET n = $1 WHERE $2 = t.id", []Comparison{{"id", Param{Index: 1}}}},
		{"UPDATE t SET n = ? WHERE id <=> ?", []Comparison{{"id", Param{Index: 1}}}},
		{"UPDATE t SET n = $1", nil},
	}
	for _, tt := range tests {
		if got := Parse(tt.sql).Where; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q).Where = %+v, want %+v", tt.sql, got, tt.want)
		}
	}
}

func TestReturning(t *testing.T) {
	st := Parse("UPDATE counters SET n = n + $1 WHERE name = $2 RETURNING n")
	if !st.Returning || !reflect.DeepEqual(st.Columns, []string{"n"}) {
		t.Errorf("RETURNING: got %v %q, want true [n]", st.Returning, st.Columns)
	}
	if st.Table != "counters" {
		t.Errorf("Table = %q, want counters", st.Table)
	}
}

func TestSerializable(t *testing.T) {
	for _, sql := range []string{
		"SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
		"set session transaction isolation level serializable",
		"BEGIN ISOLATION LEVEL SERIALIZABLE",
		"START TRANSACTION ISOLATION LEVEL SERIALIZABLE",
	} {
		if !Parse(sql).Serializable {
			t.Errorf("Parse(%q).Serializable = false", sql)
		}
	}
	if Parse("SET TRANSACTION ISOLATION LEVEL READ COMMITTED").Serializable {
		t.Error("READ COMMITTED parsed as serializable")
	}
}

func TestVersionColumn(t *testing.T) {
	for c, want := range map[string]bool{"version": true, "lock_version": true, "row_version": true, "Version": true, "balance": false, "conversion": false} {
		if got := IsVersionColumn(c); got != want {
			t.Errorf("IsVersionColumn(%q) = %v, want %v", c, got, want)
		}
	}
}

// fuzzSeeds are texts that reach every reader of the package.
var fuzzSeeds = []string{
	"UPDATE t SET n = n + $1 WHERE id = $2", "INSERT INTO t (a) VALUES (?) ON DUPLICATE KEY UPDATE a = VALUES(a)",
	"SELECT (", "UPDATE t SET", "'", "\"", "[", "$", "?", "WITH",
	"/* a /* b */ c */ SELECT $$it's$$ FROM t", "SELECT E'\\'' FROM t # x", "SELECT n FROM t /*!40000 FOR UPDATE */",
	"SELECT a.n FROM a JOIN b ON a.id = b.id FOR UPDATE OF b", "WITH u AS (UPDATE t SET n = $1 RETURNING n) SELECT n FROM u",
	"UPDATE t SET n = CASE WHEN $1 THEN COALESCE($2, n) ELSE n::int + 1 END WHERE (a = $3 OR b = $4) AND v = $5",
	"SELECT x.n FROM (SELECT n FROM t) x, LATERAL f(x.n) g FOR SHARE",
}

// FuzzParse checks that Parse never panics, that assignment offsets stay
// inside the text, and that the lock fields agree with each other.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st := Parse(s)
		for _, a := range st.Sets {
			if a.ExprStart < 0 || a.ExprEnd > len(s) || a.ExprStart > a.ExprEnd {
				t.Fatalf("assignment offsets [%d,%d) outside %q", a.ExprStart, a.ExprEnd, s)
			}
			if a.Self && a.Computed {
				t.Fatalf("assignment %+v of %q both atomic and computed", a, s)
			}
		}
		for _, l := range st.LockedTables {
			if !contains(st.Tables, l) {
				t.Fatalf("%q: locked table %q not among %q", s, l, st.Tables)
			}
		}
		if (st.Lock == RowShare || st.Lock == RowUpdate) && len(st.LockedTables) == 0 {
			t.Fatalf("%q: row lock %v without locked tables", s, st.Lock)
		}
	})
}

// FuzzLex checks that tokens are in order, inside the text, and cover
// their own text.
func FuzzLex(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		end := 0
		for _, tk := range lex(s) {
			if tk.start < end || tk.end <= tk.start || tk.end > len(s) {
				t.Fatalf("%q: token %+v after offset %d", s, tk, end)
			}
			end = tk.end
		}
	})
}

func TestTable(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", "accounts"},
		{"SELECT a.balance FROM public.accounts a WHERE a.id = $1", "accounts"},
		{"SELECT o.total, p.price FROM orders o JOIN products p ON p.id = o.product_id", ""},
		{"SELECT a.n FROM a, b WHERE a.id = b.id", ""},
		{"SELECT n FROM (SELECT n FROM t) x", ""},
		{"SELECT 1", ""},
		{"UPDATE accounts SET balance = $1", "accounts"},
		{"INSERT INTO counters (name) VALUES ($1)", "counters"},
	}
	for _, tt := range tests {
		if got := Parse(tt.sql).Table; got != tt.want {
			t.Errorf("Parse(%q).Table = %q, want %q", tt.sql, got, tt.want)
		}
	}
}

// TestWhereConjuncts pairs version checks that guard the write with ones
// that an OR or NOT makes optional.
func TestWhereConjuncts(t *testing.T) {
	p := func(i int) Param { return Param{Index: i} }
	tests := []struct {
		sql  string
		want []Comparison
	}{
		{"UPDATE t SET n = $3 WHERE id = $1 OR version = $2", nil},
		{"UPDATE t SET n = $4 WHERE (a = $1 OR b = $2) AND version = $3", []Comparison{{"version", p(2)}}},
		{"UPDATE t SET n = $3 WHERE id = $1 AND version = $2 OR admin", nil},
		{"UPDATE t SET n = $3 WHERE id = $1 AND (version = $2 OR admin)", []Comparison{{"id", p(0)}}},
		{"UPDATE t SET n = $3 WHERE id = $1 AND NOT version = $2", []Comparison{{"id", p(0)}}},
		{"UPDATE t SET n = $3 WHERE (id = $1) AND (version = $2)", []Comparison{{"id", p(0)}, {"version", p(1)}}},
		{"UPDATE t SET n = $3 WHERE ((id = $1 AND version = $2))", []Comparison{{"id", p(0)}, {"version", p(1)}}},
		{"UPDATE t SET n = $5 WHERE id = $1 AND m BETWEEN $2 AND $3 AND version = $4", []Comparison{{"id", p(0)}, {"version", p(3)}}},
		{"UPDATE t SET n = ? WHERE id = ? || version = ?", nil},
		{"UPDATE t SET n = ? WHERE id = ? XOR version = ?", nil},
		{"UPDATE t SET n = $1 WHERE id = $2 AND version = $3::int", []Comparison{{"id", p(1)}, {"version", p(2)}}},
		{"UPDATE t SET n = $1 WHERE id = $2 AND f(version = $3)", []Comparison{{"id", p(1)}}},
		{"UPDATE t SET n = $1 WHERE id = $2 AND version = $3 RETURNING n", []Comparison{{"id", p(1)}, {"version", p(2)}}},
	}
	for _, tt := range tests {
		if got := Parse(tt.sql).Where; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q).Where = %+v, want %+v", tt.sql, got, tt.want)
		}
	}
}

func TestTested(t *testing.T) {
	tests := []struct {
		sql  string
		want []string
	}{
		{"UPDATE codes SET status = 'used' WHERE id = $1 AND status = 'enabled'", []string{"id", "status"}},
		{"UPDATE codes SET consumed = now() WHERE id = $1 AND consumed IS NULL AND NOT revoked", []string{"id", "consumed", "revoked"}},
		{"UPDATE accounts SET balance = balance - $1 WHERE id = $2 AND balance >= $1", []string{"id", "balance"}},
		{"UPDATE t SET n = 1 WHERE id = $1 AND (a = 1 OR b = 2)", []string{"id"}},
		{"UPDATE t SET n = 1 WHERE id = $1 OR status = 'x'", nil},
		{"UPDATE t SET n = 1 WHERE lower(name) = $1 AND t.kind IN ('a', 'b')", []string{"name", "kind"}},
		{"UPDATE t SET n = 1", nil},
	}
	for _, tt := range tests {
		if got := Parse(tt.sql).Tested; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q).Tested = %q, want %q", tt.sql, got, tt.want)
		}
	}
}

func TestSources(t *testing.T) {
	tests := []struct {
		sql  string
		want []string
	}{
		{"SELECT balance FROM accounts WHERE id = $1", []string{"accounts"}},
		{"SELECT a.balance, h.amount, count(*) FROM accounts a JOIN holds h ON h.account_id = a.id", []string{"accounts", "holds", ""}},
		{"SELECT balance FROM accounts a JOIN holds h ON h.account_id = a.id", []string{""}},
		{"UPDATE t SET n = 1", nil},
	}
	for _, tt := range tests {
		if got := Parse(tt.sql).Sources; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q).Sources = %q, want %q", tt.sql, got, tt.want)
		}
	}
}

// TestRanked pairs a query for the top row of a set (the highest display
// order) with queries that read rows as they are.
func TestRanked(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"SELECT display_order FROM categories WHERE uid = $1 ORDER BY display_order DESC LIMIT 1", "display_order"},
		{"SELECT c.n FROM counters c WHERE k = ? ORDER BY c.n LIMIT 1", "n"},
		{"SELECT id, seq FROM events WHERE stream = $1 ORDER BY seq DESC FETCH FIRST 1 ROW ONLY", "seq"},
		{"SELECT TOP 1 n FROM t ORDER BY n DESC", "n"},
		// every row, or the row of a key
		{"SELECT display_order FROM categories WHERE uid = $1 ORDER BY display_order DESC", ""},
		{"SELECT n FROM t WHERE id = $1 LIMIT 1", ""},
		{"SELECT n FROM t WHERE id IN (SELECT id FROM u ORDER BY x LIMIT 1)", ""},
		{"SELECT n FROM t ORDER BY n LIMIT 10", ""},
	}
	for _, tt := range tests {
		if got := Parse(tt.sql).Ranked; got != tt.want {
			t.Errorf("Parse(%q).Ranked = %q, want %q", tt.sql, got, tt.want)
		}
	}
}
