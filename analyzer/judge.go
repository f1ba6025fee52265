package analyzer

import (
	"cmp"
	"fmt"
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/flow"
	"github.com/lostupdate/lostupdate/analyzer/sqltext"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// The categories of diagnostics. Each has a section of the README with a
// before/after example; the diagnostic URL points to it.
const (
	// CategoryLostUpdate: a value read without a lock is changed and
	// written back to its own column.
	CategoryLostUpdate = "lost-update"
	// CategoryStaleRow: a record read without a lock is written back
	// whole, undoing a concurrent change to a column it did not change.
	CategoryStaleRow = "stale-row"
	// CategoryCheckThenWrite: a value read without a lock decides whether
	// a write runs, and the write does not check it again.
	CategoryCheckThenWrite = "check-then-write"
	// CategoryLockOutsideTx: a row lock taken outside a transaction,
	// released when its statement ends.
	CategoryLockOutsideTx = "lock-outside-tx"
	// CategoryStaleRead: a lock taken after the value was read.
	CategoryStaleRead = "stale-read"
	// CategoryOtherHandle: a locked load on one handle, the write on
	// another.
	CategoryOtherHandle = "lock-other-handle"
	// CategoryQueryOption: GORM v1's Set("gorm:query_option", "FOR
	// UPDATE"), a no-op under GORM v2. Under GORM v1 itself (jinzhu/gorm)
	// it is a real FOR UPDATE, judged as any row lock.
	CategoryQueryOption = "gorm-query-option"
	// CategoryShareLock: FOR SHARE / LOCK IN SHARE MODE before a write.
	CategoryShareLock = "share-lock"
	// CategoryMutex: a sync.Mutex held around the sequence.
	CategoryMutex = "mutex"
	// CategoryMissingRow: a FOR UPDATE that may find no row, after which
	// the code goes on and upserts; with no row there is nothing to lock.
	CategoryMissingRow = "lock-missing-row"
)

// Categories lists every category, in the order of the README.
var Categories = []string{
	CategoryLostUpdate, CategoryStaleRow, CategoryCheckThenWrite, CategoryLockOutsideTx, CategoryStaleRead,
	CategoryOtherHandle, CategoryMissingRow, CategoryQueryOption, CategoryShareLock, CategoryMutex, categoryDirective,
}

// Title describes a category in one line, for lists of rules (the title
// of a code scanning alert); "" for an unknown category.
func Title(category string) string {
	switch category {
	case CategoryLostUpdate:
		return "A value read without a row lock is changed and written back outside a locking transaction"
	case CategoryStaleRow:
		return "A row read without a lock is written back whole, undoing concurrent changes to columns it did not change"
	case CategoryCheckThenWrite:
		return "A value read without a lock decides a write that does not check it again"
	case CategoryLockOutsideTx:
		return "A row lock taken outside a transaction is released before the write"
	case CategoryStaleRead:
		return "A value read before the row lock was taken is written back"
	case CategoryOtherHandle:
		return "The row is locked on one database handle and written on another"
	case CategoryMissingRow:
		return "A FOR UPDATE that finds no row locks nothing, and the upsert after it overwrites a concurrent insert"
	case CategoryQueryOption:
		return `GORM v1's Set("gorm:query_option", "FOR UPDATE") locks nothing under GORM v2`
	case CategoryShareLock:
		return "A shared row lock (FOR SHARE, LOCK IN SHARE MODE) taken before a write"
	case CategoryMutex:
		return "A sync.Mutex around a read and write does not span server processes"
	case categoryDirective:
		return "A //lostupdate:ignore directive without a reason, or one that silences nothing"
	}
	return ""
}

// finding is one problem with a write: the value it writes, the load that
// value came from, and why the load does not protect it.
type finding struct {
	category string
	write    *flow.Write
	value    flow.Written
	label    *flow.Label
	// lock is the lock that matters to the message (the late lock of a
	// stale read), if any.
	lock *flow.LockEvent
	// others name the other written values computed from the same load.
	others []string
	// stale are the values a stale-row write puts back unchanged;
	// contended those another writer changes, and writers those writes.
	stale     []flow.Written
	contended []flow.Written
	writers   []summary.ColumnWrite
	// guard is the check of a check-then-write; missing reports one of
	// the row's existence (no row found, then an upsert).
	guard   *flow.Guard
	missing bool
	// transition is the write that sets anew the column a delta was
	// computed from, and changed the value it stores (movedByStale).
	transition *flow.Write
	changed    flow.Written
}

// judge decides whether a write loses updates. A value computed from a
// load and written back to the column it was read from is a lost update
// unless the load protects it; failing that, a record read without a lock
// and written back whole is a stale row when it puts back a column that
// another writer changes (or, with all set, any column); failing that, a
// write decided by a check of a loaded value it does not repeat is a
// check-then-write.
func (r *runner) judge(w *flow.Write, res *flow.Result, reg *registry) *finding {
	if f := lostUpdate(w, reg); f != nil {
		return f
	}
	if f := movedByStale(w, res.Writes); f != nil {
		return f
	}
	if f := missingRow(w, res.Loads); f != nil {
		return f
	}
	if f := r.staleRow(w, reg); f != nil {
		return f
	}
	return checkThenWrite(w, res.Writes, reg)
}

// lostUpdate returns the finding for the earliest unprotected load whose
// value the write stores, computed, into the column it was read from. A
// column that the program recounts from other rows (SET photo_count =
// (SELECT COUNT(*) …)) is a cache of that count: a change lost to a
// concurrent one is restored by the next recount, so it is not reported.
func lostUpdate(w *flow.Write, reg *registry) *finding {
	type cand struct {
		value flow.Written
		label *flow.Label
	}
	var cands []cand
	for _, v := range w.Values {
		for _, l := range v.Labels {
			if l.Load != nil && l.Changed() && sameTable(l.Load.Table, w.Table) && sameColumn(l, v.Column) && !checksOld(w, l) && sameRow(w, v, l) &&
				!reg.recounted(cmp.Or(w.Table, l.Load.Table), cmp.Or(v.Column, l.Column)) && !movesWith(w, v, l, reg) {
				cands = append(cands, cand{v, l})
			}
		}
	}
	// The earliest load first; for one load, the values in the order the
	// write stores them (SET order, struct field order).
	slices.SortStableFunc(cands, func(a, b cand) int {
		return cmp.Compare(a.label.Load.Pos, b.label.Load.Pos)
	})
	for _, c := range cands {
		cat, lock := classify(w, c.label.Load)
		if cat == "" {
			continue
		}
		f := &finding{category: cat, write: w, value: c.value, label: c.label, lock: lock}
		var names []string
		for _, o := range cands {
			if o.label.Load == c.label.Load {
				names = append(names, o.label.Name)
			}
		}
		names = tidyNames(names)
		if len(names) > 0 && !slices.Contains(names, c.label.Name) {
			// The label's own name was an element or a record of a field
			// named instead: name the field.
			m := *c.label
			m.Name = names[0]
			f.label = &m
		}
		for _, n := range names {
			if n != f.label.Name {
				f.others = append(f.others, n)
			}
		}
		if len(f.others) == 0 && f.label.Load.Record && f.label.Column != "" && !strings.ContainsAny(f.label.Name, ".[") && f.label.Name != f.label.Column {
			// A record a callee changed and wrote (face.ResolveCollision):
			// the value is named by the record, so say which column.
			m := *f.label
			m.Name = fmt.Sprintf("%s (%s)", m.Name, m.Column)
			f.label = &m
		}
		return f
	}
	return nil
}

// movesWith reports whether the value v that write w stores in label l's
// column is rebased on the change of another column of the row that the
// write sets anew beside it (related' = related + amount' - amount, with
// amount' written too, as ezbookkeeping rebases a balance-modification's
// related amount): two runs of the write each leave the pair in step, as
// a serial run would, so neither loses the other's change. A writer of
// the column alone would lose its change to the rebase, and with one
// known to the program the lost update is reported.
func movesWith(w *flow.Write, v flow.Written, l *flow.Label, reg *registry) bool {
	table := cmp.Or(w.Table, l.Load.Table)
	for _, x := range v.Labels {
		if x.Load != l.Load || x.Column == "" || x.Column == l.Column || !x.Changed() {
			continue
		}
		// The new value of x written beside: a value not read from the
		// row, which v is computed from too.
		anew := slices.ContainsFunc(w.Values, func(o flow.Written) bool {
			return o.Column == x.Column && fresh(o, l.Load) && slices.ContainsFunc(o.Labels, func(n *flow.Label) bool {
				return n.Load != l.Load && slices.ContainsFunc(v.Labels, func(m *flow.Label) bool { return flow.SameSource(m, n) })
			})
		})
		if anew && !reg.writesAlone(table, l.Column, x.Column, reg.site(w)) {
			return true
		}
	}
	return false
}

// movedByStale returns the finding for an atomic update whose delta is
// computed from a value read without a lock, of a column the same code
// writes anew (balance = balance + (new.Amount - old.Amount), and the
// transaction's amount set to new.Amount): two requests that change the
// column at once both compute their delta from the same old value, and
// the total moves by both though only one new value stands. The write
// that sets the column is the transition; a WHERE that checks its old
// value makes it a compare-and-set, and a lock on the read protects both.
func movedByStale(w *flow.Write, all []*flow.Write) *finding {
	for _, d := range w.Deltas {
		for _, l := range d.Labels {
			if l.Load == nil || l.Column == "" || l.Load.IsKey(l.Column) || l.Change.Unseen() {
				continue
			}
			if cat, _ := classify(w, l.Load); cat != CategoryLostUpdate {
				continue
			}
			for _, t := range all {
				v, ok := transition(t, l)
				if !ok {
					continue
				}
				if cat, _ := classify(t, l.Load); cat != CategoryLostUpdate {
					continue
				}
				return &finding{category: CategoryLostUpdate, write: w, value: d, label: l, transition: t, changed: v}
			}
		}
	}
	return nil
}

// transition returns the value write t stores anew in the column label l
// was read from, on l's row, without checking the old value in its WHERE:
// the change a delta computed from l accounts for. A new value from the
// request, one computed from the old, or a constant (a balance moved
// elsewhere and set to 0) all are; the old value put back is not.
func transition(t *flow.Write, l *flow.Label) (flow.Written, bool) {
	if !sameTable(l.Load.Table, t.Table) || checksOld(t, l) || slices.Contains(t.Tested, l.Column) {
		return flow.Written{}, false
	}
	for _, v := range t.Values {
		if v.Column == l.Column && !v.Whole && fresh(v, l.Load) && sameRow(t, v, l) {
			return v, true
		}
	}
	return flow.Written{}, false
}

// missingRow returns the finding for an upsert that runs where a read of
// its row found none. With a row lock that protects the write when the
// row exists, and a value the write derives from the read, it is a
// lock-missing-row: two requests both find none, both build the value
// from nothing, and the upsert's conflict action lets the later one
// overwrite what the earlier one inserted. Without, it is a
// check-then-write of the row's existence: the conflict action writes
// over a row another request inserted since the read (the limits an admin
// set, replaced by defaults), unless a lock held from the read to the
// write (an advisory lock) keeps the other request out.
func missingRow(w *flow.Write, loads []*flow.Load) *finding {
	if len(w.Overwrites) == 0 {
		return nil
	}
	for _, v := range w.Values {
		if v.Assign == nil {
			continue
		}
		for _, l := range v.Labels {
			if l.Load == nil || l.Load.Lock != summary.Row || !sameTable(l.Load.Table, w.Table) || !sameColumn(l, v.Column) || !sameRow(w, v, l) {
				continue
			}
			if cat, _ := classify(w, l.Load); cat == "" && l.Load.GoesOnWithoutRow(w) {
				return &finding{category: CategoryMissingRow, write: w, value: v, label: l}
			}
		}
	}
	if len(overwritten(w)) == 0 {
		return nil // an upsert that only touches updated_at overwrites nothing anyone set
	}
	for _, l := range loads {
		if l.Table != "" && sameTable(l.Table, w.Table) && !otherRow(l, w) && l.OnlyWithoutRow(w) && !heldThrough(l, w) {
			return &finding{category: CategoryCheckThenWrite, write: w, label: &flow.Label{Load: l, Name: "the row"}, missing: true}
		}
	}
	return nil
}

// overwritten returns the columns an upsert's conflict action writes
// over the row that is there, less its timestamps: what another request
// may have set.
func overwritten(w *flow.Write) []string {
	var cols []string
	for _, c := range w.Overwrites {
		if !timestamp(c) && !lastSeen(c) {
			cols = append(cols, c)
		}
	}
	return cols
}

// staleRow returns the finding for a write that puts back, unchanged,
// columns of a record read without a lock, together with a change: the
// unchanged columns undo whatever another request wrote to them since the
// read. It is reported when another writer of one of those columns is
// known (an atomic update, a targeted UPDATE), or for every such write
// when the stale-row category is enabled in full.
func (r *runner) staleRow(w *flow.Write, reg *registry) *finding {
	byLoad := make(map[*flow.Load][]flow.Written)
	var order []*flow.Load
	for _, v := range w.Values {
		if v.Column == "" || v.Given {
			continue // a column written only if a caller names it goes back only there
		}
		for _, l := range v.Labels {
			if l.Load == nil || l.Changed() || l.Column != v.Column || !sameTable(l.Load.Table, w.Table) || l.Load.IsKey(v.Column) || !sameRow(w, v, l) {
				continue
			}
			if assigned(v, l.Load) {
				break // changed on some paths (a rate filled in when empty): written on purpose
			}
			if _, ok := byLoad[l.Load]; !ok {
				order = append(order, l.Load)
			}
			if !slices.ContainsFunc(byLoad[l.Load], func(x flow.Written) bool { return x.Column == v.Column }) {
				byLoad[l.Load] = append(byLoad[l.Load], v)
			}
			break
		}
	}
	slices.SortStableFunc(order, func(a, b *flow.Load) int { return cmp.Compare(a.Pos, b.Pos) })
	for _, l := range order {
		stale := byLoad[l]
		if !changesOther(w, l, stale) || w.Table == "" && l.Table == "" {
			continue
		}
		// An advisory lock keeps out the writers that take it, not the
		// others: a stale write under it still undoes their changes.
		cat, _ := classify(w, l)
		serialized := cat == "" && flow.OnlySerialized(l, w)
		// A lock taken after the read (stale-read) protects nothing: the
		// values read before it still go back.
		if cat != CategoryLostUpdate && cat != CategoryStaleRead && !serialized || checksOldRow(w, stale) {
			continue
		}
		table := cmp.Or(w.Table, l.Table)
		var writers []summary.ColumnWrite
		var contended []flow.Written
		for _, v := range stale {
			if timestamp(v.Column) || editor(v.Column) {
				continue // an older last-seen time or last editor put back loses nothing anyone counts on
			}
			if reg.recounted(table, v.Column) {
				continue // restored by the next recount, whatever is put back
			}
			ws := reg.others(table, v.Column, reg.site(w))
			if serialized {
				ws = slices.DeleteFunc(ws, func(c summary.ColumnWrite) bool { return c.Serialized })
			}
			if len(ws) > 0 {
				writers = append(writers, ws[0])
				contended = append(contended, v)
			}
		}
		if len(contended) == 0 && (serialized || !r.cfg.enabled(CategoryStaleRow)) {
			continue
		}
		// The columns another writer changes first, atomic writers first:
		// they are what the stale write surely undoes.
		idx := make([]int, len(contended))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			if writers[a].Atomic != writers[b].Atomic {
				if writers[a].Atomic {
					return -1
				}
				return 1
			}
			return 0
		})
		f := &finding{category: CategoryStaleRow, write: w, stale: stale}
		for _, i := range idx {
			f.contended = append(f.contended, contended[i])
			f.writers = append(f.writers, writers[i])
		}
		first := stale[0]
		if len(f.contended) > 0 {
			first = f.contended[0]
		}
		f.value = first
		for _, lb := range first.Labels {
			if lb.Load == l {
				f.label = lb
				break
			}
		}
		return f
	}
	return nil
}

// timestamp reports whether a column holds the time of an event (updated_at,
// accessed_time, last_seen, Gitea's and gogs' updated_unix): another
// writer's newer time put back to an older one is not the lost update a
// stale row is reported for.
func timestamp(col string) bool {
	for _, suf := range []string{"_at", "_time", "_date", "_ts", "_on", "_unix", "_timestamp"} {
		if strings.HasSuffix(col, suf) {
			return true
		}
	}
	return lastSeen(col)
}

// editor reports whether a column names who last changed the row
// (update_by, updated_by, modified_by): the audit twin of updated_at, whose
// older value put back undoes no one's data.
func editor(col string) bool {
	col = strings.TrimPrefix(col, "last_")
	for _, verb := range []string{"update", "updated", "modified", "changed", "edited"} {
		if col == verb+"_by" {
			return true
		}
	}
	return col == "editor" || col == "modifier"
}

// lastSeen reports whether a column holds when something last happened
// (last_seen, last_used_at, updated_at): a write of it alone records an
// event and decides nothing.
func lastSeen(col string) bool {
	col = strings.TrimSuffix(strings.TrimSuffix(col, "_at"), "_time")
	if last, ok := strings.CutPrefix(col, "last_"); ok {
		// last_seen, last_active, last_login: when something last happened
		return slices.Contains([]string{"seen", "active", "activity", "login", "used", "access", "accessed", "visit", "visited"}, last)
	}
	return slices.Contains([]string{"accessed", "modified", "updated"}, col)
}

// changesOther reports whether a write also stores, on some path,
// something new for a column other than those it may put back unchanged:
// a changed value, one that does not come from load l, or a field
// assigned since the load. A write that only puts back what it read is a
// no-op.
func changesOther(w *flow.Write, l *flow.Load, stale []flow.Written) bool {
	for _, v := range w.Values {
		if v.Whole || !fresh(v, l) || !sameRow(w, v, &flow.Label{Load: l}) {
			continue // not a change, or one of another record's row
		}
		if slices.ContainsFunc(stale, func(s flow.Written) bool { return s.Column != v.Column }) {
			return true
		}
	}
	return false
}

// assigned reports whether code the analysis sees may have given v a value
// other than one load l read: on some path it holds data from elsewhere, or
// a value computed from the loaded one. A copy from l, or from another load
// of the same call (a helper's loads on its several paths), stays l's (a
// scan helper's destinations may stand for several of its columns), and what a
// call it cannot see into may have done (a mutator callback) does not
// count.
func assigned(v flow.Written, l *flow.Load) bool {
	for _, lb := range v.Labels {
		if lb.Change.Unseen() {
			continue
		}
		if lb.Load == nil || lb.Load.Pos != l.Pos || lb.Change != summary.Copied {
			return true // another read's or a parameter's data, or computed
		}
	}
	return false
}

// fresh reports whether a written value may be new rather than the value
// load l (or another load on another path) read for its column.
func fresh(v flow.Written, l *flow.Load) bool {
	if v.Fresh || len(v.Labels) == 0 {
		return true
	}
	for _, lb := range v.Labels {
		if lb.Load == nil || lb.Change != summary.Copied || lb.Column != v.Column {
			return true // opaque: what code the analysis cannot see did to it is not known
		}
	}
	return false
}

// checkThenWrite returns the finding for a write decided by a check of a
// value read without a lock, when the check is on a version-like column or
// on a column the write changes, and the write's WHERE does not repeat it.
// When the write stores a record it loaded, the check must be on that
// record: checking the caller's own row (an admin's role) before writing
// another is authorisation, not a race on the row written.
func checkThenWrite(w *flow.Write, all []*flow.Write, reg *registry) *finding {
	if w.Shape == apis.KeyValue {
		return cacheCheckThenWrite(w, all)
	}
	if len(w.Sets) == 0 && len(w.Atomic) == 0 {
		return nil
	}
	if len(w.Atomic) == 0 && !slices.ContainsFunc(w.Sets, func(c string) bool { return !lastSeen(c) }) {
		// A session's last_used_at touched after a check: two requests
		// that both pass each record when they came, and lose nothing.
		return nil
	}
	written, moved := writtenLoads(w), w.MovedKeys()
	for i := range w.Guards {
		g := &w.Guards[i]
		for _, l := range g.Labels {
			if l.Load == nil || l.Column == "" || l.Load.IsKey(l.Column) || !sameTable(l.Load.Table, w.Table) {
				continue
			}
			if len(written) > 0 && !slices.Contains(written, l.Load) || otherRow(l.Load, w) || foundOtherwise(w, l) {
				continue
			}
			// A version compared with a constant (StateVersion == 0: no
			// state yet) is a test of the row's state, judged like any
			// other column; one compared with a version a request brought
			// is an optimistic check made in Go.
			version := sqltext.IsVersionColumn(l.Column) && !g.Const
			if !version && (!changes(w, l.Column) || alike(w, g, l, all, reg)) {
				continue
			}
			if slices.Contains(w.Tested, l.Column) || slices.Contains(w.Checks, l.Column) || slices.ContainsFunc(w.Checks, sqltext.IsVersionColumn) {
				continue
			}
			if slices.ContainsFunc(moved, l.Load.IsKey) {
				// UPDATE web_sessions SET id = $2, … WHERE id = $1 (a
				// session's id rotated at sign-in): it succeeds once for
				// the key read, so two requests that both pass the check
				// cannot both write.
				continue
			}
			if cat, _ := classify(w, l.Load); cat != CategoryLostUpdate {
				continue
			}
			if w.Guard != "" && l.Load.Guard != "" {
				// Read and written under a busy flag: two runs of this job
				// cannot both pass the check in one process (as under a
				// sync.Mutex, classified above).
				continue
			}
			return &finding{category: CategoryCheckThenWrite, write: w, label: l, guard: g}
		}
	}
	return nil
}

// foundOtherwise reports whether the write is a callee's own mark of the
// checked column (file_primary = 0, consumed = now()) on rows its WHERE
// finds by columns none of which the check's load was found by (files of
// a photo by photo_id and name, after a check of a file found by its
// UID): the two are not known to be one row, and a mark of other rows is
// no race with the check.
func foundOtherwise(w *flow.Write, l *flow.Label) bool {
	if w.Kind != flow.WriteCallee || len(w.Checks) == 0 || slices.ContainsFunc(w.Checks, func(c string) bool { return slices.Contains(l.Load.Keys, c) }) {
		return false
	}
	return slices.ContainsFunc(w.Values, func(v flow.Written) bool {
		return v.Column == l.Column && v.Fresh && v.Arg < 0 && len(v.Labels) == 0
	})
}

// sameRow reports whether the value v a write stores goes to the row that
// label l was read from, as far as the analysis knows: not to another
// record (v.Row), nor to a row the write finds by another key value than
// the load did (otherRow) or by the id of a record another load read
// (keyedElsewhere).
func sameRow(w *flow.Write, v flow.Written, l *flow.Label) bool {
	return v.Row.Holds(l) && (l.Load == nil || !otherRow(l.Load, w) && !keyedElsewhere(w, l.Load))
}

// keyedElsewhere reports whether the write finds its row by the id of a
// record that other loads filled (an item of a list, numbered after the
// highest of its group): the row it writes is not the one load l read,
// unless l found its row by that same id.
func keyedElsewhere(w *flow.Write, l *flow.Load) bool {
	if len(w.KeyRow.Loads) == 0 || len(w.KeyRow.Params) > 0 {
		return false
	}
	for _, x := range w.KeyRow.Loads {
		if x == l {
			return false
		}
		for _, col := range []string{"id", "_id"} {
			if a, ok := l.KeyArgs[col]; ok && a == x.KeyArgs[col] {
				return false
			}
		}
	}
	return true
}

// otherRow reports whether a load and a write find their rows by the same
// key column compared with two different parameters (WHERE id = $1 with
// adminID, then with userID): they are about different rows, and a value
// of the one is not a lost update, stale copy or check of the other.
func otherRow(l *flow.Load, w *flow.Write) bool {
	for c, a := range l.KeyArgs {
		if b, ok := w.KeyArgs[c]; ok && a != b && isParam(a) && isParam(b) {
			return true
		}
	}
	return false
}

// isParam reports whether v is a parameter of a function.
func isParam(v ssa.Value) bool {
	_, ok := v.(*ssa.Parameter)
	return ok
}

// alike reports whether two requests that both pass check g of column
// l.Column and then make write w leave the database as one of them
// would, so the check is no race:
//   - the check only skips a write when the value read already is the
//     one the request brings (Guard.Differs): each writes its own value,
//     as it would without the check;
//   - the write sets the flag to a constant (status = 'used') or to a
//     value made of the row's key alone (a page's title fetched for its
//     own address), and the check decides nothing else (a credit, a member
//     added) nor races a flip to another value that does (an invite
//     rejected while its accept adds the member).
func alike(w *flow.Write, g *flow.Guard, l *flow.Label, all []*flow.Write, reg *registry) bool {
	if g.Differs {
		return true
	}
	k, konst := flips(w, l.Column)
	if !konst && !keyMade(w, l.Column, l.Load) {
		return false
	}
	return !guardsMore(w, g, all) && !(konst && reg.flipRaces(w.Table, l.Column, k, g.Holds))
}

// flips reports whether the write sets column c to a constant (status =
// 'used'), not to data: two requests write the same. It returns the
// constant, when known.
func flips(w *flow.Write, c string) (string, bool) {
	for _, v := range w.Values {
		if v.Column == c {
			return v.Value, v.Const
		}
	}
	return "", false
}

// keyMade reports whether the write sets column c to a value made of the
// row's identity alone: every label of it is of a value the load found
// the row by (a page's title fetched from its domain and path). Whatever
// code computed it, two requests compute the same.
func keyMade(w *flow.Write, c string, l *flow.Load) bool {
	for _, v := range w.Values {
		if v.Column != c {
			continue
		}
		if len(v.Labels) == 0 || len(l.KeyLabels) == 0 {
			return false
		}
		for _, x := range v.Labels {
			if x.Load != nil || !slices.ContainsFunc(l.KeyLabels, func(k *flow.Label) bool { return flow.SameSource(x, k) }) {
				return false
			}
		}
		return true
	}
	return false
}

// cacheCheckThenWrite is checkThenWrite for a cache key: a value read from
// the key without WATCH (or CompareAndSwap) decides a write of a new value
// to that same key (a high score kept if higher): two requests both pass
// the check, and the one that writes last wins, higher or not.
func cacheCheckThenWrite(w *flow.Write, all []*flow.Write) *finding {
	if w.Table == "" || len(w.Values) == 0 || w.Values[0].Const ||
		slices.ContainsFunc(w.Values[0].Labels, func(l *flow.Label) bool { return l.Load != nil }) {
		// A constant (a flag both requests set alike), or a value derived
		// from a load: a lost update is judged, not a check.
		return nil
	}
	for i := range w.Guards {
		g := &w.Guards[i]
		for _, l := range g.Labels {
			if l.Load == nil || l.Load.Table != w.Table {
				continue
			}
			if cat, _ := classify(w, l.Load); cat != CategoryLostUpdate {
				continue
			}
			return &finding{category: CategoryCheckThenWrite, write: w, label: l, guard: g}
		}
	}
	return nil
}

// guardsMore reports whether the check g decides another write too (an
// insert, a callee's write) that runs with w: a side effect that two
// requests passing the check would both have. A write in another branch
// (the token marked expired or exhausted) runs instead of w, not with it.
func guardsMore(w *flow.Write, g *flow.Guard, all []*flow.Write) bool {
	for _, o := range all {
		if o == w || o.Call == w.Call || !slices.ContainsFunc(o.Guards, func(x flow.Guard) bool { return x.Pos == g.Pos }) {
			continue
		}
		if flow.NotSaving(o) {
			continue
		}
		wb, ob := w.Call.Block(), o.Call.Block()
		if wb.Parent() != ob.Parent() || wb.Dominates(ob) || ob.Dominates(wb) {
			return true
		}
	}
	return false
}

// writtenLoads returns the loads of the write's table whose data the write
// stores.
func writtenLoads(w *flow.Write) []*flow.Load {
	var out []*flow.Load
	for _, v := range w.Values {
		for _, l := range v.Labels {
			if l.Load != nil && sameTable(l.Load.Table, w.Table) && !slices.Contains(out, l.Load) {
				out = append(out, l.Load)
			}
		}
	}
	return out
}

// changes reports whether the write changes column c: it sets c
// atomically, to a constant or a new value, not to the value read from c.
func changes(w *flow.Write, c string) bool {
	if slices.Contains(w.Atomic, c) {
		return true
	}
	if !slices.Contains(w.Sets, c) {
		return false
	}
	for _, v := range w.Values {
		if v.Column != c || len(v.Labels) == 0 {
			continue
		}
		for _, l := range v.Labels {
			if l.Load == nil || l.Changed() || l.Column != c {
				return true
			}
		}
		return false // written back as it was read
	}
	return true
}

// sameColumn reports whether a loaded value is written back to the column
// it was read from. A write whose column is not known (a cache key, a
// callee's write) matches any; a value whose column is not known (SELECT
// *, an expression without a name) matches none.
func sameColumn(l *flow.Label, column string) bool {
	if column == "" {
		return true
	}
	return l.Column == column
}

// checksOld reports whether the write's WHERE checks a version column, or
// the old value of the column the loaded value is written to: it then
// changes nothing when the row (or that column) changed since the load. A
// WHERE on another column the write also sets (the email a row was found
// by) protects that column, not this one.
func checksOld(w *flow.Write, l *flow.Label) bool {
	for _, c := range w.Checks {
		if sqltext.IsVersionColumn(c) || c == l.Column {
			return true
		}
	}
	return false
}

// checksOldRow is checksOld for a whole-row write.
func checksOldRow(w *flow.Write, stale []flow.Written) bool {
	for _, c := range w.Checks {
		if sqltext.IsVersionColumn(c) || slices.Contains(w.Sets, c) {
			return true
		}
	}
	return false
}

// sameTable reports whether a load and a write may touch the same table: a
// value read from one table and written to another cannot lose an update
// of the row it was read from. Unknown tables, or tables named in
// different ways (SQL name, GORM model), may be the same.
func sameTable(load, write string) bool {
	_, _, symLoad := summary.Symbolic(load)
	_, _, symWrite := summary.Symbolic(write)
	if symLoad || symWrite {
		// What an interface's implementations read and write is known
		// only where they are visible (see pending.go).
		return false
	}
	if load == "" || write == "" {
		return true
	}
	lc, wc := strings.HasPrefix(load, flow.CacheTable), strings.HasPrefix(write, flow.CacheTable)
	if lc != wc {
		return false // a cache key and a database's table: two stores
	}
	if lc && (load == flow.CacheTable || write == flow.CacheTable) {
		return true // a key whose text is not known may be any
	}
	if !strings.HasPrefix(write, load[:strings.IndexByte(load, ':')+1]) {
		return true
	}
	if load == write {
		return true
	}
	// A read of several tables ("sql:a|b") may have read from the one
	// written.
	kind := load[:strings.IndexByte(load, ':')+1]
	return slices.Contains(strings.Split(strings.TrimPrefix(load, kind), "|"), strings.TrimPrefix(write, kind))
}

// classify returns the category of a write of a value read by load l, or
// "" when the load protects the write.
func classify(w *flow.Write, l *flow.Load) (string, *flow.LockEvent) {
	hw := w.Handle
	switch l.Lock {
	case summary.QueryOption:
		return CategoryQueryOption, nil
	case summary.Share:
		return CategoryShareLock, nil
	case summary.Row:
		if l.Handle.Same(hw) {
			if (l.InTx || hw.Kind == summary.Unknown) && heldOn(w.Held, hw) {
				return "", nil
			}
			if l.InTx {
				return CategoryLockOutsideTx, endedTx // committed before the write
			}
			return CategoryLockOutsideTx, nil
		}
		if heldThrough(l, w) {
			return "", nil
		}
		switch {
		case l.Handle.Kind == summary.Tx || hw.Kind == summary.Tx || l.InTx || w.InTx:
			return CategoryOtherHandle, nil
		case l.Handle.Kind == summary.Unknown || hw.Kind == summary.Unknown:
			return "", nil // two parameters: they may be the same transaction
		}
		return CategoryLockOutsideTx, nil
	}
	if heldThrough(l, w) || w.Serializable && l.Handle.Same(hw) {
		// SERIALIZABLE protects what the transaction itself read, not a
		// read through another handle.
		return "", nil
	}
	if lk := lateLock(w, l); lk != nil {
		return CategoryStaleRead, lk
	}
	if w.LockedFirst {
		return CategoryStaleRead, nil
	}
	if w.Mutex && l.Mutex {
		return CategoryMutex, nil
	}
	return CategoryLostUpdate, nil
}

// endedTx stands for the end of the locking transaction in a finding's
// lock: the load was locked in a transaction that ended before the write.
var endedTx = &flow.LockEvent{}

// heldOn reports whether an effective lock on handle h is among held.
func heldOn(held []*flow.LockEvent, h flow.Handle) bool {
	for _, lk := range held {
		if lk.Protects(h) {
			return true
		}
	}
	return false
}

// heldThrough reports whether an effective lock on the write's handle was
// held from before the load until the write.
func heldThrough(l *flow.Load, w *flow.Write) bool {
	for _, lk := range l.Held {
		if lk.Protects(w.Handle) && slices.Contains(w.Held, lk) {
			return true
		}
	}
	return false
}

// lateLock returns the earliest effective lock on the write's handle that
// was taken after the load.
func lateLock(w *flow.Write, l *flow.Load) *flow.LockEvent {
	var late *flow.LockEvent
	for _, lk := range w.Held {
		if !lk.Protects(w.Handle) || slices.Contains(l.Held, lk) || lk.Kind == flow.LockWrite {
			continue
		}
		if late == nil || lk.Pos < late.Pos || lk.Pos == late.Pos && lk.Pos == token.NoPos {
			late = lk
		}
	}
	return late
}

// tidyNames de-duplicates the names of values a finding is about: an
// element is named by its field (poll.Votes, not poll.Votes[i]), and a
// record whose fields are named is left out ("tree.Name", not also
// "tree").
func tidyNames(names []string) []string {
	var out []string
	for _, n := range names {
		for strings.HasSuffix(n, "]") {
			i := strings.LastIndexByte(n, '[')
			if i <= 0 {
				break
			}
			n = n[:i]
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return slices.DeleteFunc(out, func(n string) bool {
		return slices.ContainsFunc(out, func(m string) bool { return within(m, n) })
	})
}

// within reports whether the value named m is part of the one named n:
// "tree.Name" of "tree", "ps[i].Stock" of "ps[i]".
func within(m, n string) bool {
	return strings.HasPrefix(m, n+".") || strings.HasPrefix(m, n+"[")
}
