package flow

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// apiCall is a call of a library API: the row that says what it does,
// its receiver (nil for a function) and its other arguments.
type apiCall struct {
	call *ssa.Call
	spec apis.Spec
	recv ssa.Value
	args []ssa.Value
}

// arg returns argument i, or nil where the call has none (i < 0 for an
// API without such an argument).
func (x apiCall) arg(i int) ssa.Value {
	if i >= 0 && i < len(x.args) {
		return x.args[i]
	}
	return nil
}

// An adapter reads the calls of one apis.Shape: what a row of the table
// cannot say of a library, the builder chain that holds a call's query,
// the model or document it writes. The engine applies what a call does
// (api); the adapter of its shape says on what.
type adapter interface {
	// handle returns the handle a call runs on: its receiver's, or the
	// handle the chain it finishes started on.
	handle(c *funcCtx, e *env, x apiCall) Handle
	// run applies a Query or Exec: the statement it runs, and the query
	// whose rows (or reply, or result) a Scan or Collect of its result
	// reads.
	run(c *funcCtx, st *state, e *env, x apiCall)
	// load applies a Load: what it reads into its destinations or result.
	load(c *funcCtx, st *state, e *env, x apiCall)
	// write applies a Write: what it writes, in the form of its row.
	write(c *funcCtx, st *state, e *env, x apiCall)
}

// adapters are the adapters by shape.
var adapters = map[apis.Shape]adapter{
	apis.SQLText:       sqlShape{},
	apis.GormChain:     gormShape{},
	apis.BunChain:      bunShape{},
	apis.XormSession:   xormShape{},
	apis.EntBuilder:    entShape{},
	apis.BoilGenerated: boilShape{},
	apis.BoilRaw:       boilRawShape{},
	apis.Document:      docShape{},
	apis.KeyValue:      keyValueShape{},
}

// adapterOf returns the adapter of a shape.
func adapterOf(s apis.Shape) adapter {
	if a, ok := adapters[s]; ok {
		return a
	}
	return baseShape{}
}

// apiWrite records the write of a library call that writes in form (its
// row's Form, or the form its arguments turn out to have).
func (c *funcCtx) apiWrite(st *state, x apiCall, form apis.Form, h Handle, inTx bool, vals []Written) *Write {
	w := c.write(st, x.call, 0, WriteAPI, h, inTx, vals)
	w.Lib, w.Shape, w.Form = x.spec.Lib, x.spec.Shape, form
	return w
}

// rowLock records the row lock a load at call takes where its query asks
// for one (ForUpdate, For("UPDATE"), clause.Locking).
func (c *funcCtx) rowLock(st *state, call *ssa.Call, q *query) {
	if q.lock == summary.Row {
		c.lock(st, call, 2, q.handle, LockRow, c.inTx(st, q.handle), q.lockPos)
	}
}

// writeLock records, for a write at call on h in a transaction, the lock
// it takes of the rows it writes. A write's adapter defers it until the
// write is recorded: the write does not run under its own lock.
func (c *funcCtx) writeLock(st *state, call *ssa.Call, h Handle, inTx bool) {
	if inTx {
		c.lock(st, call, 1, h, LockWrite, inTx, token.NoPos)
	}
}

// baseShape is what a shape does where it says nothing else: its calls
// run on their receiver, and it has no statement, load or write of its
// own.
type baseShape struct{}

func (baseShape) handle(c *funcCtx, e *env, x apiCall) Handle {
	if x.recv != nil {
		return c.handleOf(e, x.recv)
	}
	return Handle{Param: -1}
}

func (baseShape) run(*funcCtx, *state, *env, apiCall)   {}
func (baseShape) load(*funcCtx, *state, *env, apiCall)  {}
func (baseShape) write(*funcCtx, *state, *env, apiCall) {}

// sqlShape reads SQL text: the statement an argument gives (or a
// prepared statement holds), which the engine reads itself.
type sqlShape struct{ baseShape }

// run applies Query and Exec: the statement, and, for a wrapper that
// passes its caller's SQL text on, the forward its summary reports. The
// :name placeholders of sqlx's NamedExec (Form Fields) bind the fields or
// entries of the value at Value.
func (sqlShape) run(c *funcCtx, st *state, e *env, x apiCall) {
	q := c.sqlQuery(e, x.call, x.spec)
	if x.spec.Op == apis.Query {
		c.queries[x.call] = q
	}
	if x.spec.Form == apis.Fields {
		q.namedFrom = x.arg(x.spec.Value)
	} else if q.sqlParam >= 0 {
		c.forward(summary.Forward{Query: x.spec.Op == apis.Query, SQL: q.sqlParam, Args: q.argsParam, Handle: q.handle.Ref(c.inTx(st, q.handle))})
	}
	c.statement(st, e, x.call, q)
}

// load applies sqlx's Get and Select: the query and the scan in one
// call.
func (sqlShape) load(c *funcCtx, st *state, e *env, x apiCall) {
	q := c.sqlQuery(e, x.call, x.spec)
	c.statement(st, e, x.call, q)
	d := x.arg(x.spec.Dest)
	if d == nil {
		return
	}
	var cols []string
	if n, _ := model(peel(d).Type()); n == nil && !isRecord(derefType(peel(d).Type())) {
		// Get(&n, "SELECT n …"): one column; Select(&ns, …): one
		// column of many rows. Records take theirs from fields.
		cols = q.stmt.Columns
		if _, isSlice := derefType(peel(d).Type()).Underlying().(*types.Slice); isSlice && len(cols) > 1 {
			cols = nil
		}
	}
	c.loadInto(st, e, x.call, q, []ssa.Value{d}, cols)
}
