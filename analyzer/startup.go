package analyzer

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/astutil"
)

// Start-up code. A function that main calls before the server listens
// (filling in a secret for each user that has none) runs once, with no
// request beside it; a pass over one package cannot see that only main
// calls it. What it can see is how the code treats a failed write: a
// request handler returns the error, while start-up code ends the
// process (panic, log.Fatal, os.Exit), as a server that cannot start has
// nothing else to do. A write whose failure ends the process is taken
// for start-up code and not reported.

// endsProcessOnFailure reports whether the write call at pos (the opening
// parenthesis of a call, as writes are positioned) is checked for an
// error and the failing branch ends the process: `if err := w(); err !=
// nil { panic(err) }`, or the same with the check in the next statement.
func endsProcessOnFailure(pass *analysis.Pass, file *ast.File, call *ast.CallExpr) bool {
	if file == nil || call == nil {
		return false
	}
	path, _ := astutil.PathEnclosingInterval(file, call.Pos(), call.End())
	for i, n := range path {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return false
		case *ast.IfStmt:
			if i > 0 && (path[i-1] == n.Init || path[i-1] == n.Cond) {
				return errorCheck(n.Cond) && endsProcess(pass, n.Body)
			}
		case *ast.BlockStmt:
			if i == 0 {
				continue
			}
			stmt, ok := path[i-1].(ast.Stmt)
			if !ok {
				continue
			}
			for j, s := range n.List {
				if s == stmt && j+1 < len(n.List) {
					next, ok := n.List[j+1].(*ast.IfStmt)
					return ok && next.Init == nil && errorCheck(next.Cond) && endsProcess(pass, next.Body)
				}
			}
			return false
		}
	}
	return false
}

// errorCheck reports whether cond tests a value against nil (err != nil,
// db.Save(u).Error != nil).
func errorCheck(cond ast.Expr) bool {
	b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok {
		return false
	}
	isNil := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && id.Name == "nil"
	}
	return isNil(b.X) || isNil(b.Y)
}

// endsProcess reports whether a block calls panic, os.Exit, or a logger's
// Fatal or Panic (log.Fatal, logrus, zap, klog), outside function
// literals.
func endsProcess(pass *analysis.Pass, body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			found = endsProcessCall(pass, n)
		}
		return !found
	})
	return found
}

// endsProcessCall reports whether call is panic, os.Exit, or a Fatal or
// Panic function or method (not testing's, which ends a test).
func endsProcessCall(pass *analysis.Pass, call *ast.CallExpr) bool {
	var id *ast.Ident
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return false
	}
	switch obj := pass.TypesInfo.Uses[id].(type) {
	case *types.Builtin:
		return obj.Name() == "panic"
	case *types.Func:
		if obj.Pkg() != nil && obj.Pkg().Path() == "os" && obj.Name() == "Exit" {
			return true
		}
		if obj.Pkg() != nil && obj.Pkg().Path() == "testing" {
			return false // t.Fatal ends a test, not the process
		}
		return strings.HasPrefix(obj.Name(), "Fatal") || strings.HasPrefix(obj.Name(), "Panic")
	}
	return false
}
