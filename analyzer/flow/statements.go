package flow

import (
	"go/constant"
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
	if !apis.IsNamed(r.Type(), "database/sql", "Stmt") {
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

// indexStatementFields finds the fields of *sql.Stmt type that the
// package's functions store prepared statements into, and their SQL text
// ("" when two stores disagree or one cannot be read).
func (a *Analysis) indexStatementFields() map[*types.Var]string {
	out := make(map[*types.Var]string)
	var visit func(fn *ssa.Function)
	visit = func(fn *ssa.Function) {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				st, ok := instr.(*ssa.Store)
				if !ok {
					continue
				}
				fa, ok := st.Addr.(*ssa.FieldAddr)
				if !ok || !apis.IsNamed(st.Val.Type(), "database/sql", "Stmt") {
					continue
				}
				f := fieldOf(fa.X.Type(), fa.Field)
				text, known := a.statementText(st.Val)
				if old, seen := out[f]; seen && old != text || !known {
					text = ""
				}
				out[f] = text
			}
		}
		for _, anon := range fn.AnonFuncs {
			visit(anon)
		}
	}
	for _, fn := range a.funcs() {
		visit(fn)
	}
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
