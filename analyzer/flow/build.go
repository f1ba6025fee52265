package flow

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// Build constructs the SSA form of one type-checked package, as buildssa
// does, with source names kept (ssa.GlobalDebug) for messages. The
// analyzer builds SSA itself, and only for packages that reach a database
// API, so that the packages it skips cost no more than type checking.
// It returns the package and its source functions (declared functions and
// methods, not closures) in source order.
func Build(fset *token.FileSet, pkg *types.Package, files []*ast.File, info *types.Info) (*ssa.Package, []*ssa.Function) {
	prog := ssa.NewProgram(fset, ssa.GlobalDebug)
	for _, p := range pkg.Imports() {
		prog.CreatePackage(p, nil, nil, true)
	}
	ssapkg := prog.CreatePackage(pkg, files, info, false)
	ssapkg.Build()
	var funcs []*ssa.Function
	for _, f := range files {
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			obj, ok := info.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			if fn := prog.FuncValue(obj); fn != nil && len(fn.Blocks) > 0 {
				funcs = append(funcs, fn)
			}
		}
	}
	return ssapkg, funcs
}
