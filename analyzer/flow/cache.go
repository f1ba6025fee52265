package flow

import (
	"go/types"

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
	if h.Kind == summary.Tx {
		q.lock = summary.Row
		c.lock(st, call, 0, h, LockRow, true, call.Pos())
	}
	return q
}

// cacheWrite records a cache write (go-redis Set, HSet) of values derived
// from a load.
func (c *funcCtx) cacheWrite(st *state, e *env, call *ssa.Call, spec apis.Spec, recv, key, value ssa.Value) {
	if recv == nil || value == nil {
		return
	}
	values := []ssa.Value{value}
	if _, ok := value.Type().Underlying().(*types.Slice); ok {
		values, _ = c.varargs(e, value) // HSet(ctx, key, field, value, …)
	}
	var ls labels
	numeric := false
	for _, v := range values {
		if v == nil {
			continue
		}
		if vl := c.valueLabels(st, e, v); len(vl) > 0 {
			ls = ls.union(vl)
			numeric = numeric || isNumeric(peel(v).Type())
		}
	}
	if len(ls) == 0 {
		return
	}
	h := c.handleOf(e, recv)
	w := c.write(st, call, 0, WriteCache, h, c.inTx(st, h), []Written{{Labels: ls, Arg: -1, Numeric: numeric}})
	w.Lib, w.Table = spec.Lib, c.cacheKey(e, key)
}

// cacheKey returns the table a cache key stands for: "cache:" and the
// key's text, spliced parts as placeholders, so that the key "views:"+name
// read and written match; "" (any table) when the text is unknown (a
// gomemcache Item's Key).
func (c *funcCtx) cacheKey(e *env, key ssa.Value) string {
	if key == nil {
		return ""
	}
	if text, ok := c.sqlText(e, key); ok {
		return "cache:" + text
	}
	return ""
}
