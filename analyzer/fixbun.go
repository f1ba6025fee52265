package analyzer

import (
	"fmt"
	"go/ast"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/lostupdate/lostupdate/analyzer/report"
)

// bunAtomic computes the atomic form of a bun update that writes the
// finding's column as the value read ± a delta, and rewrites it into a
// Set expression that lets the database add:
//
//   - Set("n = ?", x ± d) becomes Set("n = n ± ?", d);
//   - Model(p).Column("n") (or Model(p) alone), after one p.N += d, p.N
//     -= d, p.N++ or p.N-- since p's load (recordStep), becomes
//     Model(p).Set("n = n ± ?", d), and the step goes: with a Set and no
//     Column, bun writes the Set alone, and WherePK still finds p's row.
//
// It offers no fix where the chain already chooses its columns in
// another way (Column of other columns, ExcludeColumn, Value, OmitZero,
// Bulk, or a Set of another column).
func bunAtomic(pass *analysis.Pass, rep *report.Reporter, call *ast.CallExpr, f *finding) atomicForm {
	none := atomicForm{op: "+"}
	col := f.value.Column
	if col == "" || pass.TypesInfo == nil {
		return none
	}
	ch, ok := bunChain(call)
	if !ok {
		return none
	}
	if ch.set != nil {
		return bunSetAtomic(pass, rep, ch.set, f)
	}
	if ch.model == nil || len(ch.model.Args) != 1 || ch.columns != nil && !namesColumn(ch.columns, col) {
		return none
	}
	step, stepStmt, ok := recordStep(pass, rep, call, ast.Unparen(ch.model.Args[0]), f)
	if !ok {
		return none
	}
	form := atomicForm{op: step.op, delta: step.delta}
	set := fmt.Sprintf("Set(%q, %s)", col+" = "+col+" "+step.op+" ?", step.delta)
	pos, end := lineOf(pass, stepStmt)
	edits := []analysis.TextEdit{{Pos: pos, End: end}}
	if ch.columns != nil {
		name := ch.columns.Fun.(*ast.SelectorExpr).Sel
		edits = append(edits, analysis.TextEdit{Pos: name.Pos(), End: ch.columns.End(), NewText: []byte(set)})
	} else {
		edits = append(edits, analysis.TextEdit{Pos: ch.model.End(), End: ch.model.End(), NewText: []byte("." + set)})
	}
	form.fix = &analysis.SuggestedFix{
		Message:   fmt.Sprintf("Update %s atomically with %s", col, set),
		TextEdits: edits,
	}
	return form
}

// bunSetAtomic rewrites Set("n = ?", x ± d) into Set("n = n ± ?", d).
func bunSetAtomic(pass *analysis.Pass, rep *report.Reporter, set *ast.CallExpr, f *finding) atomicForm {
	none := atomicForm{op: "+"}
	col := f.value.Column
	if len(set.Args) != 2 || set.Ellipsis.IsValid() {
		return none
	}
	text, lit, ok := stringLit(set.Args[0])
	if !ok {
		return none
	}
	lhs, rhs, ok := strings.Cut(text, "=")
	if !ok || strings.TrimSpace(lhs) != col || strings.TrimSpace(rhs) != "?" {
		return none
	}
	ch, ok := changeOf(pass, rep, set.Args[1], f)
	if !ok {
		return none
	}
	expr := col + " = " + col + " " + ch.op + " ?"
	return atomicForm{op: ch.op, delta: ch.delta, fix: &analysis.SuggestedFix{
		Message: fmt.Sprintf("Update %s atomically with Set(%q, %s)", col, expr, ch.delta),
		TextEdits: append([]analysis.TextEdit{
			{Pos: lit.Pos(), End: lit.End(), NewText: []byte(strconv.Quote(expr))},
			{Pos: set.Args[1].Pos(), End: set.Args[1].End(), NewText: []byte(ch.delta)},
		}, ch.edits...),
	}}
}

// bunUpdate is what the chain of a bun update's Exec holds that decides
// which columns it writes.
type bunUpdate struct {
	model   *ast.CallExpr // Model(p)
	columns *ast.CallExpr // Column("n", …)
	set     *ast.CallExpr // the one Set(…)
}

// bunChain walks the chain an Exec is called on. ok is false when a call
// decides the columns written in a way the rewrite does not keep, or the
// chain has more than one Set.
func bunChain(call *ast.CallExpr) (u bunUpdate, ok bool) {
	sel, isSel := call.Fun.(*ast.SelectorExpr)
	if !isSel || sel.Sel.Name != "Exec" {
		return u, false
	}
	for x := sel.X; ; {
		c, isCall := ast.Unparen(x).(*ast.CallExpr)
		if !isCall {
			return u, true
		}
		s, isSel := c.Fun.(*ast.SelectorExpr)
		if !isSel {
			return u, true
		}
		switch s.Sel.Name {
		case "ExcludeColumn", "Value", "OmitZero", "Bulk", "SetColumn":
			return u, false
		case "Set":
			if u.set != nil {
				return u, false
			}
			u.set = c
		case "Column":
			if u.columns != nil {
				return u, false
			}
			u.columns = c
		case "Model":
			u.model = c
		}
		x = s.X
	}
}
