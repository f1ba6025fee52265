package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/lostupdate/lostupdate/analyzer/flow"
	"github.com/lostupdate/lostupdate/analyzer/report"
)

// atomicForm is the atomic rewrite of a write, when the write is the
// mechanical "loaded value ± delta written back to its own column".
type atomicForm struct {
	op    string // "+" or "-"
	delta string // the source of the delta expression
	fix   *analysis.SuggestedFix
}

// mechanical recognises "x ± d" written to x's own column, where x is the
// value as loaded and d does not come from the load, and returns the
// operator and d.
func mechanical(fset *token.FileSet, expr ast.Expr, f *finding) (op string, delta ast.Expr, ok bool) {
	bin, ok := ast.Unparen(expr).(*ast.BinaryExpr)
	if !ok || bin.Op != token.ADD && bin.Op != token.SUB {
		return "", nil, false
	}
	if f.label.Column == "" || f.label.Column != f.value.Column {
		return "", nil, false
	}
	loaded := func(e ast.Expr) bool { return types.ExprString(ast.Unparen(e)) == f.label.Name }
	mentions := func(e ast.Expr) bool {
		root := f.label.Name
		if i := strings.IndexAny(root, ".["); i >= 0 {
			root = root[:i]
		}
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == root {
				found = true
			}
			return !found
		})
		return found
	}
	switch {
	case loaded(bin.X) && !mentions(bin.Y):
		return bin.Op.String(), bin.Y, true
	case bin.Op == token.ADD && loaded(bin.Y) && !mentions(bin.X):
		return "+", bin.X, true
	}
	return "", nil, false
}

// atomic computes the atomic form of a finding's write and, where the
// rewrite is mechanical, a suggested fix.
func atomic(pass *analysis.Pass, rep *report.Reporter, f *finding) atomicForm {
	w := f.write
	call := rep.CallAt(w.Pos)
	if call == nil || len(w.Values) != 1 || call.Ellipsis.IsValid() || !f.value.Numeric {
		// A string joined to another is not arithmetic: SET s = s + $1
		// fails on PostgreSQL and stores 0 on MySQL.
		return atomicForm{op: "+"}
	}
	src := func(e ast.Expr) string { return types.ExprString(e) }
	switch w.Kind {
	case flow.WriteSQL:
		return sqlAtomic(pass, call, f, src)
	case flow.WriteGormUpdate:
		if len(call.Args) != 2 {
			return atomicForm{op: "+"}
		}
		op, delta, ok := mechanical(pass.Fset, call.Args[1], f)
		if !ok {
			return atomicForm{op: "+"}
		}
		form := atomicForm{op: op, delta: src(delta)}
		if name, ok := importName(rep.FileOf(call.Pos()), "gorm.io/gorm"); ok {
			text := fmt.Sprintf("%s.Expr(%q, %s)", name, f.value.Column+" "+op+" ?", src(delta))
			form.fix = &analysis.SuggestedFix{
				Message:   fmt.Sprintf("Update %s atomically with %s", f.value.Column, text),
				TextEdits: []analysis.TextEdit{{Pos: call.Args[1].Pos(), End: call.Args[1].End(), NewText: []byte(text)}},
			}
		}
		return form
	}
	return atomicForm{op: "+"}
}

// sqlAtomic rewrites "SET c = $k" with argument "x ± d" into
// "SET c = c ± $k" with argument d, when the SQL is one string literal.
func sqlAtomic(pass *analysis.Pass, call *ast.CallExpr, f *finding, src func(ast.Expr) string) atomicForm {
	w, v := f.write, f.value
	if v.Assign == nil || !v.Assign.Bare || v.Arg < 0 || w.SQLArg < 0 {
		return atomicForm{op: "+"}
	}
	argIdx := w.SQLArg + 1 + v.Arg
	if argIdx >= len(call.Args) || w.SQLArg >= len(call.Args) {
		return atomicForm{op: "+"}
	}
	op, delta, ok := mechanical(pass.Fset, call.Args[argIdx], f)
	if !ok {
		return atomicForm{op: "+"}
	}
	form := atomicForm{op: op, delta: src(delta)}
	lit, ok := call.Args[w.SQLArg].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return form
	}
	body := lit.Value[1 : len(lit.Value)-1]
	if unq, err := strconv.Unquote(lit.Value); err != nil || unq != body {
		return form // escapes: offsets in the text would not match the source
	}
	placeholder := body[v.Assign.ExprStart:v.Assign.ExprEnd]
	if strings.HasPrefix(placeholder, "$") && countToken(body, placeholder) != 1 {
		return form // the same $n is used elsewhere in the statement
	}
	if !strings.HasPrefix(placeholder, "$") && placeholder != "?" {
		return form
	}
	start := lit.Pos() + 1 + token.Pos(v.Assign.ExprStart)
	end := lit.Pos() + 1 + token.Pos(v.Assign.ExprEnd)
	newSet := v.Column + " " + op + " " + placeholder
	form.fix = &analysis.SuggestedFix{
		Message: fmt.Sprintf("Update %s atomically with SET %s = %s", v.Column, v.Column, newSet),
		TextEdits: []analysis.TextEdit{
			{Pos: start, End: end, NewText: []byte(newSet)},
			{Pos: call.Args[argIdx].Pos(), End: call.Args[argIdx].End(), NewText: []byte(src(delta))},
		},
	}
	return form
}

// countToken counts occurrences of placeholder p ($n) not followed by a
// digit.
func countToken(s, p string) int {
	n := 0
	for i := 0; ; {
		j := strings.Index(s[i:], p)
		if j < 0 {
			return n
		}
		k := i + j + len(p)
		if k >= len(s) || s[k] < '0' || s[k] > '9' {
			n++
		}
		i = k
	}
}

// importName returns the name under which file imports path.
func importName(f *ast.File, path string) (string, bool) {
	if f == nil {
		return "", false
	}
	for _, imp := range f.Imports {
		if p, err := strconv.Unquote(imp.Path.Value); err == nil && p == path {
			if imp.Name != nil {
				if imp.Name.Name == "_" || imp.Name.Name == "." {
					return "", false
				}
				return imp.Name.Name, true
			}
			return path[strings.LastIndex(path, "/")+1:], true
		}
	}
	return "", false
}
