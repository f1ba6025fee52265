package analyzer

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/astutil"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/report"
)

// keyAtomic computes the atomic form of a cache write of x ± d to the key
// x was read from, and rewrites it into the cache's own increment of that
// key by d:
//
//   - go-redis: Set(ctx, key, x+d, 0) into IncrBy(ctx, key, d) (DecrBy
//     for x-d), HSet(ctx, key, field, x±d) into HIncrBy(ctx, key, field,
//     ±d), with d converted to int64 where it is not one (v7: no ctx);
//   - redigo: Do("SET", key, x±d) into Do("INCRBY", key, d) (DECRBY), and
//     Do("HSET", key, field, x±d) into Do("HINCRBY", key, field, ±d); Send
//     alike.
//
// The rewrite holds only where it changes nothing else: x is an integer;
// the write sets that one value (a SET with no expiry and no options, an
// HSET of one field); what the call returns is dropped (go-redis: the
// call is a statement or only its Err is used; redigo: the reply is
// dropped), since an increment replies with the new count where a SET
// replied OK; and x, if the write was its only use, is dropped from the
// read's assignment (n, err := … becomes _, err := …) so that it is not
// left declared and not used. The read stays: its error handling may
// still matter, and removing a statement with a reply the code checks
// is not mechanical.
func keyAtomic(pass *analysis.Pass, rep *report.Reporter, call *ast.CallExpr, f *finding) atomicForm {
	none := atomicForm{op: "+"}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || call.Ellipsis.IsValid() || pass.TypesInfo == nil {
		return none
	}
	var k keyCall
	switch f.write.Lib {
	case apis.Redis:
		k, ok = goRedisCall(pass, sel.Sel.Name, call.Args, 1)
	case apis.RedisV7:
		k, ok = goRedisCall(pass, sel.Sel.Name, call.Args, 0)
	case apis.Redigo:
		k, ok = redigoCall(sel.Sel.Name, call.Args)
	}
	if !ok {
		return none
	}
	ch, ok := changeOf(pass, rep, k.value, f)
	if !ok {
		return none
	}
	form := atomicForm{op: ch.op, delta: ch.delta}
	t, ok := pass.TypesInfo.TypeOf(k.value).Underlying().(*types.Basic)
	dropped := sel.Sel.Name == "Send" || replyDropped(rep, call, k.command == nil) // Send returns no reply
	if !ok || t.Info()&types.IsInteger == 0 || !dropped {
		return form
	}
	var blank []analysis.TextEdit
	if _, stepped := ast.Unparen(k.value).(*ast.Ident); !stepped {
		// x ± d: x may have no use left (after x++, stepped kept one).
		if blank, ok = blankLoaded(pass, rep, k.value, f); !ok {
			return form
		}
	}
	delta := ch.delta
	if k.command == nil && t.Kind() != types.Int64 && !isConstant(pass, ch.expr) {
		delta = "int64(" + delta + ")" // IncrBy takes an int64
	}
	var name string
	var edits []analysis.TextEdit
	switch {
	case k.command != nil:
		name = keyIncr(k.hash, ch.op, true)
		edits = append(edits, analysis.TextEdit{Pos: k.command.Pos(), End: k.command.End(), NewText: []byte(strconv.Quote(name))})
	default:
		name = keyIncr(k.hash, ch.op, false)
		edits = append(edits, analysis.TextEdit{Pos: sel.Sel.Pos(), End: sel.Sel.End(), NewText: []byte(name)})
	}
	if k.hash {
		delta = entDelta(ch.op, delta)
	}
	end := k.value.End()
	if k.expiry != nil {
		end = k.expiry.End() // IncrBy takes no expiry: the key keeps its own
	}
	edits = append(edits, analysis.TextEdit{Pos: k.value.Pos(), End: end, NewText: []byte(delta)})
	edits = append(append(edits, ch.edits...), blank...)
	form.fix = &analysis.SuggestedFix{
		Message:   fmt.Sprintf("Update the key atomically with %s by %s", name, delta),
		TextEdits: edits,
	}
	return form
}

// keyCall is a cache write of one value that an increment can replace.
type keyCall struct {
	value   ast.Expr      // the value written
	expiry  ast.Expr      // go-redis Set's expiration, the constant 0
	command *ast.BasicLit // redigo's command name; nil for go-redis
	hash    bool          // a hash field's write (HSet, HSET)
}

// goRedisCall recognises go-redis's Set(ctx, key, v, 0) and HSet(ctx,
// key, field, v); ctx is 1 where the commands take a context first, 0
// where they do not (v7).
func goRedisCall(pass *analysis.Pass, method string, args []ast.Expr, ctx int) (keyCall, bool) {
	switch {
	case method == "Set" && len(args) == ctx+3:
		exp := args[ctx+2]
		if tv, ok := pass.TypesInfo.Types[exp]; !ok || tv.Value == nil || constant.Sign(tv.Value) != 0 {
			return keyCall{}, false // an expiry the increment would not set
		}
		return keyCall{value: args[ctx+1], expiry: exp}, true
	case method == "HSet" && len(args) == ctx+3:
		return keyCall{value: args[ctx+2], hash: true}, true
	}
	return keyCall{}, false
}

// redigoCall recognises redigo's Do or Send of SET key v and HSET key
// field v, the command a string literal.
func redigoCall(method string, args []ast.Expr) (keyCall, bool) {
	if method != "Do" && method != "Send" || len(args) < 3 {
		return keyCall{}, false
	}
	cmd, lit, ok := stringLit(args[0])
	if !ok {
		return keyCall{}, false
	}
	switch {
	case strings.EqualFold(cmd, "SET") && len(args) == 3:
		return keyCall{value: args[2], command: lit}, true
	case strings.EqualFold(cmd, "HSET") && len(args) == 4:
		return keyCall{value: args[3], command: lit, hash: true}, true
	}
	return keyCall{}, false
}

// keyIncr names the increment that replaces a write: a hash field's
// increment takes a negative delta, a key's has a decrement of its own.
func keyIncr(hash bool, op string, command bool) string {
	name := "IncrBy"
	switch {
	case hash:
		name = "HIncrBy"
	case op == "-":
		name = "DecrBy"
	}
	if command {
		return strings.ToUpper(name)
	}
	return name
}

// replyDropped reports whether what a write's call returns is dropped: the
// call is a statement, or (go-redis, whose commands return a Cmd) only its
// Err is taken, or (redigo, which returns the reply and an error) the
// reply is assigned to the blank identifier.
func replyDropped(rep *report.Reporter, call *ast.CallExpr, cmd bool) bool {
	file := rep.FileOf(call.Pos())
	if file == nil {
		return false
	}
	path, _ := astutil.PathEnclosingInterval(file, call.Pos(), call.End())
	if len(path) < 2 || path[0] != ast.Node(call) {
		return false
	}
	switch p := path[1].(type) {
	case *ast.ExprStmt:
		return true
	case *ast.SelectorExpr:
		if !cmd || p.Sel.Name != "Err" || len(path) < 3 {
			return false
		}
		errCall, ok := path[2].(*ast.CallExpr)
		return ok && errCall.Fun == ast.Expr(p)
	case *ast.AssignStmt:
		if cmd || len(p.Lhs) != 2 || len(p.Rhs) != 1 {
			return false
		}
		id, ok := p.Lhs[0].(*ast.Ident)
		return ok && id.Name == "_"
	}
	return false
}

// isConstant reports whether e is a constant expression; a nil e is the
// implicit 1 of x++.
func isConstant(pass *analysis.Pass, e ast.Expr) bool {
	if e == nil {
		return true
	}
	tv, ok := pass.TypesInfo.Types[e]
	return ok && tv.Value != nil
}

// blankLoaded returns the edits that keep the variable x that a write
// stored x ± d from being left unused once the write stores d alone: none
// when x has another use, or the blank identifier in x's place in the
// assignment that declared it with the read (n, err := … becomes _, err
// := …, or _, err = … where nothing else is new). ok is false where that
// cannot be done: x is declared apart from the read, or assigned
// elsewhere too.
func blankLoaded(pass *analysis.Pass, rep *report.Reporter, written ast.Expr, f *finding) ([]analysis.TextEdit, bool) {
	var id *ast.Ident
	ast.Inspect(written, func(n ast.Node) bool {
		if i, ok := n.(*ast.Ident); ok && i.Name == f.label.Name && id == nil {
			id = i
		}
		return id == nil
	})
	if id == nil {
		return nil, true // x.F ± d: the record stays in use
	}
	x, ok := pass.TypesInfo.Uses[id].(*types.Var)
	if !ok || x.IsField() {
		return nil, false
	}
	fn := localFunc(rep, id, x)
	if fn == nil {
		return nil, false
	}
	var decl *ast.Ident
	var assign *ast.AssignStmt
	uses, assigned := 0, false
	for _, o := range occurrencesOf(fn, x, pass.TypesInfo) {
		a, isAssign := o.parent().(*ast.AssignStmt)
		switch {
		case pass.TypesInfo.Defs[o.id] == x:
			if isAssign && a.Tok == token.DEFINE {
				decl, assign = o.id, a
			}
		case isAssign && slices.Contains(a.Lhs, ast.Expr(o.id)):
			assigned = true
		case o.id.Pos() < written.Pos() || o.id.End() > written.End():
			uses++
		}
	}
	if uses > 0 {
		return nil, true
	}
	if decl == nil || assigned {
		// var n int, or n assigned again: blanking the declaration
		// would leave it unused.
		return nil, false
	}
	edits := []analysis.TextEdit{{Pos: decl.Pos(), End: decl.End(), NewText: []byte("_")}}
	fresh := false
	for _, e := range assign.Lhs {
		if i, ok := e.(*ast.Ident); ok && i != decl && i.Name != "_" && pass.TypesInfo.Defs[i] != nil {
			fresh = true
		}
	}
	if !fresh {
		edits = append(edits, analysis.TextEdit{Pos: assign.TokPos, End: assign.TokPos + token.Pos(len(":=")), NewText: []byte("=")})
	}
	return edits, true
}

// stringLit returns the value of a string literal, and the literal.
func stringLit(e ast.Expr) (string, *ast.BasicLit, bool) {
	lit, ok := ast.Unparen(e).(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", nil, false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, lit, err == nil
}

// namesColumn reports whether a call has one argument, the string
// literal col (Cols("n"), Column("n")).
func namesColumn(c *ast.CallExpr, col string) bool {
	if len(c.Args) != 1 || c.Ellipsis.IsValid() {
		return false
	}
	name, _, ok := stringLit(c.Args[0])
	return ok && name == col
}
