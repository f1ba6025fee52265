package flow

import (
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// This file follows prepared statements that a service keeps for later:
// returned by a helper that prepares its caller's SQL (p.P(query)), or
// stored in a field of a struct built by a constructor
// (s.findData = p.P("SELECT …")), then run as tx.Stmt(s.findData).

// preparedBy returns the SQL text of a statement a call returns, when the
// callee's summary says it prepares the SQL of one of its parameters and
// the call passes constant text.
func (c *funcCtx) preparedBy(e *env, call *ssa.Call) (string, bool) {
	sum, _ := c.summaryOf(call.Common())
	if sum == nil {
		return "", false
	}
	args := allArgs(call.Common())
	for _, p := range sum.Prepares {
		if p.Result == 0 && p.SQL >= 0 && p.SQL < len(args) {
			return c.sqlText(e, args[p.SQL])
		}
	}
	return "", false
}

// prepares records, for a summary, that result i is a statement prepared
// with the SQL text of a parameter: r is what the function returns.
func (c *funcCtx) prepares(e *env, i int, r ssa.Value) {
	if !apis.IsStmt(r.Type()) {
		return
	}
	for _, v := range phiEdges(e, r) {
		call, ok := source(e, v).(*ssa.Call)
		if !ok {
			continue
		}
		spec, ok := c.spec(call.Common())
		if !ok || spec.Op != apis.Prepare {
			continue
		}
		_, args := splitArgs(call.Common())
		if spec.SQL < 0 || spec.SQL >= len(args) {
			continue
		}
		if p := c.forwardedParam(e, args[spec.SQL], true); p >= 0 {
			c.stmtResults = append(c.stmtResults, summary.Prepare{Result: i, SQL: p})
		}
	}
}

// phiEdges returns the values a phi (a named result assigned on several
// paths) may hold, or v itself.
func phiEdges(e *env, v ssa.Value) []ssa.Value {
	phi, ok := e.resolve(v).(*ssa.Phi)
	if !ok {
		return []ssa.Value{v}
	}
	var out []ssa.Value
	for _, edge := range phi.Edges {
		if edge != phi {
			out = append(out, edge)
		}
	}
	return out
}

// fieldStatement returns the SQL text of the statement stored in a struct
// field of this package, when every store into it (in a constructor:
// &Store{findData: p.P("SELECT …")}) prepares the same constant text.
func (a *Analysis) fieldStatement(f *types.Var) (string, bool) {
	if a.stmtFields == nil {
		a.stmtFields = a.indexStatementFields()
	}
	text, ok := a.stmtFields[f]
	return text, ok && text != ""
}

// fieldSQL returns the SQL text kept in an unexported string field of
// this package, when every store into it holds the same constant text: a
// constant, a concatenation or fmt.Sprintf of constants
// (p.sqlConsume = fmt.Sprintf(queryFmtConsume, tableCodes)), or that
// text again with its placeholders rebound (p.sqlConsume =
// db.Rebind(p.sqlConsume)). A field stored anywhere else is not known.
func (a *Analysis) fieldSQL(f *types.Var) (string, bool) {
	if f == nil || f.Exported() || f.Pkg() != a.pkg.Pkg || !types.Identical(f.Type(), types.Typ[types.String]) {
		return "", false
	}
	if a.sqlFields == nil {
		a.sqlFields = a.indexSQLFields()
	}
	text, ok := a.sqlFields[f]
	return text, ok && text != ""
}

// indexSQLFields finds the string fields the package's functions store
// constant SQL text into, and that text ("" when two stores disagree or
// one is not constant).
func (a *Analysis) indexSQLFields() map[*types.Var]string {
	out := make(map[*types.Var]string)
	a.eachFieldStore(func(f *types.Var, st *ssa.Store) {
		if f.Exported() || !types.Identical(f.Type(), types.Typ[types.String]) {
			return
		}
		text, same, known := a.constSQL(st.Val, f, 0)
		if same {
			return // the field's own text, rebound
		}
		if old, seen := out[f]; seen && old != text || !known {
			text = ""
		}
		out[f] = text
	})
	return out
}

// constSQL returns the constant text a value stored into field f holds;
// same reports that it is f's own text passed through Rebind.
func (a *Analysis) constSQL(v ssa.Value, f *types.Var, depth int) (text string, same, ok bool) {
	if depth > maxDepth {
		return "", false, false
	}
	switch x := peel(v).(type) {
	case *ssa.Const:
		if x.Value != nil && x.Value.Kind() == constant.String {
			return constant.StringVal(x.Value), false, true
		}
	case *ssa.Convert:
		return a.constSQL(x.X, f, depth+1)
	case *ssa.BinOp:
		if x.Op == token.ADD {
			l, _, lok := a.constSQL(x.X, nil, depth+1)
			r, _, rok := a.constSQL(x.Y, nil, depth+1)
			return l + r, false, lok && rok
		}
	case *ssa.UnOp:
		if x.Op != token.MUL {
			break
		}
		if g, ok := x.X.(*ssa.Global); ok {
			text, ok := globalString(g)
			return text, false, ok
		}
		if fa, ok := x.X.(*ssa.FieldAddr); ok && f != nil && fieldOf(fa.X.Type(), fa.Field) == f {
			return "", true, false
		}
	case *ssa.Call:
		obj := calleeObj(x.Common())
		if spec, ok := apis.Lookup(obj); ok && spec.Op == apis.Rebind {
			if _, args := splitArgs(x.Common()); spec.SQL < len(args) {
				return a.constSQL(args[spec.SQL], f, depth+1)
			}
			break
		}
		if obj == nil || obj.Pkg() == nil || obj.Pkg().Path() != "fmt" || obj.Name() != "Sprintf" || len(x.Call.Args) == 0 {
			break
		}
		format, _, ok := a.constSQL(x.Call.Args[0], nil, depth+1)
		if !ok {
			break
		}
		var vals []ssa.Value
		if len(x.Call.Args) > 1 {
			if vals, ok = varargsOf(x.Call.Args[1]); !ok {
				break
			}
		}
		text, ok := sprintfText(format, vals, func(v ssa.Value, verb string) (string, bool) {
			if v == nil {
				return "", false
			}
			if text, ok := constVerb(v, verb); ok {
				return text, true
			}
			if verb != "%s" && verb != "%v" {
				return "", false
			}
			text, _, ok := a.constSQL(v, nil, depth+1)
			return text, ok
		})
		return text, false, ok
	}
	return "", false, false
}

// eachFieldStore calls fn for every store into a struct field in the
// package's functions and the closures they contain.
func (a *Analysis) eachFieldStore(fn func(f *types.Var, st *ssa.Store)) {
	var visit func(f *ssa.Function)
	visit = func(f *ssa.Function) {
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				if st, ok := instr.(*ssa.Store); ok {
					if fa, ok := st.Addr.(*ssa.FieldAddr); ok {
						fn(fieldOf(fa.X.Type(), fa.Field), st)
					}
				}
			}
		}
		for _, anon := range f.AnonFuncs {
			visit(anon)
		}
	}
	for _, f := range a.funcs() {
		visit(f)
	}
}

// indexStatementFields finds the fields of *sql.Stmt type that the
// package's functions store prepared statements into, and their SQL text
// ("" when two stores disagree or one cannot be read).
func (a *Analysis) indexStatementFields() map[*types.Var]string {
	out := make(map[*types.Var]string)
	a.eachFieldStore(func(f *types.Var, st *ssa.Store) {
		if !apis.IsStmt(st.Val.Type()) {
			return
		}
		text, known := a.statementText(st.Val)
		if old, seen := out[f]; seen && old != text || !known {
			text = ""
		}
		out[f] = text
	})
	return out
}

// statementText returns the constant SQL text of a statement value: a
// Prepare call, or a call of a helper whose summary says it prepares the
// SQL of a parameter.
func (a *Analysis) statementText(v ssa.Value) (string, bool) {
	call, ok := v.(*ssa.Call)
	if !ok {
		if x, ok := v.(*ssa.Extract); ok {
			call, ok = x.Tuple.(*ssa.Call)
			if !ok {
				return "", false
			}
		} else {
			return "", false
		}
	}
	args := allArgs(call.Common())
	obj := calleeObj(call.Common())
	if spec, ok := apis.Lookup(obj); ok && spec.Op == apis.Prepare {
		_, rest := splitArgs(call.Common())
		if spec.SQL >= 0 && spec.SQL < len(rest) {
			return constText(rest[spec.SQL])
		}
		return "", false
	}
	var sum *summary.Summary
	if fn := call.Common().StaticCallee(); fn != nil && fn.Pkg == a.pkg && len(fn.Blocks) > 0 {
		sum = a.Func(fn).Summary
	} else if obj != nil && a.facts != nil {
		sum = a.facts.Summary(obj)
	}
	for _, p := range sumPrepares(sum) {
		if p.Result == 0 && p.SQL < len(args) {
			return constText(args[p.SQL])
		}
	}
	return "", false
}

func sumPrepares(s *summary.Summary) []summary.Prepare {
	if s == nil {
		return nil
	}
	return s.Prepares
}

// constText returns the value of a string constant.
func constText(v ssa.Value) (string, bool) {
	k, ok := peel(v).(*ssa.Const)
	if !ok || k.Value == nil || k.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(k.Value), true
}

// funcs returns the functions and methods of the package.
func (a *Analysis) funcs() []*ssa.Function {
	var out []*ssa.Function
	for _, m := range a.pkg.Members {
		switch x := m.(type) {
		case *ssa.Function:
			out = append(out, x)
		case *ssa.Type:
			for _, t := range []types.Type{x.Type(), types.NewPointer(x.Type())} {
				ms := a.pkg.Prog.MethodSets.MethodSet(t)
				for i := 0; i < ms.Len(); i++ {
					if fn := a.pkg.Prog.MethodValue(ms.At(i)); fn != nil && fn.Pkg == a.pkg && fn.Synthetic == "" {
						out = append(out, fn)
					}
				}
			}
		}
	}
	return out
}
