package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/lostupdate/lostupdate/analyzer/report"
)

// xormAtomic computes the atomic form of an xorm Update that writes the
// finding's column as the value read ± a delta, and rewrites it into
// xorm's Incr or Decr of the delta in the same chain:
//
//   - Update(map[string]any{"n": x ± d}) of that one entry becomes
//     Incr("n", d).Update(map[string]any{}): the empty map writes nothing
//     more;
//   - Cols("n").Update(&p), or Update(&p), after one p.F += d, p.F -= d,
//     p.F++ or p.F-- since p's load (recordStep) becomes Incr("n",
//     d).Update(new(T)), and the step goes: an empty bean writes the
//     increment alone, and the other columns, which did not change, are
//     no longer put back.
//
// It offers no fix where the chain already chooses what Update writes in
// another way (AllCols, MustCols, Omit, Nullable, UseBool, NoAutoTime,
// SetExpr, Incr, Decr, or Cols of other columns). A model whose version
// Update checks is no lost update; under NoVersionCheck the empty bean's
// zero version is not compared.
func xormAtomic(pass *analysis.Pass, rep *report.Reporter, call *ast.CallExpr, f *finding) atomicForm {
	none := atomicForm{op: "+"}
	col := f.value.Column
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Update" || len(call.Args) != 1 || col == "" || pass.TypesInfo == nil {
		return none
	}
	cols, ok := xormCols(sel.X, col)
	if !ok {
		return none
	}
	arg := ast.Unparen(call.Args[0])
	if lit, ok := arg.(*ast.CompositeLit); ok {
		return xormMapAtomic(pass, rep, sel, lit, cols, f)
	}
	u, ok := arg.(*ast.UnaryExpr)
	if !ok || u.Op != token.AND || !isStructPtr(pass.TypesInfo.TypeOf(u)) {
		return none
	}
	ch, stepStmt, ok := recordStep(pass, rep, call, ast.Unparen(u.X), f)
	if !ok {
		return none
	}
	form := atomicForm{op: ch.op, delta: ch.delta}
	typ, ok := typeName(pass, rep, pass.TypesInfo.TypeOf(u), call.Pos())
	if !ok {
		return form
	}
	incr := fmt.Sprintf("%s(%q, %s)", xormIncr(ch.op), col, ch.delta)
	pos, end := lineOf(pass, stepStmt)
	edits := []analysis.TextEdit{{Pos: pos, End: end}}
	edits = append(edits, xormIncrEdit(sel, cols, incr))
	edits = append(edits, analysis.TextEdit{Pos: call.Args[0].Pos(), End: call.Args[0].End(), NewText: []byte("new(" + typ + ")")})
	form.fix = &analysis.SuggestedFix{
		Message:   fmt.Sprintf("Update %s atomically with %s", col, incr),
		TextEdits: edits,
	}
	return form
}

// xormMapAtomic rewrites Update(map[string]any{"n": x ± d}).
func xormMapAtomic(pass *analysis.Pass, rep *report.Reporter, sel *ast.SelectorExpr, lit *ast.CompositeLit, cols *ast.CallExpr, f *finding) atomicForm {
	none := atomicForm{op: "+"}
	col := f.value.Column
	if len(lit.Elts) != 1 || lit.Type == nil {
		return none
	}
	kv, ok := lit.Elts[0].(*ast.KeyValueExpr)
	if !ok {
		return none
	}
	if name, _, ok := stringLit(kv.Key); !ok || name != col {
		return none
	}
	ch, ok := changeOf(pass, rep, kv.Value, f)
	if !ok {
		return none
	}
	form := atomicForm{op: ch.op, delta: ch.delta}
	typ, ok := sourceText(pass, lit.Type)
	if !ok {
		return form
	}
	incr := fmt.Sprintf("%s(%q, %s)", xormIncr(ch.op), col, ch.delta)
	edits := append([]analysis.TextEdit{
		xormIncrEdit(sel, cols, incr),
		{Pos: lit.Pos(), End: lit.End(), NewText: []byte(typ + "{}")},
	}, ch.edits...)
	form.fix = &analysis.SuggestedFix{
		Message:   fmt.Sprintf("Update %s atomically with %s", col, incr),
		TextEdits: edits,
	}
	return form
}

// xormIncrEdit puts the increment into the chain: in place of the Cols
// call that names the column alone, or just before Update.
func xormIncrEdit(update *ast.SelectorExpr, cols *ast.CallExpr, incr string) analysis.TextEdit {
	if cols != nil {
		name := cols.Fun.(*ast.SelectorExpr).Sel
		return analysis.TextEdit{Pos: name.Pos(), End: cols.End(), NewText: []byte(incr)}
	}
	return analysis.TextEdit{Pos: update.Sel.Pos(), End: update.Sel.Pos(), NewText: []byte(incr + ".")}
}

// xormCols walks the chain an xorm Update is called on and returns its
// Cols call when that names col alone. ok is false when a call of the
// chain decides what Update writes in another way.
func xormCols(x ast.Expr, col string) (cols *ast.CallExpr, ok bool) {
	for {
		c, isCall := ast.Unparen(x).(*ast.CallExpr)
		if !isCall {
			return cols, true
		}
		sel, isSel := c.Fun.(*ast.SelectorExpr)
		if !isSel {
			return cols, true
		}
		switch sel.Sel.Name {
		case "AllCols", "MustCols", "Omit", "Nullable", "UseBool", "NoAutoTime", "SetExpr", "Incr", "Decr":
			return nil, false
		case "Cols":
			if cols != nil || !namesColumn(c, col) {
				return nil, false
			}
			cols = c
		}
		x = sel.X
	}
}

// isStructPtr reports whether t is a pointer to a struct.
func isStructPtr(t types.Type) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	_, ok = p.Elem().Underlying().(*types.Struct)
	return ok
}

// typeName renders the struct type that t points to as the file at pos
// names it: Account, or models.Account through the file's import.
func typeName(pass *analysis.Pass, rep *report.Reporter, t types.Type, pos token.Pos) (string, bool) {
	p, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return "", false
	}
	n, ok := types.Unalias(p.Elem()).(*types.Named)
	if !ok || n.TypeArgs().Len() > 0 || n.Obj().Pkg() == nil {
		return "", false
	}
	if n.Obj().Pkg() == pass.Pkg {
		return n.Obj().Name(), true
	}
	name, ok := importName(rep.FileOf(pos), n.Obj().Pkg().Path())
	if !ok || !n.Obj().Exported() {
		return "", false
	}
	return name + "." + n.Obj().Name(), true
}
