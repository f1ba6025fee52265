package flow

import (
	"go/constant"
	"go/token"
	"go/types"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/sqltext"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// spec returns the API spec of a call, if the callee is a known API.
func (c *funcCtx) spec(cc *ssa.CallCommon) (apis.Spec, bool) {
	return apis.Lookup(calleeObj(cc))
}

// calleeObj returns the function or method a call invokes statically (or
// the interface method it invokes dynamically).
func calleeObj(cc *ssa.CallCommon) *types.Func {
	if cc.IsInvoke() {
		return cc.Method
	}
	if fn := cc.StaticCallee(); fn != nil {
		if fn.Origin() != nil {
			fn = fn.Origin()
		}
		if obj, ok := fn.Object().(*types.Func); ok {
			return obj
		}
	}
	return nil
}

// splitArgs returns the receiver (nil for a function) and the other
// arguments of a call.
func splitArgs(cc *ssa.CallCommon) (recv ssa.Value, args []ssa.Value) {
	if cc.IsInvoke() {
		return cc.Value, cc.Args
	}
	if obj := calleeObj(cc); obj != nil {
		if sig, ok := obj.Type().(*types.Signature); ok && sig.Recv() != nil && len(cc.Args) > 0 {
			return cc.Args[0], cc.Args[1:]
		}
	}
	return nil, cc.Args
}

// allArgs returns the arguments of a call as the callee's parameters see
// them: the receiver first, for methods.
func allArgs(cc *ssa.CallCommon) []ssa.Value {
	if cc.IsInvoke() {
		return append([]ssa.Value{cc.Value}, cc.Args...)
	}
	return cc.Args
}

// peel strips interface conversions and type changes.
func peel(v ssa.Value) ssa.Value {
	for range maxDepth {
		switch x := v.(type) {
		case *ssa.MakeInterface:
			v = x.X
		case *ssa.ChangeType:
			v = x.X
		case *ssa.ChangeInterface:
			v = x.X
		default:
			return v
		}
	}
	return v
}

// handleOf identifies the database handle that value v is.
func (c *funcCtx) handleOf(e *env, v ssa.Value) Handle { return c.handleDepth(e, v, 0) }

func (c *funcCtx) handleDepth(e *env, v ssa.Value, depth int) Handle {
	v = e.resolve(v)
	if h, ok := e.handle(v); ok {
		return h
	}
	if depth == 0 {
		c.budget.handle = walkBudget
	}
	if c.budget.handle--; depth > maxDepth || c.budget.handle < 0 || v == nil {
		return Handle{Param: -1}
	}
	switch x := v.(type) {
	case *ssa.Call:
		if spec, ok := c.spec(x.Common()); ok {
			recv, _ := splitArgs(x.Common())
			switch spec.Op {
			case apis.Chain, apis.Prepare, apis.StmtOn:
				if recv != nil {
					return c.handleDepth(e, recv, depth+1)
				}
			case apis.Begin:
				h := Handle{root: x, Kind: summary.Tx, Param: -1, Name: c.nameOf(x), Serializable: c.serializableCall(e, x, spec), Begin: x.Pos()}
				if recv != nil && apis.HandleKindOf(recv.Type()) == apis.Conn {
					h.conn = keyOf(c.handleDepth(e, recv, depth+1))
				}
				return h
			case apis.OpenConn:
				return Handle{root: x, Kind: summary.Conn, Param: -1, Name: c.nameOf(x)}
			case apis.GlobalDB:
				return globalHandle(spec.Lib)
			}
		}
	case *ssa.Extract:
		if call, ok := x.Tuple.(*ssa.Call); ok && x.Index == 0 {
			h := c.handleDepth(e, call, depth+1)
			if h.root == call {
				h.Name = c.nameOf(x)
			}
			return h
		}
	case *ssa.UnOp:
		if x.Op == token.MUL {
			if fa, ok := x.X.(*ssa.FieldAddr); ok && apis.SameHandle(fa.X.Type(), fieldOf(fa.X.Type(), fa.Field)) {
				return c.handleDepth(e, fa.X, depth+1)
			}
			base, path := c.loc(e, x.X)
			return c.handleAt(e, base, path, x.Type(), depth)
		}
	case *ssa.Field:
		base, path := c.valKey(e, x.X)
		return c.handleAt(e, base, path+"."+fieldOf(x.X.Type(), x.Field).Name(), x.Type(), depth)
	case *ssa.MakeInterface:
		return c.handleDepth(e, x.X, depth+1)
	case *ssa.ChangeType:
		return c.handleDepth(e, x.X, depth+1)
	case *ssa.ChangeInterface:
		return c.handleDepth(e, x.X, depth+1)
	case *ssa.TypeAssert:
		return c.handleDepth(e, x.X, depth+1)
	case *ssa.Phi:
		var h Handle
		for _, edge := range x.Edges {
			if edge == x {
				continue
			}
			eh := c.handleDepth(e, edge, depth+1)
			if h.Known() && !h.Same(eh) {
				return c.handleAt(e, x, "", x.Type(), depth)
			}
			h = eh
		}
		if h.Known() {
			return h
		}
	}
	return c.handleAt(e, v, "", v.Type(), depth)
}

// globalDB is the root of the handle of a library's global database
// (the pool boil.SetDB set, which sqlboiler's G variants and
// boil.GetContextDB() run on): one for the whole program.
type globalDB struct{ lib apis.Lib }

// globalHandle is the handle of lib's global database.
func globalHandle(lib apis.Lib) Handle {
	return Handle{root: globalDB{lib}, Kind: summary.Pool, Param: -1, Name: lib.Info().GlobalDB}
}

// valKey returns the location that holds a struct value, for field paths:
// the memory it was loaded from, or a field path within another value.
func (c *funcCtx) valKey(e *env, v ssa.Value) (ssa.Value, string) {
	for range maxDepth {
		v = e.resolve(v)
		switch x := v.(type) {
		case *ssa.UnOp:
			if x.Op == token.MUL {
				return c.loc(e, x.X)
			}
		case *ssa.Field:
			base, path := c.valKey(e, x.X)
			return base, path + "." + fieldOf(x.X.Type(), x.Field).Name()
		}
		break
	}
	return v, ""
}

// handleAt returns the handle stored at base+path, or the value base
// itself when path is "". t is the handle's type.
func (c *funcCtx) handleAt(e *env, base ssa.Value, path string, t types.Type, depth int) Handle {
	if h, ok := e.handle(base); ok {
		// A field of a transaction callback's parameter (sqlc's
		// Queries{db: tx}) is the transaction.
		return h
	}
	if a, ok := base.(*ssa.Alloc); ok && path == "" {
		// A variable the handle was stored in (captured by a closure).
		if h, ok := c.storedHandle(e, a, depth); ok {
			return h
		}
	}
	h := Handle{root: base, path: path, Param: -1, Name: c.nameOf(base) + renderPath(path)}
	if p, ok := base.(*ssa.Parameter); ok {
		if i := c.paramIndex(p); i >= 0 {
			h.Param, h.Path = i, path
		}
	}
	switch apis.HandleKindOf(t) {
	case apis.Pool:
		h.Kind = summary.Pool
	case apis.Conn:
		h.Kind = summary.Conn
	case apis.Tx:
		h.Kind = summary.Tx
	case apis.ByOrigin:
		switch b := base.(type) {
		case *ssa.Parameter, *ssa.FreeVar, *ssa.Phi:
			if path == "" {
				h.Kind = summary.Unknown
			} else {
				h.Kind = summary.Pool
			}
		case *ssa.Call:
			if apis.OpensPool(calleeObj(b.Common())) {
				h.Kind = summary.Pool
			}
		default:
			// A struct field or package variable: the pool the service
			// was built with.
			h.Kind = summary.Pool
		}
	}
	return h
}

// storedHandle returns the handle stored into a local variable, when every
// store agrees.
func (c *funcCtx) storedHandle(e *env, a *ssa.Alloc, depth int) (Handle, bool) {
	var h Handle
	found := false
	for _, ref := range *a.Referrers() {
		st, ok := ref.(*ssa.Store)
		if !ok || st.Addr != a {
			continue
		}
		sh := c.handleDepth(e, st.Val, depth+1)
		if found && !sh.Same(h) {
			return Handle{}, false
		}
		h, found = sh, true
	}
	return h, found && h.Known()
}

// serializableCall reports whether a Begin call asks for SERIALIZABLE.
func (c *funcCtx) serializableCall(e *env, call *ssa.Call, spec apis.Spec) bool {
	if spec.Opts < 0 {
		return false
	}
	_, args := splitArgs(call.Common())
	if spec.Opts >= len(args) {
		return false
	}
	opt := args[spec.Opts]
	if _, ok := opt.Type().Underlying().(*types.Slice); ok {
		vals, _ := c.varargs(e, opt)
		for _, v := range vals {
			if c.serializableOpts(e, v) {
				return true
			}
		}
		return false
	}
	return c.serializableOpts(e, opt)
}

// serializableOpts reports whether transaction options (a *sql.TxOptions,
// or a pgx.TxOptions value) ask for a SERIALIZABLE isolation level: a
// composite literal, or a package variable initialised with one.
func (c *funcCtx) serializableOpts(e *env, v ssa.Value) bool {
	v = peel(e.resolve(v))
	switch x := v.(type) {
	case *ssa.Alloc:
		return isolationStored(x)
	case *ssa.UnOp:
		if x.Op != token.MUL {
			break
		}
		switch y := x.X.(type) {
		case *ssa.Global:
			return c.globalSerializable(y)
		case *ssa.Alloc: // pgx.TxOptions{IsoLevel: pgx.Serializable}, passed by value
			return isolationStored(y)
		}
	}
	return false
}

// isolationStored reports whether a SERIALIZABLE constant is stored into
// the Isolation field of an allocated sql.TxOptions.
func isolationStored(a *ssa.Alloc) bool {
	for _, ref := range *a.Referrers() {
		fa, ok := ref.(*ssa.FieldAddr)
		if !ok || !apis.IsolationField(fieldOf(fa.X.Type(), fa.Field).Name()) {
			continue
		}
		for _, r := range *fa.Referrers() {
			if st, ok := r.(*ssa.Store); ok && serializableConst(st.Val) {
				return true
			}
		}
	}
	return false
}

// globalSerializable looks for the initialisation of a package variable
// holding *sql.TxOptions in the package's init function.
func (c *funcCtx) globalSerializable(g *ssa.Global) bool {
	init := g.Pkg.Func("init")
	if init == nil {
		return false
	}
	for _, b := range init.Blocks {
		for _, instr := range b.Instrs {
			if st, ok := instr.(*ssa.Store); ok && st.Addr == g {
				if a, ok := peel(st.Val).(*ssa.Alloc); ok && isolationStored(a) {
					return true
				}
			}
		}
	}
	return false
}

// varargs returns the values of a variadic argument built by the
// compiler (a slice of a fresh array), by position. ok is false for a
// slice the program built itself.
func (c *funcCtx) varargs(e *env, v ssa.Value) ([]ssa.Value, bool) {
	return varargsOf(e.resolve(v))
}

// varargsOf returns the values a variadic slice argument was built from.
func varargsOf(v ssa.Value) ([]ssa.Value, bool) {
	if k, ok := v.(*ssa.Const); ok && k.IsNil() {
		return nil, true
	}
	sl, ok := v.(*ssa.Slice)
	if !ok {
		return nil, false
	}
	arr, ok := sl.X.(*ssa.Alloc)
	if !ok {
		return nil, false
	}
	var vals []ssa.Value
	for _, ref := range *arr.Referrers() {
		ia, ok := ref.(*ssa.IndexAddr)
		if !ok {
			continue
		}
		k, ok := ia.Index.(*ssa.Const)
		if !ok || k.Value == nil {
			return nil, false
		}
		i, _ := constant.Int64Val(k.Value)
		for _, r := range *ia.Referrers() {
			if st, ok := r.(*ssa.Store); ok && st.Addr == ia {
				for int(i) >= len(vals) {
					vals = append(vals, nil)
				}
				vals[i] = st.Val
			}
		}
	}
	return vals, true
}

// sqlText returns the SQL text a string value holds: a constant, a
// concatenation, or fmt.Sprintf with a constant format. Parts that are not
// constant become named placeholders (see sqlTextValues).
func (c *funcCtx) sqlText(e *env, v ssa.Value) (string, bool) {
	text, _, ok := c.sqlTextValues(e, v)
	return text, ok
}

// sqlTextValues is sqlText that also returns the values spliced into the
// text: part i, a non-constant operand of + or an argument of a Sprintf
// verb, is the placeholder @__dynN (N = i) in the text, and the value
// that fills it is inline[i] (nil when unknown). So
// fmt.Sprintf("UPDATE t SET n = %d WHERE id = %d", n+1, id) reads as
// "UPDATE t SET n = @__dyn0 WHERE id = @__dyn1" with n+1 and id bound,
// and a value computed from a load is seen written even when it is not a
// query argument.
func (c *funcCtx) sqlTextValues(e *env, v ssa.Value) (text string, inline []ssa.Value, ok bool) {
	c.budget.text = walkBudget
	text, ok = c.sqlTextDepth(e, v, 0, &inline)
	return text, inline, ok
}

// dynamicPrefix names the placeholders that stand for spliced values.
const dynamicPrefix = "__dyn"

// Spliced reports whether a placeholder of the SQL text of a write stands
// for a value spliced into the text rather than passed as an argument.
func Spliced(placeholder string) bool {
	return strings.HasPrefix(placeholder, "@"+dynamicPrefix)
}

// dynamicName names the placeholder of spliced value i.
func dynamicName(i int) string { return dynamicPrefix + strconv.Itoa(i) }

// splice appends a spliced value and returns its placeholder. A number
// formatted with strconv is spliced as the number.
func splice(inline *[]ssa.Value, v ssa.Value) string {
	if call, ok := v.(*ssa.Call); ok && len(call.Call.Args) > 0 {
		if obj := calleeObj(call.Common()); obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == "strconv" {
			switch obj.Name() {
			case "Itoa", "FormatInt", "FormatUint", "FormatFloat":
				v = call.Call.Args[0]
			}
		}
	}
	*inline = append(*inline, v)
	return " @" + dynamicPrefix + strconv.Itoa(len(*inline)-1) + " "
}

var printfVerb = regexp.MustCompile(`%[-+# 0]*[0-9*]*(?:\.[0-9*]*)?[a-zA-Z%]`)

func (c *funcCtx) sqlTextDepth(e *env, v ssa.Value, depth int, inline *[]ssa.Value) (string, bool) {
	v = e.resolve(v)
	if c.budget.text--; depth > maxDepth || c.budget.text < 0 {
		return "", false
	}
	switch x := v.(type) {
	case *ssa.Const:
		if x.Value != nil && x.Value.Kind() == constant.String {
			return constant.StringVal(x.Value), true
		}
	case *ssa.BinOp:
		if x.Op == token.ADD {
			mark := len(*inline)
			l, lok := c.sqlTextDepth(e, x.X, depth+1, inline)
			if !lok {
				*inline = (*inline)[:mark]
				l = splice(inline, x.X)
			}
			mark = len(*inline)
			r, rok := c.sqlTextDepth(e, x.Y, depth+1, inline)
			if !rok {
				*inline = (*inline)[:mark]
				r = splice(inline, x.Y)
			}
			return l + r, lok || rok
		}
	case *ssa.Call:
		if obj := calleeObj(x.Common()); obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == "fmt" && obj.Name() == "Sprintf" && len(x.Common().Args) > 0 {
			args := x.Common().Args
			f, ok := c.sqlTextDepth(e, args[0], depth+1, new([]ssa.Value))
			if !ok {
				break
			}
			var vals []ssa.Value
			if len(args) > 1 {
				vals, _ = c.varargs(e, args[1])
			}
			text, _ := sprintfText(f, vals, func(val ssa.Value, verb string) (string, bool) {
				if text, ok := c.constPart(e, val, verb, depth); ok {
					return text, true // fmt.Sprintf("UPDATE %s SET …", tableName)
				}
				return splice(inline, val), true
			})
			return text, true
		}
		if spec, ok := c.spec(x.Common()); ok && spec.Op == apis.Rebind {
			// sqlx's db.Rebind(q): the same statement, its placeholders
			// rewritten for the driver.
			if _, args := splitArgs(x.Common()); spec.SQL < len(args) {
				return c.sqlTextDepth(e, args[spec.SQL], depth+1, inline)
			}
		}
	case *ssa.Phi:
		for _, edge := range x.Edges {
			if edge == x {
				continue
			}
			mark := len(*inline)
			if s, ok := c.sqlTextDepth(e, edge, depth+1, inline); ok {
				return s, true
			}
			*inline = (*inline)[:mark]
		}
	case *ssa.UnOp:
		if g, ok := x.X.(*ssa.Global); ok && x.Op == token.MUL {
			return globalString(g)
		}
		if col, ok := boilColumnRead(x); ok {
			return col, true // models.AccountColumns.Balance
		}
		if fa, ok := x.X.(*ssa.FieldAddr); ok && x.Op == token.MUL {
			return c.a.fieldSQL(fieldOf(fa.X.Type(), fa.Field)) // p.sqlConsume, set by the constructor
		}
	case *ssa.Field:
		if col, ok := boilColumnRead(x); ok {
			return col, true
		}
		return c.a.fieldSQL(fieldOf(x.X.Type(), x.Field))
	case *ssa.ChangeType:
		return c.sqlTextDepth(e, x.X, depth+1, inline)
	case *ssa.MakeInterface:
		return c.sqlTextDepth(e, x.X, depth+1, inline)
	case *ssa.Convert:
		return c.sqlTextDepth(e, x.X, depth+1, inline)
	}
	return "", false
}

// constPart returns the text a Sprintf verb prints for a constant
// argument: a string's text for %s and %v, an integer's digits for %d and
// %v. It is false for any other value, which is spliced instead.
func (c *funcCtx) constPart(e *env, v ssa.Value, verb string, depth int) (string, bool) {
	if v == nil {
		return "", false
	}
	if text, ok := constVerb(e.resolve(v), verb); ok {
		return text, true
	}
	if verb == "%s" || verb == "%v" {
		var sub []ssa.Value
		if text, ok := c.sqlTextDepth(e, v, depth+1, &sub); ok && len(sub) == 0 {
			return text, true // a constant concatenation, a package-level string
		}
	}
	return "", false
}

// constVerb returns what a Sprintf verb prints for a constant: a string's
// text for %s and %v, an integer's digits for %d and %v. A verb with flags
// or a width, or any other value, is false.
func constVerb(v ssa.Value, verb string) (string, bool) {
	k, ok := peel(v).(*ssa.Const)
	if !ok || k.Value == nil || len(verb) != 2 {
		return "", false
	}
	switch {
	case k.Value.Kind() == constant.String && (verb == "%s" || verb == "%v"):
		return constant.StringVal(k.Value), true
	case k.Value.Kind() == constant.Int && (verb == "%d" || verb == "%v"):
		return k.Value.ExactString(), true
	}
	return "", false
}

// sprintfText renders fmt.Sprintf(format, vals...): each verb's text is
// what part returns for its value (nil past the end of vals); ok is false
// when part is false for one of them.
func sprintfText(format string, vals []ssa.Value, part func(v ssa.Value, verb string) (string, bool)) (text string, ok bool) {
	n, ok := 0, true
	text = printfVerb.ReplaceAllStringFunc(format, func(verb string) string {
		if verb == "%%" {
			return "%"
		}
		var v ssa.Value
		if n < len(vals) {
			v = vals[n]
		}
		n++
		t, known := part(v, verb)
		ok = ok && known
		return t
	})
	return text, ok
}

// globalString returns the constant a package-level string variable is
// initialised with.
func globalString(g *ssa.Global) (string, bool) {
	init := g.Pkg.Func("init")
	if init == nil {
		return "", false
	}
	for _, b := range init.Blocks {
		for _, instr := range b.Instrs {
			if st, ok := instr.(*ssa.Store); ok && st.Addr == g {
				if k, ok := st.Val.(*ssa.Const); ok && k.Value != nil && k.Value.Kind() == constant.String {
					return constant.StringVal(k.Value), true
				}
			}
		}
	}
	return "", false
}

// query is what the analysis knows about a statement a call runs.
type query struct {
	handle Handle
	known  bool // the SQL text is known
	text   string
	stmt   sqltext.Statement
	// lock is the lock the query takes (from its text or a GORM clause),
	// lockPos where a GORM clause asked for it.
	lock    summary.Lock
	lockPos token.Pos
	pos     token.Pos
	// args are the values bound to placeholders, by position; named the
	// sql.Named ones.
	args      []ssa.Value
	argsKnown bool
	named     map[string]ssa.Value
	// namedFrom is the struct or map whose fields (entries) bind the
	// :name placeholders of sqlx's NamedExec.
	namedFrom ssa.Value
	lib       apis.Lib
	// sqlArg is the index of the SQL text argument of the call (receiver
	// excluded), or -1.
	sqlArg int
	// table is what the statement reads or writes (see Load.Table).
	table string
	// rowsParam is the parameter of the analysed function whose rows are
	// scanned, when the query ran in the caller (a scanRow(r *sql.Row)
	// helper), else -1.
	rowsParam int
	// sqlParam and argsParam are the parameters of the analysed function
	// that the SQL text and the placeholder arguments come from, when a
	// wrapper passes its caller's on (else -1).
	sqlParam, argsParam int
	// keys are the columns that identify the rows read: the columns the
	// WHERE finds them by, and a model's primary key; keyArgs the values
	// the WHERE compares them with.
	keys    []string
	keyArgs map[string]ssa.Value
	// ranked is the column a builder ordered the rows by, for a finisher
	// that keeps the first (see Load.Ranked).
	ranked string
}

// setText records the SQL text the query runs.
func (q *query) setText(text string) {
	q.known, q.text, q.stmt = true, text, sqltext.Parse(text)
	q.lock, q.table = lockOf(q.stmt.Lock), stmtTable(&q.stmt)
	q.keys = whereKeys(&q.stmt)
	if src := selectedFrom(&q.stmt); src != "" {
		// SELECT a.balance FROM accounts a JOIN holds h …: the values come
		// from accounts, and only a lock on accounts protects them.
		q.table = sqlTable(src)
		if len(q.stmt.LockedTables) > 0 && !slices.Contains(q.stmt.LockedTables, src) && q.lock == summary.Row {
			q.lock = summary.NoLock
		}
	}
}

// selectedFrom returns the one table every column a SELECT of several
// tables reads comes from, when its select list says so.
func selectedFrom(s *sqltext.Statement) string {
	if s.Kind != sqltext.Select || len(s.Tables) < 2 {
		return ""
	}
	src := ""
	for _, t := range s.Sources {
		if t == "" || src != "" && t != src {
			return ""
		}
		src = t
	}
	return src
}

// whereKeys returns the columns a statement's WHERE finds its rows by.
func whereKeys(s *sqltext.Statement) []string {
	var keys []string
	for _, w := range s.Where {
		if !slices.Contains(keys, w.Column) {
			keys = append(keys, w.Column)
		}
	}
	return keys
}

// param returns the value bound to a placeholder.
func (q *query) param(p sqltext.Param) (ssa.Value, int) {
	if p.Index < 0 {
		if v, ok := q.named[p.Name]; ok {
			return v, -1
		}
		return nil, -1
	}
	if p.Index < len(q.args) {
		return q.args[p.Index], p.Index
	}
	return nil, -1
}

// lockOf converts the lock of SQL text to the lock of a load.
func lockOf(l sqltext.Lock) summary.Lock {
	switch l {
	case sqltext.RowUpdate:
		return summary.Row
	case sqltext.RowShare:
		return summary.Share
	}
	return summary.NoLock
}

// sqlQuery describes the statement of a call that runs SQL text: its
// argument's, or a prepared statement's, on the handle the adapter of its
// shape says (its receiver, the chain's).
func (c *funcCtx) sqlQuery(e *env, call *ssa.Call, spec apis.Spec) *query {
	recv, args := splitArgs(call.Common())
	q := newQuery(Handle{Param: -1}, spec.Lib, call.Pos())
	q.sqlArg = spec.SQL
	var text string
	if spec.SQL < 0 && recv != nil { // *sql.Stmt
		q.handle, text, q.known = c.prepared(e, recv)
	} else {
		q.handle = adapterOf(spec.Shape).handle(c, e, apiCall{call: call, spec: spec, recv: recv, args: args})
	}
	var sqlVal, argsVal ssa.Value
	if spec.SQL >= 0 && spec.SQL < len(args) {
		sqlVal = args[spec.SQL]
	}
	if spec.Args >= 0 && spec.Args < len(args) {
		argsVal = args[spec.Args]
	}
	var packed []ssa.Value
	if spec.Packed {
		// Exec("UPDATE … SET n = ? WHERE id = ?", n, id) of xorm: the
		// text and its arguments are the elements of one variadic slice.
		packed, _ = c.varargs(e, sqlVal)
		sqlVal, argsVal = nil, nil
		if len(packed) > 0 {
			sqlVal = packed[0]
		}
	}
	var inline []ssa.Value
	if sqlVal != nil {
		text, inline, q.known = c.sqlTextValues(e, sqlVal)
		if !q.known && !spec.Packed {
			q.sqlParam = c.forwardedParam(e, sqlVal, false)
		}
	}
	if q.known {
		q.setText(text)
	}
	if argsVal != nil || len(packed) > 0 {
		if len(packed) > 0 {
			q.args, q.argsKnown = packed[1:], true
		} else {
			q.argsParam = c.forwardedParam(e, argsVal, true)
			q.args, q.argsKnown = c.varargs(e, argsVal)
		}
		q.named = make(map[string]ssa.Value)
		for i, a := range q.args {
			if a == nil {
				continue
			}
			inner := peel(a)
			if nc, ok := inner.(*ssa.Call); ok {
				if obj := calleeObj(nc.Common()); apis.IsNamedArg(obj) && len(nc.Common().Args) == 2 {
					if name, ok := c.sqlText(e, nc.Common().Args[0]); ok {
						q.named[name] = nc.Common().Args[1]
						q.args[i] = nc.Common().Args[1]
					}
				}
			}
		}
	}
	for i, v := range inline {
		if v == nil {
			continue
		}
		if q.named == nil {
			q.named = make(map[string]ssa.Value)
		}
		q.named[dynamicName(i)] = v
	}
	for _, w := range q.stmt.Where {
		if v, _ := q.param(w.Param); v != nil {
			if q.keyArgs == nil {
				q.keyArgs = make(map[string]ssa.Value)
			}
			q.keyArgs[w.Column] = keyValue(e, v)
		}
	}
	return q
}

// source follows a value back to the call that produced it: through the
// result tuple of that call and through the one local variable it was
// stored in.
func source(e *env, v ssa.Value) ssa.Value {
	for range maxDepth {
		v = e.resolve(v)
		switch x := v.(type) {
		case *ssa.Extract:
			v = x.Tuple
			continue
		case *ssa.UnOp:
			if a, ok := x.X.(*ssa.Alloc); ok && x.Op == token.MUL {
				if sv := storedValue(a); sv != nil {
					v = sv
					continue
				}
			}
		}
		return v
	}
	return v
}

// forwardedParam returns the parameter of the analysed function a value
// comes from: the parameter itself, for the variadic arguments; for SQL
// text, also a string computed from it alone (a function that rewrites
// placeholders). It returns -1 otherwise.
func (c *funcCtx) forwardedParam(e *env, v ssa.Value, exact bool) int {
	v = e.resolve(v)
	if p, ok := v.(*ssa.Parameter); ok {
		return c.paramIndex(p)
	}
	if exact {
		return -1
	}
	idx := -1
	for _, l := range c.taint(e, v) {
		if l.Load != nil || l.PPath != "" || idx >= 0 && l.Param != idx {
			return -1
		}
		idx = l.Param
	}
	return idx
}

// prepared returns the handle and SQL text of a prepared statement.
func (c *funcCtx) prepared(e *env, v ssa.Value) (Handle, string, bool) {
	for range maxDepth {
		v = source(e, v)
		switch x := v.(type) {
		case *ssa.Call:
			if text, ok := c.preparedBy(e, x); ok {
				return c.handleOf(e, x), text, true // p.P("SELECT …"): a helper that prepares
			}
			spec, ok := c.spec(x.Common())
			if !ok {
				break
			}
			recv, args := splitArgs(x.Common())
			switch spec.Op {
			case apis.Prepare:
				text, known := "", false
				if spec.SQL < len(args) {
					text, known = c.sqlText(e, args[spec.SQL])
				}
				return c.handleOf(e, recv), text, known
			case apis.StmtOn:
				_, text, known := c.prepared(e, args[spec.Value])
				return c.handleOf(e, recv), text, known
			}
		case *ssa.UnOp:
			// A statement kept in a field (s.findData), prepared where the
			// struct was built.
			if fa, ok := x.X.(*ssa.FieldAddr); ok && x.Op == token.MUL {
				if text, ok := c.a.fieldStatement(fieldOf(fa.X.Type(), fa.Field)); ok {
					return c.handleOf(e, x), text, true
				}
			}
		case *ssa.Field:
			if text, ok := c.a.fieldStatement(fieldOf(x.X.Type(), x.Field)); ok {
				return c.handleOf(e, x), text, true
			}
		}
		break
	}
	return Handle{Param: -1}, "", false
}

// storedValue returns the only value stored into a local variable.
func storedValue(a *ssa.Alloc) ssa.Value {
	var v ssa.Value
	for _, ref := range *a.Referrers() {
		if st, ok := ref.(*ssa.Store); ok && st.Addr == a {
			if v != nil {
				return nil
			}
			v = st.Val
		}
	}
	return v
}

// rowsQuery returns the query whose rows a *sql.Row or *sql.Rows value
// holds: the query call it came from, or, for rows the function was given,
// a query that names the parameter.
func (c *funcCtx) rowsQuery(e *env, v ssa.Value) *query {
	v = source(e, v)
	if q, ok := c.queries[v]; ok {
		return q
	}
	q := newQuery(Handle{Param: -1}, apis.SQL, token.NoPos)
	switch x := v.(type) {
	case *ssa.Phi:
		for _, edge := range x.Edges {
			if q, ok := c.queries[source(e, edge)]; ok {
				return q
			}
		}
	case *ssa.MakeInterface:
		return c.rowsQuery(e, x.X)
	case *ssa.UnOp:
		// The *sql.Rows embedded in an *sqlx.Rows (its promoted Scan).
		if fa, ok := x.X.(*ssa.FieldAddr); ok && x.Op == token.MUL && fieldOf(fa.X.Type(), fa.Field).Embedded() {
			return c.rowsQuery(e, fa.X)
		}
	case *ssa.Parameter:
		q.rowsParam = c.paramIndex(x)
	}
	return q
}

// newQuery returns a query on handle h about which nothing else is known.
func newQuery(h Handle, lib apis.Lib, pos token.Pos) *query {
	return &query{handle: h, lib: lib, pos: pos, sqlArg: -1, rowsParam: -1, sqlParam: -1, argsParam: -1}
}

// stmtTable returns the table key of what a statement reads or writes:
// its one table, or, for a read of several (a join, a WITH query), the
// set of them, "sql:a|b": a value read there comes from one of them.
func stmtTable(s *sqltext.Statement) string {
	if s.Table != "" || len(s.Tables) == 0 {
		return sqlTable(s.Table)
	}
	return sqlTable(strings.Join(s.Tables, "|"))
}

// sqlTable returns the table key of an SQL table name.
func sqlTable(name string) string {
	if name == "" {
		return ""
	}
	return "sql:" + name
}

// serializableConst reports whether v is a constant isolation level that
// is SERIALIZABLE: sql.LevelSerializable, or pgx.Serializable.
func serializableConst(v ssa.Value) bool {
	k, ok := v.(*ssa.Const)
	if !ok || k.Value == nil {
		return false
	}
	switch k.Value.Kind() {
	case constant.Int:
		n, ok := constant.Int64Val(k.Value)
		return ok && apis.IsSerializable(n)
	case constant.String:
		return apis.IsSerializableName(constant.StringVal(k.Value))
	}
	return false
}
