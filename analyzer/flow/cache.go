package flow

import (
	"go/types"
	"slices"
	"strings"

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
	c.cacheWriteValues(st, e, call, spec.Lib, recv, key, values)
}

// cacheWriteValues records a write of values to a cache key.
func (c *funcCtx) cacheWriteValues(st *state, e *env, call *ssa.Call, lib apis.Lib, recv, key ssa.Value, values []ssa.Value) {
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
	table := c.cacheKey(e, key)
	if len(ls) == 0 && (table == "" || len(c.guardsOf(c.cur, call)) == 0) {
		return // a new value, decided by nothing read: nothing to judge
	}
	h := c.handleOf(e, recv)
	konst := len(values) == 1 && values[0] != nil && isConst(peel(values[0]))
	w := c.write(st, call, 0, WriteCache, h, c.inTx(st, h), []Written{{Labels: ls, Arg: -1, Numeric: numeric, Const: konst && len(ls) == 0}})
	w.Lib, w.Table = lib, table
}

// cacheCommand runs a redigo command, Do or Send on a connection, by its
// name: GET and HGET read the key (the reply is the value), SET, SETEX,
// GETSET, HSET and HMSET write it, WATCH makes the connection watch what
// it reads until EXEC, DISCARD or UNWATCH (a read there fails the EXEC if
// the key changed, as a row lock would make it wait). Atomic commands
// (INCRBY, HINCRBY, a script) read nothing back into Go.
func (c *funcCtx) cacheCommand(st *state, e *env, call *ssa.Call, spec apis.Spec, recv ssa.Value, args []ssa.Value) {
	if recv == nil || spec.SQL < 0 || spec.SQL >= len(args) || spec.Value >= len(args) {
		return
	}
	name, ok := c.sqlText(e, peel(args[spec.SQL]))
	if !ok {
		return
	}
	rest, _ := c.varargs(e, args[spec.Value])
	at := func(i int) ssa.Value {
		if i < len(rest) && rest[i] != nil {
			return peel(rest[i])
		}
		return nil
	}
	h := c.handleOf(e, recv)
	switch strings.ToUpper(name) {
	case "GET", "GETEX", "HGET", "HGETALL", "HMGET":
		c.loadResult(st, call, c.cacheRead(st, e, call, spec.Lib, recv, at(0)))
	case "SET", "SETNX", "GETSET":
		c.cacheWriteValues(st, e, call, spec.Lib, recv, at(0), []ssa.Value{at(1)})
	case "SETEX", "PSETEX":
		c.cacheWriteValues(st, e, call, spec.Lib, recv, at(0), []ssa.Value{at(2)})
	case "HSET", "HMSET":
		var values []ssa.Value
		for i := 2; i < len(rest); i += 2 {
			values = append(values, at(i))
		}
		c.cacheWriteValues(st, e, call, spec.Lib, recv, at(0), values)
	case "WATCH":
		if k := keyOf(h); !slices.Contains(st.manual, k) {
			st.manual = append(st.manual, k)
		}
	case "EXEC", "DISCARD", "UNWATCH":
		st.release(h)
	}
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
