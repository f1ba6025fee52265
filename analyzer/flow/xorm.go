package flow

import (
	"cmp"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/sqltext"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// xormShape reads xorm's sessions: the builder calls of an engine or a
// session (ID, Where, Cols, Omit, Incr, Decr, SetExpr, ForUpdate, SQL),
// run by Get, Find and Update.
type xormShape struct{ baseShape }

func (xormShape) load(c *funcCtx, st *state, e *env, x apiCall) {
	c.xormLoad(st, e, x, x.arg(x.spec.Dest))
}

func (xormShape) write(c *funcCtx, st *state, e *env, x apiCall) {
	c.xormWrite(st, e, x, x.arg(x.spec.Value))
}

// xormChain walks an xorm session chain (engine.ID(id).Cols("stock"),
// sess.ForUpdate().Where("id = ?", id)) back to the engine or session it
// was started on, collecting the row lock of ForUpdate, the conditions,
// the columns of Cols and Omit, the assignments of Incr, Decr and
// SetExpr, the table and the SQL of SQL(…).
func (c *funcCtx) xormChain(e *env, v ssa.Value, lib apis.Lib, write bool) chain {
	ch := chain{lib: lib}
	v = c.walkChain(e, v, lib, write, func(name string, call *ssa.Call, spec apis.Spec, args []ssa.Value) {
		text := func(i int) (string, bool) {
			if i >= len(args) || args[i] == nil {
				return "", false
			}
			return c.sqlText(e, args[i])
		}
		switch name {
		case "ForUpdate":
			ch.raiseLock(summary.Row, call.Pos())
		case "ID":
			if len(args) > 0 && args[0] != nil {
				if ch.keyArgs == nil {
					ch.keyArgs = make(map[string]ssa.Value)
				}
				ch.keyArgs["id"] = keyValue(e, args[0])
			}
		case "Where", "And", "Or":
			if cond, ok := text(0); ok {
				eq, tested := whereColumns(cond)
				ch.where, ch.tested = append(ch.where, eq...), append(ch.tested, tested...)
			}
		case "Cols", "MustCols":
			cols := c.xormColumns(e, args)
			ch.columns = append(ch.columns, cols...)
			if len(cols) == 0 && len(args) > 0 {
				ch.colsParam, ch.colsGiven = c.columnsParam(e, args[0])
			}
		case "OrderBy":
			if t, ok := text(0); ok {
				ch.orderBy(t)
			}
		case "Desc", "Asc":
			if cols := c.xormColumns(e, args); len(cols) > 0 {
				ch.orderBy(cols[0])
			}
		case "Omit":
			ch.omit = append(ch.omit, c.xormColumns(e, args)...)
		case "AllCols":
			ch.allCols = true
		case "NoVersionCheck":
			ch.noVersion = true
		case "Incr", "Decr":
			col, ok := text(0)
			if !ok {
				break
			}
			op := map[string]string{"Incr": "+", "Decr": "-"}[name]
			var delta []ssa.Value
			if len(args) > 1 {
				delta, _ = c.varargs(e, args[1])
			}
			if len(delta) == 0 {
				ch.sets = append(ch.sets, setExpr{text: col + " = " + col + " " + op + " 1"})
			} else {
				ch.sets = append(ch.sets, setExpr{text: col + " = " + col + " " + op + " ?", args: delta[:1]})
			}
		case "SetExpr":
			col, ok := text(0)
			if !ok || len(args) < 2 || args[1] == nil {
				break
			}
			// A string is SQL ("stock - 1"); any other value is bound to
			// a placeholder.
			expr := peel(args[1])
			if isString(expr.Type()) {
				if t, inline, ok := c.sqlTextValues(e, expr); ok {
					named := make(map[string]ssa.Value, len(inline))
					for i, x := range inline {
						named[dynamicName(i)] = x
					}
					ch.sets = append(ch.sets, setExpr{text: col + " = " + t, named: named})
					break
				}
			}
			ch.sets = append(ch.sets, setExpr{text: col + " = ?", args: []ssa.Value{expr}})
		case "Table":
			if len(args) == 0 || args[0] == nil || ch.table != "" {
				break
			}
			if t, ok := text(0); ok {
				ch.table = sqlTable(sqltext.Parse("SELECT 1 FROM " + t).Table)
			} else if x := peel(args[0]); !isString(x.Type()) {
				ch.table = c.a.modelTable(x.Type(), ch.lib) // Table(new(Account))
			}
		case "SQL":
			if ch.raw == nil {
				ch.raw = c.sqlQuery(e, call, spec)
			}
		}
	})
	ch.setHandle(c.handleOf(e, v))
	return ch
}

// xormColumns returns the columns named by the arguments of Cols or Omit:
// each a name, or several separated by commas, quoted or not.
func (c *funcCtx) xormColumns(e *env, args []ssa.Value) []string {
	if len(args) == 0 || args[0] == nil {
		return nil
	}
	vals, _ := c.varargs(e, args[0])
	var cols []string
	for _, a := range vals {
		if a == nil {
			continue
		}
		t, ok := c.sqlText(e, a)
		if !ok {
			continue
		}
		for _, col := range strings.Split(t, ",") {
			if col = strings.Trim(strings.TrimSpace(col), "`\"'"); col != "" {
				cols = append(cols, col)
			}
		}
	}
	return cols
}

// xormLoad records what Get or Find loads: the model, models or values
// given, from the query the session chain builds (or the SQL of SQL(…)).
// Values that are not a model take their columns, by position, from Cols
// or the SQL's select list.
func (c *funcCtx) xormLoad(st *state, e *env, x apiCall, dest ssa.Value) {
	call := x.call
	ch := c.xormChain(e, x.recv, x.spec.Lib, false)
	q := newQuery(ch.handle, ch.lib, call.Pos())
	q.lock, q.lockPos, q.table, q.keys, q.keyArgs = ch.lock, ch.lockPos, ch.table, slices.Clone(ch.where), ch.keyArgs
	if calleeObj(call.Common()).Name() == "Get" {
		q.ranked = ch.ranked // Get keeps the first row
	}
	cols := ch.columns
	if ch.raw != nil {
		q.known, q.stmt = ch.raw.known, ch.raw.stmt
		q.table = cmp.Or(q.table, ch.raw.table)
		q.keys = union(q.keys, ch.raw.keys)
		if q.keyArgs == nil {
			q.keyArgs = ch.raw.keyArgs
		}
		if q.known {
			cols = q.stmt.Columns
		}
	}
	var dests []ssa.Value
	if dest != nil {
		dests = []ssa.Value{dest}
		if _, ok := dest.Type().Underlying().(*types.Slice); ok {
			dests, _ = c.varargs(e, dest) // Get(&a, &b), Get(&m)
		}
	}
	if len(dests) > 0 && dests[0] != nil {
		if n, _ := model(peel(dests[0]).Type()); n != nil {
			cols = nil // a model's columns are its fields'
			if q.table == "" {
				q.table = c.a.modelTable(peel(dests[0]).Type(), ch.lib)
			}
		}
	}
	c.loadInto(st, e, call, q, dests, cols)
	c.rowLock(st, call, q)
}

// xormWrite records what Update writes: the assignments of Incr, Decr
// and SetExpr (those that compute the new value from the old one are
// atomic), then the bean: a map's entries, or a model's fields (those of
// Cols, or all but those Omit leaves out). A model whose type has a
// version field (xorm:"version") is written only where the version is
// the one read, unless NoVersionCheck says otherwise.
func (c *funcCtx) xormWrite(st *state, e *env, x apiCall, bean ssa.Value) {
	call := x.call
	ch := c.xormChain(e, x.recv, x.spec.Lib, true)
	inTx := c.inTx(st, ch.handle)
	defer c.writeLock(st, call, ch.handle, inTx)
	vals, sets, atomic, deltas := c.setWrites(st, e, ch.sets)
	byExpr := union(sets, atomic) // the bean's fields for these are not written
	row, version := false, ""
	var table string
	if bean != nil {
		only := ch.columns
		if ch.allCols {
			only = nil
		}
		mv, ma := c.objectWrites(st, e, bean, "", only)
		if ch.colsGiven && len(ch.columns) == 0 {
			for i := range mv {
				mv[i].Given, mv[i].GivenParam = true, ch.colsParam
			}
		}
		numeric := mapNumbers(e, bean)
		n := len(vals)
		for _, v := range mv {
			if v.Column != "" && (slices.Contains(byExpr, v.Column) || slices.Contains(ch.omit, v.Column)) {
				continue
			}
			v.Numeric = v.Numeric || numeric[v.Column]
			vals = append(vals, v)
			if v.Column != "" {
				sets = append(sets, v.Column)
			}
		}
		atomic = append(atomic, ma...)
		if t := peel(e.resolve(bean)).Type(); !isMapType(t) {
			// A struct is written whole (its non-zero fields), unless
			// Cols names the columns; an empty one (new(Account) beside
			// Incr) writes nothing of its own.
			row = (len(ch.columns) == 0 && !ch.colsGiven || ch.allCols) && len(vals) > n
			if !ch.noVersion {
				version = versionColumn(t)
			}
			if n, _ := model(t); n != nil {
				table = c.a.modelTable(t, ch.lib)
			}
		}
	}
	w := c.apiWrite(st, x, x.spec.Form, ch.handle, inTx, vals)
	w.Table = cmp.Or(ch.table, table)
	w.Sets, w.Atomic = union(w.Sets, sets), union(w.Atomic, atomic)
	c.addDeltas(w, call, deltas)
	recounts, normalizes := setMarks(ch.sets, w.Table)
	w.Recounts, w.Normalizes = union(w.Recounts, recounts), union(w.Normalizes, normalizes)
	w.Checks = union(w.Checks, ch.where)
	if version != "" {
		w.Checks = union(w.Checks, []string{version, "version"})
	}
	w.Tested = union(w.Tested, ch.tested)
	c.setKeys(st, e, w, ch.keyArgs)
	w.Row = w.Row || row || len(w.Sets) > MaxTargeted
}

// mapNumbers returns the keys of a map literal (map[string]any{"balance":
// b}) whose values are numbers: what an atomic update can add to.
func mapNumbers(e *env, v ssa.Value) map[string]bool {
	if _, ok := peel(e.resolve(v)).(*ssa.MakeMap); !ok {
		return nil
	}
	entries, _ := docEntries(e, v)
	out := make(map[string]bool, len(entries))
	for _, en := range entries {
		out[en.key] = isNumeric(peel(en.val).Type())
	}
	return out
}
