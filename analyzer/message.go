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

	"github.com/lostupdate/lostupdate/analyzer/flow"
	"github.com/lostupdate/lostupdate/analyzer/report"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// diagnostic renders a finding: one message that names the value, where it
// was read, and the fix in the library's own terms; the load (and the lock
// that matters) as related information; and a suggested fix where the
// rewrite to an atomic update is mechanical.
func diagnostic(pass *analysis.Pass, rep *report.Reporter, f *finding) analysis.Diagnostic {
	switch {
	case f.category == CategoryStaleRow:
		return staleRowDiagnostic(pass, f)
	case f.category == CategoryCheckThenWrite:
		return checkThenWriteDiagnostic(pass, f)
	case f.transition != nil:
		return movedDiagnostic(pass, f)
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
		again := "Read it again after taking the lock (FOR UPDATE on the same transaction)"
		if f.lock != nil && f.lock.Serializes() || f.lock == nil && w.LockedSerial {
			again = "Take the lock before the read, or read it again after taking it,"
		}
		msg = fmt.Sprintf("lost update: %s read at %s, before %s, and that stale value is written back %s. %s and compute the new value from the fresh read.",
			subject, read, lock, here, again)
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
		gormLock := cmp.Or(libTerms[w.Lib].forUpdate, libTerms[l.Lib].forUpdate, `clause.Locking{Strength: "UPDATE"} in GORM`)
		msg = fmt.Sprintf(`lost update: %s read with a shared lock (FOR SHARE) at %s; two requests can both hold it, so the write %s deadlocks or overwrites the other's update. Lock the row with FOR UPDATE (%s) or use %s.`,
			subject, read, here, gormLock, fix)
	case CategoryMutex:
		msg = fmt.Sprintf("lost update: %s read at %s and written back %s under a %s, which serialises requests in this process only; another instance of the service can change %s in between. Use %s or %s.",
			subject, read, here, mutexName(cmp.Or(w.MutexType, l.MutexType)), pronoun(f), fix, lockHint)
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

// movedDiagnostic renders a delta computed from a stale value
// (movedByStale): the column moved, the value it was computed from, where
// that value's column is written anew, and the two fixes: lock the read,
// or make the write of the new value a compare-and-set of the old one.
func movedDiagnostic(pass *analysis.Pass, f *finding) analysis.Diagnostic {
	w, t, l := f.write, f.transition, f.label.Load
	read, _ := readAndHere(pass, l, w)
	col := f.label.Column
	moved := f.value.Column
	if table, _ := tableNames(w.Table); table != "" && moved != "" {
		moved = table + "." + moved
	}
	repeat := repeatCheck(t, col, col+" = $n with the value read", fmt.Sprintf(`Where("%s = ?", …)`, col))
	// The fixes are of the write that sets the column anew, in its terms.
	tf := *f
	tf.write, tf.value = t, f.changed
	lockHint, _, _ := hints(t, l, &tf)
	adds := "the change added here to " + cmp.Or(moved, "a column")
	if w.Via != nil {
		adds = fmt.Sprintf("the change that %s adds here to %s", writerName(w), cmp.Or(moved, "a column"))
	}
	fixes := fmt.Sprintf("Check the old value where %s is written (%s, and retry), or %s", col, repeat, lockHint)
	if rest, ok := strings.CutPrefix(lockHint, "check the value read in the filter"); ok {
		fixes = "Check the value read in the filter" + rest // the library's hint is the check already
	}
	msg := fmt.Sprintf("lost update: %s is computed from %s, read at %s without a lock, while %s is set anew at %s; two requests that change %s at once both compute their change from the same old value, so %s moves by both, though only one new value of %s stands. %s.",
		adds, f.label.Name, read, col, at(pass.Fset, t.Pos), col, cmp.Or(f.value.Column, "it"), col, fixes)
	return readAndThen(f, msg, t.Pos, col+" is set anew here")
}

// readAndThen renders a finding at its write with message msg, the read as
// related information, and a second place that matters to it (where the
// value is checked, where its column is set anew).
func readAndThen(f *finding, msg string, pos token.Pos, then string) analysis.Diagnostic {
	return analysis.Diagnostic{
		Pos:      f.write.Pos,
		Category: f.category,
		URL:      "#" + f.category,
		Message:  msg,
		Related: []analysis.RelatedInformation{
			{Pos: f.label.Load.ReadPos(), Message: f.label.Name + " is read here"},
			{Pos: pos, Message: then},
		},
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
	return slices.ContainsFunc(v.Labels, func(l *flow.Label) bool { return l.Change.Unseen() })
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
	if only := libTerms[w.Lib].only; only != nil {
		return only(cols)
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
		if t := libTerms[w.Lib]; t.insert != "" && w.Stmt == nil {
			insert = t.insert
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
	repeat := repeatCheck(w, col, sqlCond, where)
	lockHint, _, _ := hints(w, l, f)
	checked := fmt.Sprintf("%s is read at %s and checked at %s, but the write %s does not check it again", f.label.Name, read, at(pass.Fset, f.guard.Pos), here)
	if answer {
		checked = fmt.Sprintf("%s, which %s answers from %s (read at %s), is checked at %s, but the write %s does not check %s again",
			f.label.Name, flowName(l.Via), col, cmp.Or(l.Site, at(pass.Fset, l.ReadPos())), at(pass.Fset, f.guard.Pos), here, col)
	}
	msg := fmt.Sprintf("check then write: %s, so two requests can both pass the check before either writes. Repeat the check in the write (%s), or %s.",
		checked, repeat, lockHint)
	return readAndThen(f, msg, f.guard.Pos, "and checked here")
}

// repeatCheck renders write w made to check column col again, in its
// library's terms: the condition where as a builder's Where, or sqlCond
// in the SQL of an UPDATE.
func repeatCheck(w *flow.Write, col, sqlCond, where string) string {
	repeat := fmt.Sprintf("UPDATE … WHERE … AND %s, then check RowsAffected", sqlCond)
	if r := libTerms[w.Lib].repeat; r != nil {
		repeat = cmp.Or(r(w, col, where), repeat)
	}
	return repeat
}

// readAndHere renders where a load read its value ("bank.go:26", "repo.go:30
// (by Accounts.Account, at repo.go:12)") and where the write is ("here", or
// "here by Accounts.Save" for a callee's write).
func readAndHere(pass *analysis.Pass, l *flow.Load, w *flow.Write) (read, here string) {
	read = at(pass.Fset, l.ReadPos())
	const kept = "kept for the request by a middleware, which read it before the handler ran"
	switch {
	case l.Via != nil && l.Request:
		read = fmt.Sprintf("%s (by %s, %s)", read, funcName(l), kept)
	case l.Via != nil:
		read = fmt.Sprintf("%s (by %s)", read, funcName(l))
	case l.Request:
		read = fmt.Sprintf("%s (%s)", read, kept)
	}
	here = "here"
	if w.Via != nil {
		here = "here by " + writerName(w)
	}
	return read, here
}

// hints renders, in the terms of the library in play (the write's, or
// else, where the write is in SQL, the load's), how to lock the value
// read, how to open a transaction, and what the unprotected write lacks.
func hints(w *flow.Write, l *flow.Load, f *finding) (lockHint, txHint, unprotected string) {
	t, ok := libTerms[w.Lib]
	if !ok {
		t = libTerms[l.Lib]
	}
	lockHint = fmt.Sprintf("read %s with SELECT … FOR UPDATE in the transaction that writes %[1]s", pronoun(f))
	txHint = "tx, err := db.BeginTx(ctx, nil) … tx.Commit()"
	unprotected = "outside a locking transaction"
	if g := cmp.Or(w.Guard, l.Guard); g != "" && f.category == CategoryLostUpdate {
		unprotected = fmt.Sprintf("outside a locking transaction (under the busy flag that %s sets, which keeps this job to one run at a time in one process, and keeps out no other writer)", g)
	}
	if t.lock != nil {
		lockHint = t.lock(f)
	}
	if l.Request {
		lockHint = "a fresh load of the row, not the request's copy: " + lockHint
	}
	return lockHint, cmp.Or(t.tx, txHint), cmp.Or(t.unprotected, unprotected)
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
	t := libTerms[w.Lib]
	if t.remedy != nil {
		return t.remedy(w, f)
	}
	if !f.value.Numeric || w.Stmt != nil && w.Stmt.Replace {
		// A value that names no column (a record changed as a whole)
		// is written with the columns that changed, not with a column
		// the message would have to make up.
		col, known := f.value.Column, f.value.Column != ""
		if !known {
			col = "the changed columns"
		}
		if t.version != nil {
			if v := t.version(w, f, col, known); v != "" {
				return v
			}
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
		return fmt.Sprintf("an atomic update that repeats the check at %s in %s (%s)", g.at, cmp.Or(t.condition, "its WHERE clause"), guardedHint(w, f, form))
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
	if w.Stmt != nil {
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
	}
	if guarded := libTerms[w.Lib].guarded; guarded != nil {
		return guarded(w, f, col, op, delta, c)
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
	if w.Stmt != nil {
		ph := placeholderOf(f)
		if form.op == "-" {
			return fmt.Sprintf("SET %s = %s - %s, with AND %s >= %s and a RowsAffected check if it must not go below zero", col, col, ph, col, ph)
		}
		return fmt.Sprintf("SET %s = %s %s %s", col, col, form.op, ph)
	}
	if atomic := libTerms[w.Lib].atomic; atomic != nil {
		return atomic(w, f, col, form.op, delta)
	}
	return fmt.Sprintf("SET %s = %s %s $1 in %s", col, col, form.op, writerName(w))
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

// placeholderOf returns the placeholder of an SQL write's value as the
// statement writes it ($2, ?, :n); for a value spliced into the text
// (fmt.Sprintf), the placeholder that would pass it as an argument.
func placeholderOf(f *finding) string {
	a, text := f.value.Assign, f.write.SQL
	if a != nil && a.Bare && a.ExprStart < a.ExprEnd && a.ExprEnd <= len(text) && !flow.Spliced(text[a.ExprStart:a.ExprEnd]) {
		return text[a.ExprStart:a.ExprEnd]
	}
	if p := libTerms[f.write.Lib].placeholder; p != "" {
		return p
	}
	if strings.Contains(text, "?") {
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

// mutexName names an in-process lock for messages: its type, or
// sync.Mutex when the type is not known.
func mutexName(typ string) string { return cmp.Or(typ, "sync.Mutex") }
