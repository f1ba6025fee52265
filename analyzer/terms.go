package analyzer

import (
	"cmp"
	"fmt"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/flow"
)

// terms are how a library says, in its own API, the fixes a message
// names: a row of libTerms. Where a library has no row (database/sql,
// sqlx) or a row leaves a field empty, message.go says it in SQL.
type terms struct {
	// lock says how to read the value so that no other request changes
	// it before the write; tx how to open a transaction; unprotected what
	// a write outside one lacks.
	lock        func(f *finding) string
	tx          string
	unprotected string
	// forUpdate names the row lock, to a load that takes a shared one.
	forUpdate string
	// only renders a write of the columns cols alone.
	only func(cols []string) string
	// insert renders an insert that does nothing where the row is there,
	// for a write that is not of SQL text.
	insert string
	// repeat renders a write that repeats the check of col (where: the
	// check as a builder's Where), or "" for the SQL of the write.
	repeat func(w *flow.Write, col, where string) string
	// remedy renders the fix that needs no lock, where the library has
	// one of its own (a cache's increment).
	remedy func(w *flow.Write, f *finding) string
	// version renders a version check of the write of col (known false:
	// of the changed columns), or "" for the SQL one.
	version func(w *flow.Write, f *finding, col string, known bool) string
	// condition names where a write's condition goes, for "its WHERE
	// clause".
	condition string
	// atomic renders the atomic update of col by op (+ or -) and delta;
	// guarded the same when a check decides the write, with the check's
	// comparison c (nil: not known) in the update's condition.
	atomic  func(w *flow.Write, f *finding, col, op, delta string) string
	guarded func(w *flow.Write, f *finding, col, op, delta string, c *guardCmp) string
	// placeholder is the placeholder the library's SQL takes, for "$1".
	placeholder string
}

// libTerms are the rows, by library.
var libTerms = map[apis.Lib]terms{
	apis.GORM:     gormTerms,
	apis.GORMV1:   gormV1Terms(),
	apis.PGX:      {tx: "pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { … })"},
	apis.Bun:      bunTerms,
	apis.Xorm:     xormTerms,
	apis.Ent:      entTerms,
	apis.Boil:     boilTerms,
	apis.Mongo:    mongoTerms,
	apis.Redis:    redisTerms("ctx, "),
	apis.RedisV7:  redisTerms(""),
	apis.Memcache: memcacheTerms,
	apis.Redigo:   redigoTerms,
}

var gormTerms = terms{
	lock: func(f *finding) string {
		return fmt.Sprintf(`load %s with clause.Locking{Strength: "UPDATE"} inside the transaction`, pronoun(f))
	},
	tx: "db.Transaction(func(tx *gorm.DB) error { … })",
	only: func(cols []string) string {
		quoted := quote(cols)
		return fmt.Sprintf("Select(%s).Updates(…), or Updates(map[string]any{%s: …})", strings.Join(quoted, ", "), quoted[0])
	},
	repeat: func(_ *flow.Write, _, where string) string { return where + " on the update, then check RowsAffected" },
	version: func(_ *flow.Write, _ *finding, col string, _ bool) string {
		return fmt.Sprintf(`a version check (Where("version = ?", v).Updates(…) with %s and version+1, retried while RowsAffected is 0)`, col)
	},
	atomic: func(_ *flow.Write, _ *finding, col, op, delta string) string {
		if op == "-" {
			return fmt.Sprintf(`Where("%s >= ?", %s).Update(%q, gorm.Expr("%s - ?", %s)) and a RowsAffected check`, col, delta, col, col, delta)
		}
		return fmt.Sprintf(`Update(%q, gorm.Expr("%s %s ?", %s))`, col, col, op, delta)
	},
	guarded: func(_ *flow.Write, _ *finding, col, op, delta string, c *guardCmp) string {
		return fmt.Sprintf(`%s.Update(%q, gorm.Expr("%s %s ?", %s)), then check RowsAffected`, whereCall(col, c), col, col, op, delta)
	},
	placeholder: "?",
}

// gormV1Terms are GORM v1's: v2's, but for its row lock and Begin.
func gormV1Terms() terms {
	t := gormTerms
	t.lock = func(f *finding) string {
		return fmt.Sprintf(`load %s with tx.Set("gorm:query_option", "FOR UPDATE").First(…) inside db.Transaction or Begin … Commit`, pronoun(f))
	}
	t.tx = "db.Transaction(func(tx *gorm.DB) error { … }), or tx := db.Begin() … tx.Commit()"
	t.forUpdate = `Set("gorm:query_option", "FOR UPDATE") in GORM v1`
	return t
}

var bunTerms = terms{
	lock: func(f *finding) string {
		return fmt.Sprintf(`load %s with For("UPDATE") inside the transaction`, pronoun(f))
	},
	tx:     "db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { … })",
	only:   func(cols []string) string { return fmt.Sprintf("Column(%q) on the update", cols[0]) },
	repeat: func(_ *flow.Write, _, where string) string { return where + " on the update, then check RowsAffected" },
	version: func(_ *flow.Write, _ *finding, col string, _ bool) string {
		return fmt.Sprintf(`a version check (Set("version = version + 1").Where("version = ?", v) with %s, retried while RowsAffected is 0)`, col)
	},
	atomic: func(_ *flow.Write, _ *finding, col, op, delta string) string {
		if op == "-" {
			return fmt.Sprintf(`Set("%s = %s - ?", %s).Where("%s >= ?", %s) and a RowsAffected check`, col, col, delta, col, delta)
		}
		return fmt.Sprintf(`Set("%s = %s %s ?", %s)`, col, col, op, delta)
	},
	guarded: func(_ *flow.Write, _ *finding, col, op, delta string, c *guardCmp) string {
		return fmt.Sprintf(`Set("%s = %s %s ?", %s).%s, then check RowsAffected`, col, col, op, delta, whereCall(col, c))
	},
}

var xormTerms = terms{
	lock: func(f *finding) string {
		return fmt.Sprintf("load %s with ForUpdate() inside engine.Transaction", pronoun(f))
	},
	tx: "engine.Transaction(func(sess *xorm.Session) (any, error) { … })",
	only: func(cols []string) string {
		return fmt.Sprintf("Cols(%s) on the Update", strings.Join(quote(cols), ", "))
	},
	repeat: func(_ *flow.Write, _, where string) string {
		return where + " on the Update, then check the count of rows it returns"
	},
	version: func(_ *flow.Write, _ *finding, col string, _ bool) string {
		return fmt.Sprintf(`a version check (a Version field tagged xorm:"version" on the model, which makes the Update of %s check and bump it, retried while Update returns 0)`, col)
	},
	atomic: func(w *flow.Write, _ *finding, col, op, delta string) string {
		if op == "-" {
			return fmt.Sprintf(`sess.ID(id).Where("%s >= ?", %s).Decr(%q, %s).Update(%s) and a check of the count it returns`, col, delta, col, delta, xormBean(w))
		}
		return fmt.Sprintf(`sess.ID(id).%s(%q, %s).Update(%s)`, xormIncr(op), col, delta, xormBean(w))
	},
	guarded: func(w *flow.Write, _ *finding, col, op, delta string, c *guardCmp) string {
		return fmt.Sprintf(`sess.ID(id).%s.%s(%q, %s).Update(%s), then check the count it returns`, whereCall(col, c), xormIncr(op), col, delta, xormBean(w))
	},
}

var entTerms = terms{
	lock: func(f *finding) string {
		return fmt.Sprintf("load %s with ForUpdate() inside client.Tx and write %[1]s on that tx", pronoun(f))
	},
	tx:   "tx, err := client.Tx(ctx) … tx.Commit()",
	only: func([]string) string { return "only the setters of the fields that changed on the update" },
	repeat: func(w *flow.Write, col, _ string) string {
		return fmt.Sprintf("Update().Where(…, %s(…)) with the value checked, then check the count Save returns", entPredicate(w, col, "EQ"))
	},
	version: func(w *flow.Write, f *finding, _ string, _ bool) string {
		return fmt.Sprintf(`a version check (Update().Where(…, %s(v)).%s(…).AddVersion(1), retried while Save returns 0)`, entPredicate(w, "version", "EQ"), entMethod(w, f, "Set"))
	},
	atomic: func(w *flow.Write, f *finding, col, op, delta string) string {
		add := fmt.Sprintf("%s(%s)", entMethod(w, f, "Add"), entDelta(op, delta))
		if op == "-" {
			return fmt.Sprintf(`Update().Where(…, %s(%s)).%s and a check of the count Save returns`, entPredicate(w, col, "GTE"), delta, add)
		}
		return add
	},
	guarded: func(w *flow.Write, f *finding, col, op, delta string, c *guardCmp) string {
		where := "…"
		if c != nil {
			where = fmt.Sprintf("%s(%s)", entPredicate(w, col, entOps[c.op]), c.rhs)
		}
		return fmt.Sprintf(`Update().Where(…, %s).%s(%s), then check the count Save returns`, where, entMethod(w, f, "Add"), entDelta(op, delta))
	},
}

// boilTerms are sqlboiler's; a write of SQL text (queries.Raw) is told
// in SQL.
var boilTerms = terms{
	lock: func(f *finding) string {
		return fmt.Sprintf(`load %s with qm.For("update") in a transaction (boil.BeginTx or db.BeginTx) and write %[1]s with that tx as the executor`, pronoun(f))
	},
	tx: "tx, err := boil.BeginTx(ctx, nil) … tx.Commit(), with tx as the executor of both",
	only: func(cols []string) string {
		return fmt.Sprintf("Update(ctx, exec, boil.Whitelist(%s))", strings.Join(quote(cols), ", "))
	},
	insert: "Insert with Upsert(ctx, exec, false, …) (ON CONFLICT DO NOTHING)",
	repeat: func(w *flow.Write, _, where string) string {
		if w.Stmt != nil {
			return ""
		}
		return fmt.Sprintf("qm.%s in the mods of %s(…).UpdateAll, then check the count it returns", where, boilStarter(w))
	},
	version: func(w *flow.Write, _ *finding, col string, known bool) string {
		if w.Stmt != nil {
			return ""
		}
		set := "…"
		if known {
			set = fmt.Sprintf("%q: …", col)
		}
		return fmt.Sprintf(`a version check (%s(qm.Where("id = ? AND version = ?", id, v)).UpdateAll(ctx, exec, %s{%s, "version": v + 1}), retried while it returns 0)`, boilStarter(w), boilMap(w), set)
	},
	atomic: func(w *flow.Write, _ *finding, col, op, delta string) string {
		if op == "-" {
			return boilRawUpdate(w, col, "-", fmt.Sprintf(" AND %s >= $1", col), []string{delta, "id"}) + " and a RowsAffected check"
		}
		return boilRawUpdate(w, col, op, "", []string{delta, "id"})
	},
	guarded: func(w *flow.Write, _ *finding, col, op, delta string, c *guardCmp) string {
		cond, args := "", []string{entDelta(op, delta), "id"}
		if op == "-" {
			args[0] = delta
		}
		if c != nil {
			switch {
			case c.delta:
				cond = fmt.Sprintf(" AND %s %s $1", col, c.op)
			case isNumber(c.rhs):
				cond = fmt.Sprintf(" AND %s %s %s", col, c.op, c.rhs)
			default:
				cond = fmt.Sprintf(" AND %s %s $3", col, c.op)
				args = append(args, c.rhs)
			}
		}
		return boilRawUpdate(w, col, op, cond, args) + ", then check RowsAffected"
	},
}

var mongoTerms = terms{
	lock: func(f *finding) string {
		hint := fmt.Sprintf("read and write %s inside session.WithTransaction, on the context its callback is given (a write conflict then fails one of two concurrent transactions, and WithTransaction retries it)", pronoun(f))
		if col := f.value.Column; col != "" && f.category != CategoryStaleRow {
			hint = fmt.Sprintf(`check the value read in the filter (bson.M{"_id": id, %q: %s}) and that MatchedCount is 1, or %s`, col, f.label.Name, hint)
		}
		return hint
	},
	tx:          "session.WithTransaction(ctx, fn), with every read and write in fn on the context fn is given",
	unprotected: "outside a transaction",
	only: func(cols []string) string {
		sets := make([]string, len(cols))
		for i, c := range cols {
			sets[i] = strconv.Quote(c) + ": …"
		}
		return fmt.Sprintf(`UpdateOne with bson.M{"$set": bson.M{%s}} instead of the whole document`, strings.Join(sets, ", "))
	},
	repeat: func(_ *flow.Write, col, _ string) string {
		return fmt.Sprintf(`the value checked in the filter, bson.M{"_id": id, %q: …}, then check MatchedCount`, col)
	},
	version: func(_ *flow.Write, _ *finding, col string, known bool) string {
		set := "the changed fields"
		if known {
			set = fmt.Sprintf("%q: …", col)
		}
		return fmt.Sprintf(`a version check (bson.M{"_id": id, "version": v} in the filter, bson.M{"$set": bson.M{%s}, "$inc": bson.M{"version": 1}}, retried while ModifiedCount is 0)`, set)
	},
	condition: "its filter",
	atomic: func(_ *flow.Write, _ *finding, col, op, delta string) string {
		inc := fmt.Sprintf(`bson.M{"$inc": bson.M{%q: %s}}`, col, entDelta(op, delta))
		if op == "-" {
			return fmt.Sprintf(`%s with %q: bson.M{"$gte": %s} in the filter and a check of ModifiedCount`, inc, col, delta)
		}
		return inc
	},
	guarded: func(_ *flow.Write, _ *finding, col, op, delta string, c *guardCmp) string {
		filter := "…"
		if c != nil {
			filter = fmt.Sprintf("%q: bson.M{%q: %s}", col, mongoOps[c.op], c.rhs)
		}
		return fmt.Sprintf(`bson.M{"_id": id, %s} as the filter and bson.M{"$inc": bson.M{%q: %s}}, then check ModifiedCount`, filter, col, entDelta(op, delta))
	},
}

// redisTerms are go-redis's, whose calls take ctx first (v9 and v8:
// "ctx, ") or no context (v7: "").
func redisTerms(ctx string) terms {
	t := terms{
		lock: func(f *finding) string {
			return fmt.Sprintf("read %s under WATCH and write %[1]s in that transaction's TxPipelined (rdb.Watch(%sfunc(tx *redis.Tx) error { … }, key))", pronoun(f), ctx)
		},
		unprotected: "without WATCH",
	}
	return scripted(t, "rdb.Eval", func(sub, float bool) string {
		if float {
			return fmt.Sprintf("an atomic INCRBYFLOAT (rdb.IncrByFloat(%skey, %s); HIncrByFloat for a hash field)", ctx, floatDelta(sub))
		}
		op := "IncrBy"
		if sub {
			op = "DecrBy"
		}
		return fmt.Sprintf("an atomic %s (rdb.%s(%skey, delta); HIncrBy for a hash field)", strings.ToUpper(op), op, ctx)
	})
}

// floatDelta is the argument of INCRBYFLOAT, which has no decrement: the
// delta, negated to subtract.
func floatDelta(sub bool) string {
	if sub {
		return "-delta"
	}
	return "delta"
}

// scripted returns the terms t of a Redis client with the fixes that
// need no lock: a number changed by the increment incr renders (sub: a
// decrement; float: of a floating-point number), and any other change, or
// a check repeated, in a Lua script that script runs.
func scripted(t terms, script string, incr func(sub, float bool) string) terms {
	t.repeat = func(*flow.Write, string, string) string {
		return "a Lua script (" + script + ") that compares and sets in one step"
	}
	t.remedy = func(_ *flow.Write, f *finding) string {
		if !f.value.Numeric {
			return "a Lua script (" + script + ") that reads and writes in one step"
		}
		return incr(f.label.Op == token.SUB, f.value.Float)
	}
	return t
}

var memcacheTerms = terms{
	lock: func(*finding) string {
		return "write the item Get returned with mc.CompareAndSwap(item), retried on memcache.ErrCASConflict"
	},
	unprotected: "without CompareAndSwap",
	remedy: func(*flow.Write, *finding) string {
		return "an atomic mc.Increment(key, delta) for a counter (Decrement to subtract)"
	},
}

var redigoTerms = scripted(terms{
	lock: func(f *finding) string {
		return fmt.Sprintf(`read %s after conn.Do("WATCH", key) and write %[1]s between conn.Send("MULTI") and conn.Do("EXEC") on that connection, retried while EXEC replies nil`, pronoun(f))
	},
	unprotected: "without WATCH",
}, "redis.NewScript", func(sub, float bool) string {
	if float {
		return fmt.Sprintf(`an atomic INCRBYFLOAT (conn.Do("INCRBYFLOAT", key, %s); HINCRBYFLOAT for a hash field)`, floatDelta(sub))
	}
	op := "INCRBY"
	if sub {
		op = "DECRBY"
	}
	return fmt.Sprintf(`an atomic %s (conn.Do(%q, key, delta); HINCRBY for a hash field)`, op, op)
})

// quote returns the columns as Go strings.
func quote(cols []string) []string {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = strconv.Quote(c)
	}
	return quoted
}

// whereCall renders a builder's Where with the comparison c of col, or
// Where(…) when it is not known.
func whereCall(col string, c *guardCmp) string {
	if c == nil {
		return `Where(…)`
	}
	return fmt.Sprintf(`Where("%s %s ?", %s)`, col, c.op, c.rhs)
}

// mongoOps are MongoDB's query operators for SQL comparisons.
var mongoOps = map[string]string{"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "=": "$eq", "<>": "$ne"}

// entOps are the suffixes of ent's generated predicates for SQL
// comparisons (post.DownloadsGTE).
var entOps = map[string]string{"<": "LT", "<=": "LTE", ">": "GT", ">=": "GTE", "=": "EQ", "<>": "NEQ"}

// entField returns the entity field of an ent write's column: the Go
// name its setter used (SetDownloads: Downloads), or the column as ent's
// code generator names its field (entPascal).
func entField(w *flow.Write, col string) string {
	for _, v := range w.Values {
		if v.Column == col && v.Field != "" {
			return v.Field
		}
	}
	return entPascal(col)
}

// entAcronyms are the initialisms ent's code generator writes in capitals
// in the names it makes (entc/gen: user_id is UserID).
var entAcronyms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "AWS": true, "CPU": true, "CSS": true, "DNS": true,
	"EOF": true, "GB": true, "GUID": true, "HCL": true, "HTML": true, "HTTP": true, "HTTPS": true,
	"ID": true, "IP": true, "JSON": true, "KB": true, "LHS": true, "MAC": true, "MB": true,
	"QPS": true, "RAM": true, "RHS": true, "RPC": true, "SLA": true, "SMTP": true, "SQL": true,
	"SSH": true, "SSO": true, "TCP": true, "TLS": true, "TTL": true, "UDP": true, "UI": true,
	"UID": true, "URI": true, "URL": true, "UTF8": true, "UUID": true, "VM": true, "XML": true,
	"XMPP": true, "XSRF": true, "XSS": true,
}

// entPascal names a column's field as ent's code generator does: each
// word of the snake-case name capitalised, an initialism in capitals
// (download_url: DownloadURL).
func entPascal(col string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(col, func(r rune) bool { return r == '_' || r == '-' || r == ' ' }) {
		if up := strings.ToUpper(part); entAcronyms[up] {
			b.WriteString(up)
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// entMethod names the builder method of an ent write that does verb
// ("Add", "Set") to the finding's field: AddDownloads.
func entMethod(w *flow.Write, f *finding, verb string) string {
	return verb + entField(w, cmp.Or(f.value.Column, "n"))
}

// entPredicate names the predicate ent generates for a column and a
// comparison: post.VersionEQ, in the package ent names for the entity
// (the entity's name in lower case).
func entPredicate(w *flow.Write, col, op string) string {
	pkg := "<entity>"
	if w.Call != nil {
		if recv, _ := splitCall(w.Call); recv != nil {
			if _, entity := apis.EntRoleOf(recv.Type()); entity != "" {
				pkg = strings.ToLower(entity)
			}
		}
	}
	return pkg + "." + entField(w, col) + op
}

// entDelta renders the argument of an ent AddX for an operator and a
// delta: the delta, negated for a subtraction.
func entDelta(op, delta string) string {
	if op != "-" {
		return delta
	}
	if isNumber(delta) || token.IsIdentifier(delta) {
		return "-" + delta
	}
	return "-(" + delta + ")"
}

// xormIncr names xorm's atomic update for an operator: Incr, or Decr for
// a subtraction.
func xormIncr(op string) string {
	if op == "-" {
		return "Decr"
	}
	return "Incr"
}

// xormBean renders the bean of an xorm Update for a fix: an empty model
// of the type the write was given (new(Account)), which makes Update
// write the Incr or Decr alone.
func xormBean(w *flow.Write) string {
	if w.Shape != apis.XormSession || w.Call == nil {
		return "…"
	}
	cc := w.Call.Common()
	args := cc.Args
	if !cc.IsInvoke() && len(args) > 0 {
		args = args[1:] // the receiver
	}
	if len(args) == 0 {
		return "…"
	}
	bean := args[0]
	if mi, ok := bean.(*ssa.MakeInterface); ok {
		bean = mi.X
	}
	t := types.Unalias(bean.Type())
	if p, ok := t.(*types.Pointer); ok {
		t = types.Unalias(p.Elem())
	}
	if n, ok := t.(*types.Named); ok {
		if _, isStruct := n.Underlying().(*types.Struct); isStruct {
			name := n.Obj().Name()
			if pkg := n.Obj().Pkg(); pkg != nil && (w.Call.Parent() == nil || w.Call.Parent().Pkg == nil || w.Call.Parent().Pkg.Pkg != pkg) {
				name = pkg.Name() + "." + name // a model of another package, by its package's name
			}
			return "new(" + name + ")"
		}
	}
	return "…"
}

// boilRawUpdate renders an atomic update in sqlboiler's terms: the SQL
// that changes col in the database, run by queries.Raw on the executor
// (the same for exec.ExecContext).
func boilRawUpdate(w *flow.Write, col, op, cond string, args []string) string {
	table, _ := tableNames(w.Table)
	return fmt.Sprintf(`queries.Raw("UPDATE %s SET %s = %s %s $1 WHERE id = $2%s", %s).ExecContext(ctx, exec)`,
		cmp.Or(table, "…"), col, col, op, cond, strings.Join(args, ", "))
}

// boilModelOf returns the model a sqlboiler write writes: the receiver
// of Update or Upsert, or the model of UpdateAll's query or slice.
func boilModelOf(w *flow.Write) *types.Named {
	if w.Call == nil {
		return nil
	}
	recv, _ := splitCall(w.Call)
	if recv == nil {
		return nil
	}
	_, m := apis.BoilRoleOf(recv.Type())
	return m
}

// boilStarter names the generated query starter of a sqlboiler write's
// model, qualified by its package (models.Accounts).
func boilStarter(w *flow.Write) string {
	m := boilModelOf(w)
	if m == nil {
		return "models.<Models>"
	}
	name := apis.BoilStarter(m)
	if name == "" {
		name = m.Obj().Name() + "s"
	}
	return m.Obj().Pkg().Name() + "." + name
}

// boilMap names the generated map type UpdateAll takes (models.M).
func boilMap(w *flow.Write) string {
	if m := boilModelOf(w); m != nil {
		return m.Obj().Pkg().Name() + ".M"
	}
	return "models.M"
}
