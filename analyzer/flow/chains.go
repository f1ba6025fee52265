package flow

import (
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/sqltext"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// setHandle records the handle the chain runs on, and gives it to the
// chain's raw SQL, whose lock (FOR UPDATE in the text) the chain takes on.
func (ch *chain) setHandle(h Handle) {
	ch.handle = h
	if ch.raw != nil {
		ch.raw.handle = h
		ch.lock = max(ch.lock, ch.raw.lock)
	}
}

// chain is what a GORM or bun builder chain says about the statement it
// builds.
type chain struct {
	// lib is the library of the chain's calls (GORM v2 or v1).
	lib     apis.Lib
	handle  Handle
	lock    summary.Lock
	lockPos token.Pos
	// model is the argument of Model(…).
	model ssa.Value
	// where are the columns of the equality tests of Where(…) conditions
	// (a version, an old value), tested those they test in any way.
	where  []string
	tested []string
	// raw is the SQL of Raw(…), if any.
	raw *query
	// table is the table named by Table(…), as in Load.Table.
	table string
	// sets are the assignments the builder adds to an update (bun's
	// Set(…), xorm's Incr, Decr and SetExpr), and columns the model
	// columns it writes (bun's Column, GORM's Select, xorm's Cols).
	sets    []setExpr
	columns []string
	// omit are the columns xorm's Omit leaves out of an update; allCols
	// reports its AllCols, noVersion its NoVersionCheck.
	omit      []string
	allCols   bool
	noVersion bool
	// keyArgs are the values the chain finds its row by (xorm's ID(id)),
	// as in Load.KeyArgs.
	keyArgs map[string]ssa.Value
	// fields are the Go names of the entity fields whose columns ent's
	// setters write, by column.
	fields map[string]string
}

// setExpr is one assignment a builder adds to an update, "col = expr",
// with the values bound to its placeholders by position (args) and to
// the values spliced into its text by name (named).
type setExpr struct {
	text  string
	args  []ssa.Value
	named map[string]ssa.Value
}

// param returns the value bound to a placeholder of the assignment.
func (s setExpr) param(p sqltext.Param) ssa.Value {
	if p.Index < 0 {
		return s.named[p.Name]
	}
	if p.Index < len(s.args) {
		return s.args[p.Index]
	}
	return nil
}

// bunChain walks a bun query chain (db.NewUpdate().Model(&p).Set(…)…)
// back to the handle it was started on, collecting the model, the locking
// clause of For(…), the conditions, the Set expressions and the columns.
func (c *funcCtx) bunChain(e *env, v ssa.Value) chain {
	var ch chain
	v = c.walkChain(e, v, apis.Bun, func(name string, call *ssa.Call, _ apis.Spec, args []ssa.Value) {
		text := func() (string, bool) {
			if len(args) == 0 {
				return "", false
			}
			return c.sqlText(e, args[0])
		}
		switch name {
		case "Model":
			if len(args) > 0 && ch.model == nil {
				ch.model = args[0]
			}
		case "For":
			if t, ok := text(); ok {
				switch t = strings.ToUpper(t); {
				case strings.Contains(t, "UPDATE") && ch.lock < summary.Row:
					ch.lock, ch.lockPos = summary.Row, call.Pos()
				case strings.Contains(t, "SHARE") && ch.lock < summary.Share:
					ch.lock, ch.lockPos = summary.Share, call.Pos()
				}
			}
		case "Where", "WhereOr":
			if cond, ok := text(); ok {
				if len(args) > 1 {
					vals, _ := c.varargs(e, args[1])
					cond = bunIdents(e, cond, vals)
				}
				eq, tested := whereColumns(cond)
				ch.where, ch.tested = append(ch.where, eq...), append(ch.tested, tested...)
			}
		case "Set":
			if t, ok := text(); ok && len(args) > 1 {
				vals, _ := c.varargs(e, args[1])
				ch.sets = append(ch.sets, setExpr{text: t, args: vals})
			} else if ok {
				ch.sets = append(ch.sets, setExpr{text: t})
			}
		case "Column":
			if len(args) > 0 {
				vals, _ := c.varargs(e, args[0])
				for _, a := range vals {
					if col, ok := c.sqlText(e, a); ok && a != nil {
						ch.columns = append(ch.columns, col)
					}
				}
			}
		}
	})
	ch.handle = c.handleOf(e, v)
	return ch
}

// bunIdents returns a bun condition with the placeholders whose
// arguments are identifiers (Where("? = ?", bun.Ident("account.uri"),
// uri)) replaced by the identifiers, so that its columns can be read.
// Named placeholders (?TableAlias) and quoted text are left as they are.
func bunIdents(e *env, cond string, vals []ssa.Value) string {
	var b strings.Builder
	n, quote := 0, byte(0)
	for i := 0; i < len(cond); i++ {
		ch := cond[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == '?' && (i+1 == len(cond) || !isIdentByte(cond[i+1])):
			if n < len(vals) {
				if id, ok := bunIdent(e, vals[n]); ok {
					b.WriteString(id)
					n++
					continue
				}
			}
			n++
		}
		b.WriteByte(ch)
	}
	return b.String()
}

// bunIdent returns the text of a bun.Ident constant argument.
func bunIdent(e *env, v ssa.Value) (string, bool) {
	k, ok := peel(e.resolve(v)).(*ssa.Const)
	if !ok || k.Value == nil || k.Value.Kind() != constant.String {
		return "", false
	}
	n, ok := types.Unalias(k.Type()).(*types.Named)
	if !ok || n.Obj().Name() != "Ident" || n.Obj().Pkg() == nil || !strings.HasPrefix(n.Obj().Pkg().Path(), "github.com/uptrace/bun") {
		return "", false
	}
	return constant.StringVal(k.Value), true
}

// isIdentByte reports whether b can continue an identifier.
func isIdentByte(b byte) bool {
	return b == '_' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}

// walkChain follows a chain of lib's builder calls (Where, Model, …) back
// to the value it was started on, which it returns, calling visit for each
// call, the last one first.
func (c *funcCtx) walkChain(e *env, v ssa.Value, lib apis.Lib, visit func(name string, call *ssa.Call, spec apis.Spec, args []ssa.Value)) ssa.Value {
	for range 64 {
		v = e.resolve(v)
		call, ok := v.(*ssa.Call)
		if !ok {
			break
		}
		spec, ok := c.spec(call.Common())
		if !ok || spec.Lib != lib || spec.Op != apis.Chain {
			break
		}
		recv, args := splitArgs(call.Common())
		visit(calleeObj(call.Common()).Name(), call, spec, args)
		v = recv
	}
	return v
}

// gormChain walks a GORM method chain back to its handle, collecting the
// locking clause, the model, the conditions and raw SQL.
func (c *funcCtx) gormChain(e *env, v ssa.Value) chain {
	ch := chain{lib: apis.GORM}
	if v != nil {
		ch.lib = apis.GormLibOf(v.Type())
	}
	v = c.walkChain(e, v, ch.lib, func(name string, call *ssa.Call, spec apis.Spec, args []ssa.Value) {
		switch name {
		case "Clauses":
			if len(args) > 0 {
				vals, _ := c.varargs(e, args[0])
				for _, a := range vals {
					if a == nil {
						continue
					}
					x := peel(a)
					if !apis.IsGormLocking(x.Type()) {
						continue
					}
					if l := lockingStrength(e.resolve(x)); l > ch.lock {
						ch.lock, ch.lockPos = l, call.Pos()
					}
				}
			}
		case "Set", "InstanceSet", "InstantSet":
			if len(args) == 0 {
				break
			}
			key, ok := c.sqlText(e, args[0])
			if !ok || key != apis.GormQueryOption {
				break
			}
			if ch.lib == apis.GORMV1 {
				// GORM v1 appends the option to the SELECT: FOR UPDATE
				// locks the row, FOR SHARE and LOCK IN SHARE MODE share it.
				if len(args) > 1 {
					if opt, ok := c.sqlText(e, peel(args[1])); ok {
						if l := lockOf(sqltext.Parse("SELECT 1 FROM t " + opt).Lock); l > ch.lock {
							ch.lock, ch.lockPos = l, call.Pos()
						}
					}
				}
				break
			}
			if ch.lock < summary.QueryOption {
				ch.lock, ch.lockPos = summary.QueryOption, call.Pos()
			}
		case "Model":
			if len(args) > 0 && ch.model == nil {
				ch.model = args[0]
			}
		case "Select":
			// Select("theme", "language").Updates(&u) writes only those.
			if len(args) > 0 {
				if col, ok := c.sqlText(e, args[0]); ok && col != "*" {
					for _, f := range strings.Split(col, ",") {
						ch.columns = append(ch.columns, strings.TrimSpace(f))
					}
				}
			}
			if len(args) > 1 {
				vals, _ := c.varargs(e, args[1])
				for _, a := range vals {
					if col, ok := c.sqlText(e, a); ok && a != nil {
						ch.columns = append(ch.columns, col)
					}
				}
			}
		case "Where":
			if len(args) > 0 {
				if cond, ok := c.sqlText(e, args[0]); ok {
					eq, tested := whereColumns(cond)
					ch.where, ch.tested = append(ch.where, eq...), append(ch.tested, tested...)
					if len(args) > 1 {
						vals, _ := c.varargs(e, args[1])
						ch.keyArgs = addKeyArgs(e, ch.keyArgs, cond, vals)
					}
				}
			}
		case "Raw":
			if ch.raw == nil {
				ch.raw = c.sqlQuery(e, call, spec)
			}
		case "Table":
			if len(args) > 0 && ch.table == "" {
				if t, ok := c.sqlText(e, args[0]); ok {
					ch.table = sqlTable(sqltext.Parse("SELECT 1 FROM " + t).Table)
				} else if m := tableNameOf(e, args[0]); m != nil {
					ch.table = c.a.modelTable(m, ch.lib) // Table(Subject{}.TableName())
				}
			}
		}
	})
	ch.setHandle(c.handleOf(e, v))
	return ch
}

// bunWrite records what a bun update writes: its Set expressions (those
// that compute the new value from the old one are atomic), or else the
// model's fields, limited to Column(…) when given.
func (c *funcCtx) bunWrite(st *state, e *env, call *ssa.Call, recv ssa.Value) {
	ch := c.bunChain(e, recv)
	inTx := c.inTx(st, ch.handle)
	if inTx {
		defer c.lock(st, call, 1, ch.handle, LockWrite, inTx, token.NoPos)
	}
	vals, sets, atomic := c.setWrites(st, e, ch.sets)
	row := false
	if len(ch.sets) == 0 && ch.model != nil {
		var mv []Written
		mv, atomic = c.objectWrites(st, e, ch.model, "", ch.columns)
		vals = append(vals, mv...)
		for _, v := range mv {
			if v.Column != "" {
				sets = append(sets, v.Column)
			}
		}
		row = len(ch.columns) == 0
	}
	w := c.write(st, call, 0, WriteBun, ch.handle, inTx, vals)
	w.Lib = apis.Bun
	if ch.model != nil {
		w.Table = c.a.modelTable(peel(ch.model).Type(), apis.Bun)
	}
	w.Sets, w.Atomic = union(w.Sets, sets), union(w.Atomic, atomic)
	w.Recounts = union(w.Recounts, setRecounts(ch.sets, w.Table))
	w.Checks = union(w.Checks, ch.where)
	w.Tested = union(w.Tested, ch.tested)
	w.Row = w.Row || row || len(w.Sets) > MaxTargeted
}

// setRecounts returns the columns a builder's assignments set to what the
// database counts from other rows of table (bun's
// Set("reviews = (SELECT count(*) FROM reviews …)")).
func setRecounts(exprs []setExpr, table string) []string {
	var out []string
	for _, set := range exprs {
		out = append(out, recountedColumns(set.text, table)...)
	}
	return out
}

// setWrites returns what the assignments a builder adds to an update
// write: the values of those that set a column from values (SET stock =
// ?, p.Stock-1), the columns they set, and the columns of those that
// compute the new value from the old one (SET stock = stock - ?), which
// are atomic.
func (c *funcCtx) setWrites(st *state, e *env, exprs []setExpr) (vals []Written, sets, atomic []string) {
	for _, set := range exprs {
		stmt := sqltext.Parse("UPDATE t SET " + set.text)
		for i := range stmt.Sets {
			a := &stmt.Sets[i]
			if a.Self {
				atomic = append(atomic, a.Column)
				continue
			}
			sets = append(sets, a.Column)
			var ls labels
			numeric := false
			for _, p := range a.Params {
				if v := set.param(p); v != nil {
					ls = ls.union(c.valueLabels(st, e, v))
					numeric = len(a.Params) == 1 && isNumeric(peel(v).Type())
				}
			}
			if a.Computed {
				ls = c.computed(ls)
			}
			vals = append(vals, Written{Column: a.Column, Labels: ls, Arg: -1, Numeric: numeric})
		}
	}
	return vals, sets, atomic
}

// tableNameOf returns the model whose TableName method gives v
// (Subject{}.TableName()), or nil.
func tableNameOf(e *env, v ssa.Value) types.Type {
	call, ok := peel(e.resolve(v)).(*ssa.Call)
	if !ok {
		return nil
	}
	fn := call.Call.StaticCallee()
	if fn == nil || fn.Name() != "TableName" || fn.Signature.Recv() == nil || len(call.Call.Args) != 1 {
		return nil
	}
	return call.Call.Args[0].Type()
}

// addKeyArgs adds to keys the values a condition compares its columns
// with (Where("subj_uid = ?", uid)): which row a query finds. It returns
// keys, made when it was nil.
func addKeyArgs(e *env, keys map[string]ssa.Value, cond string, vals []ssa.Value) map[string]ssa.Value {
	stmt := sqltext.Parse("UPDATE t SET x = 1 WHERE " + cond)
	for _, w := range stmt.Where {
		if i := w.Param.Index; i >= 0 && i < len(vals) && vals[i] != nil {
			if keys == nil {
				keys = make(map[string]ssa.Value)
			}
			keys[w.Column] = keyValue(e, vals[i])
		}
	}
	return keys
}

// keyValue returns what a key argument is, for comparing it with another:
// the value itself, or for a variable captured by a closure (*id, where
// id is the cell the function stored its parameter in once) what was
// stored.
func keyValue(e *env, v ssa.Value) ssa.Value {
	for range maxDepth {
		v = e.resolve(peel(e.resolve(v)))
		u, ok := v.(*ssa.UnOp)
		if !ok || u.Op != token.MUL {
			return v
		}
		cell, ok := e.resolve(u.X).(*ssa.Alloc)
		if !ok {
			return v
		}
		var stored ssa.Value
		for _, r := range *cell.Referrers() {
			if s, ok := r.(*ssa.Store); ok && s.Addr == cell {
				if stored != nil {
					return cell // assigned more than once: the variable
				}
				stored = s.Val
			}
		}
		if stored == nil {
			return cell
		}
		v = stored
	}
	return v
}

// whereColumns returns the columns a builder's Where condition ("id = ?
// AND version = ?") tests for equality with a placeholder, and those it
// tests in any way.
func whereColumns(cond string) (eq, tested []string) {
	stmt := sqltext.Parse("UPDATE t SET x = 1 WHERE " + cond)
	for _, w := range stmt.Where {
		eq = append(eq, w.Column)
	}
	return eq, stmt.Tested
}
