package flow

import (
	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// cacheRead returns the query of a cache read (go-redis Get): the key
// stands for the table. A read through the transaction of a Watch callback
// is watched: the EXEC of a write in the same transaction fails if the key
// changed, as a row lock would make it wait.
func (c *funcCtx) cacheRead(st *state, e *env, call *ssa.Call, lib apis.Lib, recv, key ssa.Value) *query {
	h := Handle{Param: -1}
	if recv != nil {
		h = c.handleOf(e, recv)
	}
	q := newQuery(h, lib, call.Pos())
	q.table = c.cacheKey(e, key)
	if h.Kind == summary.Tx || st.inManualTx(h) {
		// go-redis's Watch callback, redigo's WATCH on the connection.
		q.lock = summary.Row
		c.lock(st, call, 0, h, LockRow, true, call.Pos())
	}
	return q
}

// keyValueShape reads caches: a key read or written whole (go-redis,
// gomemcache, and redigo's commands, which the engine applies by their
// rows).
type keyValueShape struct{ baseShape }

// run applies a read whose reply a Collect or Scan of the command loads
// (go-redis Get, HGet).
func (keyValueShape) run(c *funcCtx, st *state, e *env, x apiCall) {
	c.queries[x.call] = c.cacheRead(st, e, x.call, x.spec.Lib, x.recv, x.arg(x.spec.Column))
}

// load applies a read that returns the value (gomemcache Get, the item
// it returns; redigo's GET, the reply).
func (keyValueShape) load(c *funcCtx, st *state, e *env, x apiCall) {
	c.loadResult(st, x.call, c.cacheRead(st, e, x.call, x.spec.Lib, x.recv, x.arg(x.spec.Column)))
}

// write applies a write of the value at Value to the key at Column (or
// the values the Spec's Packed and Stride say: go-redis's HSet(ctx, key,
// field, value, …), redigo's HSET key field value …).
func (keyValueShape) write(c *funcCtx, st *state, e *env, x apiCall) {
	spec := x.spec
	if x.recv == nil {
		return
	}
	values := []ssa.Value{x.arg(spec.Value)}
	switch {
	case spec.Packed:
		values, _ = c.varargs(e, values[0])
	case spec.Stride > 0:
		for i := spec.Value + spec.Stride; i < len(x.args); i += spec.Stride {
			values = append(values, x.arg(i))
		}
	}
	c.cacheWriteValues(st, e, x, x.arg(spec.Column), values)
}

// cacheWriteValues records a write of values to a cache key.
func (c *funcCtx) cacheWriteValues(st *state, e *env, x apiCall, key ssa.Value, values []ssa.Value) {
	call := x.call
	var ls labels
	numeric, float := false, false
	for _, v := range values {
		if v == nil {
			continue
		}
		if vl := c.valueLabels(st, e, v); len(vl) > 0 {
			ls = ls.union(vl)
			numeric = numeric || isNumeric(peel(v).Type())
			float = float || isFloat(peel(v).Type())
		}
	}
	table := c.cacheKey(e, key)
	if len(ls) == 0 && (table == CacheTable || len(c.guardsOf(c.cur, call)) == 0) {
		return // a new value, decided by nothing read: nothing to judge
	}
	h := c.handleOf(e, x.recv)
	konst := len(values) == 1 && values[0] != nil && isConst(peel(values[0]))
	w := c.apiWrite(st, x, x.spec.Form, h, c.inTx(st, h), []Written{{Labels: ls, Arg: -1, Numeric: numeric, Float: float, Const: konst && len(ls) == 0}})
	w.Table = table
}

// cacheKey returns the table a cache key stands for: CacheTable and the
// key's text, spliced parts as placeholders, so that the key "views:"+name
// read and written match; CacheTable alone (any key, but no table of a
// database) when the text is unknown (a gomemcache Item's Key).
func (c *funcCtx) cacheKey(e *env, key ssa.Value) string {
	if key == nil {
		return CacheTable
	}
	if text, ok := c.sqlText(e, key); ok {
		return CacheTable + text
	}
	return CacheTable
}

// CacheTable begins the table key of a cache key: a cache is another
// store than the database a value may have been read from, whatever its
// key.
const CacheTable = "cache:"
