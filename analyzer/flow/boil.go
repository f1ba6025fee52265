package flow

import (
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
)

// boilShape reads the code sqlboiler generates: a query's mods
// (qm.Where, qm.For, the generated where helpers), the columns a
// boil.Columns names, and what Find, One, All, Reload, Update, Upsert and
// UpdateAll load and write, on the executor they are given.
type boilShape struct{ baseShape }

func (boilShape) load(c *funcCtx, st *state, e *env, x apiCall) { c.boilLoad(st, e, x) }

func (boilShape) write(c *funcCtx, st *state, e *env, x apiCall) {
	if x.spec.Form == apis.UpdateAll {
		c.boilUpdateAll(st, e, x)
		return
	}
	c.boilUpdate(st, e, x)
}

// boilRawShape reads the finishers of a queries.Raw query: its SQL text
// run on the executor they are given, and Bind's destination.
type boilRawShape struct{ baseShape }

func (boilRawShape) run(c *funcCtx, st *state, e *env, x apiCall)  { c.boilRaw(st, e, x) }
func (boilRawShape) load(c *funcCtx, st *state, e *env, x apiCall) { c.boilRaw(st, e, x) }

// boilExec returns the handle a sqlboiler call runs on: its executor
// argument, or the global database.
func (c *funcCtx) boilExec(e *env, spec apis.Spec, args []ssa.Value) Handle {
	if spec.Exec >= 0 {
		if spec.Exec < len(args) {
			return c.handleOf(e, args[spec.Exec])
		}
		return Handle{Param: -1}
	}
	return globalHandle(spec.Lib)
}

// boilChain reads the query a sqlboiler finisher runs: the mods given to
// the generated starter (models.Accounts(mods...)) or to models.NewQuery,
// which say the rows it finds (qm.Where, the generated AccountWhere
// helpers), the columns it tests and its lock (qm.For).
func (c *funcCtx) boilChain(e *env, recv ssa.Value) chain {
	var ch chain
	call, ok := peel(e.resolve(recv)).(*ssa.Call)
	if !ok || len(call.Call.Args) == 0 || !call.Call.Signature().Variadic() {
		return ch
	}
	orSeen := false
	for _, m := range c.boilMods(e, call.Call.Args[len(call.Call.Args)-1], 0) {
		orSeen = c.boilMod(e, &ch, m, 0) || orSeen
	}
	if orSeen {
		// An OR makes no condition hold of every row it finds.
		ch.where, ch.keyArgs = nil, nil
	}
	return ch
}

// boilMods returns the elements of a variadic slice (the qm.QueryMod
// mods of a query, the columns of a boil.Whitelist): the elements of a
// literal, and what append adds to one (mods = append(mods,
// qm.For("update"))), on every path.
func (c *funcCtx) boilMods(e *env, v ssa.Value, depth int) []ssa.Value {
	if v == nil || depth > maxDepth {
		return nil
	}
	v = e.resolve(v)
	if vals, ok := varargsOf(v); ok {
		return vals
	}
	switch x := v.(type) {
	case *ssa.Call:
		if b, ok := x.Call.Value.(*ssa.Builtin); ok && b.Name() == "append" && len(x.Call.Args) == 2 {
			return append(c.boilMods(e, x.Call.Args[0], depth+1), c.boilMods(e, x.Call.Args[1], depth+1)...)
		}
	case *ssa.Phi:
		var out []ssa.Value
		for _, edge := range x.Edges {
			if edge != x {
				out = append(out, c.boilMods(e, edge, depth+1)...)
			}
		}
		return out
	}
	return nil
}

// boilMod adds what one query mod says to the chain, and reports an OR.
func (c *funcCtx) boilMod(e *env, ch *chain, v ssa.Value, depth int) bool {
	if v == nil || depth > maxDepth {
		return false
	}
	call, ok := peel(e.resolve(v)).(*ssa.Call)
	if !ok {
		return false
	}
	fn := calleeObj(call.Common())
	if fn == nil || fn.Pkg() == nil {
		return false
	}
	recv, args := splitArgs(call.Common())
	if recv != nil {
		c.boilWhereHelper(e, ch, fn.Name(), recv, args)
		return false
	}
	if !apis.IsBoilPkg(fn.Pkg().Path(), "queries/qm") {
		return false
	}
	text := func() (string, bool) {
		if len(args) == 0 {
			return "", false
		}
		return c.sqlText(e, args[0])
	}
	switch fn.Name() {
	case "Where", "And":
		if cond, ok := text(); ok {
			eq, tested := whereColumns(cond)
			ch.where, ch.tested = append(ch.where, eq...), append(ch.tested, tested...)
			if len(args) > 1 {
				vals, _ := c.varargs(e, args[1])
				ch.keyArgs = addKeyArgs(e, ch.keyArgs, cond, vals)
			}
		}
	case "Or", "OrIn", "OrNotIn":
		if cond, ok := text(); ok {
			_, tested := whereColumns(cond)
			ch.tested = append(ch.tested, tested...)
		}
		return true
	case "WhereIn", "AndIn", "WhereNotIn", "AndNotIn":
		if cond, ok := text(); ok {
			_, tested := whereColumns(strings.ReplaceAll(cond, " IN ?", " IN (?)"))
			ch.tested = append(ch.tested, tested...)
		}
	case "Expr":
		orSeen := false
		if len(args) > 0 {
			for _, m := range c.boilMods(e, args[0], depth+1) {
				orSeen = c.boilMod(e, ch, m, depth+1) || orSeen
			}
		}
		return orSeen
	case "Or2":
		if len(args) > 0 {
			c.boilMod(e, ch, args[0], depth+1)
		}
		return true
	case "For":
		if t, ok := text(); ok {
			ch.forLock(t, call.Pos())
		}
	}
	return false
}

// boilWhereOps are the comparisons of the where helpers sqlboiler
// generates for each column (AccountWhere.Balance.GTE(n)); EQ compares
// for equality, the others test the column.
var boilWhereOps = map[string]bool{"EQ": true, "NEQ": false, "LT": false, "LTE": false, "GT": false, "GTE": false, "IN": false, "NIN": false,
	"LIKE": false, "NLIKE": false, "ILIKE": false, "NILIKE": false, "SIMILAR": false, "NSIMILAR": false, "IsNull": false, "IsNotNull": false}

// boilWhereHelper adds what a generated where helper's method tests
// (AccountWhere.ID.EQ(id): the row with that id) to the chain. The
// column is the one of the model's field that the helper is a field
// for.
func (c *funcCtx) boilWhereHelper(e *env, ch *chain, method string, recv ssa.Value, args []ssa.Value) {
	eq, ok := boilWhereOps[method]
	if !ok {
		return
	}
	col := boilHelperColumn(e.resolve(recv))
	if col == "" {
		return
	}
	ch.tested = append(ch.tested, col)
	if eq && len(args) == 1 {
		ch.where = append(ch.where, col)
		ch.keyArgs = withKey(ch.keyArgs, col, keyValue(e, args[0]))
	}
}

// boilHelperColumn returns the column of the generated where helper v
// (AccountWhere.ID), read from a field of the package's <Model>Where
// variable: the column of the model's field of that name.
func boilHelperColumn(v ssa.Value) string {
	g, field := globalField(v)
	if g == nil {
		return ""
	}
	gv, _ := g.Object().(*types.Var)
	m := apis.BoilWhereVar(gv)
	if m == nil {
		return ""
	}
	return boilFieldColumn(m, field)
}

// boilColumnRead returns the column a read of the generated
// <Model>Columns (or <Model>TableColumns) variable names
// (models.AccountColumns.Balance: "balance").
func boilColumnRead(v ssa.Value) (string, bool) {
	g, field := globalField(v)
	if g == nil {
		return "", false
	}
	gv, _ := g.Object().(*types.Var)
	m, _ := apis.BoilColumnsVar(gv)
	if m == nil {
		return "", false
	}
	col := boilFieldColumn(m, field)
	return col, col != ""
}

// globalField returns the package variable and the name of its field that
// v reads (*&G.F, or G's value's field F).
func globalField(v ssa.Value) (*ssa.Global, string) {
	switch x := v.(type) {
	case *ssa.UnOp:
		if fa, ok := x.X.(*ssa.FieldAddr); ok && x.Op == token.MUL {
			if g, ok := fa.X.(*ssa.Global); ok {
				return g, fieldOf(fa.X.Type(), fa.Field).Name()
			}
		}
	case *ssa.Field:
		if u, ok := x.X.(*ssa.UnOp); ok && u.Op == token.MUL {
			if g, ok := u.X.(*ssa.Global); ok {
				return g, fieldOf(x.X.Type(), x.Field).Name()
			}
		}
	}
	return nil, ""
}

// boilFieldColumn returns the column of model m's field called name.
func boilFieldColumn(m *types.Named, name string) string {
	st, ok := m.Underlying().(*types.Struct)
	if !ok {
		return ""
	}
	for i := 0; i < st.NumFields(); i++ {
		if f := st.Field(i); f.Name() == name {
			return columnName(f.Name(), st.Tag(i))
		}
	}
	return ""
}

// boilModel returns the model a generated method or function works on:
// the receiver's model, or the model a Find returns.
func boilModel(call *ssa.Call, recv ssa.Value) *types.Named {
	if recv != nil {
		_, m := apis.BoilRoleOf(recv.Type())
		return m
	}
	res := call.Call.Signature().Results()
	if res.Len() == 0 {
		return nil
	}
	_, m := apis.BoilRoleOf(res.At(0).Type())
	return m
}

// boilLoad records what Find<Model>, a query's One and All, and a
// model's Reload load: the models they return (or the receiver they fill
// again), on the executor they are given, with the lock of qm.For and
// the key the rows are found by.
func (c *funcCtx) boilLoad(st *state, e *env, x apiCall) {
	call, spec, recv, args := x.call, x.spec, x.recv, x.args
	m := boilModel(call, recv)
	h := c.boilExec(e, spec, args)
	var ch chain
	role := apis.NotBoil
	if recv != nil {
		role, _ = apis.BoilRoleOf(recv.Type())
	}
	if role == apis.BoilQuery {
		ch = c.boilChain(e, recv)
	}
	if recv == nil && spec.Column >= 0 && m != nil {
		// Find<Model>(ctx, exec, id): the row of that key.
		for i, col := range apis.BoilKeyColumns(call.Call.Signature(), spec.Column, m) {
			if col != "" && spec.Column+i < len(args) {
				ch.where = append(ch.where, col)
				ch.keyArgs = withKey(ch.keyArgs, col, keyValue(e, args[spec.Column+i]))
			}
		}
	}
	q := newQuery(h, spec.Lib, call.Pos())
	q.lock, q.lockPos = ch.lock, ch.lockPos
	if m != nil {
		q.table = c.a.modelTable(m, spec.Lib)
	}
	if role == apis.BoilModel || role == apis.BoilSlice {
		// m.Reload(ctx, exec): the receiver is read again, whole.
		q.keys = []string{"id"}
		c.loadInto(st, e, call, q, []ssa.Value{recv}, nil)
		return
	}
	c.loadResult(st, call, q)
	if l := c.loads[eventKey{call, 0}]; l != nil {
		l.Keys = union(l.Keys, ch.where)
		if l.KeyArgs == nil {
			l.KeyArgs = ch.keyArgs
		}
	}
	c.rowLock(st, call, q)
}

// boilColumns reads the boil.Columns an Update or Upsert is given: the
// columns boil.Whitelist names (whole is false), all but those
// boil.Blacklist names, or every column (boil.Infer, boil.Greylist, or a
// list not known here); none for boil.None or a Whitelist of none.
func (c *funcCtx) boilColumns(e *env, v ssa.Value, m *types.Named) (only []string, whole, none bool) {
	if v == nil {
		return nil, true, false
	}
	call, ok := peel(e.resolve(v)).(*ssa.Call)
	if !ok {
		return nil, true, false
	}
	fn := calleeObj(call.Common())
	if fn == nil || fn.Pkg() == nil || !apis.IsBoilPkg(fn.Pkg().Path(), "boil") {
		return nil, true, false
	}
	named := func() ([]string, bool) {
		if len(call.Call.Args) == 0 {
			return nil, false
		}
		// Whitelist("a", "b"), or Whitelist(cols...) of a list that
		// appends the columns a request changes, on some path each.
		vals := c.boilMods(e, call.Call.Args[0], 0)
		if _, empty := varargsOf(e.resolve(call.Call.Args[0])); len(vals) == 0 && !empty {
			return nil, false
		}
		var cols []string
		for _, a := range vals {
			col, ok := c.sqlText(e, a)
			if !ok || a == nil {
				return nil, false
			}
			if !slices.Contains(cols, col) {
				cols = append(cols, col)
			}
		}
		return cols, true
	}
	switch fn.Name() {
	case "None":
		return nil, false, true
	case "Whitelist":
		if cols, ok := named(); ok {
			return cols, false, len(cols) == 0 // no column: Update fails
		}
	case "Blacklist":
		cols, ok := named()
		if !ok || m == nil {
			break
		}
		for _, f := range recordFields(m) {
			if f.column != "id" && !slices.Contains(cols, f.column) {
				only = append(only, f.column)
			}
		}
		return only, true, false
	}
	return nil, true, false
}

// boilUpdate records what a model's Update writes (the columns its
// boil.Columns names, every one for boil.Infer, as GORM's Save writes a
// record whole) and what Upsert writes over the row it conflicts with
// (nothing when updateOnConflict is false).
func (c *funcCtx) boilUpdate(st *state, e *env, x apiCall) {
	call, spec, recv, args := x.call, x.spec, x.recv, x.args
	if recv == nil {
		return
	}
	m := boilModel(call, recv)
	if spec.Form == apis.Upsert && spec.Exec >= 0 && spec.Exec+1 < len(args) {
		if k, ok := peel(e.resolve(args[spec.Exec+1])).(*ssa.Const); ok && k.Value != nil && k.Value.Kind() == constant.Bool && !constant.BoolVal(k.Value) {
			return // ON CONFLICT DO NOTHING
		}
	}
	var colsArg ssa.Value
	if spec.Value >= 0 && spec.Value < len(args) {
		colsArg = args[spec.Value]
	}
	only, whole, none := c.boilColumns(e, colsArg, m)
	if none {
		return
	}
	h := c.boilExec(e, spec, args)
	inTx := c.inTx(st, h)
	defer c.writeLock(st, call, h, inTx)
	vals, atomic := c.objectWrites(st, e, recv, "", only)
	row := c.recordRow(st, e, recv)
	for i := range vals {
		vals[i].Row = row
	}
	w := c.boilWrite(st, x, h, inTx, m, vals, atomic)
	if spec.Form == apis.Upsert {
		// The conflict columns find the row the conflict action writes
		// over: they are its identity, not what it overwrites.
		// It writes every column its boil.Columns names, whatever the
		// model holds (a new model's constants too).
		keys := c.boilConflictColumns(e, spec, args)
		w.Sets = slices.DeleteFunc(w.Sets, func(col string) bool { return slices.Contains(keys, col) })
		over := only
		if len(only) == 0 && m != nil {
			for _, f := range recordFields(m) {
				if f.column != "id" {
					over = append(over, f.column)
				}
			}
		}
		w.Overwrites = union(w.Overwrites, slices.DeleteFunc(slices.Clone(over), func(col string) bool { return slices.Contains(keys, col) }))
		w.Checks = union(w.Checks, keys)
	}
	w.Row = w.Row || whole || len(w.Sets) > MaxTargeted
}

// boilWrite records a write of model m's table (nil: not known) that
// stores vals, and atomically the columns atomic.
func (c *funcCtx) boilWrite(st *state, x apiCall, h Handle, inTx bool, m *types.Named, vals []Written, atomic []string) *Write {
	w := c.apiWrite(st, x, x.spec.Form, h, inTx, vals)
	if m != nil {
		w.Table = c.a.modelTable(m, x.spec.Lib)
	}
	for _, v := range vals {
		if v.Column != "" {
			w.Sets = union(w.Sets, []string{v.Column})
		}
	}
	w.Atomic = union(w.Atomic, atomic)
	return w
}

// boilConflictColumns reads the conflict columns an Upsert is given (the
// argument after updateOnConflict): a literal list, or a package variable
// that holds one (var conflictCols = []string{…}).
func (c *funcCtx) boilConflictColumns(e *env, spec apis.Spec, args []ssa.Value) []string {
	i := spec.Exec + 2
	if spec.Exec < 0 || i >= len(args) {
		return nil
	}
	v := e.resolve(args[i])
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		if g, ok := u.X.(*ssa.Global); ok {
			v = c.a.storedGlobal(g)
		}
	}
	vals, _ := varargsOf(v)
	var cols []string
	for _, a := range vals {
		if col, ok := c.sqlText(e, a); ok && a != nil {
			cols = append(cols, col)
		}
	}
	return cols
}

// storedGlobal returns the value the package's initialisation stores in
// one of its variables (var conflictCols = []string{…}), or nil: for a
// variable of another package, or one it stores more than once.
func (a *Analysis) storedGlobal(g *ssa.Global) ssa.Value {
	if g.Pkg != a.pkg {
		return nil
	}
	init := a.pkg.Func("init")
	if init == nil {
		return nil
	}
	var stored ssa.Value
	for _, b := range init.Blocks {
		for _, in := range b.Instrs {
			if s, ok := in.(*ssa.Store); ok && s.Addr == g {
				if stored != nil {
					return nil
				}
				stored = s.Val
			}
		}
	}
	return stored
}

// boilUpdateAll records what UpdateAll writes: the entries of its
// models.M map, to the rows the query's mods find (checking the columns
// their conditions compare) or to the rows of the slice.
func (c *funcCtx) boilUpdateAll(st *state, e *env, x apiCall) {
	call, spec, recv, args := x.call, x.spec, x.recv, x.args
	if recv == nil || spec.Value < 0 || spec.Value >= len(args) {
		return
	}
	m := boilModel(call, recv)
	var ch chain
	role, _ := apis.BoilRoleOf(recv.Type())
	if role == apis.BoilQuery {
		ch = c.boilChain(e, recv)
	}
	h := c.boilExec(e, spec, args)
	inTx := c.inTx(st, h)
	defer c.writeLock(st, call, h, inTx)
	vals, atomic := c.objectWrites(st, e, args[spec.Value], "", nil)
	if role == apis.BoilSlice {
		row := c.recordRow(st, e, recv)
		for i := range vals {
			vals[i].Row = row
		}
	}
	w := c.boilWrite(st, x, h, inTx, m, vals, atomic)
	w.Checks = union(w.Checks, ch.where)
	w.Tested = union(w.Tested, ch.tested)
	if w.KeyArgs == nil {
		w.KeyArgs = ch.keyArgs
	}
	w.Row = w.Row || len(w.Sets) > MaxTargeted
}

// boilRaw runs the SQL of the queries.Raw that built the receiver of
// Exec, QueryRow, Query or Bind on the executor the call is given. The
// statement is the Raw call's, whose arguments are its text and
// placeholders: a write it makes is reported there, and a fix rewrites
// its text. Bind loads the rows into its destination.
func (c *funcCtx) boilRaw(st *state, e *env, x apiCall) {
	call, spec, recv, args := x.call, x.spec, x.recv, x.args
	if recv == nil {
		return
	}
	raw, ok := peel(e.resolve(recv)).(*ssa.Call)
	if !ok {
		return
	}
	rs, ok := c.spec(raw.Common())
	if !ok || rs.Lib != spec.Lib || rs.SQL < 0 {
		return
	}
	q := c.sqlQuery(e, raw, rs)
	q.handle = c.boilExec(e, spec, args)
	c.queries[call] = q
	c.statement(st, e, raw, q)
	if spec.Op != apis.Load || spec.Dest < 0 || spec.Dest >= len(args) {
		return
	}
	d := args[spec.Dest]
	var cols []string
	if n, _ := model(peel(d).Type()); n == nil && !isRecord(derefType(peel(d).Type())) {
		cols = q.stmt.Columns // Bind(ctx, exec, &n) of "SELECT n …"
	}
	c.loadInto(st, e, call, q, []ssa.Value{d}, cols)
}
