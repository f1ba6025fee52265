package flow_test

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"

	"github.com/lostupdate/lostupdate/analyzer/flow"
)

// BenchmarkFunctionSize analyses one function made of n load → change →
// save sequences, each in its own branch, for growing n. The ns/stmt
// metric should stay flat: the work per function is linear in its size.
func BenchmarkFunctionSize(b *testing.B) {
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "source", nil)
	for _, n := range []int{25, 50, 100, 200, 400} {
		src := generate(n)
		f, err := parser.ParseFile(fset, fmt.Sprintf("gen%d.go", n), src, 0)
		if err != nil {
			b.Fatal(err)
		}
		info := &types.Info{
			Types:      map[ast.Expr]types.TypeAndValue{},
			Defs:       map[*ast.Ident]types.Object{},
			Uses:       map[*ast.Ident]types.Object{},
			Implicits:  map[ast.Node]types.Object{},
			Selections: map[*ast.SelectorExpr]*types.Selection{},
			Scopes:     map[ast.Node]*types.Scope{},
			Instances:  map[*ast.Ident]types.Instance{},
		}
		pkg, err := (&types.Config{Importer: imp}).Check(fmt.Sprintf("gen%d", n), fset, []*ast.File{f}, info)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			var writes int
			for b.Loop() {
				ssapkg, funcs := flow.Build(fset, pkg, []*ast.File{f}, info)
				writes = len(flow.New(fset, ssapkg, nil).Func(funcs[0]).Writes)
			}
			if writes != n {
				b.Fatalf("found %d writes, want %d", writes, n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/stmt")
		})
	}
}

// generate writes a function with n racy sequences on distinct variables.
func generate(n int) string {
	var sb strings.Builder
	sb.WriteString("package gen\n\nimport (\n\t\"context\"\n\t\"database/sql\"\n)\n\n")
	sb.WriteString("func handle(ctx context.Context, db *sql.DB, op int, id, amount int64) error {\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "\tif op == %d {\n\t\tvar v%d int64\n", i, i)
		fmt.Fprintf(&sb, "\t\tif err := db.QueryRowContext(ctx, \"SELECT c%d FROM t WHERE id = $1\", id).Scan(&v%d); err != nil {\n\t\t\treturn err\n\t\t}\n", i, i)
		fmt.Fprintf(&sb, "\t\tif _, err := db.ExecContext(ctx, \"UPDATE t SET c%d = $1 WHERE id = $2\", v%d+amount, id); err != nil {\n\t\t\treturn err\n\t\t}\n\t}\n", i, i)
	}
	sb.WriteString("\treturn nil\n}\n")
	return sb.String()
}
