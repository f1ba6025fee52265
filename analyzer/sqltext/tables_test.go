package sqltext

import (
	"reflect"
	"testing"
)

func TestLockScope(t *testing.T) {
	tests := []struct {
		name, sql    string
		lock         Lock
		tables, lckd []string
	}{
		{"join, lock of the other table", "SELECT a.balance FROM accounts a JOIN users u ON u.id = a.user_id WHERE a.id = $1 FOR UPDATE OF u",
			RowUpdate, []string{"accounts", "users"}, []string{"users"}},
		{"join, lock of the read table", "SELECT a.balance FROM accounts a JOIN users u ON u.id = a.user_id WHERE a.id = $1 FOR UPDATE OF a",
			RowUpdate, []string{"accounts", "users"}, []string{"accounts"}},
		{"join, lock of every table", "SELECT a.balance FROM accounts a JOIN users u ON u.id = a.user_id WHERE a.id = $1 FOR UPDATE",
			RowUpdate, []string{"accounts", "users"}, []string{"accounts", "users"}},
		{"lock of a table not read", "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE OF holds",
			NoLock, []string{"accounts"}, nil},
		{"lock of the table read, by name", "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE OF accounts",
			RowUpdate, []string{"accounts"}, []string{"accounts"}},
		{"MySQL: lock of the other table", "SELECT a.balance FROM accounts AS a, users AS u WHERE u.id = a.user_id AND a.id = ? FOR UPDATE OF u NOWAIT",
			RowUpdate, []string{"accounts", "users"}, []string{"users"}},
		{"two clauses", "SELECT a.n FROM a JOIN b ON a.id = b.id FOR SHARE OF b FOR UPDATE OF a",
			RowUpdate, []string{"a", "b"}, []string{"a", "b"}},
		{"share lock of one table", "SELECT n FROM t1, t2 WHERE t1.id = t2.id FOR SHARE OF t2",
			RowShare, []string{"t1", "t2"}, []string{"t2"}},
		{"lock in a subquery", "SELECT balance FROM accounts WHERE id IN (SELECT account_id FROM holds WHERE id = $1 FOR UPDATE)",
			NoLock, []string{"accounts"}, nil},
		{"lock of the query with a subquery", "SELECT balance FROM accounts WHERE id IN (SELECT account_id FROM holds WHERE id = $1) FOR UPDATE",
			RowUpdate, []string{"accounts"}, []string{"accounts"}},
		{"lock in a subquery of the same table", "SELECT balance FROM accounts WHERE id IN (SELECT id FROM accounts WHERE id = $1 FOR UPDATE)",
			RowUpdate, []string{"accounts"}, []string{"accounts"}},
		{"lock in a WITH query of another table", "WITH h AS (SELECT account_id FROM holds WHERE id = $1 FOR UPDATE) SELECT balance FROM accounts WHERE id IN (SELECT account_id FROM h)",
			NoLock, []string{"accounts"}, nil},
		{"lock in a WITH query of the table read", "WITH x AS (SELECT id FROM t WHERE id = $1 FOR UPDATE) SELECT n FROM t JOIN x USING (id)",
			RowUpdate, []string{"t"}, []string{"t"}},
		{"reading a locking WITH query", "WITH x AS (SELECT id, n FROM t WHERE id = $1 FOR UPDATE) SELECT n FROM x",
			RowUpdate, []string{"t"}, []string{"t"}},
		{"main lock does not reach a WITH query", "WITH x AS (SELECT id, n FROM t WHERE id = $1) SELECT n FROM x FOR UPDATE",
			NoLock, []string{"t"}, nil},
		{"main lock reaches a subquery in FROM", "SELECT x.n FROM (SELECT n FROM t WHERE id = $1) x FOR UPDATE",
			RowUpdate, []string{"t"}, []string{"t"}},
		{"lock of a subquery in FROM by alias", "SELECT x.n, u.name FROM (SELECT n, user_id FROM t WHERE id = $1) x JOIN users u ON u.id = x.user_id FOR UPDATE OF x",
			RowUpdate, []string{"t", "users"}, []string{"t"}},
		{"parenthesised join", "SELECT n FROM (a JOIN b ON a.id = b.id) JOIN c ON c.id = a.id FOR UPDATE OF c",
			RowUpdate, []string{"a", "b", "c"}, []string{"c"}},
		{"table function", "SELECT n FROM t, generate_series(1, 3) g WHERE t.id = g FOR UPDATE",
			RowUpdate, []string{"t"}, []string{"t"}},
		{"schema and quotes", `SELECT n FROM public."Accounts" AS "A" WHERE "A".id = $1 FOR UPDATE OF "A"`,
			RowUpdate, []string{"Accounts"}, []string{"Accounts"}},
		{"parenthesised query", "(SELECT n FROM t WHERE id = $1 FOR UPDATE)",
			RowUpdate, []string{"t"}, []string{"t"}},
		{"union", "SELECT n FROM a WHERE id = $1 UNION ALL SELECT n FROM b WHERE id = $1",
			NoLock, []string{"a", "b"}, nil},
		{"lock in share mode", "SELECT n FROM t WHERE id = ? LOCK IN SHARE MODE",
			RowShare, []string{"t"}, []string{"t"}},
		{"no table", "SELECT 1 FOR UPDATE", NoLock, nil, nil},
		{"advisory lock", "SELECT pg_advisory_xact_lock($1)", AdvisoryXact, nil, nil},
		{"advisory lock beside a lock of another table", "SELECT n, pg_advisory_xact_lock($2) FROM t WHERE id = $1 FOR UPDATE OF other",
			AdvisoryXact, []string{"t"}, nil},
		{"lock table", "LOCK TABLES accounts WRITE, holds AS h READ", Table, []string{"accounts", "holds"}, []string{"accounts", "holds"}},
		{"update with FROM", "UPDATE accounts a SET balance = $1 FROM users u WHERE u.id = a.user_id AND a.id = $2",
			NoLock, []string{"accounts", "users"}, nil},
		{"delete with USING", "DELETE FROM holds h USING accounts a WHERE a.id = h.account_id AND a.id = $1",
			NoLock, []string{"holds", "accounts"}, nil},
		{"insert", "INSERT INTO t (a) VALUES ($1)", NoLock, []string{"t"}, nil},
	}
	for _, tt := range tests {
		st := Parse(tt.sql)
		if st.Lock != tt.lock || !reflect.DeepEqual(st.Tables, tt.tables) || !reflect.DeepEqual(st.LockedTables, tt.lckd) {
			t.Errorf("%s: Parse(%q):\n  Lock %v, Tables %q, LockedTables %q\nwant\n  Lock %v, Tables %q, LockedTables %q",
				tt.name, tt.sql, st.Lock, st.Tables, st.LockedTables, tt.lock, tt.tables, tt.lckd)
		}
	}
}

func TestWritingWith(t *testing.T) {
	p := func(i int) Param { return Param{Index: i} }
	tests := []struct {
		name, sql string
		want      Statement
	}{
		{"update written as it is", "WITH u AS (UPDATE accounts SET balance = $1 WHERE id = $2 RETURNING balance) SELECT balance FROM u",
			Statement{Kind: Update, Table: "accounts", Tables: []string{"accounts"}, Columns: []string{"balance"}, Returning: true,
				Sets:  []Assignment{{Column: "balance", Params: []Param{p(0)}, Bare: true}},
				Where: []Comparison{{"id", p(1)}}, Tested: []string{"id"}}},
		{"atomic update", "WITH u AS (UPDATE accounts SET balance = balance - $1 WHERE id = $2 RETURNING balance) SELECT balance FROM u",
			Statement{Kind: Update, Table: "accounts", Tables: []string{"accounts"}, Columns: []string{"balance"}, Returning: true,
				Sets:  []Assignment{{Column: "balance", Self: true, Params: []Param{p(0)}}},
				Where: []Comparison{{"id", p(1)}}, Tested: []string{"id"}}},
		{"version checked", "WITH u AS (UPDATE accounts SET balance = $1 WHERE id = $2 AND version = $3 RETURNING balance) SELECT balance FROM u",
			Statement{Kind: Update, Table: "accounts", Tables: []string{"accounts"}, Columns: []string{"balance"}, Returning: true,
				Sets:  []Assignment{{Column: "balance", Params: []Param{p(0)}, Bare: true}},
				Where: []Comparison{{"id", p(1)}, {"version", p(2)}}, Tested: []string{"id", "version"}}},
		{"upsert", "WITH i AS (INSERT INTO counters (name, n) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET n = EXCLUDED.n RETURNING n) SELECT n FROM i",
			Statement{Kind: Insert, Table: "counters", Tables: []string{"counters"}, Columns: []string{"n"}, Returning: true,
				Sets: []Assignment{{Column: "n", Params: []Param{p(1)}}}}},
		{"atomic upsert", "WITH i AS (INSERT INTO counters (name, n) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET n = counters.n + EXCLUDED.n RETURNING n) SELECT n FROM i",
			Statement{Kind: Insert, Table: "counters", Tables: []string{"counters"}, Columns: []string{"n"}, Returning: true,
				Sets: []Assignment{{Column: "n", Self: true, Params: []Param{p(1)}}}}},
		{"delete", "WITH d AS (DELETE FROM holds WHERE id = $1 RETURNING amount) SELECT sum(amount) AS total FROM d",
			Statement{Kind: Delete, Table: "holds", Tables: []string{"holds"}, Columns: []string{"total"}, Returning: true,
				Where: []Comparison{{"id", p(0)}}, Tested: []string{"id"}}},
		{"write not read by the main query", "WITH u AS (UPDATE accounts SET n = $1 WHERE id = $2) SELECT m FROM other",
			Statement{Kind: Update, Table: "accounts", Tables: []string{"other"}, Columns: []string{"m"},
				Sets:  []Assignment{{Column: "n", Params: []Param{p(0)}, Bare: true}},
				Where: []Comparison{{"id", p(1)}}, Tested: []string{"id"}}},
		{"read only", "WITH x AS (SELECT balance FROM accounts WHERE id = $1) SELECT balance FROM x",
			Statement{Kind: Select, Tables: []string{"accounts"}, Columns: []string{"balance"}, Sources: []string{"accounts"}}},
	}
	for _, tt := range tests {
		got := Parse(tt.sql)
		for i := range got.Sets {
			got.Sets[i].ExprStart, got.Sets[i].ExprEnd = 0, 0
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Parse(%q) =\n  %+v\nwant\n  %+v", tt.name, tt.sql, got, tt.want)
		}
	}
}
