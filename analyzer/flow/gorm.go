package flow

import (
	"cmp"
	"go/constant"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/sqltext"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// gormShape reads GORM's method chains (v2 and v1): the handle a chain
// started on, its locking clause (clause.Locking, v1's query option),
// model, conditions, columns and raw SQL, and what its finisher loads
// or writes.
type gormShape struct{ baseShape }

// handle is the handle the chain started on.
func (gormShape) handle(c *funcCtx, e *env, x apiCall) Handle {
	return c.gormChain(e, x.recv, x.spec.Lib, false).handle
}

// run applies Exec, which runs its SQL on the chain's handle, and Row and
// Rows, which run the chain's query.
func (gormShape) run(c *funcCtx, st *state, e *env, x apiCall) {
	if x.spec.Op == apis.Exec {
		c.statement(st, e, x.call, c.sqlQuery(e, x.call, x.spec))
		return
	}
	c.queries[x.call] = c.chainQuery(e, x)
}

// load applies First, Find, Scan, Pluck and the other finishers that load
// into Dest: the chain's model, or, for Raw("SELECT stock …").Scan(&n),
// the columns of the raw SQL; a lock of the chain is taken here.
func (gormShape) load(c *funcCtx, st *state, e *env, x apiCall) {
	spec := x.spec
	q := c.chainQuery(e, x)
	if spec.Dest >= 0 && spec.Column < 0 && len(x.args) > spec.Dest+1 {
		c.inlineKeys(e, q, x.args[spec.Dest+1])
	}
	var cols []string
	if spec.Column >= 0 {
		if col, ok := c.sqlText(e, x.arg(spec.Column)); ok {
			cols = []string{col}
		}
	}
	if d := x.arg(spec.Dest); d != nil {
		if n, _ := model(peel(d).Type()); n == nil && q.known && cols == nil {
			cols = q.stmt.Columns // Raw("SELECT stock …").Scan(&stock)
		}
		if q.table == "" {
			q.table = c.a.modelTable(peel(d).Type(), q.lib)
		}
		c.loadInto(st, e, x.call, q, []ssa.Value{d}, cols)
	}
	c.rowLock(st, x.call, q)
}

// write applies Save, Update(s) and UpdateColumn(s).
func (gormShape) write(c *funcCtx, st *state, e *env, x apiCall) { c.gormWrite(st, e, x) }

// gormChain walks a chain of lib's *gorm.DB methods back to its handle,
// collecting the locking clause, the model, the conditions and raw SQL.
func (c *funcCtx) gormChain(e *env, v ssa.Value, lib apis.Lib, write bool) chain {
	ch := chain{lib: lib}
	v = c.walkChain(e, v, ch.lib, write, func(name string, call *ssa.Call, spec apis.Spec, args []ssa.Value) {
		switch name {
		case "Clauses":
			if len(args) > 0 {
				vals, _ := c.varargs(e, args[0])
				for _, a := range vals {
					if a == nil {
						continue
					}
					x := peel(a)
					if !apis.IsGormLocking(x.Type()) {
						continue
					}
					ch.raiseLock(lockingStrength(e.resolve(x)), call.Pos())
				}
			}
		case "Set", "InstanceSet", "InstantSet":
			if len(args) == 0 {
				break
			}
			key, ok := c.sqlText(e, args[0])
			if !ok || key != apis.GormQueryOption {
				break
			}
			if spec.SQL >= 0 {
				// GORM v1 appends the option to the SELECT: FOR UPDATE
				// locks the row, FOR SHARE and LOCK IN SHARE MODE share it.
				if spec.SQL < len(args) {
					if opt, ok := c.sqlText(e, peel(args[spec.SQL])); ok {
						ch.raiseLock(lockOf(sqltext.Parse("SELECT 1 FROM t "+opt).Lock), call.Pos())
					}
				}
				break
			}
			ch.raiseLock(summary.QueryOption, call.Pos())
		case "Model":
			if len(args) > 0 && ch.model == nil {
				ch.model = args[0]
			}
		case "Select":
			// Select("theme", "language").Updates(&u) writes only those.
			if len(args) > 0 {
				if col, ok := c.sqlText(e, args[0]); ok && col != "*" {
					for _, f := range strings.Split(col, ",") {
						ch.columns = append(ch.columns, strings.TrimSpace(f))
					}
				}
			}
			if len(args) > 1 {
				vals, _ := c.varargs(e, args[1])
				for _, a := range vals {
					if col, ok := c.sqlText(e, a); ok && a != nil {
						ch.columns = append(ch.columns, col)
					}
				}
			}
		case "Where":
			if len(args) > 0 {
				if cond, ok := c.sqlText(e, args[0]); ok {
					eq, tested := whereColumns(cond)
					ch.where, ch.tested = append(ch.where, eq...), append(ch.tested, tested...)
					if len(args) > 1 {
						vals, _ := c.varargs(e, args[1])
						ch.keyArgs = addKeyArgs(e, ch.keyArgs, cond, vals)
					}
				}
			}
		case "Order":
			if len(args) > 0 {
				if t, ok := c.sqlText(e, args[0]); ok {
					ch.orderBy(t)
				}
			}
		case "Raw":
			if ch.raw == nil {
				ch.raw = c.sqlQuery(e, call, spec)
			}
		case "Table":
			if len(args) > 0 && ch.table == "" {
				if t, ok := c.sqlText(e, args[0]); ok {
					ch.table = sqlTable(sqltext.Parse("SELECT 1 FROM " + t).Table)
				} else if m := tableNameOf(e, args[0]); m != nil {
					ch.table = c.a.modelTable(m, ch.lib) // Table(Subject{}.TableName())
				}
			}
		}
	})
	ch.setHandle(c.handleOf(e, v))
	return ch
}

// inlineKeys records the row a GORM finisher's inline conditions find:
// First(&p, id) finds it by its primary key, First(&p, "email = ?", e) by
// the columns the condition compares.
func (c *funcCtx) inlineKeys(e *env, q *query, conds ssa.Value) {
	vals, _ := c.varargs(e, conds)
	if len(vals) == 0 || vals[0] == nil {
		return
	}
	if cond, ok := c.sqlText(e, vals[0]); ok {
		q.keyArgs = addKeyArgs(e, q.keyArgs, cond, vals[1:])
		return
	}
	if len(vals) == 1 && isNumeric(peel(vals[0]).Type()) {
		if q.keyArgs == nil {
			q.keyArgs = make(map[string]ssa.Value)
		}
		q.keyArgs["id"] = keyValue(e, vals[0])
	}
}

// chainQuery describes the query a GORM finisher runs.
func (c *funcCtx) chainQuery(e *env, x apiCall) *query {
	call := x.call
	ch := c.gormChain(e, x.recv, x.spec.Lib, false)
	q := newQuery(ch.handle, ch.lib, call.Pos())
	q.lock, q.lockPos, q.table, q.keys, q.keyArgs = ch.lock, ch.lockPos, ch.table, slices.Clone(ch.where), maps.Clone(ch.keyArgs)
	if ch.raw != nil {
		q.known, q.stmt = ch.raw.known, ch.raw.stmt
		q.table = cmp.Or(q.table, ch.raw.table)
		q.keys = union(q.keys, ch.raw.keys)
	}
	if q.table == "" && ch.model != nil {
		q.table = c.a.modelTable(peel(ch.model).Type(), ch.lib)
	}
	switch calleeObj(call.Common()).Name() {
	case "First", "Take", "Last":
		q.ranked = ch.ranked // they keep the first row
	}
	return q
}

// gormWrite records what Save, Update(s) and UpdateColumn(s) write: Save
// and Updates of a struct write the whole record (every field, or those a
// Select names), Updates of a map its entries, Update one column.
func (c *funcCtx) gormWrite(st *state, e *env, x apiCall) {
	call, spec, args := x.call, x.spec, x.args
	ch := c.gormChain(e, x.recv, spec.Lib, true)
	inTx := c.inTx(st, ch.handle)
	defer c.writeLock(st, call, ch.handle, inTx)
	colArg := func() ssa.Value { return args[spec.Column] }
	if spec.Packed && len(args) > 0 {
		// GORM v1 Update(attrs ...any): ("n", v) one column, (m) the map
		// or struct m as Updates writes it.
		attrs, ok := c.varargs(e, args[0])
		switch {
		case ok && len(attrs) >= 2 && attrs[0] != nil && attrs[1] != nil:
			args = attrs
		case ok && len(attrs) == 1 && attrs[0] != nil:
			args, spec.Form, spec.Value = attrs, apis.Fields, 0
		default:
			return
		}
		colArg = func() ssa.Value { return peel(args[0]) }
	}
	if spec.Value >= len(args) {
		return
	}
	value := args[spec.Value]
	model := ch.model
	var vals, deltas []Written
	var atomic []string
	row := false
	recounted, normalizes := false, false
	switch spec.Form {
	case apis.Model:
		model, row = value, true
		vals, atomic = c.objectWrites(st, e, value, "", ch.columns)
	case apis.Column:
		col, _ := c.sqlText(e, colArg())
		if isSQLExprValue(value) {
			atomic = []string{col} // Update("n", gorm.Expr("n + ?", d))
			if a, text, ok := c.exprAssignment(e, value, col); ok {
				recounted, normalizes = recount(a, text, ch.table), a.Normalizes
				if a.Self {
					deltas = c.delta(st, e, deltas, a, c.exprArgs(e, value))
				}
			}
			break
		}
		vals = []Written{{Column: col, Labels: c.valueLabels(st, e, value), Arg: spec.Value, Numeric: isNumeric(peel(value).Type()), Time: isTime(peel(value).Type()), Const: isConst(peel(value)), Value: constValue(value)}}
	case apis.Fields:
		vals, atomic = c.objectWrites(st, e, value, "", ch.columns)
		if _, isMap := peel(e.resolve(value)).Type().Underlying().(*types.Map); !isMap {
			row = true
		} else {
			deltas = c.mapDeltas(st, e, value)
		}
		if model == nil {
			model = value
		}
	}
	if model != nil && !row && spec.Lib.Info().FieldNames {
		// Update("Uncertainty", v), Updates(map[string]any{"LabelSrc": s}):
		// a field's Go name stands for its column.
		fields := fieldNameColumns(vals, peel(model).Type())
		for i := range atomic {
			atomic[i] = fieldNameColumn(fields, atomic[i])
		}
	}
	if model != nil {
		row := c.recordRow(st, e, model)
		for i := range vals {
			vals[i].Row = row
		}
	}
	w := c.apiWrite(st, x, spec.Form, ch.handle, inTx, vals)
	w.Table = ch.table
	if w.Table == "" && model != nil {
		w.Table = c.a.modelTable(peel(model).Type(), ch.lib)
	}
	for _, v := range vals {
		if v.Column != "" {
			w.Sets = union(w.Sets, []string{v.Column})
		}
	}
	w.Atomic = union(w.Atomic, atomic)
	c.addDeltas(w, call, deltas)
	if recounted {
		w.Recounts = union(w.Recounts, atomic)
	}
	if normalizes {
		w.Normalizes = union(w.Normalizes, atomic)
	}
	w.Checks = union(w.Checks, ch.where)
	w.Tested = union(w.Tested, ch.tested)
	c.setKeys(st, e, w, ch.keyArgs) // Where("id = ?", id)
	if model != nil && hasOptimisticVersion(model.Type()) {
		w.Checks = union(w.Checks, []string{"version"})
	}
	w.Row = w.Row || row || len(w.Sets) > MaxTargeted
}

// exprAssignment reads col = v, v a GORM SQL expression
// (gorm.Expr("(SELECT COUNT(*) FROM photos_labels WHERE …)"),
// gorm.Expr("UPPER(name)")), as an UPDATE's assignment, and returns it
// with the statement's text it indexes.
func (c *funcCtx) exprAssignment(e *env, v ssa.Value, col string) (*sqltext.Assignment, string, bool) {
	call, ok := peel(e.resolve(v)).(*ssa.Call)
	if !ok || len(call.Call.Args) == 0 || col == "" {
		return nil, "", false
	}
	expr, ok := c.sqlText(e, call.Call.Args[0])
	if !ok {
		return nil, "", false
	}
	text := "UPDATE t SET " + col + " = " + expr
	stmt := sqltext.Parse(text)
	a := stmt.Assigns(col)
	return a, text, a != nil
}

// mapDeltas returns what the SQL expressions of a map literal add to
// their own column (Updates(map[string]any{"balance": gorm.Expr("balance
// + ?", d)})), as delta does for one assignment.
func (c *funcCtx) mapDeltas(st *state, e *env, m ssa.Value) []Written {
	entries, _ := docEntries(e, m) // a literal's entries of constant keys
	var deltas []Written
	for _, en := range entries {
		if !isSQLExprValue(en.val) {
			continue
		}
		if a, _, ok := c.exprAssignment(e, en.val, en.key); ok && a.Self {
			deltas = c.delta(st, e, deltas, a, c.exprArgs(e, en.val))
		}
	}
	return deltas
}

// exprArgs returns what binds the placeholders of a gorm.Expr value's
// SQL: the arguments after its text.
func (c *funcCtx) exprArgs(e *env, v ssa.Value) func(sqltext.Param) ssa.Value {
	var args []ssa.Value
	if call, ok := peel(e.resolve(v)).(*ssa.Call); ok && len(call.Call.Args) > 1 {
		args, _ = c.varargs(e, call.Call.Args[1])
	}
	return func(p sqltext.Param) ssa.Value {
		if p.Index >= 0 && p.Index < len(args) {
			return args[p.Index]
		}
		return nil
	}
}

// lockingStrength returns the lock a clause.Locking value asks for: the
// Strength stored in its composite literal; a value built elsewhere is
// taken to lock rows.
func lockingStrength(v ssa.Value) summary.Lock {
	strength := ""
	known := false
	switch x := v.(type) {
	case *ssa.Const:
		return summary.NoLock // the zero clause.Locking
	case *ssa.UnOp:
		if a, ok := x.X.(*ssa.Alloc); ok && x.Op == token.MUL {
			known = true
			for _, ref := range *a.Referrers() {
				fa, ok := ref.(*ssa.FieldAddr)
				if !ok || fieldOf(fa.X.Type(), fa.Field).Name() != "Strength" {
					continue
				}
				for _, r := range *fa.Referrers() {
					st, ok := r.(*ssa.Store)
					if !ok {
						continue
					}
					if k, ok := st.Val.(*ssa.Const); ok && k.Value != nil && k.Value.Kind() == constant.String {
						strength = constant.StringVal(k.Value)
					} else {
						known = false
					}
				}
			}
		}
	}
	if !known {
		return summary.Row
	}
	switch s := strings.ToUpper(strings.TrimSpace(strength)); s {
	case "":
		return summary.NoLock
	case "SHARE", "KEY SHARE":
		return summary.Share
	}
	return summary.Row
}

// hasOptimisticVersion reports whether a model type has a field of the
// optimisticlock plugin's Version type.
func hasOptimisticVersion(t types.Type) bool {
	_, st := model(t)
	for i := 0; st != nil && i < st.NumFields(); i++ {
		if apis.IsGormOptimisticVersion(st.Field(i).Type()) {
			return true
		}
	}
	return false
}
