package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/astutil"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/flow"
	"github.com/lostupdate/lostupdate/analyzer/report"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// atomicForm is the atomic rewrite of a write, when the write is the
// mechanical "loaded value ± delta written back to its own column".
type atomicForm struct {
	op    string // "+" or "-"
	delta string // the source of the delta expression
	fix   *analysis.SuggestedFix
	// guard is the check of a loaded value that decides whether the write
	// runs (if from < amount { return }), if any. The atomic update alone
	// would keep the check on a stale read, so no fix is offered: the
	// message says to repeat the check in the write.
	guard *guardCheck
}

// guardCheck is a check of a loaded value that decides whether a write
// runs, as the message renders it.
type guardCheck struct {
	at string // where the check is: "bank.go:42"
	// own reports that the check is on a value of the load the write's
	// value comes from, so that the write itself can repeat it.
	own bool
	// cmp is the check as the write must repeat it, when it compares the
	// loaded value of the written column, as loaded, with something the
	// load does not give.
	cmp *guardCmp
}

// guardCmp is the condition, on the column the write stores, under which
// the write runs: column op rhs.
type guardCmp struct {
	op  string // an SQL comparison: "<", "<=", ">", ">=", "=", "<>"
	rhs string // the source of what the column is compared with
	// delta reports that rhs is the atomic update's delta, passed once
	// to both the SET and the WHERE.
	delta bool
}

// atomic computes the atomic form of a finding's write and, where the
// rewrite is mechanical and no check of the loaded value decides the
// write, a suggested fix.
func atomic(pass *analysis.Pass, rep *report.Reporter, f *finding) atomicForm {
	form := atomicWrite(pass, rep, f)
	if g := decidingGuard(f); g != nil {
		// SET c = c - $1 without the check would debit an account the
		// check, made on a stale read, let through: not a fix.
		form.fix = nil
		form.guard = describeGuard(pass, rep, f, g, form.delta)
	}
	return form
}

// atomicWrite computes the atomic form of a finding's write, with a
// suggested fix where the rewrite is mechanical.
func atomicWrite(pass *analysis.Pass, rep *report.Reporter, f *finding) atomicForm {
	w := f.write
	call := rep.CallAt(w.Pos)
	if call != nil && w.Shape == apis.GormChain && w.Form == apis.Model && f.value.Numeric {
		return gormSaveAtomic(pass, rep, call, f) // Save writes every field
	}
	if call != nil && w.Shape == apis.EntBuilder && f.value.Numeric {
		return entAtomic(pass, rep, call, f) // each setter is a column of its own
	}
	if call != nil && w.Shape == apis.BoilGenerated && f.value.Numeric {
		return boilUpdateAtomic(pass, rep, call, f) // Update writes the columns of a record
	}
	if call != nil && w.Shape == apis.Document && f.value.Numeric {
		return mongoAtomic(pass, rep, call, f) // a field of the update document's $set
	}
	if call != nil && w.Shape == apis.XormSession && w.Form == apis.Setters && f.value.Numeric {
		return xormAtomic(pass, rep, call, f) // Incr or Decr in the Update's chain
	}
	if call != nil && w.Shape == apis.BunChain && f.value.Numeric {
		return bunAtomic(pass, rep, call, f) // a Set expression in the update's chain
	}
	if call != nil && w.Shape == apis.KeyValue && f.value.Numeric {
		return keyAtomic(pass, rep, call, f) // a cache's increment of the key
	}
	if call == nil || len(w.Values) != 1 || call.Ellipsis.IsValid() || !f.value.Numeric {
		// A string joined to another is not arithmetic: SET s = s + $1
		// fails on PostgreSQL and stores 0 on MySQL.
		return atomicForm{op: "+"}
	}
	switch {
	case w.Kind == flow.WriteSQL:
		return sqlAtomic(pass, rep, call, f)
	case w.Shape == apis.GormChain && w.Form == apis.Column:
		if len(call.Args) != 2 {
			return atomicForm{op: "+"}
		}
		ch, ok := changeOf(pass, rep, call.Args[1], f)
		if !ok {
			return atomicForm{op: "+"}
		}
		form := atomicForm{op: ch.op, delta: ch.delta}
		if name, ok := importName(rep.FileOf(call.Pos()), apis.GormPath(f.write.Lib)); ok {
			text := fmt.Sprintf("%s.Expr(%q, %s)", name, f.value.Column+" "+ch.op+" ?", ch.delta)
			form.fix = &analysis.SuggestedFix{
				Message:   fmt.Sprintf("Update %s atomically with %s", f.value.Column, text),
				TextEdits: append([]analysis.TextEdit{{Pos: call.Args[1].Pos(), End: call.Args[1].End(), NewText: []byte(text)}}, ch.edits...),
			}
		}
		return form
	}
	return atomicForm{op: "+"}
}

// change is the mechanical change a written value makes to the loaded
// one: the operator, the delta's source, and the edits beyond the written
// argument's own that the rewrite needs (the removal of x += d).
type change struct {
	op    string
	delta string
	// expr is the delta's expression; nil for the implicit 1 of x++.
	expr  ast.Expr
	edits []analysis.TextEdit
}

// changeOf recognises the written argument as the loaded value plus or
// minus a delta: "x ± d" itself (mechanical), or x after one x += d, x -=
// d, x++ or x-- (stepped).
func changeOf(pass *analysis.Pass, rep *report.Reporter, arg ast.Expr, f *finding) (change, bool) {
	if op, delta, ok := mechanical(arg, f); ok {
		text, ok := sourceText(pass, delta)
		return change{op: op, delta: text, expr: delta}, ok
	}
	return stepped(pass, rep, arg, f)
}

// mechanical recognises "x ± d" written to x's own column, where x is the
// value as loaded and d does not come from the load, and returns the
// operator and d.
func mechanical(expr ast.Expr, f *finding) (op string, delta ast.Expr, ok bool) {
	bin, ok := ast.Unparen(expr).(*ast.BinaryExpr)
	if !ok || bin.Op != token.ADD && bin.Op != token.SUB {
		return "", nil, false
	}
	if !ownColumn(f) {
		return "", nil, false
	}
	switch {
	case loadedExpr(bin.X, f) && !mentions(bin.Y, f.label.Name):
		return bin.Op.String(), bin.Y, true
	case bin.Op == token.ADD && loadedExpr(bin.Y, f) && !mentions(bin.X, f.label.Name):
		return "+", bin.X, true
	}
	return "", nil, false
}

// ownColumn reports whether a finding's value is written to the column it
// was read from: the same column, or, for a cache, the key itself (the
// judge found the write's key to be the read's).
func ownColumn(f *finding) bool {
	if f.label.Column == "" {
		return f.value.Column == "" && f.write.Shape == apis.KeyValue
	}
	return f.label.Column == f.value.Column
}

// loadedExpr reports whether e is the Go expression the finding's value
// was read into ("balance", "p.Stock").
func loadedExpr(e ast.Expr, f *finding) bool {
	return types.ExprString(ast.Unparen(e)) == f.label.Name
}

// mentions reports whether e mentions the variable at the root of the
// Go expression name ("p" of "p.Stock").
func mentions(e ast.Expr, name string) bool {
	root := name
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

// sqlAtomic rewrites "SET c = $k" with argument "x ± d" (or x after x +=
// d) into "SET c = c ± $k" with argument d, when the SQL is one string
// literal.
func sqlAtomic(pass *analysis.Pass, rep *report.Reporter, call *ast.CallExpr, f *finding) atomicForm {
	w, v := f.write, f.value
	if v.Assign == nil || !v.Assign.Bare || v.Arg < 0 || w.SQLArg < 0 {
		return atomicForm{op: "+"}
	}
	argIdx := w.SQLArg + 1 + v.Arg
	if argIdx >= len(call.Args) || w.SQLArg >= len(call.Args) {
		return atomicForm{op: "+"}
	}
	ch, ok := changeOf(pass, rep, call.Args[argIdx], f)
	if !ok {
		return atomicForm{op: "+"}
	}
	form := atomicForm{op: ch.op, delta: ch.delta}
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
	newSet := v.Column + " " + ch.op + " " + placeholder
	form.fix = &analysis.SuggestedFix{
		Message: fmt.Sprintf("Update %s atomically with SET %s = %s", v.Column, v.Column, newSet),
		TextEdits: append([]analysis.TextEdit{
			{Pos: start, End: end, NewText: []byte(newSet)},
			{Pos: call.Args[argIdx].Pos(), End: call.Args[argIdx].End(), NewText: []byte(ch.delta)},
		}, ch.edits...),
	}
	return form
}

// entAtomic rewrites an ent setter whose argument is "x ± d" (or x after
// x += d), SetDownloads(p.Downloads+1), into the adder of the same
// field with d, AddDownloads(1), in the builder chain the write runs.
func entAtomic(pass *analysis.Pass, rep *report.Reporter, call *ast.CallExpr, f *finding) atomicForm {
	setter := "Set" + f.value.Field
	var set *ast.CallExpr
	for x := call.Fun; set == nil; {
		sel, ok := ast.Unparen(x).(*ast.SelectorExpr)
		if !ok {
			return atomicForm{op: "+"}
		}
		inner, ok := ast.Unparen(sel.X).(*ast.CallExpr)
		if !ok {
			return atomicForm{op: "+"}
		}
		if s, ok := inner.Fun.(*ast.SelectorExpr); ok && s.Sel.Name == setter && len(inner.Args) == 1 {
			set = inner
		}
		x = inner.Fun
	}
	ch, ok := changeOf(pass, rep, set.Args[0], f)
	if !ok || f.value.Field == "" {
		return atomicForm{op: "+"}
	}
	form := atomicForm{op: ch.op, delta: ch.delta}
	adder := "Add" + f.value.Field
	delta := entDelta(ch.op, ch.delta)
	form.fix = &analysis.SuggestedFix{
		Message: fmt.Sprintf("Update %s atomically with %s(%s)", f.value.Column, adder, delta),
		TextEdits: append([]analysis.TextEdit{
			{Pos: set.Fun.(*ast.SelectorExpr).Sel.Pos(), End: set.Fun.(*ast.SelectorExpr).Sel.End(), NewText: []byte(adder)},
			{Pos: set.Args[0].Pos(), End: set.Args[0].End(), NewText: []byte(delta)},
		}, ch.edits...),
	}
	return form
}

// mongoAtomic computes the atomic form of a MongoDB update whose $set
// writes the finding's field as the value read ± a delta: the same
// update with $inc of the delta. The fix rewrites it when $set holds that
// one field and the document no $inc already.
func mongoAtomic(pass *analysis.Pass, rep *report.Reporter, call *ast.CallExpr, f *finding) atomicForm {
	if len(call.Args) < 3 {
		return atomicForm{op: "+"}
	}
	ops := docLiteral(call.Args[2])
	var setKey, value ast.Expr
	fields := 0
	for _, op := range ops {
		switch op.key {
		case "$inc":
			setKey = nil
			fields = -1
		case "$set":
			if fields < 0 {
				break
			}
			for _, fld := range docLiteral(op.val) {
				fields++
				if fld.key == f.value.Column {
					setKey, value = op.keyExpr, fld.val
				}
			}
		}
	}
	if value == nil {
		return atomicForm{op: "+"}
	}
	ch, ok := changeOf(pass, rep, value, f)
	if !ok {
		return atomicForm{op: "+"}
	}
	form := atomicForm{op: ch.op, delta: ch.delta}
	if setKey == nil || fields != 1 {
		return form
	}
	delta := entDelta(ch.op, ch.delta)
	form.fix = &analysis.SuggestedFix{
		Message: fmt.Sprintf(`Update %s atomically with "$inc": %s`, f.value.Column, delta),
		TextEdits: append([]analysis.TextEdit{
			{Pos: setKey.Pos(), End: setKey.End(), NewText: []byte(`"$inc"`)},
			{Pos: value.Pos(), End: value.End(), NewText: []byte(delta)},
		}, ch.edits...),
	}
	return form
}

// docField is one field of a BSON document literal in the source.
type docField struct {
	key     string
	keyExpr ast.Expr
	val     ast.Expr
}

// docLiteral returns the fields of a BSON document literal: bson.M{"k":
// v}, or bson.D{{"k", v}} and bson.D{{Key: "k", Value: v}}.
func docLiteral(x ast.Expr) []docField {
	lit, ok := ast.Unparen(x).(*ast.CompositeLit)
	if !ok {
		return nil
	}
	var out []docField
	for _, elt := range lit.Elts {
		var k, v ast.Expr
		switch e := elt.(type) {
		case *ast.KeyValueExpr:
			k, v = e.Key, e.Value
		case *ast.CompositeLit:
			for i, p := range e.Elts {
				if kv, ok := p.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Key" {
						k = kv.Value
					} else if ok && id.Name == "Value" {
						v = kv.Value
					}
					continue
				}
				if i == 0 {
					k = p
				} else if i == 1 {
					v = p
				}
			}
		}
		bl, ok := ast.Unparen(k).(*ast.BasicLit)
		if !ok || bl.Kind != token.STRING || v == nil {
			continue
		}
		key, err := strconv.Unquote(bl.Value)
		if err != nil {
			continue
		}
		out = append(out, docField{key: key, keyExpr: bl, val: v})
	}
	return out
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

// decidingGuard returns the check that decides whether the finding's
// write runs and that looks at a value of the same load, or at the same
// column read by another load: a guard of the write whose labels include
// such a value. A check on the value's own load comes first.
func decidingGuard(f *finding) *flow.Guard {
	var other *flow.Guard
	for i := range f.write.Guards {
		g := &f.write.Guards[i]
		for _, l := range g.Labels {
			switch {
			case l.Load == nil:
			case l.Load == f.label.Load:
				return g
			case l.Column != "" && l.Column == f.label.Column && other == nil:
				other = g
			}
		}
	}
	return other
}

// describeGuard renders guard g of the finding's write for the message:
// where it is and, when it compares the written column's loaded value,
// the condition the write must repeat. delta is the source of the atomic
// update's delta, if known.
func describeGuard(pass *analysis.Pass, rep *report.Reporter, f *finding, g *flow.Guard, delta string) *guardCheck {
	gc := &guardCheck{at: at(pass.Fset, g.Pos)}
	gc.own = slices.ContainsFunc(g.Labels, func(l *flow.Label) bool { return l.Load == f.label.Load })
	if gc.own {
		gc.cmp = guardComparison(pass, rep, f, g, delta)
	}
	return gc
}

// guardComparison returns the condition on the written column under which
// the write runs, when guard g is an if statement comparing the value as
// loaded (x < amount, not x-amount < 0 nor a value changed since) with
// something else, and the write is on one side of it. It returns nil
// otherwise.
func guardComparison(pass *analysis.Pass, rep *report.Reporter, f *finding, g *flow.Guard, delta string) *guardCmp {
	if f.label.Column == "" || f.label.Column != f.value.Column {
		return nil
	}
	asLoaded := false
	for _, l := range g.Labels {
		if l.Load == f.label.Load && l.Column == f.label.Column {
			if l.Change != summary.Copied {
				return nil // compared after a change on some path
			}
			asLoaded = true
		}
	}
	if !asLoaded {
		return nil
	}
	file := rep.FileOf(g.Pos)
	if file == nil {
		return nil
	}
	var ifs *ast.IfStmt
	var cond *ast.BinaryExpr
	ast.Inspect(file, func(n ast.Node) bool {
		if ifs != nil {
			return false
		}
		if s, ok := n.(*ast.IfStmt); ok {
			if b, ok := ast.Unparen(s.Cond).(*ast.BinaryExpr); ok && b.OpPos == g.Pos {
				ifs, cond = s, b
				return false
			}
		}
		return true
	})
	if ifs == nil {
		return nil
	}
	op := cond.Op
	var rhs ast.Expr
	switch {
	case loadedExpr(cond.X, f) && !mentions(cond.Y, f.label.Name):
		rhs = cond.Y
	case loadedExpr(cond.Y, f) && !mentions(cond.X, f.label.Name):
		rhs, op = cond.X, swapped(op)
	default:
		return nil
	}
	pos := f.write.Pos
	switch {
	case ifs.Body.Pos() <= pos && pos < ifs.Body.End():
	case ifs.Else != nil && ifs.Else.Pos() <= pos && pos < ifs.Else.End():
		op = negated(op)
	case pos >= ifs.End() && terminates(ifs.Body):
		op = negated(op)
	default:
		return nil
	}
	sqlOp, ok := map[token.Token]string{
		token.LSS: "<", token.LEQ: "<=", token.GTR: ">", token.GEQ: ">=", token.EQL: "=", token.NEQ: "<>",
	}[op]
	if !ok {
		return nil
	}
	src, _ := sourceText(pass, rhs)
	return &guardCmp{op: sqlOp, rhs: src, delta: delta != "" && src == delta}
}

// swapped returns the comparison with its operands swapped: a < b is b >
// a.
func swapped(op token.Token) token.Token {
	switch op {
	case token.LSS:
		return token.GTR
	case token.GTR:
		return token.LSS
	case token.LEQ:
		return token.GEQ
	case token.GEQ:
		return token.LEQ
	}
	return op
}

// negated returns the comparison that holds when op does not.
func negated(op token.Token) token.Token {
	switch op {
	case token.LSS:
		return token.GEQ
	case token.GEQ:
		return token.LSS
	case token.GTR:
		return token.LEQ
	case token.LEQ:
		return token.GTR
	case token.EQL:
		return token.NEQ
	case token.NEQ:
		return token.EQL
	}
	return token.ILLEGAL
}

// terminates reports whether a block ends in a statement that leaves it:
// return, break, continue, goto or a call of panic.
func terminates(b *ast.BlockStmt) bool {
	if len(b.List) == 0 {
		return false
	}
	switch s := b.List[len(b.List)-1].(type) {
	case *ast.ReturnStmt, *ast.BranchStmt:
		return true
	case *ast.ExprStmt:
		if call, ok := s.X.(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "panic" {
				return true
			}
		}
	}
	return false
}

// occurrence is an identifier that refers to a variable, with its
// ancestors from the function that declares the variable down to its
// parent.
type occurrence struct {
	id    *ast.Ident
	stack []ast.Node
}

// parent returns the node that contains the identifier.
func (o occurrence) parent() ast.Node { return o.stack[len(o.stack)-1] }

// occurrencesOf returns the identifiers under root that refer to obj.
func occurrencesOf(root ast.Node, obj types.Object, info *types.Info) []occurrence {
	var out []occurrence
	var stack []ast.Node
	ast.Inspect(root, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if id, ok := n.(*ast.Ident); ok && (info.Uses[id] == obj || info.Defs[id] == obj) {
			out = append(out, occurrence{id: id, stack: slices.Clone(stack)})
		}
		stack = append(stack, n)
		return true
	})
	return out
}

// stepped recognises the loaded variable x written as it is after one
// statement x += d, x -= d, x++ or x-- (d = 1), and returns the change:
// the operator, d, and the removal of the statement when nothing reads x
// after it. It holds only where that is sound in the syntax of the
// function:
//
//   - x is a local variable of the function that writes, not captured by
//     a closure, not a field, its address taken only by the load
//     (Scan(&x)), and never a method's receiver;
//   - the load (the statement that assigns x and holds the load's read)
//     runs unconditionally before the step in the same or an enclosing
//     block, and the step before the write likewise, with no loop or
//     goto in between: each run of the write follows one load and one
//     step;
//   - nothing else assigns x between the load and the write;
//   - d is constants, literals, conversions and local variables that are
//     not captured, whose address is not taken, which nothing assigns
//     between the step and the write and which mean the same at the
//     write, so that d at the write is d at the step.
//
// The step is removed only when x is read nowhere after it (nor, in a
// loop, before the load), and the fix is not offered when x would be left
// without a use ("declared and not used").
func stepped(pass *analysis.Pass, rep *report.Reporter, arg ast.Expr, f *finding) (change, bool) {
	fail := change{}
	if !ownColumn(f) || pass.TypesInfo == nil {
		return fail, false
	}
	id, ok := ast.Unparen(arg).(*ast.Ident)
	if !ok || id.Name != f.label.Name {
		return fail, false
	}
	x, ok := pass.TypesInfo.Uses[id].(*types.Var)
	if !ok || x.IsField() || x.Parent() == nil || x.Parent() == pass.Pkg.Scope() {
		return fail, false
	}
	if _, ok := x.Type().Underlying().(*types.Basic); !ok {
		return fail, false
	}
	fn := localFunc(rep, id, x)
	if fn == nil {
		return fail, false
	}
	occs := occurrencesOf(fn, x, pass.TypesInfo)
	var (
		write, step *occurrence
		defs, addrs []occurrence
		reads       []occurrence
	)
	for i := range occs {
		o := &occs[i]
		if inClosure(o.stack) {
			return fail, false
		}
		switch p := o.parent().(type) {
		case *ast.ParenExpr:
			if o.id != id {
				return fail, false
			}
		case *ast.SelectorExpr:
			return fail, false // a method may take x's address
		case *ast.IncDecStmt:
			if step != nil {
				return fail, false
			}
			step = o
			continue
		case *ast.AssignStmt:
			if slices.Contains(p.Lhs, ast.Expr(o.id)) {
				if (p.Tok == token.ADD_ASSIGN || p.Tok == token.SUB_ASSIGN) && len(p.Lhs) == 1 && len(p.Rhs) == 1 {
					if step != nil {
						return fail, false
					}
					step = o
				} else {
					defs = append(defs, *o)
				}
				continue
			}
		case *ast.UnaryExpr:
			if p.Op == token.AND {
				addrs = append(addrs, *o)
				defs = append(defs, *o)
				continue
			}
		case *ast.ValueSpec:
			if slices.Contains(p.Names, o.id) {
				if len(p.Values) > 0 {
					defs = append(defs, *o)
				}
				continue
			}
		case *ast.Field:
			continue // a parameter
		case *ast.RangeStmt:
			if p.Key == ast.Expr(o.id) || p.Value == ast.Expr(o.id) {
				return fail, false
			}
		}
		if o.id == id {
			write = o
			continue
		}
		reads = append(reads, *o)
	}
	if write == nil || step == nil || len(addrs) > 1 {
		return fail, false
	}
	// The load: the assignment of x in the statement that reads the row.
	l := f.label.Load
	var load *occurrence
	var loadStmt ast.Stmt
	for i := range defs {
		st := stmtOf(defs[i].stack)
		if st != nil && st.Pos() <= l.ReadPos() && l.ReadPos() < st.End() {
			load, loadStmt = &defs[i], st
			break
		}
	}
	if load == nil || len(addrs) == 1 && addrs[0].id != load.id {
		return fail, false
	}
	for _, d := range defs {
		if d.id != load.id && d.id.Pos() > loadStmt.Pos() && d.id.Pos() < write.id.Pos() {
			return fail, false // another assignment between the load and the write
		}
	}
	stepStmt := step.parent().(ast.Stmt)
	if !unconditional(load.stack, loadStmt) || !runsBefore(load.stack, loadStmt, step.stack) || !runsBefore(step.stack, stepStmt, write.stack) {
		return fail, false
	}
	ch := change{op: "+", delta: "1"}
	switch s := stepStmt.(type) {
	case *ast.IncDecStmt:
		if s.Tok == token.DEC {
			ch.op = "-"
		}
	case *ast.AssignStmt:
		if s.Tok == token.SUB_ASSIGN {
			ch.op = "-"
		}
		if !stable(pass, fn, s.Rhs[0], x, stepStmt.End(), write.id.Pos()) {
			return fail, false
		}
		text, ok := sourceText(pass, s.Rhs[0])
		if !ok {
			return fail, false
		}
		ch.delta, ch.expr = text, s.Rhs[0]
	}
	inLoop := slices.ContainsFunc(step.stack, isLoop)
	keep := false
	for _, r := range reads {
		if r.id.Pos() > write.id.End() {
			// x is used after the write as the new value (returned,
			// logged): after the fix the database holds another one.
			return fail, false
		}
		if r.id.Pos() > stepStmt.End() || inLoop && r.id.Pos() < loadStmt.Pos() {
			keep = true
		}
	}
	if len(reads)+len(addrs) == 0 {
		return fail, false // x would be declared and not used
	}
	if !keep {
		pos, end := lineOf(pass, stepStmt)
		ch.edits = []analysis.TextEdit{{Pos: pos, End: end}}
	}
	return ch, true
}

// gormSaveAtomic rewrites db.Save(&p) after one p.F += d, p.F -= d, p.F++
// or p.F-- into db.Model(&p).Update("f", gorm.Expr("f ± ?", d)), and
// removes the step. Save writes every column of p; the rewrite writes the
// one the request changed, atomically, so it holds only where p changes
// in nothing else: p is a local variable of the function that writes, not
// captured by a closure, mentioned between its load and the save only by
// the step and after the save not at all, declared before the load and
// used there only by its declaration; the load, the step and the save run
// in that order, unconditionally, with no loop or goto in between; and d
// is stable as for stepped. GORM's Update runs the hooks Save runs
// (BeforeSave, BeforeUpdate and their After twins) and sets UpdatedAt.
func gormSaveAtomic(pass *analysis.Pass, rep *report.Reporter, call *ast.CallExpr, f *finding) atomicForm {
	none := atomicForm{op: "+"}
	col := f.value.Column
	if len(call.Args) != 1 {
		return none
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Save" {
		return none
	}
	arg := ast.Unparen(call.Args[0])
	if u, ok := arg.(*ast.UnaryExpr); ok && u.Op == token.AND {
		arg = ast.Unparen(u.X)
	}
	ch, stepStmt, ok := recordStep(pass, rep, call, arg, f)
	if !ok {
		return none
	}
	gorm, ok := importName(rep.FileOf(call.Pos()), apis.GormPath(f.write.Lib))
	if !ok {
		return none
	}
	recv, ok1 := sourceText(pass, sel.X)
	argText, ok2 := sourceText(pass, call.Args[0])
	if !ok1 || !ok2 {
		return none
	}
	expr := fmt.Sprintf("%s.Expr(%q, %s)", gorm, col+" "+ch.op+" ?", ch.delta)
	text := fmt.Sprintf("%s.Model(%s).Update(%q, %s)", recv, argText, col, expr)
	pos, end := lineOf(pass, stepStmt)
	return atomicForm{op: ch.op, delta: ch.delta, fix: &analysis.SuggestedFix{
		Message: fmt.Sprintf("Update %s atomically with %s", col, expr),
		TextEdits: []analysis.TextEdit{
			{Pos: pos, End: end},
			{Pos: call.Pos(), End: call.End(), NewText: []byte(text)},
		},
	}}
}

// boilUpdateAtomic finds the change a sqlboiler write makes, for the
// atomic update the message names: the one entry x ± d of UpdateAll's
// map, or the one p.F += d, p.F -= d, p.F++ or p.F-- since its load of
// the record a model's Update writes (see recordStep). It offers no fix:
// raw SQL instead of Update skips the model's hooks, and returns an
// sql.Result where Update returns a count.
func boilUpdateAtomic(pass *analysis.Pass, rep *report.Reporter, call *ast.CallExpr, f *finding) atomicForm {
	none := atomicForm{op: "+"}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || len(call.Args) == 0 {
		return none
	}
	if lit, ok := ast.Unparen(call.Args[len(call.Args)-1]).(*ast.CompositeLit); ok {
		// UpdateAll(ctx, exec, models.M{"n": x + d})
		if len(lit.Elts) != 1 {
			return none
		}
		kv, ok := lit.Elts[0].(*ast.KeyValueExpr)
		if !ok {
			return none
		}
		ch, ok := changeOf(pass, rep, kv.Value, f)
		if !ok {
			return none
		}
		return atomicForm{op: ch.op, delta: ch.delta}
	}
	ch, _, ok := recordStep(pass, rep, call, ast.Unparen(sel.X), f)
	if !ok {
		return none
	}
	return atomicForm{op: ch.op, delta: ch.delta}
}

// recordStep finds the one step p.F += d, p.F -= d, p.F++ or p.F-- that
// changed the record p a call writes whole (arg, the record as the call
// names it: Save(&p), p.Update(…)) since its load, where the record
// changes in nothing else: p is a local variable of the function that
// writes, not captured by a closure, mentioned between its load and the
// write only by the step and after the write not at all, declared before
// the load and used there only by its declaration; the load, the step
// and the write run in that order, unconditionally, with no loop or goto
// in between; and d is stable as for stepped.
func recordStep(pass *analysis.Pass, rep *report.Reporter, call *ast.CallExpr, arg ast.Expr, f *finding) (change, ast.Stmt, bool) {
	col := f.value.Column
	if col == "" || f.label.Column != col || pass.TypesInfo == nil {
		return change{}, nil, false
	}
	root, field, ok := strings.Cut(f.label.Name, ".")
	if !ok || !token.IsIdentifier(root) || !token.IsIdentifier(field) {
		return change{}, nil, false
	}
	id, ok := arg.(*ast.Ident)
	if !ok || id.Name != root {
		return change{}, nil, false
	}
	pv, ok := pass.TypesInfo.Uses[id].(*types.Var)
	if !ok || pv.IsField() || pv.Parent() == nil || pv.Parent() == pass.Pkg.Scope() {
		return change{}, nil, false
	}
	fn := localFunc(rep, id, pv)
	if fn == nil {
		return change{}, nil, false
	}
	readPos := f.label.Load.ReadPos()
	var load, step, write *occurrence
	occs := occurrencesOf(fn, pv, pass.TypesInfo)
	for i := range occs {
		o := &occs[i]
		if inClosure(o.stack) {
			return change{}, nil, false
		}
		st := stmtOf(o.stack)
		switch {
		case o.id == id:
			write = o
		case st != nil && st.Pos() <= readPos && readPos < st.End():
			if load != nil {
				return change{}, nil, false
			}
			load = o
		case o.id.Pos() < readPos:
			if st == nil || !isDecl(st, o.id) {
				return change{}, nil, false // p holds something before its load
			}
		case isFieldStep(o, field):
			if step != nil {
				return change{}, nil, false
			}
			step = o
		default:
			return change{}, nil, false // p is used otherwise between its load and the write, or after
		}
	}
	if load == nil || step == nil || write == nil {
		return change{}, nil, false
	}
	loadStmt := stmtOf(load.stack)
	stepStmt, _ := step.stack[len(step.stack)-2].(ast.Stmt)
	if loadStmt == nil || stepStmt == nil || !unconditional(load.stack, loadStmt) ||
		!runsBefore(load.stack, loadStmt, step.stack) || !runsBefore(step.stack, stepStmt, write.stack) {
		return change{}, nil, false
	}
	ch := change{op: "+", delta: "1"}
	switch st := stepStmt.(type) {
	case *ast.IncDecStmt:
		if st.Tok == token.DEC {
			ch.op = "-"
		}
	case *ast.AssignStmt:
		if st.Tok == token.SUB_ASSIGN {
			ch.op = "-"
		}
		if !stable(pass, fn, st.Rhs[0], pv, stepStmt.End(), call.Pos()) {
			return change{}, nil, false
		}
		text, ok := sourceText(pass, st.Rhs[0])
		if !ok {
			return change{}, nil, false
		}
		ch.delta = text
	}
	return ch, stepStmt, true
}

// isFieldStep reports whether an occurrence of p is the p of a statement
// p.F += d, p.F -= d, p.F++ or p.F--.
func isFieldStep(o *occurrence, field string) bool {
	if len(o.stack) < 2 {
		return false
	}
	sel, ok := o.parent().(*ast.SelectorExpr)
	if !ok || sel.X != ast.Expr(o.id) || sel.Sel.Name != field {
		return false
	}
	switch st := o.stack[len(o.stack)-2].(type) {
	case *ast.IncDecStmt:
		return st.X == ast.Expr(sel)
	case *ast.AssignStmt:
		return (st.Tok == token.ADD_ASSIGN || st.Tok == token.SUB_ASSIGN) && len(st.Lhs) == 1 && len(st.Rhs) == 1 && st.Lhs[0] == ast.Expr(sel)
	}
	return false
}

// isDecl reports whether st declares id without giving it a value that
// could hold data (var p Post, var p *Post, p := &Post{}, p := new(Post)).
func isDecl(st ast.Stmt, id *ast.Ident) bool {
	switch st := st.(type) {
	case *ast.DeclStmt:
		gd, ok := st.Decl.(*ast.GenDecl)
		if !ok {
			return false
		}
		for _, spec := range gd.Specs {
			if vs, ok := spec.(*ast.ValueSpec); ok && slices.Contains(vs.Names, id) && len(vs.Values) == 0 {
				return true
			}
		}
	case *ast.AssignStmt:
		if st.Tok != token.DEFINE || len(st.Lhs) != 1 || st.Lhs[0] != ast.Expr(id) || len(st.Rhs) != 1 {
			return false
		}
		switch r := ast.Unparen(st.Rhs[0]).(type) {
		case *ast.UnaryExpr:
			lit, ok := r.X.(*ast.CompositeLit)
			return r.Op == token.AND && ok && len(lit.Elts) == 0
		case *ast.CallExpr:
			fun, ok := r.Fun.(*ast.Ident)
			return ok && fun.Name == "new" && len(r.Args) == 1
		}
	}
	return false
}

// localFunc returns the innermost function (declaration or literal) that
// holds the identifier id, when it also declares v and has no goto: the
// function whose syntax the fixes reason about. It returns nil otherwise.
func localFunc(rep *report.Reporter, id *ast.Ident, v *types.Var) ast.Node {
	file := rep.FileOf(id.Pos())
	if file == nil {
		return nil
	}
	path, _ := astutil.PathEnclosingInterval(file, id.Pos(), id.End())
	for _, n := range path {
		switch n.(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			if v.Pos() < n.Pos() || v.Pos() >= n.End() || hasGoto(n) {
				return nil
			}
			return n
		}
	}
	return nil
}

// hasGoto reports whether the function has a goto statement.
func hasGoto(fn ast.Node) bool {
	found := false
	ast.Inspect(fn, func(n ast.Node) bool {
		if b, ok := n.(*ast.BranchStmt); ok && b.Tok == token.GOTO {
			found = true
		}
		return !found
	})
	return found
}

// inClosure reports whether a stack, which starts at a function, passes
// through a function literal inside it.
func inClosure(stack []ast.Node) bool {
	for _, n := range stack[1:] {
		if _, ok := n.(*ast.FuncLit); ok {
			return true
		}
	}
	return false
}

// isLoop reports whether n is a for or range statement.
func isLoop(n ast.Node) bool {
	switch n.(type) {
	case *ast.ForStmt, *ast.RangeStmt:
		return true
	}
	return false
}

// stmtList returns the statements of a node that holds a list of them.
func stmtList(n ast.Node) ([]ast.Stmt, bool) {
	switch n := n.(type) {
	case *ast.BlockStmt:
		return n.List, true
	case *ast.CaseClause:
		return n.Body, true
	case *ast.CommClause:
		return n.Body, true
	}
	return nil, false
}

// stmtOf returns the statement of a list that holds the end of a stack:
// the child of the innermost block or clause on it, or nil when that
// child is not one of the list's statements (a case's expression).
func stmtOf(stack []ast.Node) ast.Stmt {
	for i := len(stack) - 2; i >= 0; i-- {
		if list, ok := stmtList(stack[i]); ok {
			if s, ok := stack[i+1].(ast.Stmt); ok && slices.Contains(list, s) {
				return s
			}
			return nil
		}
	}
	return nil
}

// unconditional reports whether the end of a stack runs whenever its
// statement st does: st is an assignment, an expression or a declaration,
// or an if or switch whose init holds it, and no && or || on the way may
// skip it.
func unconditional(stack []ast.Node, st ast.Stmt) bool {
	i := slices.Index(stack, ast.Node(st))
	if i < 0 {
		return false
	}
	for j := i; j < len(stack); j++ {
		switch n := stack[j].(type) {
		case *ast.BinaryExpr:
			if n.Op == token.LAND || n.Op == token.LOR {
				return false
			}
		case *ast.AssignStmt, *ast.ExprStmt, *ast.DeclStmt:
		case *ast.IfStmt:
			if j+1 >= len(stack) || n.Init != stack[j+1] {
				return false
			}
		case *ast.SwitchStmt:
			if j+1 >= len(stack) || n.Init != stack[j+1] {
				return false
			}
		case *ast.TypeSwitchStmt:
			if j+1 >= len(stack) || n.Init != stack[j+1] {
				return false
			}
		case ast.Stmt:
			return false
		}
	}
	return true
}

// runsBefore reports whether statement st, held by the list at the end of
// the stack before it, runs before every run of the node whose stack is
// later: later lies in a later statement of the same list, inside no
// loop that st is not also inside.
func runsBefore(stack []ast.Node, st ast.Stmt, later []ast.Node) bool {
	i := slices.Index(stack, ast.Node(st))
	if i < 1 || len(later) <= i || later[i-1] != stack[i-1] {
		return false
	}
	list, ok := stmtList(stack[i-1])
	if !ok {
		return false
	}
	a, b := slices.Index(list, st), -1
	if s, ok := later[i].(ast.Stmt); ok {
		b = slices.Index(list, s)
	}
	if a < 0 || b <= a {
		return false
	}
	return !slices.ContainsFunc(later[i:], isLoop)
}

// stable reports whether expression d, evaluated after x's step, has the
// same value at the write (at pos write) as at the step (ending at from):
// it does not mention x and consists of literals, constants, conversions
// and local variables of fn that nothing can change between, each meaning
// the same at the write.
func stable(pass *analysis.Pass, fn ast.Node, d ast.Expr, x *types.Var, from, write token.Pos) bool {
	info := pass.TypesInfo
	scope := pass.Pkg.Scope().Innermost(write)
	if scope == nil {
		return false
	}
	sameAtWrite := func(id *ast.Ident, obj types.Object) bool {
		_, found := scope.LookupParent(id.Name, write)
		return found == obj
	}
	ok := true
	var walk func(e ast.Expr)
	walk = func(e ast.Expr) {
		if !ok {
			return
		}
		switch e := e.(type) {
		case *ast.BasicLit:
		case *ast.ParenExpr:
			walk(e.X)
		case *ast.UnaryExpr:
			if e.Op != token.SUB && e.Op != token.ADD && e.Op != token.XOR {
				ok = false
				return
			}
			walk(e.X)
		case *ast.BinaryExpr:
			walk(e.X)
			walk(e.Y)
		case *ast.CallExpr:
			tv, isType := info.Types[e.Fun]
			if !isType || !tv.IsType() || len(e.Args) != 1 || e.Ellipsis.IsValid() {
				ok = false
				return
			}
			walk(e.Fun)
			walk(e.Args[0])
		case *ast.SelectorExpr:
			// A qualified constant or type: pkg.Name.
			pkg, isID := e.X.(*ast.Ident)
			if !isID {
				ok = false
				return
			}
			if _, isPkg := info.Uses[pkg].(*types.PkgName); !isPkg || !sameAtWrite(pkg, info.Uses[pkg]) {
				ok = false
				return
			}
			switch info.Uses[e.Sel].(type) {
			case *types.Const, *types.TypeName:
			default:
				ok = false
			}
		case *ast.Ident:
			obj := info.Uses[e]
			switch obj := obj.(type) {
			case *types.Const, *types.TypeName:
			case *types.Var:
				if obj == x || obj.IsField() || obj.Pos() < fn.Pos() || obj.Pos() >= fn.End() || !steady(fn, obj, info, from, write) {
					ok = false
					return
				}
			default:
				ok = false
				return
			}
			if !sameAtWrite(e, obj) {
				ok = false
			}
		default:
			ok = false
		}
	}
	walk(d)
	return ok
}

// steady reports whether nothing changes local variable v between
// positions from and to: no assignment there, its address never taken,
// no closure that refers to it.
func steady(fn ast.Node, v *types.Var, info *types.Info, from, to token.Pos) bool {
	for _, o := range occurrencesOf(fn, v, info) {
		if inClosure(o.stack) {
			return false
		}
		switch p := o.parent().(type) {
		case *ast.UnaryExpr:
			if p.Op == token.AND {
				return false
			}
		case *ast.SelectorExpr:
			return false // a method may take v's address
		case *ast.IncDecStmt, *ast.RangeStmt:
			if o.id.Pos() > from && o.id.Pos() < to {
				return false
			}
		case *ast.AssignStmt:
			if slices.Contains(p.Lhs, ast.Expr(o.id)) && o.id.Pos() > from && o.id.Pos() < to {
				return false
			}
		}
	}
	return true
}

// sourceText returns the source of e as written, for a fix or a message:
// types.ExprString abbreviates composite and function literals ("[]int{…}",
// "(func() int64 literal)"), which is not Go. Where the file cannot be
// read it falls back to ExprString, and ok is false if that abbreviated.
func sourceText(pass *analysis.Pass, e ast.Expr) (text string, ok bool) {
	if tf := pass.Fset.File(e.Pos()); tf != nil && pass.ReadFile != nil {
		if src, err := pass.ReadFile(tf.Name()); err == nil && tf.Size() == len(src) {
			return string(src[tf.Offset(e.Pos()):tf.Offset(e.End())]), true
		}
	}
	text = types.ExprString(e)
	return text, !strings.Contains(text, "…") && !strings.Contains(text, " literal)")
}

// lineOf returns the extent of a statement to delete: its whole line when
// nothing else is on it, the statement alone otherwise.
func lineOf(pass *analysis.Pass, st ast.Stmt) (token.Pos, token.Pos) {
	tf := pass.Fset.File(st.Pos())
	if tf == nil || pass.ReadFile == nil {
		return st.Pos(), st.End()
	}
	src, err := pass.ReadFile(tf.Name())
	if err != nil || tf.Size() != len(src) {
		return st.Pos(), st.End()
	}
	line := tf.Line(st.Pos())
	if tf.Line(st.End()) != line {
		return st.Pos(), st.End()
	}
	start := tf.LineStart(line)
	end := token.Pos(tf.Base() + tf.Size())
	if line < tf.LineCount() {
		end = tf.LineStart(line + 1)
	}
	blank := func(from, to token.Pos) bool {
		return strings.TrimSpace(string(src[tf.Offset(from):tf.Offset(to)])) == ""
	}
	if blank(start, st.Pos()) && blank(st.End(), end) {
		return start, end
	}
	return st.Pos(), st.End()
}
