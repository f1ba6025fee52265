package flow

import (
	"go/constant"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
)

// bunShape reads bun's query chains: NewSelect and NewUpdate with Model,
// For, Where, Set and Column, run by Scan and Exec.
type bunShape struct{ baseShape }

// load applies (*SelectQuery).Scan: the destinations given, or the
// chain's model, with the lock of For("UPDATE").
func (bunShape) load(c *funcCtx, st *state, e *env, x apiCall) {
	ch := c.bunChain(e, x.recv, x.spec.Lib, false)
	q := newQuery(ch.handle, ch.lib, x.call.Pos())
	q.lock, q.lockPos, q.keys = ch.lock, ch.lockPos, slices.Clone(ch.where)
	dests, _ := c.varargs(e, x.arg(x.spec.Dest))
	if len(dests) == 0 && ch.model != nil {
		dests = []ssa.Value{ch.model}
	}
	if len(dests) > 0 && dests[0] != nil {
		q.table = c.a.modelTable(peel(dests[0]).Type(), ch.lib)
	}
	c.loadInto(st, e, x.call, q, dests, nil)
	c.rowLock(st, x.call, q)
}

// write applies (*UpdateQuery).Exec.
func (bunShape) write(c *funcCtx, st *state, e *env, x apiCall) { c.bunWrite(st, e, x) }

// bunChain walks a bun query chain (db.NewUpdate().Model(&p).Set(…)…)
// back to the handle it was started on, collecting the model, the locking
// clause of For(…), the conditions, the Set expressions and the columns.
func (c *funcCtx) bunChain(e *env, v ssa.Value, lib apis.Lib, write bool) chain {
	ch := chain{lib: lib}
	v = c.walkChain(e, v, lib, write, func(name string, call *ssa.Call, _ apis.Spec, args []ssa.Value) {
		text := func() (string, bool) {
			if len(args) == 0 {
				return "", false
			}
			return c.sqlText(e, args[0])
		}
		switch name {
		case "Model":
			if len(args) > 0 && ch.model == nil {
				ch.model = args[0]
			}
		case "For":
			if t, ok := text(); ok {
				ch.forLock(t, call.Pos())
			}
		case "Where", "WhereOr":
			if cond, ok := text(); ok {
				if len(args) > 1 {
					vals, _ := c.varargs(e, args[1])
					cond = bunIdents(e, cond, vals)
				}
				eq, tested := whereColumns(cond)
				ch.where, ch.tested = append(ch.where, eq...), append(ch.tested, tested...)
			}
		case "Set":
			if t, ok := text(); ok && len(args) > 1 {
				vals, _ := c.varargs(e, args[1])
				ch.sets = append(ch.sets, setExpr{text: t, args: vals})
			} else if ok {
				ch.sets = append(ch.sets, setExpr{text: t})
			}
		case "Column":
			if len(args) > 0 {
				vals, _ := c.varargs(e, args[0])
				for _, a := range vals {
					if col, ok := c.sqlText(e, a); ok && a != nil {
						ch.columns = append(ch.columns, col)
					}
				}
			}
		}
	})
	ch.handle = c.handleOf(e, v)
	return ch
}

// bunIdents returns a bun condition with the placeholders whose
// arguments are identifiers (Where("? = ?", bun.Ident("account.uri"),
// uri)) replaced by the identifiers, so that its columns can be read.
// Named placeholders (?TableAlias) and quoted text are left as they are.
func bunIdents(e *env, cond string, vals []ssa.Value) string {
	var b strings.Builder
	n, quote := 0, byte(0)
	for i := 0; i < len(cond); i++ {
		ch := cond[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == '?' && (i+1 == len(cond) || !isIdentByte(cond[i+1])):
			if n < len(vals) {
				if id, ok := bunIdent(e, vals[n]); ok {
					b.WriteString(id)
					n++
					continue
				}
			}
			n++
		}
		b.WriteByte(ch)
	}
	return b.String()
}

// bunIdent returns the text of a bun.Ident constant argument.
func bunIdent(e *env, v ssa.Value) (string, bool) {
	k, ok := peel(e.resolve(v)).(*ssa.Const)
	if !ok || k.Value == nil || k.Value.Kind() != constant.String {
		return "", false
	}
	if !apis.IsBunIdent(k.Type()) {
		return "", false
	}
	return constant.StringVal(k.Value), true
}

// isIdentByte reports whether b can continue an identifier.
func isIdentByte(b byte) bool {
	return b == '_' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}

// bunWrite records what a bun update writes: its Set expressions (those
// that compute the new value from the old one are atomic), and the
// model's fields, limited to Column(…) when given; with a Set and no
// Column, bun writes the Set alone.
func (c *funcCtx) bunWrite(st *state, e *env, x apiCall) {
	call := x.call
	ch := c.bunChain(e, x.recv, x.spec.Lib, true)
	inTx := c.inTx(st, ch.handle)
	defer c.writeLock(st, call, ch.handle, inTx)
	vals, sets, atomic, deltas := c.setWrites(st, e, ch.sets)
	row := false
	if ch.model != nil && (len(ch.sets) == 0 || len(ch.columns) > 0) {
		mv, ma := c.objectWrites(st, e, ch.model, "", ch.columns)
		vals, atomic = append(vals, mv...), union(atomic, ma)
		for _, v := range mv {
			if v.Column != "" {
				sets = append(sets, v.Column)
			}
		}
		row = len(ch.columns) == 0
	}
	w := c.apiWrite(st, x, x.spec.Form, ch.handle, inTx, vals)
	if ch.model != nil {
		w.Table = c.a.modelTable(peel(ch.model).Type(), ch.lib)
	}
	w.Sets, w.Atomic = union(w.Sets, sets), union(w.Atomic, atomic)
	c.addDeltas(w, call, deltas)
	recounts, normalizes := setMarks(ch.sets, w.Table)
	w.Recounts, w.Normalizes = union(w.Recounts, recounts), union(w.Normalizes, normalizes)
	w.Checks = union(w.Checks, ch.where)
	w.Tested = union(w.Tested, ch.tested)
	w.Row = w.Row || row || len(w.Sets) > MaxTargeted
}
