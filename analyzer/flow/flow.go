// Package flow is lostupdate's value-flow engine. It runs over a package in
// SSA form and records, for each function, the events that matter for lost
// updates: loads (a row read into Go values), writes (a value written back
// to the database), locks, and transaction boundaries, each on an
// identified database handle. Values carry labels that say which load (or,
// inside a function summary, which parameter) they derive from and whether
// they were changed since; memory (locals, struct fields, pointers, slices,
// maps) is tracked flow-sensitively by access path, so that a later reload
// into the same variable replaces the stale value.
//
// Closures run at the point where they are created, except those passed to
// a transaction runner (gorm's DB.Transaction, or a function whose summary
// says it runs its callback in a transaction), which run at that call with
// their handle parameter bound to the transaction, and those called or
// passed to a call, which run there. A closure kept for later (stored in a
// field or a map, or returned) runs where it is created on a copy of the
// state: what it does is judged, but it is not the function's effect; a
// method value handed to a call or kept is its method's to judge, and is
// not run. A call given a closure that returns a value of the call's result
// type (a read-through cache's loader) returns what the closure returns.
// Calls to other functions of the package use their summaries (computed on
// demand), calls into other packages use their facts, and any other call
// passes its arguments on to its results as opaque values, or, given
// several, makes a value of its own (summary.Made).
//
// A call of a database API applies what its row in package apis says it
// does (api, in calls.go); what the row cannot say, the builder chain
// that holds a call's query or the model or document it writes, the
// adapter of the row's shape reads (adapters.go, and one file a shape:
// gorm.go, bun.go, xorm.go, ent.go, boil.go, mongo.go, cache.go). The
// engine dispatches on what a call does and on its shape, never on its
// library; the struct tags of models it reads through apis.ReadTag,
// whose table holds every library's tag conventions.
//
// The engine decides nothing: the analyzer judges the events.
package flow

import (
	"go/constant"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/sqltext"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// Facts gives the summaries of functions of other packages.
type Facts interface {
	// Summary returns the summary of fn, or nil.
	Summary(fn *types.Func) *summary.Summary
	// Declared returns the summary the project's configuration declares
	// for fn, or nil: it stands for what the analysis would compute or
	// import.
	Declared(fn *types.Func) *summary.Summary
	// TableName returns the table a model type of another package names
	// with its TableName method, if that package said.
	TableName(tn *types.TypeName) (string, bool)
}

// Handle is a database handle as the analysis identifies it: two handles
// are the same when they have the same root and access path.
type Handle struct {
	root any
	path string
	// Kind says whether the handle is in a transaction by construction.
	Kind summary.HandleKind
	// Name is the handle as written in the source ("tx", "r.db").
	Name string
	// Param is the index of the analysed function's parameter the handle
	// is reached from, or -1.
	Param int
	// Path is the access path from that parameter.
	Path string
	// Serializable reports a transaction begun with a SERIALIZABLE
	// isolation level.
	Serializable bool
	// Begin is where the transaction began, if known.
	Begin token.Pos
	// conn is the connection a transaction runs on, for a transaction
	// begun on a *sql.Conn: locks that connection holds cover it.
	conn handleKey
}

// Same reports whether h and o are the same handle.
func (h Handle) Same(o Handle) bool { return h.root != nil && h.root == o.root && h.path == o.path }

// Known reports whether the handle could be identified at all.
func (h Handle) Known() bool { return h.root != nil }

// Ref returns the handle as a summary reference.
func (h Handle) Ref(inTx bool) summary.HandleRef {
	return summary.HandleRef{Param: h.Param, Path: h.Path, Kind: h.Kind, InTx: inTx}
}

// LockKind is a lock taken by a statement.
type LockKind int

// The lock kinds.
const (
	LockRow             LockKind = iota // FOR UPDATE and friends
	LockShare                           // FOR SHARE
	LockAdvisoryXact                    // pg_advisory_xact_lock
	LockAdvisorySession                 // pg_advisory_lock, GET_LOCK
	LockTable                           // LOCK TABLE(S)
	LockDatabase                        // BEGIN IMMEDIATE
	LockWrite                           // an UPDATE/DELETE in a transaction locks the rows it writes
	LockCallee                          // a lock a called function left held
	LockCallers                         // an advisory lock every caller holds (see CallerLocks)
	LockShared                          // a lock every process that names it shares (redsync), held until its unlock
)

// LockEvent is a lock taken on a handle.
type LockEvent struct {
	Pos    token.Pos
	Handle Handle
	Kind   LockKind
	// InTx reports that the handle was in a transaction when the lock was
	// taken; a row or transaction-scoped lock outside one is released when
	// the statement ends.
	InTx bool
	// Advisory reports that a LockCallee lock is an advisory lock.
	Advisory bool
	// Shared reports that a LockCallee lock is a LockShared one, which
	// an unlock of the caller's releases.
	Shared bool
	seq    int
}

// shared reports whether the lock is a distributed one (LockShared), taken
// here or by a callee: held until an unlock releases it.
func (l *LockEvent) shared() bool {
	return l.Kind == LockShared || l.Kind == LockCallee && l.Shared
}

// Serializes reports whether the lock is a mutex of every writer that
// takes it, whatever rows they read (an advisory or distributed lock),
// rather than a lock on the rows read.
func (l *LockEvent) Serializes() bool {
	switch l.Kind {
	case LockAdvisoryXact, LockAdvisorySession, LockCallers, LockShared:
		return true
	case LockCallee:
		return l.Advisory
	}
	return false
}

// Serialized reports whether an effective advisory lock is among held:
// what runs under it cannot run beside another holder of the lock, and
// can beside any writer that does not take it.
func Serialized(held []*LockEvent) bool {
	return slices.ContainsFunc(held, func(l *LockEvent) bool { return l.Serializes() && l.Effective() })
}

// OnlySerialized reports whether what keeps other writers from changing
// what load l read before write w is an advisory lock alone: no row lock,
// no SERIALIZABLE transaction, no lock on the table or the connection.
func OnlySerialized(l *Load, w *Write) bool {
	if l.Lock == summary.Row || w.Serializable && l.Handle.Same(w.Handle) {
		return false
	}
	for _, lk := range l.Held {
		if !lk.Serializes() && lk.Protects(w.Handle) && slices.Contains(w.Held, lk) {
			return false
		}
	}
	return Serialized(l.Held) && Serialized(w.Held)
}

// Effective reports whether the lock is still held after the statement
// that took it, so that it can protect a later load.
func (l *LockEvent) Effective() bool {
	switch l.Kind {
	case LockShare:
		return false
	case LockAdvisorySession, LockTable, LockDatabase:
		return l.Handle.Kind != summary.Pool || l.InTx
	case LockCallee, LockCallers, LockShared:
		return true
	}
	return l.InTx || l.Handle.Kind == summary.Unknown
}

// Protects reports whether the lock, while held, keeps other transactions
// from changing what handle h reads and writes: a lock on h itself, an
// advisory lock (a mutex for every writer that takes it), or a lock on the
// connection h's transaction runs on (LOCK TABLES, BEGIN IMMEDIATE).
func (l *LockEvent) Protects(h Handle) bool {
	if !l.Effective() {
		return false
	}
	if l.Handle.Same(h) || l.Serializes() {
		// An advisory lock is a mutex shared by every process that takes
		// it: while it is held, the write may go through any handle.
		return true
	}
	switch l.Kind {
	case LockTable, LockDatabase:
		return l.Handle.Known() && h.conn == keyOf(l.Handle)
	}
	return false
}

// Load is a read of database values into Go values.
type Load struct {
	// Pos is the call that ran the query (QueryRow, First, a repository
	// method), ScanPos the Scan that copied the row, if separate.
	Pos     token.Pos
	ScanPos token.Pos
	Handle  Handle
	Lock    summary.Lock
	// LockPos is where the lock was requested (a Clauses or Set call), if
	// not in the query itself.
	LockPos token.Pos
	// InTx reports that the handle was in a transaction.
	InTx bool
	// Held are the locks held when the load ran.
	Held []*LockEvent
	// Mutex reports that a sync mutex was held; Guard names the method
	// that set the busy flag held, if one was (see summary.Summary.Guard),
	// for messages: a busy flag keeps a job to one run at a time, and
	// keeps out no other writer.
	Mutex bool
	Guard string
	// MutexType names the type of the in-process lock held
	// (sync.Mutex, mutexes.MutexMap), when Mutex.
	MutexType string
	// Lib is the library of the load (for messages and fixes).
	Lib apis.Lib
	// Table identifies what was read, when known: "sql:accounts" for a
	// single-table SELECT, "go:example.com/shop.Product" for a GORM model.
	Table string
	// RowsParam is the parameter of the analysed function whose rows the
	// load scans (the query ran in the caller), or -1; SQLParam the
	// parameter whose SQL text it ran (a fetch(query, args...) helper), or
	// -1.
	RowsParam int
	SQLParam  int
	// Record reports a load of whole records whose columns are the
	// fields they fill (GORM's First, sqlx's Get into a struct, a bun
	// model): a value read from a field is of the field's column.
	Record bool
	// Request reports a record that a middleware kept for the request
	// (c.MustGet("user").(*model.User)): read before the handler ran, at
	// a place the analysis does not see; Pos is where the handler takes
	// it.
	Request bool
	// KeyArgs are the values the load's WHERE compares its key columns
	// with (WHERE id = $1 with adminID): which row it read.
	KeyArgs map[string]ssa.Value
	// Keys are the columns that identify the row: its primary key and the
	// columns it was found by (WHERE email = $1). A value read from them
	// is the row's identity, not its state.
	Keys []string
	// Ranked is the column the query ordered its rows by to keep the
	// first (ORDER BY display_order DESC LIMIT 1, Order(…).First): the
	// value read from it is the highest or lowest of a set of rows, the
	// start of a new number, not the state of the row read.
	Ranked string
	// KeyLabels say where the values in KeyArgs came from (the analysed
	// function's parameters): a value computed from them alone is made
	// of the row's identity.
	KeyLabels labels
	// ByParamID is 1 + the parameter of the analysed function whose own
	// id field the load found its row by (First(&old, e.ID) with e a
	// parameter), 0 for none: the row is the record that parameter is.
	ByParamID int
	// Via is the function the load happened in, for loads reported by a
	// summary; Site is where in that function.
	Via  *types.Func
	Site string
	// instr is the instruction that loaded, in the analysed function.
	instr ssa.Instruction
	seq   int
}

// Ranks reports whether the value of column c is the highest or lowest of
// a set of rows rather than the row's state (see Load.Ranked).
func (l *Load) Ranks(c string) bool {
	return c != "" && c == l.Ranked
}

// IsKey reports whether column c identifies the rows the load reads.
func (l *Load) IsKey(c string) bool {
	return c != "" && (c == "id" || slices.Contains(l.Keys, c))
}

// Label says that a value derives from a load (Load != nil) or, inside a
// function being summarised, from a parameter.
type Label struct {
	Load   *Load
	Param  int
	PPath  string
	Name   string // the Go expression that read it: "p.Stock"
	Column string // the database column, when known
	// Slot is 1 + the position of the Scan destination that read the
	// value, for a load whose SQL text the caller gives (0 otherwise).
	Slot int
	// Change says whether the value is the loaded one, passed through
	// code the analysis cannot see into, or computed from it; Op is the
	// arithmetic that changed it, when it was adding to or subtracting
	// from it (token.ADD, token.SUB).
	Change summary.Change
	Op     token.Token
	// Appended are the parameters, a bit each, whose data was appended
	// to this parameter's list (append(u.Creds(), cred) in a helper given
	// u and cred): whether that changes the list is for the caller to
	// say, which knows whether they are new elements or the list's own
	// rows (appendedTo).
	Appended uint64
}

// Changed reports that the value was computed from the loaded one.
func (l *Label) Changed() bool { return l.Change == summary.Computed }

// WriteKind is how a write reached the database.
type WriteKind int

// The write kinds.
const (
	WriteSQL    WriteKind = iota // Exec/QueryRow with UPDATE or an upsert
	WriteCallee                  // a function whose summary says it writes
	WriteAPI                     // a library call that writes without SQL text: Write.Shape and Write.Form say how (GORM's Save, a bun update, a cache Set)
)

// Written is one value a write stores.
type Written struct {
	Column string
	// Field is the ORM's Go name of the column, where a fix names it
	// (ent's SetDownloads sets Downloads, AddDownloads adds to it).
	Field string
	// Name is the Go expression of the value, for messages ("p.Stock").
	Name   string
	Labels []*Label
	// Arg is the index of the call argument that carries the value, or -1.
	Arg int
	// Assign is the SQL assignment that stores the value, for SQL writes.
	Assign *sqltext.Assignment
	// Whole reports a write of the whole object a parameter label names
	// (GORM Save of a parameter), limited to the columns in Only when
	// given (Select(…).Updates).
	Whole bool
	Only  []string
	// Given reports a value of a record written only if its column is
	// among those the strings of the function's parameter GivenParam
	// name (xorm's Cols(cols...) of a variadic parameter, or of a
	// []string one): the caller's. GivenParam is -1 when the columns are not known anywhere
	// (a caller's computed list): which of the fields go back is unknown.
	Given      bool
	GivenParam int
	// Numeric reports a number, which an atomic update can add to; Time
	// a time (time.Time, sql.NullTime), which with a constant is what a
	// method marks a row with when something happens (consumed =
	// time.Now(), status = 'used').
	Numeric bool
	Time    bool
	// Float reports a floating-point number written to a cache key, which
	// Redis adds to with INCRBYFLOAT, not INCRBY.
	Float bool
	// Fresh reports a field of a record assigned since the record was
	// loaded, on some path at least: a new value, whatever its labels.
	Fresh bool
	// Const reports a constant (SET status = 'used', Update("status",
	// "used"), a field set to a constant); Value is which, when known
	// (constValue), so that two writes of a flag can be told apart.
	Const bool
	Value string
	// Row is the row the value is written to, when the write is of one
	// record (GORM Model(&r).Updates, Save(&r)): a value read from
	// another row of the table is not a lost update of this one.
	Row RowOf
}

// RowOf says which row a record is: the loads that filled it, the
// parameters of the analysed function it came from, or (Elsewhere) a
// record a callee loaded itself. A zero RowOf is a row not known.
type RowOf struct {
	Loads     []*Load
	Params    []int
	Elsewhere bool
	// Keys are the values a callee found the record it loaded itself by,
	// by key column.
	Keys map[string]ssa.Value
}

// Known reports whether anything is known of the row.
func (r RowOf) Known() bool { return len(r.Loads) > 0 || len(r.Params) > 0 || r.Elsewhere }

// Holds reports whether a value with label l was read from the row: it
// comes from a load that filled the record, or from one that found its
// row by the same key value (First(&p, id), then First(&locked, id)), or
// by the id of the parameter the record is (First(&old, e.ID), then e
// written), or from that parameter. Anything holds in a row not known.
func (r RowOf) Holds(l *Label) bool {
	if !r.Known() {
		return true
	}
	if l.Load == nil {
		return slices.Contains(r.Params, l.Param)
	}
	return slices.ContainsFunc(r.Loads, func(x *Load) bool { return x == l.Load || sameKey(x.KeyArgs, l.Load.KeyArgs) }) ||
		sameKey(r.Keys, l.Load.KeyArgs) || l.Load.ByParamID > 0 && slices.Contains(r.Params, l.Load.ByParamID-1)
}

// sameKey reports whether two loads found their rows by one key column
// compared with one value (their KeyArgs).
func sameKey(a, b map[string]ssa.Value) bool {
	for c, v := range a {
		if w, ok := b[c]; ok && v == w {
			return true
		}
	}
	return false
}

// Write is a statement that writes values derived from loads back.
type Write struct {
	Pos    token.Pos
	Call   *ssa.Call
	Kind   WriteKind
	Lib    apis.Lib
	Shape  apis.Shape // of a WriteAPI's call, with its Form: GORM's Save is apis.GormChain and apis.Model
	Form   apis.Form
	Handle Handle
	InTx   bool
	// Serializable reports that the write's transaction is SERIALIZABLE.
	Serializable bool
	Values       []Written
	// Held are the locks held when the write ran.
	Held []*LockEvent
	// Mutex, MutexType and Guard are as for Load.
	Mutex     bool
	MutexType string
	Guard     string
	// Table identifies what is written, in the form of Load.Table.
	Table string
	// Stmt is the SQL statement, for SQL writes, and SQL its text.
	Stmt *sqltext.Statement
	SQL  string
	// SQLArg is the index of the SQL text argument (receiver excluded).
	SQLArg int
	// Via is the function that writes, for WriteCallee; Site is where.
	Via  *types.Func
	Site string
	// LockedFirst reports that the callee locked the handle before it
	// wrote; LockedSerial that the lock was an advisory or distributed
	// one.
	LockedFirst  bool
	LockedSerial bool
	// Sets are the columns the write sets from values, whatever they
	// derive from; Atomic those it sets from their own old value (n = n +
	// $1, gorm.Expr); Checks those its WHERE compares.
	Sets   []string
	Atomic []string
	Checks []string
	// Deltas are what the write's atomic assignments add to their
	// column's own value (the $1 of SET balance = balance + $1), with the
	// labels of what each was computed from: not a value the column
	// holds, but a change that is right only if what it was computed
	// from still holds (judge's movedByStale).
	Deltas []Written
	// Moves are the columns of Checks that the statement also sets (SET
	// id = $2 … WHERE id = $1), for a callee's write those of its
	// statement (summary.Write.Moves).
	Moves []string
	// Recounts are the columns (of Sets or Atomic) set to what the
	// database counts from other rows (SET photo_count = (SELECT COUNT(*)
	// …)), not from their own old value.
	Recounts []string
	// Normalizes are the columns of Atomic that the write only tidies
	// (SET name = UPPER(name), sqltext.Assignment.Normalizes): no one's
	// change, so not one that a stale write undoes.
	Normalizes []string
	// Tested are the columns its WHERE tests in any way (status =
	// 'active', consumed IS NULL): a check in Go that it repeats.
	Tested []string
	// Overwrites are the columns an upsert's conflict action sets to the
	// values it proposes (ON CONFLICT DO UPDATE SET n = EXCLUDED.n, ON
	// DUPLICATE KEY UPDATE), over what the row that is there holds; for
	// a callee, those of the upserts its summary reports.
	Overwrites []string
	// Row reports a write of a whole record: GORM Save or Updates of a
	// struct, a bun model, a repository method that saves its argument
	// whole, or an UPDATE of many columns of one record.
	Row bool
	// Guards are the conditions that decide whether the write runs.
	Guards []Guard
	// KeyArgs are the values its WHERE compares columns with: which row
	// it writes.
	KeyArgs map[string]ssa.Value
	// KeyRow is the record whose id its WHERE compares the row's id with
	// (UpdateOneID(it.ID) of an item of a list read), when known.
	KeyRow RowOf
	// Stored reports a write in a closure the function keeps for later
	// (stored in a field, a map or a variable it returns, or returned):
	// it runs in a later call, not in this one, so a summary does not
	// count it among the function's effects.
	Stored bool
	seq    int
}

// Guard is a condition on which a write depends: the write runs only on
// one side of it (if cur.Version != v { return ErrConflict }; write).
type Guard struct {
	Pos    token.Pos
	Labels []*Label
	// Holds is the constant the checked value equals where the write
	// runs, when the check pins it to one (status == "pending" under
	// `if inv.Status != "pending" { return }`; "true" under
	// `if !s.Disabled { return }`), as constValue renders it.
	Holds string
	// Differs reports that the write runs where two values that are not
	// constants differ, neither being the other as read (`if cur.Theme
	// == req.Theme { return }`): a check that skips a write that would
	// change nothing.
	Differs bool
	// Const reports that the check compares the value with a constant
	// (`if row.StateVersion == 0`): a test of the row's state, not of a
	// version a request brought.
	Const bool
}

// Result is the analysis of one function (with the closures it contains).
type Result struct {
	Fn      *ssa.Function
	Loads   []*Load
	Writes  []*Write
	Summary *summary.Summary
	// Bounds say which bounds of the analysis the function hit, where it
	// may have missed something.
	Bounds []string
}

// Analysis analyses the functions of one package.
type Analysis struct {
	pkg     *ssa.Package
	fset    *token.FileSet
	facts   Facts
	results map[*ssa.Function]*Result
	active  map[*ssa.Function]bool
	ifaces  map[*types.Func]*summary.Summary
	// stmtFields are the SQL texts of the prepared statements kept in
	// struct fields of the package (built on first use); columns the
	// columns of the structs seen (see columnsOf).
	stmtFields map[*types.Var]string
	// sqlFields are the SQL texts kept in the package's unexported string
	// fields (see fieldSQL).
	sqlFields map[*types.Var]string
	// collFields are the MongoDB collections kept in the package's struct
	// fields, by name ("" when two stores disagree or one is not known).
	collFields map[*types.Var]string
	columns    map[*types.Struct]map[string]bool
	// module is the path of the module being worked on: its interfaces
	// whose implementations this package cannot see are repositories
	// whose methods stay symbolic (see symbolicSummary).
	module string
	// lockedAt says, of each call the analysis ran, whether an advisory
	// lock was held every time it ran it (see CallerLocks).
	lockedAt map[ssa.CallInstruction]bool
	seq      int
}

// New prepares the analysis of pkg, which must have been built with
// ssa.GlobalDebug so that values have source names.
func New(fset *token.FileSet, pkg *ssa.Package, facts Facts) *Analysis {
	return &Analysis{
		pkg:      pkg,
		fset:     fset,
		facts:    facts,
		results:  make(map[*ssa.Function]*Result),
		active:   make(map[*ssa.Function]bool),
		ifaces:   make(map[*types.Func]*summary.Summary),
		lockedAt: make(map[ssa.CallInstruction]bool),
	}
}

// SetModule names the module being worked on (pass.Module.Path): a call
// of one of its interfaces whose implementations the package cannot see
// (they live in a package that imports this one) loads and writes
// symbolically, in that interface's terms, for a package that sees both
// to resolve. Without it, such a call is one the analysis cannot see into.
func (a *Analysis) SetModule(path string) { a.module = path }

// Func analyses a source function (not a closure: closures are analysed
// with the function that contains them) and returns the result, computing
// it once.
func (a *Analysis) Func(fn *ssa.Function) *Result {
	if r, ok := a.results[fn]; ok {
		return r
	}
	if a.active[fn] { // recursion: callers see no summary
		return &Result{Fn: fn, Summary: &summary.Summary{}}
	}
	a.active[fn] = true
	r := newFuncCtx(a, fn).run()
	r.Summary.Cases = a.cases(fn, r.Summary)
	delete(a.active, fn)
	a.results[fn] = r
	return r
}

// maxCaseParams bounds the parameters a summary has cases for.
const maxCaseParams = 2

// cases returns the summaries of fn when one of its parameters that
// decides a branch is a constant, where they differ from its summary s: a
// caller of Update(hash bool) that passes false does not hash, and one of
// SetRespondedAt(t time.Time, preconf int64) that passes 0 does not set
// what `if preconf > 0` guards.
func (a *Analysis) cases(fn *ssa.Function, s *summary.Summary) []summary.Case {
	var out []summary.Case
	var probe *funcCtx // reads the summaries of the calls a record is handed to
	for i, p := range fn.Params {
		if i >= maxStoredParams {
			break
		}
		if recordParam(p) == nil {
			continue
		}
		field, path := keyTested(p)
		if field < 0 {
			// Handed on to a function that has a case for it
			// (RefreshStatus passing its status to
			// enrichStatusSafely).
			if probe == nil {
				probe = newFuncCtx(a, fn)
			}
			if path = probe.passesStored(p); path == "" {
				continue
			}
		}
		c := newFuncCtx(a, fn)
		c.storedKey = map[*ssa.Parameter]int{p: field}
		if cs := c.run().Summary; cs.String() != s.String() {
			out = append(out, summary.Case{Param: i, Stored: true, Path: path, Summary: cs})
		}
	}
	n := 0
	for i, p := range fn.Params {
		zero, ok := decidesBranch(p)
		if !ok {
			// Handed on to a function that has a case for it
			// (FindDefault(decode bool) calling find(ops, decode)).
			if b, isBasic := p.Type().Underlying().(*types.Basic); !isBasic || b.Info()&(types.IsBoolean|types.IsInteger|types.IsString) == 0 {
				continue // no case is for anything else
			}
			if probe == nil {
				probe = newFuncCtx(a, fn)
			}
			if zero, ok = probe.passesCase(p); !ok {
				continue
			}
		}
		if n++; n > maxCaseParams {
			break
		}
		run := func(v constant.Value) *summary.Summary {
			c := newFuncCtx(a, fn)
			c.consts = map[*ssa.Parameter]constant.Value{p: v}
			return c.run().Summary
		}
		if zero != nil {
			if cs := run(zero); cs.String() != s.String() {
				out = append(out, summary.Case{Param: i, Zero: true, Summary: cs})
			}
			continue
		}
		for _, v := range []bool{false, true} {
			if cs := run(constant.MakeBool(v)); cs.String() != s.String() {
				out = append(out, summary.Case{Param: i, Value: v, Summary: cs})
			}
		}
	}
	return out
}

// maxStoredParams bounds the parameters, counted from the first, that a
// summary has a stored-record case for.
const maxStoredParams = 6

// keyTested returns the index and path of the key field of a record
// parameter that a branch tests for its zero value (if status.ID == "" {
// a new status }), or -1: a caller that passes a record it read from the
// table takes the other way.
func keyTested(p *ssa.Parameter) (int, string) {
	st := recordParam(p)
	if st == nil {
		return -1, ""
	}
	for _, ref := range *p.Referrers() {
		fa, ok := ref.(*ssa.FieldAddr)
		if !ok || fa.X != p || !isKeyField(st, fa.Field) {
			continue
		}
		for _, r := range *fa.Referrers() {
			if u, ok := r.(*ssa.UnOp); ok && u.Op == token.MUL && zeroTestFeedsIf(u) {
				return fa.Field, "." + st.Field(fa.Field).Name()
			}
		}
	}
	return -1, ""
}

// recordParam returns the struct a pointer parameter points to, or nil: only
// a record can be one read from the table.
func recordParam(p *ssa.Parameter) *types.Struct {
	ptr, ok := p.Type().Underlying().(*types.Pointer)
	if !ok {
		return nil
	}
	st, _ := ptr.Elem().Underlying().(*types.Struct)
	return st
}

// isKeyField reports whether field i of a model's struct is its primary
// key: tagged so, or named ID.
func isKeyField(st *types.Struct, i int) bool {
	f := st.Field(i)
	return apis.ReadTag(f.Name(), st.Tag(i)).Key || f.Name() == "ID"
}

// zeroTestFeedsIf reports whether v is compared with a zero constant in a
// condition of an if, directly or negated.
func zeroTestFeedsIf(v ssa.Value) bool {
	for _, ref := range *v.Referrers() {
		b, ok := ref.(*ssa.BinOp)
		if !ok || b.Op != token.EQL && b.Op != token.NEQ || zeroConst(b.X) == nil && zeroConst(b.Y) == nil {
			continue
		}
		for _, rr := range *b.Referrers() {
			switch r := rr.(type) {
			case *ssa.If:
				return true
			case *ssa.UnOp:
				if r.Op == token.NOT {
					for _, r2 := range *r.Referrers() {
						if _, ok := r2.(*ssa.If); ok {
							return true
						}
					}
				}
			}
		}
	}
	return false
}

// zeroConst returns v when it is the zero constant of a string or a number.
func zeroConst(v ssa.Value) *ssa.Const {
	k, ok := v.(*ssa.Const)
	if !ok || k.Value == nil {
		return nil
	}
	switch k.Value.Kind() {
	case constant.String:
		if constant.StringVal(k.Value) == "" {
			return k
		}
	case constant.Int:
		if constant.Sign(k.Value) == 0 {
			return k
		}
	}
	return nil
}

// decidesBranch reports whether a parameter decides an if: a bool that is
// its condition, or its negation; or a number or string compared with a
// constant in one (if preconf > 0), for which zero is its zero value.
func decidesBranch(p *ssa.Parameter) (zero constant.Value, ok bool) {
	b, isBasic := p.Type().Underlying().(*types.Basic)
	if !isBasic {
		return nil, false
	}
	feedsIf := func(v ssa.Value) bool {
		for _, rr := range *v.Referrers() {
			if _, ok := rr.(*ssa.If); ok {
				return true
			}
		}
		return false
	}
	switch {
	case b.Kind() == types.Bool:
		for _, ref := range *p.Referrers() {
			switch r := ref.(type) {
			case *ssa.If:
				return nil, true
			case *ssa.UnOp:
				if feedsIf(r) {
					return nil, true
				}
			}
		}
	case b.Info()&(types.IsInteger|types.IsString) != 0:
		zero = constant.MakeInt64(0)
		if b.Info()&types.IsString != 0 {
			zero = constant.MakeString("")
		}
		for _, ref := range *p.Referrers() {
			if r, ok := ref.(*ssa.BinOp); ok && feedsIf(r) {
				if _, k := r.X.(*ssa.Const); k {
					return zero, true
				}
				if _, k := r.Y.(*ssa.Const); k {
					return zero, true
				}
			}
		}
	}
	return nil, false
}

func (a *Analysis) next() int {
	a.seq++
	return a.seq
}

// ReadPos is where the load copies values into Go: its Scan, else the call
// that loads.
func (l *Load) ReadPos() token.Pos {
	if l.ScanPos.IsValid() {
		return l.ScanPos
	}
	return l.Pos
}

// MaxTargeted is the most columns a write sets and still counts as a
// targeted write (a status change, a counter, a webhook's one column)
// rather than a write of a whole record.
const MaxTargeted = 3

// MovedKeys returns the columns the write finds its row by and sets anew:
// its own statement's (Checks that are also Sets), or those a callee's
// statement moves (Moves). A whole record written ($set of a struct,
// Save) puts its key back as it was: it moves nothing.
func (w *Write) MovedKeys() []string {
	out := slices.Clone(w.Moves)
	if w.Row {
		return out
	}
	for _, c := range w.Checks {
		if slices.Contains(w.Sets, c) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}
