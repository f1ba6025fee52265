package analyzer

import (
	"cmp"
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/flow"
	"github.com/lostupdate/lostupdate/analyzer/report"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// diagnostic renders a finding: one message that names the value, where it
// was read, and the fix in the library's own terms; the load (and the lock
// that matters) as related information; and a suggested fix where the
// rewrite to an atomic update is mechanical.
func diagnostic(pass *analysis.Pass, rep *report.Reporter, f *finding) analysis.Diagnostic {
	switch f.category {
	case CategoryStaleRow:
		return staleRowDiagnostic(pass, f)
	case CategoryCheckThenWrite:
		return checkThenWriteDiagnostic(pass, f)
	}
	w, l := f.write, f.label.Load
	var form atomicForm
	if f.category != CategoryMissingRow {
		form = atomic(pass, rep, f)
	}
	name := f.label.Name
	subject := subjectOf(f)
	read, here := readAndHere(pass, l, w)
	fix := remedy(w, f, form)
	lockHint, txHint, unprotected := hints(w, l, f)
	var msg string
	switch f.category {
	case CategoryLostUpdate:
		msg = fmt.Sprintf("lost update: %s read at %s and written back %s %s; a concurrent request can change %s in between. Use %s or %s.",
			subject, read, here, unprotected, pronoun(f), fix, lockHint)
	case CategoryLockOutsideTx:
		if f.lock == endedTx {
			msg = fmt.Sprintf("lost update: %s read with FOR UPDATE at %s, but the transaction that held the lock ends before the write %s, which is unprotected. Write before the transaction commits, through the same handle, or use %s.",
				subject, read, here, fix)
			break
		}
		msg = fmt.Sprintf("lost update: %s read with FOR UPDATE at %s outside a transaction, so the lock is released when that statement ends and the write %s is unprotected. Run the locking read and the write in one transaction (%s), or use %s.",
			subject, read, here, txHint, fix)
	case CategoryStaleRead:
		lock := "the row lock taken later"
		if f.lock != nil {
			lock = "the lock taken at " + at(pass.Fset, f.lock.Pos)
		} else if w.Via != nil {
			lock = "the lock " + writerName(w) + " takes"
		}
		msg = fmt.Sprintf("lost update: %s read at %s, before %s, and that stale value is written back %s. Read it again after taking the lock (FOR UPDATE on the same transaction) and compute the new value from the fresh read.",
			subject, read, lock, here)
	case CategoryOtherHandle:
		msg = fmt.Sprintf("lost update: %s locked at %s through %s but written back %s through %s; a row lock protects only the transaction that holds it. Read with FOR UPDATE and write through the same transaction handle.",
			subject, read, handleName(l.Handle), here, handleName(w.Handle))
	case CategoryMissingRow:
		table, _ := tableNames(w.Table)
		msg = fmt.Sprintf("lost update: %s read with FOR UPDATE at %s, but when no %s row exists yet the lock holds nothing: two requests can both find none, and the upsert %s then overwrites the row the other inserted (its conflict action sets %s). Create the row first (INSERT … ON CONFLICT DO NOTHING), then read it with FOR UPDATE and write it with UPDATE.",
			subject, read, cmp.Or(table, "such"), here, cmp.Or(f.value.Column, "the column"))
	case CategoryQueryOption:
		msg = fmt.Sprintf(`lost update: %s loaded at %s with Set("gorm:query_option", "FOR UPDATE"), which GORM v2 ignores, so no row is locked before the write %s. Use Clauses(clause.Locking{Strength: "UPDATE"}) inside the transaction, or %s.`,
			subject, read, here, fix)
	case CategoryShareLock:
		gormLock := `clause.Locking{Strength: "UPDATE"} in GORM`
		if w.Lib == apis.GORMV1 || l.Lib == apis.GORMV1 {
			gormLock = `Set("gorm:query_option", "FOR UPDATE") in GORM v1`
		}
		msg = fmt.Sprintf(`lost update: %s read with a shared lock (FOR SHARE) at %s; two requests can both hold it, so the write %s deadlocks or overwrites the other's update. Lock the row with FOR UPDATE (%s) or use %s.`,
			subject, read, here, gormLock, fix)
	case CategoryMutex:
		msg = fmt.Sprintf("lost update: %s read at %s and written back %s under a sync.Mutex, which serialises requests in this process only; another instance of the service can change %s in between. Use %s or %s.",
			subject, read, here, pronoun(f), fix, lockHint)
	}
	d := analysis.Diagnostic{
		Pos:      w.Pos,
		Category: f.category,
		URL:      "#" + f.category,
		Message:  msg,
		Related:  []analysis.RelatedInformation{{Pos: l.ReadPos(), Message: name + " is read here"}},
	}
	if l.LockPos.IsValid() {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: l.LockPos, Message: "the lock is requested here"})
	}
	if f.lock != nil && f.lock != endedTx && f.lock.Pos.IsValid() {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: f.lock.Pos, Message: "the lock is taken here, after the read"})
	}
	if form.fix != nil {
		d.SuggestedFixes = []analysis.SuggestedFix{*form.fix}
	}
	return d
}

// staleRowDiagnostic renders a stale-row finding: the columns put back
// unchanged, the write that undoes, and the writer it undoes when known.
func staleRowDiagnostic(pass *analysis.Pass, f *finding) analysis.Diagnostic {
	w, l := f.write, f.label.Load
	read, here := readAndHere(pass, l, w)
	cols := f.contended
	if len(cols) == 0 {
		cols = f.stale
	}
	var names []string
	for _, v := range cols {
		names = append(names, v.Column)
	}
	var changed []string
	for _, n := range changedNames(f) {
		if !slices.ContainsFunc(cols, func(v flow.Written) bool { return v.Name == n || v.Column == n }) {
			changed = append(changed, n)
		}
	}
	with := ""
	switch {
	case len(changed) > 0:
		with = " with a new " + listNames(changed, 3)
	case opaqueWrite(f):
		with = " after a call that may change it"
	}
	verb := "goes"
	if len(names) > 1 {
		verb = "go"
	}
	undone := "a change another request made to them in between is undone"
	if len(names) == 1 {
		undone = "a change another request made to it in between is undone"
	}
	if len(f.writers) > 0 {
		ow := f.writers[0]
		how := "writes " + f.contended[0].Column
		if ow.Atomic {
			how = "updates " + f.contended[0].Column + " atomically"
		}
		undone = fmt.Sprintf("%s (%s %s at %s)", undone, ow.Func, how, ow.Site)
	}
	lockHint, _, _ := hints(w, l, f)
	msg := fmt.Sprintf("stale row: %s is read at %s and written back whole %s%s; %s %s back as read, so %s. Write only the columns that changed (%s), or %s.",
		recordName(f), read, here, with, listNames(names, 4), verb, undone, onlyChanged(w, f, names), lockHint)
	return analysis.Diagnostic{
		Pos:      w.Pos,
		Category: f.category,
		URL:      "#" + f.category,
		Message:  msg,
		Related:  []analysis.RelatedInformation{{Pos: l.ReadPos(), Message: recordName(f) + " is read here"}},
	}
}

// recordName names the record a stale-row finding writes back: the
// variable of its fields (user of user.Quota).
func recordName(f *finding) string {
	name := f.label.Name
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[:i]
	}
	if name != "" {
		return name
	}
	return "the row"
}

// changedNames names what a stale-row write changes: the values it writes
// that are new (assigned, computed, not from the load), not those only
// passed through code the analysis cannot see into.
func changedNames(f *finding) []string {
	var names []string
	for _, v := range f.write.Values {
		if v.Whole || !fresh(v, f.label.Load) || opaqueOnly(v) {
			continue
		}
		if n := cmp.Or(v.Name, v.Column); n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// opaqueOnly reports whether a written value may differ from the one read
// only because code the analysis cannot see into handled it.
func opaqueOnly(v flow.Written) bool {
	if len(v.Labels) == 0 {
		return false
	}
	for _, l := range v.Labels {
		if l.Load == nil || l.Change == summary.Computed {
			return false
		}
	}
	return slices.ContainsFunc(v.Labels, func(l *flow.Label) bool { return l.Change == summary.Opaque })
}

// opaqueWrite reports whether a stale-row write holds values that code the
// analysis cannot see into may have changed.
func opaqueWrite(f *finding) bool {
	return slices.ContainsFunc(f.write.Values, opaqueOnly)
}

// labelName names a written value by the label of load l it carries.
func labelName(v flow.Written, l *flow.Load) string {
	for _, lb := range v.Labels {
		if lb.Load == l {
			return lb.Name
		}
	}
	return v.Column
}

// listNames renders names as "a, b and c", or "a, b and 7 more" past max.
func listNames(names []string, max int) string {
	if len(names) > max {
		rest := len(names) - max + 1
		names = append(names[:max-1:max-1], fmt.Sprintf("%d more", rest))
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// onlyChanged renders, in the library's terms, a write of only the
// columns that changed.
func onlyChanged(w *flow.Write, f *finding, stale []string) string {
	var cols, some []string
	for _, v := range w.Values {
		if v.Column == "" || v.Whole || !fresh(v, f.label.Load) || slices.Contains(cols, v.Column) || slices.Contains(some, v.Column) {
			continue
		}
		if slices.Contains(stale, v.Column) {
			some = append(some, v.Column) // set on one path, put back on another
			continue
		}
		cols = append(cols, v.Column)
	}
	fix := onlyColumns(w, cols)
	if len(some) > 0 {
		them := "them"
		if len(some) == 1 {
			them = "it"
		}
		fix += fmt.Sprintf("; %s only on the paths that set %s", strings.Join(some, " and "), them)
	}
	return fix
}

// onlyColumns renders a write of the columns cols alone, in the write's
// library.
func onlyColumns(w *flow.Write, cols []string) string {
	if len(cols) == 0 {
		cols = []string{"…"}
	}
	switch w.Lib {
	case apis.GORM, apis.GORMV1:
		quoted := make([]string, len(cols))
		for i, c := range cols {
			quoted[i] = strconv.Quote(c)
		}
		return fmt.Sprintf("Select(%s).Updates(…), or Updates(map[string]any{%s: …})", strings.Join(quoted, ", "), quoted[0])
	case apis.Bun:
		return fmt.Sprintf("Column(%q) on the update", cols[0])
	case apis.Xorm:
		quoted := make([]string, len(cols))
		for i, c := range cols {
			quoted[i] = strconv.Quote(c)
		}
		return fmt.Sprintf("Cols(%s) on the Update", strings.Join(quoted, ", "))
	case apis.Ent:
		return "only the setters of the fields that changed on the update"
	case apis.Boil:
		quoted := make([]string, len(cols))
		for i, c := range cols {
			quoted[i] = strconv.Quote(c)
		}
		return fmt.Sprintf("Update(ctx, exec, boil.Whitelist(%s))", strings.Join(quoted, ", "))
	case apis.Mongo:
		sets := make([]string, len(cols))
		for i, c := range cols {
			sets[i] = strconv.Quote(c) + ": …"
		}
		return fmt.Sprintf(`UpdateOne with bson.M{"$set": bson.M{%s}} instead of the whole document`, strings.Join(sets, ", "))
	}
	if w.Via != nil {
		return fmt.Sprintf("a method that updates %s alone", strings.Join(cols, " and "))
	}
	sets := make([]string, len(cols))
	for i, c := range cols {
		sets[i] = c + " = …"
	}
	return "UPDATE … SET " + strings.Join(sets, ", ") + " WHERE …"
}

// nullCheck returns the SQL test of a check that a nullable column's value
// (a sql.NullTime's Valid) is absent or present where the write runs.
func nullCheck(f *finding) (string, bool) {
	if f.guard == nil || !strings.HasSuffix(f.label.Name, ".Valid") {
		return "", false
	}
	switch f.guard.Holds {
	case "false":
		return " IS NULL", true
	case "true":
		return " IS NOT NULL", true
	}
	return "", false
}

// checkThenWriteDiagnostic renders a check-then-write finding: the value
// checked, where, and the write that does not check it again.
func checkThenWriteDiagnostic(pass *analysis.Pass, f *finding) analysis.Diagnostic {
	w, l := f.write, f.label.Load
	read, here := readAndHere(pass, l, w)
	if f.missing {
		table, _ := tableNames(w.Table)
		cols := overwritten(w)
		insert := "Insert with ON CONFLICT DO NOTHING"
		if w.Lib == apis.Boil && w.Stmt == nil {
			insert = "Insert with Upsert(ctx, exec, false, …) (ON CONFLICT DO NOTHING)"
		}
		msg := fmt.Sprintf("check then write: no %s row is found at %s, and only then the upsert %s runs, whose conflict action writes %s over the row that is there: what another request stored in a row it inserted since the read is overwritten. %s and read the row again.",
			cmp.Or(table, "such"), read, here, listNames(cols, 3), insert)
		return analysis.Diagnostic{
			Pos:      w.Pos,
			Category: f.category,
			URL:      "#" + f.category,
			Message:  msg,
			Related:  []analysis.RelatedInformation{{Pos: l.ReadPos(), Message: "the row is looked for here"}},
		}
	}
	col := f.label.Column
	// answer: a callee's answer (found) from a column it checked itself.
	answer := f.label.Change != summary.Copied && l.Via != nil
	sqlCond, where := col+" = $n", fmt.Sprintf(`Where("%s = ?", …)`, col)
	if null, ok := nullCheck(f); ok {
		// code.ConsumedAt.Valid of a sql.NullTime
		sqlCond, where = col+null, fmt.Sprintf(`Where("%s%s")`, col, null)
	}
	if answer {
		sqlCond = flowName(l.Via) + "'s condition on " + col
		where = sqlCond
	}
	repeat := fmt.Sprintf("UPDATE … WHERE … AND %s, then check RowsAffected", sqlCond)
	switch w.Lib {
	case apis.GORM, apis.GORMV1, apis.Bun:
		repeat = where + " on the update, then check RowsAffected"
	case apis.Xorm:
		repeat = where + " on the Update, then check the count of rows it returns"
	case apis.Ent:
		repeat = fmt.Sprintf("Update().Where(…, %s(…)) with the value checked, then check the count Save returns", entPredicate(w, col, "EQ"))
	case apis.Mongo:
		repeat = fmt.Sprintf(`the value checked in the filter, bson.M{"_id": id, %q: …}, then check MatchedCount`, col)
	case apis.Boil:
		if w.Stmt == nil {
			repeat = fmt.Sprintf("qm.%s in the mods of %s(…).UpdateAll, then check the count it returns", where, boilStarter(w))
		}
	case apis.Redis, apis.RedisV7:
		repeat = "a Lua script (rdb.Eval) that compares and sets in one step"
	case apis.Redigo:
		repeat = "a Lua script (redis.NewScript) that compares and sets in one step"
	}
	lockHint, _, _ := hints(w, l, f)
	checked := fmt.Sprintf("%s is read at %s and checked at %s, but the write %s does not check it again", f.label.Name, read, at(pass.Fset, f.guard.Pos), here)
	if answer {
		checked = fmt.Sprintf("%s, which %s answers from %s (read at %s), is checked at %s, but the write %s does not check %s again",
			f.label.Name, flowName(l.Via), col, cmp.Or(l.Site, at(pass.Fset, l.ReadPos())), at(pass.Fset, f.guard.Pos), here, col)
	}
	msg := fmt.Sprintf("check then write: %s, so two requests can both pass the check before either writes. Repeat the check in the write (%s), or %s.",
		checked, repeat, lockHint)
	return analysis.Diagnostic{
		Pos:      w.Pos,
		Category: f.category,
		URL:      "#" + f.category,
		Message:  msg,
		Related: []analysis.RelatedInformation{
			{Pos: l.ReadPos(), Message: f.label.Name + " is read here"},
			{Pos: f.guard.Pos, Message: "and checked here"},
		},
	}
}

// readAndHere renders where a load read its value ("bank.go:26", "repo.go:30
// (by Accounts.Account, at repo.go:12)") and where the write is ("here", or
// "here by Accounts.Save" for a callee's write).
func readAndHere(pass *analysis.Pass, l *flow.Load, w *flow.Write) (read, here string) {
	read = at(pass.Fset, l.ReadPos())
	if l.Via != nil {
		read = fmt.Sprintf("%s (by %s)", read, funcName(l))
	}
	here = "here"
	if w.Via != nil {
		here = "here by " + writerName(w)
	}
	return read, here
}

// hints renders, in the terms of the library in play (the write's, or else
// the load's), how to lock the value read, how to open a transaction, and
// what the unprotected write lacks.
func hints(w *flow.Write, l *flow.Load, f *finding) (lockHint, txHint, unprotected string) {
	lib := w.Lib
	switch lib {
	case apis.NoLib, apis.SQL, apis.SQLX, apis.Sync:
		lib = l.Lib
	}
	lockHint = fmt.Sprintf("read %s with SELECT … FOR UPDATE in the transaction that writes %[1]s", pronoun(f))
	txHint = "tx, err := db.BeginTx(ctx, nil) … tx.Commit()"
	unprotected = "outside a locking transaction"
	if g := cmp.Or(w.Guard, l.Guard); g != "" && f.category == CategoryLostUpdate {
		unprotected = fmt.Sprintf("outside a locking transaction (under the busy flag that %s sets, which keeps this job to one run at a time in one process, and keeps out no other writer)", g)
	}
	switch lib {
	case apis.GORM:
		lockHint = fmt.Sprintf(`load %s with clause.Locking{Strength: "UPDATE"} inside the transaction`, pronoun(f))
		txHint = "db.Transaction(func(tx *gorm.DB) error { … })"
	case apis.GORMV1:
		lockHint = fmt.Sprintf(`load %s with tx.Set("gorm:query_option", "FOR UPDATE").First(…) inside db.Transaction or Begin … Commit`, pronoun(f))
		txHint = "db.Transaction(func(tx *gorm.DB) error { … }), or tx := db.Begin() … tx.Commit()"
	case apis.PGX:
		txHint = "pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { … })"
	case apis.Bun:
		lockHint = fmt.Sprintf(`load %s with For("UPDATE") inside the transaction`, pronoun(f))
		txHint = "db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { … })"
	case apis.Xorm:
		lockHint = fmt.Sprintf("load %s with ForUpdate() inside engine.Transaction", pronoun(f))
		txHint = "engine.Transaction(func(sess *xorm.Session) (any, error) { … })"
	case apis.Ent:
		lockHint = fmt.Sprintf("load %s with ForUpdate() inside client.Tx and write %[1]s on that tx", pronoun(f))
		txHint = "tx, err := client.Tx(ctx) … tx.Commit()"
	case apis.Boil:
		lockHint = fmt.Sprintf(`load %s with qm.For("update") in a transaction (boil.BeginTx or db.BeginTx) and write %[1]s with that tx as the executor`, pronoun(f))
		txHint = "tx, err := boil.BeginTx(ctx, nil) … tx.Commit(), with tx as the executor of both"
	case apis.Mongo:
		lockHint = fmt.Sprintf("read and write %s inside session.WithTransaction, on the context its callback is given (a write conflict then fails one of two concurrent transactions, and WithTransaction retries it)", pronoun(f))
		if col := f.value.Column; col != "" && f.category != CategoryStaleRow {
			lockHint = fmt.Sprintf(`check the value read in the filter (bson.M{"_id": id, %q: %s}) and that ModifiedCount is 1, or %s`, col, f.label.Name, lockHint)
		}
		txHint = "session.WithTransaction(ctx, fn), with every read and write in fn on the context fn is given"
		unprotected = "outside a transaction"
	case apis.Redis, apis.RedisV7:
		lockHint = fmt.Sprintf("read %s under WATCH and write %[1]s in that transaction's TxPipelined (rdb.Watch(%sfunc(tx *redis.Tx) error { … }, key))", pronoun(f), redisCtx(lib))
		unprotected = "without WATCH"
	case apis.Memcache:
		lockHint = "write the item Get returned with mc.CompareAndSwap(item), retried on memcache.ErrCASConflict"
		unprotected = "without CompareAndSwap"
	case apis.Redigo:
		lockHint = fmt.Sprintf(`read %s after conn.Do("WATCH", key) and write %[1]s between conn.Send("MULTI") and conn.Do("EXEC") on that connection, retried while EXEC replies nil`, pronoun(f))
		unprotected = "without WATCH"
	}
	return lockHint, txHint, unprotected
}

// redisCtx is the context argument a go-redis call takes first: none in
// v7.
func redisCtx(lib apis.Lib) string {
	if lib == apis.RedisV7 {
		return ""
	}
	return "ctx, "
}

// queryOption reports a GORM v1 locking option on a load whose value no
// write uses: it is a lock that was meant and is not taken.
func queryOption(pass *analysis.Pass, l *flow.Load) analysis.Diagnostic {
	d := analysis.Diagnostic{
		Pos:      l.LockPos,
		Category: CategoryQueryOption,
		URL:      "#" + CategoryQueryOption,
		Message: fmt.Sprintf(`Set("gorm:query_option", "FOR UPDATE") locks nothing under GORM v2: the load at %s takes no row lock. Use Clauses(clause.Locking{Strength: "UPDATE"}) inside the transaction.`,
			at(pass.Fset, l.ReadPos())),
	}
	if pass.Fset.Position(l.ReadPos()).Line != pass.Fset.Position(l.LockPos).Line {
		// The load is a statement of its own: point at it.
		d.Related = []analysis.RelatedInformation{{Pos: l.ReadPos(), Message: "the unlocked load"}}
	}
	return d
}

// remedy renders the fix that needs no lock, in the library's terms: an
// atomic update when the new value is the old one plus or minus a number,
// else a version check.
func remedy(w *flow.Write, f *finding, form atomicForm) string {
	if w.Lib == apis.Memcache {
		return "an atomic mc.Increment(key, delta) for a counter (Decrement to subtract)"
	}
	if w.Lib == apis.Redigo {
		if !f.value.Numeric {
			return "a Lua script (redis.NewScript) that reads and writes in one step"
		}
		op := "INCRBY"
		if f.label.Op == token.SUB {
			op = "DECRBY"
		}
		return fmt.Sprintf(`an atomic %s (conn.Do(%q, key, delta); HINCRBY for a hash field)`, op, op)
	}
	if w.Lib == apis.Redis || w.Lib == apis.RedisV7 {
		if !f.value.Numeric {
			return "a Lua script (rdb.Eval) that reads and writes in one step"
		}
		op := "IncrBy"
		if f.label.Op == token.SUB {
			op = "DecrBy"
		}
		return fmt.Sprintf("an atomic %s (rdb.%s(%skey, delta); HIncrBy for a hash field)", strings.ToUpper(op), op, redisCtx(w.Lib))
	}
	if !f.value.Numeric || w.Stmt != nil && w.Stmt.Replace {
		// A value that names no column (a record changed as a whole)
		// is written with the columns that changed, not with a column
		// the message would have to make up.
		col, known := f.value.Column, f.value.Column != ""
		if !known {
			col = "the changed columns"
		}
		switch w.Lib {
		case apis.GORM, apis.GORMV1:
			return fmt.Sprintf(`a version check (Where("version = ?", v).Updates(…) with %s and version+1, retried while RowsAffected is 0)`, col)
		case apis.Bun:
			return fmt.Sprintf(`a version check (Set("version = version + 1").Where("version = ?", v) with %s, retried while RowsAffected is 0)`, col)
		case apis.Xorm:
			return fmt.Sprintf(`a version check (a Version field tagged xorm:"version" on the model, which makes the Update of %s check and bump it, retried while Update returns 0)`, col)
		case apis.Ent:
			return fmt.Sprintf(`a version check (Update().Where(…, %s(v)).%s(…).AddVersion(1), retried while Save returns 0)`, entPredicate(w, "version", "EQ"), entMethod(w, f, "Set"))
		case apis.Boil:
			if w.Stmt == nil {
				set := "…"
				if known {
					set = fmt.Sprintf("%q: …", col)
				}
				return fmt.Sprintf(`a version check (%s(qm.Where("id = ? AND version = ?", id, v)).UpdateAll(ctx, exec, %s{%s, "version": v + 1}), retried while it returns 0)`, boilStarter(w), boilMap(w), set)
			}
		case apis.Mongo:
			set := "the changed fields"
			if known {
				set = fmt.Sprintf("%q: …", col)
			}
			return fmt.Sprintf(`a version check (bson.M{"_id": id, "version": v} in the filter, bson.M{"$set": bson.M{%s}, "$inc": bson.M{"version": 1}}, retried while ModifiedCount is 0)`, set)
		}
		first, second := "$1", "$2"
		if strings.Contains(w.SQL, "?") && !strings.Contains(w.SQL, "$") {
			first, second = "?", "?"
		}
		if !known {
			return fmt.Sprintf("a version check (UPDATE … SET the changed columns, version = version + 1 WHERE … AND version = %s, retried while no row changes)", second)
		}
		return fmt.Sprintf("a version check (UPDATE … SET %s = %s, version = version + 1 WHERE … AND version = %s, retried while no row changes)", col, first, second)
	}
	if g := form.guard; g != nil && g.own && (w.Stmt != nil || form.delta != "") {
		// Where the delta is not known (a GORM Save, a bun model), the
		// hint below already puts the floor in the WHERE clause.
		clause := "its WHERE clause"
		if w.Lib == apis.Mongo {
			clause = "its filter"
		}
		return fmt.Sprintf("an atomic update that repeats the check at %s in %s (%s)", g.at, clause, guardedHint(w, f, form))
	}
	return "an atomic update (" + atomicHint(w, f, form) + ")"
}

// guardedHint renders, in the library's terms, the atomic form of a write
// that a check of the loaded value decides: the check goes into the
// WHERE clause, where it sees the row as it is, and RowsAffected says
// whether it passed. The condition is spelled out when the check compares
// the written column's loaded value (from < amount: balance >= $1).
func guardedHint(w *flow.Write, f *finding, form atomicForm) string {
	col := cmp.Or(f.value.Column, "n")
	op, delta := form.op, form.delta
	if delta == "" {
		delta = "delta"
		if f.label.Op == token.SUB {
			op = "-"
		}
	}
	c := form.guard.cmp
	switch {
	case w.Stmt != nil:
		ph := placeholderOf(f)
		cond := "…"
		if c != nil {
			rhs, with := c.rhs, ""
			switch {
			case c.delta:
				rhs = ph
			case !isNumber(rhs):
				rhs = "$n"
				if strings.Contains(w.SQL, "?") && !strings.Contains(w.SQL, "$") {
					rhs = "?"
				}
				with = " passing " + c.rhs
			}
			cond = fmt.Sprintf("%s %s %s%s", col, c.op, rhs, with)
		}
		return fmt.Sprintf("UPDATE %s SET %s = %s %s %s WHERE … AND %s, then check RowsAffected", cmp.Or(w.Stmt.Table, "…"), col, col, op, ph, cond)
	case w.Lib.IsGorm():
		where := `Where(…)`
		if c != nil {
			where = fmt.Sprintf(`Where("%s %s ?", %s)`, col, c.op, c.rhs)
		}
		return fmt.Sprintf(`%s.Update(%q, gorm.Expr("%s %s ?", %s)), then check RowsAffected`, where, col, col, op, delta)
	case w.Lib == apis.Bun:
		where := `Where(…)`
		if c != nil {
			where = fmt.Sprintf(`Where("%s %s ?", %s)`, col, c.op, c.rhs)
		}
		return fmt.Sprintf(`Set("%s = %s %s ?", %s).%s, then check RowsAffected`, col, col, op, delta, where)
	case w.Lib == apis.Xorm:
		where := `Where(…)`
		if c != nil {
			where = fmt.Sprintf(`Where("%s %s ?", %s)`, col, c.op, c.rhs)
		}
		return fmt.Sprintf(`sess.ID(id).%s.%s(%q, %s).Update(%s), then check the count it returns`, where, xormIncr(op), col, delta, xormBean(w))
	case w.Lib == apis.Ent:
		where := "…"
		if c != nil {
			where = fmt.Sprintf("%s(%s)", entPredicate(w, col, entOps[c.op]), c.rhs)
		}
		return fmt.Sprintf(`Update().Where(…, %s).%s(%s), then check the count Save returns`, where, entMethod(w, f, "Add"), entDelta(op, delta))
	case w.Lib == apis.Boil:
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
	case w.Lib == apis.Mongo:
		filter := "…"
		if c != nil {
			filter = fmt.Sprintf("%q: bson.M{%q: %s}", col, mongoOps[c.op], c.rhs)
		}
		return fmt.Sprintf(`bson.M{"_id": id, %s} as the filter and bson.M{"$inc": bson.M{%q: %s}}, then check ModifiedCount`, filter, col, entDelta(op, delta))
	}
	return fmt.Sprintf("SET %s = %s %s $1 in %s, with the check in its WHERE clause and a RowsAffected check", col, col, op, writerName(w))
}

// isNumber reports whether Go source s is a number literal.
func isNumber(s string) bool {
	_, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	return err == nil
}

// atomicHint renders the atomic form of the write in the library's terms.
func atomicHint(w *flow.Write, f *finding, form atomicForm) string {
	col := f.value.Column
	if col == "" {
		col = "n"
	}
	delta := form.delta
	if delta == "" {
		delta = "delta"
		if f.label.Op == token.SUB {
			form.op = "-"
		}
	}
	switch {
	case w.Stmt != nil:
		ph := placeholderOf(f)
		if form.op == "-" {
			return fmt.Sprintf("SET %s = %s - %s, with AND %s >= %s and a RowsAffected check if it must not go below zero", col, col, ph, col, ph)
		}
		return fmt.Sprintf("SET %s = %s %s %s", col, col, form.op, ph)
	case w.Lib.IsGorm():
		if form.op == "-" {
			return fmt.Sprintf(`Where("%s >= ?", %s).Update(%q, gorm.Expr("%s - ?", %s)) and a RowsAffected check`, col, delta, col, col, delta)
		}
		return fmt.Sprintf(`Update(%q, gorm.Expr("%s %s ?", %s))`, col, col, form.op, delta)
	case w.Lib == apis.Bun:
		if form.op == "-" {
			return fmt.Sprintf(`Set("%s = %s - ?", %s).Where("%s >= ?", %s) and a RowsAffected check`, col, col, delta, col, delta)
		}
		return fmt.Sprintf(`Set("%s = %s %s ?", %s)`, col, col, form.op, delta)
	case w.Lib == apis.Xorm:
		if form.op == "-" {
			return fmt.Sprintf(`sess.ID(id).Where("%s >= ?", %s).Decr(%q, %s).Update(%s) and a check of the count it returns`, col, delta, col, delta, xormBean(w))
		}
		return fmt.Sprintf(`sess.ID(id).%s(%q, %s).Update(%s)`, xormIncr(form.op), col, delta, xormBean(w))
	case w.Lib == apis.Ent:
		add := fmt.Sprintf("%s(%s)", entMethod(w, f, "Add"), entDelta(form.op, delta))
		if form.op == "-" {
			return fmt.Sprintf(`Update().Where(…, %s(%s)).%s and a check of the count Save returns`, entPredicate(w, col, "GTE"), delta, add)
		}
		return add
	case w.Lib == apis.Boil:
		if form.op == "-" {
			return boilRawUpdate(w, col, "-", fmt.Sprintf(" AND %s >= $1", col), []string{delta, "id"}) + " and a RowsAffected check"
		}
		return boilRawUpdate(w, col, form.op, "", []string{delta, "id"})
	case w.Lib == apis.Mongo:
		inc := fmt.Sprintf(`bson.M{"$inc": bson.M{%q: %s}}`, col, entDelta(form.op, delta))
		if form.op == "-" {
			return fmt.Sprintf(`%s with %q: bson.M{"$gte": %s} in the filter and a check of ModifiedCount`, inc, col, delta)
		}
		return inc
	}
	return fmt.Sprintf("SET %s = %s %s $1 in %s", col, col, form.op, writerName(w))
}

// mongoOps are MongoDB's query operators for SQL comparisons.
var mongoOps = map[string]string{"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "=": "$eq", "<>": "$ne"}

// entOps are the suffixes of ent's generated predicates for SQL
// comparisons (post.DownloadsGTE).
var entOps = map[string]string{"<": "LT", "<=": "LTE", ">": "GT", ">=": "GTE", "=": "EQ", "<>": "NEQ"}

// entField returns the entity field of an ent write's column: the Go
// name its setter used (SetDownloads: Downloads), or the column in
// Pascal case.
func entField(w *flow.Write, col string) string {
	for _, v := range w.Values {
		if v.Column == col && v.Field != "" {
			return v.Field
		}
	}
	var b strings.Builder
	for _, part := range strings.Split(col, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
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

// splitCall returns the receiver of a method call, or nil.
func splitCall(call *ssa.Call) (recv ssa.Value, args []ssa.Value) {
	cc := call.Common()
	if cc.IsInvoke() {
		return cc.Value, cc.Args
	}
	if cc.Signature().Recv() != nil && len(cc.Args) > 0 {
		return cc.Args[0], cc.Args[1:]
	}
	return nil, cc.Args
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
			return "new(" + n.Obj().Name() + ")"
		}
	}
	return "…"
}

// placeholderOf returns the placeholder of an SQL write's value as the
// statement writes it ($2, ?, :n); for a value spliced into the text
// (fmt.Sprintf), the placeholder that would pass it as an argument.
func placeholderOf(f *finding) string {
	a, text := f.value.Assign, f.write.SQL
	if a != nil && a.Bare && a.ExprStart < a.ExprEnd && a.ExprEnd <= len(text) && !flow.Spliced(text[a.ExprStart:a.ExprEnd]) {
		return text[a.ExprStart:a.ExprEnd]
	}
	if f.write.Lib.IsGorm() || strings.Contains(text, "?") {
		return "?"
	}
	return "$1"
}

// subjectOf names the values a finding is about, with the verb: "p.Stock
// is", or "p.Stock and p.Sold are" when one load feeds several written
// values.
func subjectOf(f *finding) string {
	names := append([]string{f.label.Name}, f.others...)
	switch len(names) {
	case 1:
		return names[0] + " is"
	case 2:
		return names[0] + " and " + names[1] + " are"
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " are"
}

// pronoun refers back to the subject.
func pronoun(f *finding) string {
	if len(f.others) > 0 {
		return "them"
	}
	return "it"
}

// at renders a position as file:line.
func at(fset *token.FileSet, pos token.Pos) string {
	p := fset.Position(pos)
	if !p.IsValid() {
		return "an unknown line"
	}
	return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
}

func funcName(l *flow.Load) string {
	if l.Site != "" {
		return fmt.Sprintf("%s, at %s", flowName(l.Via), l.Site)
	}
	return flowName(l.Via)
}

func writerName(w *flow.Write) string { return flowName(w.Via) }

func flowName(fn *types.Func) string { return flow.FuncName(fn) }

func handleName(h flow.Handle) string {
	if h.Name == "" {
		return "another handle"
	}
	return h.Name
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
