// Package summary defines the fact that lostupdate attaches to a function:
// what the function does to data, in terms of its parameters and results.
// A repository layer hides loads and saves behind functions
// (acc := repo.Account(ctx, id); acc.Balance += amt; repo.SaveAccount(ctx,
// acc)); summaries let the analysis see through them, within a package and,
// as analysis facts, across packages.
package summary

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Lock is the protection a load took.
type Lock int

// The lock kinds of a load, from none to a row lock.
const (
	NoLock      Lock = iota
	QueryOption      // GORM v1 Set("gorm:query_option", "FOR UPDATE"): locks nothing under GORM v2
	Share            // FOR SHARE, LOCK IN SHARE MODE
	Row              // FOR UPDATE, FOR NO KEY UPDATE, clause.Locking{Strength: "UPDATE"}
)

var lockNames = [...]string{"", "gorm:query_option", "FOR SHARE", "FOR UPDATE"}

func (l Lock) String() string {
	if l >= 0 && int(l) < len(lockNames) {
		return lockNames[l]
	}
	return fmt.Sprintf("lock(%d)", int(l))
}

// Change says how a value relates to the data it comes from.
type Change int

// The changes, from none to a value computed from the data.
const (
	// Copied: the data as it was read, or converted without changing
	// what it says (strconv, a []byte/string conversion, json.Unmarshal).
	Copied Change = iota
	// Opaque: passed through code the analysis cannot see into; it may
	// or may not have changed.
	Opaque
	// Computed: computed from the data by arithmetic, concatenation,
	// append, or a change to a part of it.
	Computed
	// Made: made by code the analysis cannot see into from the data and
	// other values (a lookup given a user's name and a transport): a value
	// of its own, which what is done to it later does not make a change of
	// the data.
	Made
)

var changeNames = [...]string{"copied", "opaque", "computed", "made"}

// Unseen reports whether the value passed through code the analysis
// cannot see into (Opaque or Made): what it holds is not known to be the
// data, changed or not.
func (c Change) Unseen() bool { return c == Opaque || c == Made }

func (c Change) String() string {
	if c >= 0 && int(c) < len(changeNames) {
		return changeNames[c]
	}
	return fmt.Sprintf("change(%d)", int(c))
}

// HandleKind says whether a handle runs its statements in a transaction.
type HandleKind int

// The handle kinds.
const (
	Unknown HandleKind = iota // a *gorm.DB or DBTX parameter: pool or transaction, decided by the caller
	Pool                      // *sql.DB or a pool *gorm.DB: autocommit, any connection
	Conn                      // *sql.Conn: one connection, autocommit unless BEGIN ran on it
	Tx                        // a transaction
)

var kindNames = [...]string{"handle", "pool", "conn", "tx"}

func (k HandleKind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// HandleRef says which handle an effect ran on: the handle reached from
// parameter Param by the access path Path ("" for the parameter itself,
// ".db" for its field db), or, with Param < 0, a handle internal to the
// function (its own transaction, or a package-level pool).
type HandleRef struct {
	Param int
	Path  string
	Kind  HandleKind
	// InTx reports that the handle was in a transaction when the effect
	// happened (a transaction begun inside the function counts).
	InTx bool
}

func (h HandleRef) String() string {
	if h.Param < 0 {
		return "own " + h.Kind.String()
	}
	if h.Kind == Unknown {
		return fmt.Sprintf("param %d%s", h.Param, h.Path)
	}
	return fmt.Sprintf("param %d%s (%s)", h.Param, h.Path, h.Kind)
}

// Load says that the function returns, or stores through a pointer
// parameter, values read from the database.
type Load struct {
	// Result is the index of the result that carries the loaded values,
	// or -1 when they are stored through parameter Into.
	Result int
	Into   int
	// Path is the access path within the result or parameter that holds
	// them ("" for the whole value).
	Path string
	// Column is the database column, when the value is one column, and
	// Table the table (or GORM model) it was read from, when known.
	Column string
	Table  string
	Lock   Lock
	Handle HandleRef
	// Rows is the parameter whose *sql.Row(s) the function scans, when
	// the query ran in the caller, else -1: the caller's query then says
	// which handle and lock the load has.
	Rows int
	// SQL is the parameter whose SQL text the load ran, when the caller
	// gives it (a fetch(query, args...) helper), else -1: the caller's
	// text then says which table, columns and lock the load has. Slot is
	// 1 + the position of the Scan destination that holds the value, so
	// that the caller can name its column (0 when unknown).
	SQL  int
	Slot int
	// Keys are the columns that identify the row read: the primary key
	// and the columns it was found by. Their values do not change under a
	// request, so writing them back loses nothing.
	Keys []string
	// Change says whether the function passes the loaded value on as it
	// was read, through code the analysis cannot see into, or computed.
	Change Change
	// Record reports a load of whole records, whose columns are the
	// fields they fill.
	Record bool
	// Request reports a record that a middleware kept for the request,
	// read before the handler ran (flow.Load.Request).
	Request bool
	// Site is where the load happened, as file:line, for messages.
	Site string
	// KeyParams are the parameters whose values the load found its row
	// by (WHERE id = ? with the parameter id): the caller compares them
	// with the keys of its own loads to tell whether two records are one
	// row.
	KeyParams []KeyParam
}

// KeyParam says that a key column was compared with a parameter.
type KeyParam struct {
	Column string
	Param  int
	// Path is the field of the parameter the value is (".ID" of a
	// record given by value or by pointer), for a write's keys; "" for
	// the parameter itself.
	Path string
}

// Write says that the function writes a value derived from a parameter
// back to the database, without making the write safe itself (no atomic
// update, no version check); or, with Param -1, a value of its own (a
// time.Now(), a constant) to Column, so that a caller's check of that
// column is matched with the write (a token checked, then marked used).
type Write struct {
	// Param is the parameter whose data is written, or -1; Path the
	// access path within it; Whole reports that every changed field of
	// *Param is written (GORM Save, Updates of a struct).
	Param int
	Path  string
	Whole bool
	// Only are the columns a whole write is limited to (GORM
	// Select(…).Updates), when given; Given reports that they are the
	// strings the caller passes as the function's parameter GivenParam
	// (xorm's Cols(cols...) of a variadic or a []string parameter), or,
	// with GivenParam -1, strings no caller names.
	Only       []string
	Given      bool
	GivenParam int
	// Column is the column written and Table the table (or GORM model),
	// when known.
	Column string
	Table  string
	// Change says whether the function itself computes the written value
	// from the parameter, or writes it as it is.
	Change Change
	Handle HandleRef
	// LockedFirst reports that the function locked the written handle
	// before the write (a lock taken after the caller's load);
	// LockedSerial that the lock was an advisory or distributed one, a
	// mutex rather than a lock on the rows.
	LockedFirst  bool
	LockedSerial bool
	// Numeric reports a number; Lib names the library that writes
	// ("gorm", "redis", "memcache"; "" for SQL), so that messages give the
	// fix in its terms.
	Numeric bool
	Lib     string
	// Checks are the columns the write's WHERE compares with a
	// placeholder (a version, an old value), and Tested those it tests in
	// any way, so that a caller's check in Go can be matched with the
	// write's own.
	Checks []string
	Tested []string
	// Moves are the columns the statement finds its row by and sets anew
	// (SET id = $2 … WHERE id = $1): it succeeds once for the values
	// compared, as a compare-and-set does.
	Moves []string
	Site  string
	// RowParams are the parameters whose record the value is written to,
	// when one record is written (GORM Model(other).Updates); RowLocal
	// reports that the record is one the function loaded itself. A
	// caller's value written to another record than its own is not a
	// lost update of its row.
	RowParams []int
	RowLocal  bool
	// RowKeys are the parameters the record the function loaded itself
	// was found by, for RowLocal.
	RowKeys []KeyParam
	// Keys are the parameters its WHERE compares key columns with
	// (UPDATE … WHERE id = $1), so that a caller that gives the id of a
	// record read by another load than the value's is seen to write
	// another row.
	Keys []KeyParam
	// Const reports a write of the function's own constant (Param -1),
	// and Value which, when known.
	Const bool
	Value string
	// Appended are the parameters whose data the function appended to
	// the list it writes, as for Source.
	Appended uint64
}

// Delta says that the function adds data reached from parameter Param
// (at access path Path) to Column of Table with an atomic update (SET
// balance = balance + $1, xorm's Incr, ent's AddX): a change the caller
// computed, right only while what it computed it from still holds.
type Delta struct {
	Param  int
	Path   string
	Column string
	Table  string
	Handle HandleRef
	// Lib names the library that writes, as for Write; Site is where.
	Lib  string
	Site string
	// LockedFirst and LockedSerial are as for Write.
	LockedFirst  bool
	LockedSerial bool
}

// Mutate says that the function changes data reachable from a parameter
// (a method like (*Account).Deposit) with a value computed from parameters.
type Mutate struct {
	Param int
	Path  string
	// From are the parameters (index and access path) the new value comes
	// from, and how.
	From []Source
	// Maybe reports a change on some paths only (if p.Votes == nil { … }).
	Maybe bool
	// Const reports a change to a constant (u.Status = "disabled").
	Const bool
}

// Flow says that a result, or the part of it at access path Path, comes
// from parameters.
type Flow struct {
	Result int
	Path   string
	From   []Source
}

// Source is data reached from parameter Param by access path Path, and
// how the value derived from it changed it.
type Source struct {
	Param  int
	Path   string
	Change Change
	// Appended are the parameters, a bit each (1<<i for parameter i),
	// whose data the function appended to the list (append(u.Creds(),
	// cred)): whether that is a change is the caller's to say, which
	// knows what they hold.
	Appended uint64
}

func (s Source) String() string {
	out := fmt.Sprintf("param %d%s", s.Param, s.Path)
	if s.Change != Copied {
		out += fmt.Sprintf(" (%s)", s.Change)
	}
	return out + appendedText(s.Appended)
}

// appendedText renders the parameters appended to a value.
func appendedText(bits uint64) string {
	var parts []string
	for _, p := range Params(bits) {
		parts = append(parts, fmt.Sprintf("param %d", p))
	}
	if len(parts) == 0 {
		return ""
	}
	return " with " + strings.Join(parts, ", ") + " appended"
}

// Params returns the parameters a set of bits (1<<i for parameter i)
// names, in order.
func Params(bits uint64) []int {
	var out []int
	for i := range 64 {
		if bits&(1<<i) != 0 {
			out = append(out, i)
		}
	}
	return out
}

// LockEffect says that the function leaves a lock held on a handle.
type LockEffect struct {
	Handle HandleRef
	Site   string
	// Advisory reports an advisory lock (pg_advisory_xact_lock): a mutex
	// every writer that takes it shares, whatever rows it touches.
	Advisory bool
	// Shared reports a distributed lock (redsync's Mutex.Lock, through a
	// wrapper): advisory, and held by the caller until an unlock
	// (UnlocksShared) releases it.
	Shared bool
}

// RunInTx says that the function calls its function parameter Callback
// with a transaction handle as that callback's argument Arg.
type RunInTx struct {
	Callback int
	Arg      int
	Kind     HandleKind // Tx, or Conn for a callback run on one connection
	// Serializable reports a SERIALIZABLE transaction.
	Serializable bool
}

// Forward says that the function runs the SQL text of its parameter SQL
// (with the placeholder arguments of its variadic parameter Args, or -1) on
// a handle: a wrapper around Exec or QueryRow that logs, traces or
// rewrites placeholders. Query reports QueryRow/Query (the result holds
// rows to scan) rather than Exec.
type Forward struct {
	Query  bool
	SQL    int
	Args   int
	Handle HandleRef
}

// Summary is what a function does to data. It is an analysis fact on
// *types.Func.
type Summary struct {
	Loads    []Load
	Writes   []Write
	Deltas   []Delta
	Mutates  []Mutate
	Flows    []Flow
	Locks    []LockEffect
	RunsInTx []RunInTx
	Forwards []Forward
	// Cases are the summaries of the function when a bool parameter
	// that decides a branch is a constant: Update(hash bool) called as
	// Update(false) does not run what only Update(true) does.
	Cases []Case
	// Effects reports that the function changes the database (an
	// insert, an update, a delete), itself or through its callees.
	Effects bool
	// Prepares are the results that are statements prepared with the SQL
	// text of a parameter (a p.P(query) helper).
	Prepares []Prepare
	// Collections are the results that are document collections (MongoDB's
	// *mongo.Collection) of a known name: a helper such as
	// EventsCollection() or Collection(name) that its callers' reads and
	// writes run on.
	Collections []Collection
	// Upserts are the upserts the function runs, itself or through its
	// callees, whose conflict action writes over the row that is there.
	Upserts []Upsert
	// Guard is the in-process busy flag the function sets as a try-lock:
	// under a sync.Mutex it refuses when the flag is set (returning an
	// error or false) and sets it otherwise, like photoprism's
	// Activity.Start. It names the flag's field
	// ("example.com/mutex.Activity.busy"). Clears are the flags the
	// function clears (Activity.Stop). What runs between the two runs once
	// at a time in one process, as under a sync.Mutex.
	Guard  string
	Clears []string
	// UnlocksShared reports that the function releases the distributed
	// locks its caller holds (a wrapper's Unlock of a redsync Mutex).
	UnlocksShared bool
	// Reports are the values the function reads and writes back itself,
	// and judges there, reported or found safe (where it was read,
	// file:line, and the column, as "site|column"): a caller's call is
	// another path to them, not another finding.
	Reports []string
}

// Upsert is an INSERT whose conflict action sets Columns of Table to the
// values it proposes (ON CONFLICT DO UPDATE, ON DUPLICATE KEY UPDATE).
type Upsert struct {
	Table   string
	Columns []string
	Handle  HandleRef
	Site    string
}

// Collection is a result that is the document collection named Name, or,
// when Param is not negative, named by the text of that parameter.
type Collection struct {
	Result int
	Name   string
	Param  int
}

// Prepare says that result Result is a statement prepared with the SQL
// text of parameter SQL.
type Prepare struct {
	Result int
	SQL    int
}

// Case is the summary of a function whose bool parameter Param is the
// constant Value, or, with Zero, whose number or string parameter Param is
// its zero value (SetRespondedAt(t, 0) under `if preconf > 0 { … }`).
//
// With Stored, Param is a record read from the table, whose key field (at
// Path, ".ID") is therefore set: a branch that tests the key for its zero
// value (if status.ID == "" { a new status }) goes the other way.
type Case struct {
	Param   int
	Value   bool
	Zero    bool
	Stored  bool
	Path    string
	Summary *Summary
}

// Case returns the summary of the function when bool parameter i is the
// constant v, or s itself.
func (s *Summary) Case(i int, v bool) *Summary {
	for _, c := range s.Cases {
		if c.Param == i && !c.Zero && !c.Stored && c.Value == v && c.Summary != nil {
			return c.Summary
		}
	}
	return s
}

// StoredCase returns the summary of the function when parameter i is a
// record read from the table, and the path of its key field, or s itself
// and "".
func (s *Summary) StoredCase(i int) (*Summary, string) {
	for _, c := range s.Cases {
		if c.Param == i && c.Stored && c.Summary != nil {
			return c.Summary, c.Path
		}
	}
	return s, ""
}

// ZeroCase returns the summary of the function when parameter i is its
// zero value, or s itself.
func (s *Summary) ZeroCase(i int) *Summary {
	for _, c := range s.Cases {
		if c.Param == i && c.Zero && c.Summary != nil {
			return c.Summary
		}
	}
	return s
}

// AFact marks Summary as an analysis fact.
func (*Summary) AFact() {}

// Empty reports whether the summary says nothing at all: a function with
// no effect on data whose results depend on no parameter.
func (s *Summary) Empty() bool {
	return s == nil || len(s.Loads) == 0 && len(s.Writes) == 0 && len(s.Deltas) == 0 && len(s.Mutates) == 0 && len(s.Flows) == 0 &&
		len(s.Locks) == 0 && len(s.RunsInTx) == 0 && len(s.Forwards) == 0 && len(s.Cases) == 0 && !s.Effects &&
		len(s.Prepares) == 0 && len(s.Collections) == 0 && len(s.Upserts) == 0 && s.Guard == "" && len(s.Clears) == 0 && !s.UnlocksShared
}

// String renders the summary compactly and deterministically, e.g.
// "loads result 0 FOR UPDATE on param 1; writes param 2.Balance on param 1".
func (s *Summary) String() string {
	var parts []string
	for _, l := range s.Loads {
		where := fmt.Sprintf("result %d", l.Result)
		if l.Result < 0 {
			where = fmt.Sprintf("into param %d", l.Into)
		}
		lock := ""
		if l.Lock != NoLock {
			lock = " " + l.Lock.String()
		}
		on := "on " + l.Handle.String()
		if l.Request {
			on = "kept for the request"
		}
		if l.Rows >= 0 {
			on = fmt.Sprintf("from the rows of param %d", l.Rows)
		}
		if l.SQL >= 0 {
			on += fmt.Sprintf(" with the SQL of param %d", l.SQL)
		}
		if l.Change != Copied {
			on += " (" + l.Change.String() + ")"
		}
		parts = append(parts, fmt.Sprintf("loads %s%s%s %s", where, l.Path, lock, on))
	}
	for _, w := range s.Writes {
		what := fmt.Sprintf("param %d%s", w.Param, w.Path)
		if w.Whole {
			what += " (whole)"
			if len(w.Only) > 0 {
				what = fmt.Sprintf("param %d%s (%s)", w.Param, w.Path, strings.Join(w.Only, ", "))
			}
			if w.Given {
				what = fmt.Sprintf("param %d%s (the columns of param %d)", w.Param, w.Path, w.GivenParam)
				if w.GivenParam < 0 {
					what = fmt.Sprintf("param %d%s (columns not known)", w.Param, w.Path)
				}
			}
		}
		what += appendedText(w.Appended)
		if w.Column != "" {
			what += " to " + w.Column
			switch {
			case w.Given && !w.Whole && w.GivenParam < 0:
				what += " if named"
			case w.Given && !w.Whole:
				what += fmt.Sprintf(" if param %d names it", w.GivenParam)
			}
		}
		if w.Param < 0 {
			what = w.Column
		}
		moves := ""
		if len(w.Moves) > 0 {
			moves = " moving " + strings.Join(w.Moves, ", ")
		}
		parts = append(parts, fmt.Sprintf("writes %s on %s%s", what, w.Handle, moves))
	}
	for _, d := range s.Deltas {
		parts = append(parts, fmt.Sprintf("adds param %d%s to %s on %s", d.Param, d.Path, cmp.Or(d.Column, "a column"), d.Handle))
	}
	for _, m := range s.Mutates {
		maybe := ""
		if m.Maybe {
			maybe = " (maybe)"
		}
		parts = append(parts, fmt.Sprintf("changes param %d%s%s", m.Param, m.Path, maybe))
	}
	for _, f := range s.Flows {
		if f.Path != "" || slices.ContainsFunc(f.From, func(src Source) bool { return src.Path != "" || src.Change != Opaque }) {
			parts = append(parts, fmt.Sprintf("result %d%s from %s", f.Result, f.Path, sources(f.From)))
		}
	}
	for _, l := range s.Locks {
		switch {
		case l.Shared:
			parts = append(parts, "takes a distributed lock")
		case l.Advisory:
			parts = append(parts, fmt.Sprintf("locks %s (advisory)", l.Handle))
		default:
			parts = append(parts, fmt.Sprintf("locks %s", l.Handle))
		}
	}
	for _, r := range s.RunsInTx {
		parts = append(parts, fmt.Sprintf("runs param %d in a %s", r.Callback, r.Kind))
	}
	for _, c := range s.Cases {
		if c.Stored {
			parts = append(parts, fmt.Sprintf("with param %d stored (%s set): {%s}", c.Param, c.Path, c.Summary))
			continue
		}
		if c.Zero {
			parts = append(parts, fmt.Sprintf("with param %d zero: {%s}", c.Param, c.Summary))
			continue
		}
		parts = append(parts, fmt.Sprintf("with param %d %v: {%s}", c.Param, c.Value, c.Summary))
	}
	for _, p := range s.Prepares {
		parts = append(parts, fmt.Sprintf("prepares result %d with the SQL of param %d", p.Result, p.SQL))
	}
	for _, k := range s.Collections {
		if k.Param >= 0 {
			parts = append(parts, fmt.Sprintf("returns as result %d the collection named by param %d", k.Result, k.Param))
			continue
		}
		parts = append(parts, fmt.Sprintf("returns as result %d collection %s", k.Result, k.Name))
	}
	for _, u := range s.Upserts {
		parts = append(parts, fmt.Sprintf("upserts %s over %s on %s", strings.TrimPrefix(u.Table, "sql:"), strings.Join(u.Columns, ", "), u.Handle))
	}
	if s.Effects && len(parts) == 0 {
		parts = append(parts, "changes the database")
	}
	if s.UnlocksShared {
		parts = append(parts, "releases the distributed locks held")
	}
	if s.Guard != "" {
		parts = append(parts, "sets busy flag "+s.Guard)
	}
	for _, f := range s.Clears {
		parts = append(parts, "clears busy flag "+f)
	}
	for _, f := range s.Forwards {
		verb := "execs"
		if f.Query {
			verb = "queries"
		}
		parts = append(parts, fmt.Sprintf("%s the SQL of param %d on %s", verb, f.SQL, f.Handle))
	}
	return strings.Join(parts, "; ")
}

func sources(from []Source) string {
	var parts []string
	for _, s := range from {
		parts = append(parts, s.String())
	}
	return strings.Join(parts, ", ")
}

// Normalize sorts and de-duplicates every list, so that facts and their
// rendering are deterministic.
func (s *Summary) Normalize() {
	s.Loads = sortedByKey(s.Loads, Load.key)
	s.Writes = sortedByKey(s.Writes, Write.key)
	s.Deltas = sortedByKey(s.Deltas, Delta.key)
	s.Mutates = sortedByKey(s.Mutates, Mutate.key)
	s.Flows = sortedByKey(s.Flows, Flow.key)
	slices.SortFunc(s.Locks, func(a, b LockEffect) int {
		return cmp.Or(strings.Compare(a.Handle.String(), b.Handle.String()), boolInt(a.Advisory)-boolInt(b.Advisory), boolInt(a.Shared)-boolInt(b.Shared), strings.Compare(a.Site, b.Site))
	})
	s.Locks = slices.CompactFunc(s.Locks, func(a, b LockEffect) bool {
		return a.Handle == b.Handle && a.Advisory == b.Advisory && a.Shared == b.Shared
	})
	slices.SortFunc(s.RunsInTx, func(a, b RunInTx) int { return a.Callback - b.Callback })
	s.RunsInTx = slices.Compact(s.RunsInTx)
	slices.SortFunc(s.Forwards, func(a, b Forward) int { return a.SQL - b.SQL })
	s.Forwards = slices.Compact(s.Forwards)
	slices.SortFunc(s.Prepares, func(a, b Prepare) int { return a.Result*1000 + a.SQL - b.Result*1000 - b.SQL })
	s.Prepares = slices.Compact(s.Prepares)
	slices.SortFunc(s.Collections, func(a, b Collection) int {
		return cmp.Or(cmp.Compare(a.Result, b.Result), cmp.Compare(a.Param, b.Param), strings.Compare(a.Name, b.Name))
	})
	s.Collections = slices.Compact(s.Collections)
	s.Upserts = sortedByKey(s.Upserts, Upsert.key)
	slices.Sort(s.Clears)
	s.Clears = slices.Compact(s.Clears)
	for i := range s.Cases {
		if s.Cases[i].Summary != nil {
			s.Cases[i].Summary.Normalize()
		}
	}
	slices.SortFunc(s.Cases, func(a, b Case) int {
		if a.Param != b.Param {
			return a.Param - b.Param
		}
		if a.Zero != b.Zero {
			return boolInt(a.Zero) - boolInt(b.Zero)
		}
		if a.Stored != b.Stored {
			return boolInt(a.Stored) - boolInt(b.Stored)
		}
		return boolInt(a.Value) - boolInt(b.Value)
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (l Load) key() string {
	return fmt.Sprintf("%d|%d|%s|%s|%s|%d|%v|%d|%d|%d|%v|%v|%v|%v|%s|%v", l.Result, l.Into, l.Path, l.Column, l.Table, l.Lock, l.Handle, l.Rows, l.SQL, l.Slot, l.Keys, l.Change, l.Record, l.Request, l.Site, l.KeyParams)
}

func (w Write) key() string {
	return fmt.Sprintf("%d|%s|%v|%v|%s|%s|%v|%v|%v|%v|%v|%v|%v|%v|%v|%s|%v|%v|%v|%v|%s|%v|%v", w.Param, w.Path, w.Whole, w.Only, w.Column, w.Table, w.Change, w.Handle, w.LockedFirst, w.LockedSerial, w.Numeric, w.Lib, w.Checks, w.Tested, w.Moves, w.Site, w.RowParams, w.RowLocal, w.RowKeys, w.Const, w.Value, w.Keys, w.Appended)
}

func (d Delta) key() string {
	return fmt.Sprintf("%d|%s|%s|%s|%v|%s|%s|%v|%v", d.Param, d.Path, d.Column, d.Table, d.Handle, d.Lib, d.Site, d.LockedFirst, d.LockedSerial)
}

func (u Upsert) key() string {
	return fmt.Sprintf("%s|%v|%v|%s", u.Table, u.Columns, u.Handle, u.Site)
}

func (m Mutate) key() string {
	return fmt.Sprintf("%d|%s|%v|%v|%v", m.Param, m.Path, m.From, m.Maybe, m.Const)
}

func (f Flow) key() string { return fmt.Sprintf("%d|%s|%v", f.Result, f.Path, f.From) }

// Package is a package fact. That it exists says that the package was
// analysed: a function of it without a summary does nothing a caller
// needs to know (no load, no write, no change to its arguments, and a
// result that does not come from them). Columns are the columns that the
// package's code writes in targeted statements, an UPDATE of a few
// columns or an atomic update, so that a whole-row write elsewhere can say
// which concurrent writer the columns it puts back unchanged would undo.
//
// Pending and Impls carry what a package that cannot see an interface's
// implementations leaves to one that can: the lost updates through the
// module's interfaces whose implementations live in packages that import
// the caller's (Pending), and the implementations a package declares
// (Impls). A package's fact holds its own and those of its direct
// imports, so that they meet in the first package that sees both, under
// go vet as under a driver that loads everything.
type Package struct {
	Columns []ColumnWrite
	Pending []Pending
	Impls   []Impl
}

// Pending is a value read through one interface method, changed, and given
// to another method of the same interface, in a package that cannot see
// what the methods do: a lost update if an implementation's first method
// reads a column without a lock and its second writes it back.
type Pending struct {
	// Iface is the interface ("example.com/store.Driver"); Load and
	// Write the methods that read and write.
	Iface string
	Load  string
	Write string
	// Column is the column of the loaded field the value comes from, by
	// the record's naming (its tags, or snake case), and Field its Go
	// name; both are empty for a value that is not a field.
	Column string
	Field  string
	// Name is the value in the caller's terms ("set.Value"); Func the
	// caller ("Store.AddTag").
	Name string
	Func string
	// File, Line and Col are where the write is; Read where the load is,
	// as file:line.
	File string
	Line int
	Col  int
	Read string
	// Mutex reports that an in-process lock was held around both, of
	// type MutexType (sync.Mutex when empty); Numeric that the value is
	// a number.
	Mutex     bool
	MutexType string
	Numeric   bool
}

func (p Pending) key() string {
	return fmt.Sprintf("%s|%d|%d|%s|%s|%s|%s|%s", p.File, p.Line, p.Col, p.Iface, p.Load, p.Write, p.Column, p.Field)
}

// Impl is a type that implements one of the module's interfaces, with
// what its methods read and write.
type Impl struct {
	// Iface is the interface; Type the implementing type, as package
	// path and name ("example.com/sqlitedb.DB").
	Iface   string
	Type    string
	Methods []Method
}

// Method is what one method of an implementation loads and writes, in the
// terms of its summary.
type Method struct {
	Name   string
	Loads  []Load
	Writes []Write
}

func (m Impl) key() string { return m.Iface + "|" + m.Type }

// Method returns the method named name, or nil.
func (m *Impl) Method(name string) *Method {
	for i := range m.Methods {
		if m.Methods[i].Name == name {
			return &m.Methods[i]
		}
	}
	return nil
}

// HasPending reports whether p is among the package's pending lost updates
// (which Normalize keeps sorted by key).
func (w *Package) HasPending(p Pending) bool {
	_, found := slices.BinarySearchFunc(w.Pending, p.key(), func(q Pending, k string) int { return strings.Compare(q.key(), k) })
	return found
}

// HasImpl reports whether m is among the package's implementations (which
// Normalize keeps sorted by key).
func (w *Package) HasImpl(m Impl) bool {
	_, found := slices.BinarySearchFunc(w.Impls, m.key(), func(n Impl, k string) int { return strings.Compare(n.key(), k) })
	return found
}

// sortedByKey sorts xs by key and drops all but the first of those with
// one key, computing each key once.
func sortedByKey[T any](xs []T, key func(T) string) []T {
	if len(xs) < 2 {
		return xs
	}
	type keyed struct {
		k string
		x T
	}
	ks := make([]keyed, len(xs))
	for i, x := range xs {
		ks[i] = keyed{key(x), x}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return strings.Compare(a.k, b.k) })
	ks = slices.CompactFunc(ks, func(a, b keyed) bool { return a.k == b.k })
	out := xs[:0]
	for _, k := range ks {
		out = append(out, k.x)
	}
	clear(xs[len(out):])
	return out
}

// Add adds what another package's fact holds to this one's.
func (w *Package) Add(o *Package) {
	w.Columns = append(w.Columns, o.Columns...)
	w.Pending = append(w.Pending, o.Pending...)
	w.Impls = append(w.Impls, o.Impls...)
}

// AFact marks Package as an analysis fact.
func (*Package) AFact() {}

// ColumnWrite is one targeted write of a column.
type ColumnWrite struct {
	// Table is the table written, in the form of Load.Table; Column the
	// column.
	Table  string
	Column string
	// Atomic reports that the database computes the new value from the
	// old one (n = n + $1, gorm.Expr, an upsert that adds).
	Atomic bool
	// Recount reports an atomic write of what the database counts from
	// other rows (SET c = (SELECT COUNT(*) …)): a recount that the next
	// one restores, not a change a stale write loses for good.
	Recount bool
	// Serialized reports a write made under an advisory lock (taken in
	// its function, or held by every caller): it cannot run while another
	// writer holds that lock.
	Serialized bool
	// Func names the function that writes, and Site is where, as
	// file:line.
	Func string
	Site string
}

func (w ColumnWrite) key() string {
	return fmt.Sprintf("%s|%s|%v|%v|%s|%s", w.Table, w.Column, w.Atomic, w.Recount, w.Func, w.Site)
}

// Normalize sorts and de-duplicates the writes.
func (w *Package) Normalize() {
	w.Columns = sortedByKey(w.Columns, ColumnWrite.key)
	w.Pending = sortedByKey(w.Pending, Pending.key)
	w.Impls = sortedByKey(w.Impls, Impl.key)
}

func (w *Package) String() string {
	var plain, atomic, recount []string
	for _, c := range w.Columns {
		name := strings.TrimPrefix(c.Table, "sql:") + "." + c.Column
		list := &plain
		switch {
		case c.Recount:
			list = &recount
		case c.Atomic:
			list = &atomic
		}
		if !slices.Contains(*list, name) {
			*list = append(*list, name)
		}
	}
	var parts []string
	if len(plain) > 0 {
		parts = append(parts, "writes "+strings.Join(plain, ", "))
	}
	if len(atomic) > 0 {
		parts = append(parts, "updates atomically "+strings.Join(atomic, ", "))
	}
	if len(recount) > 0 {
		parts = append(parts, "recounts "+strings.Join(recount, ", "))
	}
	if n := len(w.Pending); n > 0 {
		parts = append(parts, fmt.Sprintf("%d pending through interfaces", n))
	}
	var impls []string
	for _, m := range w.Impls {
		impls = append(impls, LastElem(m.Type)+" implements "+LastElem(m.Iface))
	}
	if len(impls) > 0 {
		parts = append(parts, strings.Join(impls, ", "))
	}
	if len(parts) == 0 {
		return "analysed"
	}
	return strings.Join(parts, "; ")
}

// LastElem returns the last element of a package-qualified name:
// "store.Driver" of "example.com/app/store.Driver".
func LastElem(name string) string {
	return name[strings.LastIndexByte(name, '/')+1:]
}

// symbolicPrefix starts the table of a symbolic load or write.
const symbolicPrefix = "iface:"

// SymbolicTable names what a method of one of the module's interfaces
// loads or writes when the analysed package cannot see an implementation
// of it: "iface:" + the interface ("example.com/store.Driver") + "." + the
// method. It stands in for the tables the implementations read and write.
func SymbolicTable(iface, method string) string {
	return symbolicPrefix + iface + "." + method
}

// Symbolic splits a table named by SymbolicTable into the interface and
// the method; ok is false for any other table.
func Symbolic(table string) (iface, method string, ok bool) {
	rest, ok := strings.CutPrefix(table, symbolicPrefix)
	if !ok {
		return "", "", false
	}
	i := strings.LastIndexByte(rest, '.')
	if i < 0 {
		return "", "", false
	}
	return rest[:i], rest[i+1:], true
}

// Table is the fact of a model type whose TableName method returns a
// constant: the table it names. A package that uses the model sees its
// table through the fact, where the method's body is not visible.
type Table struct {
	Name string
}

// AFact marks Table as an analysis fact.
func (*Table) AFact() {}

func (t *Table) String() string { return "table " + t.Name }
