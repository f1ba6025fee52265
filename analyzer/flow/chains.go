package flow

import (
	"go/token"
	"go/types"
	"slices"
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

// chain is what a builder chain (GORM's, bun's, xorm's, ent's, a
// sqlboiler query's mods) says about the statement it builds.
type chain struct {
	// lib is the library of the chain's calls (GORM v2 or v1): its
	// loads and writes are that library's.
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
	// colsGiven reports that xorm's Cols names the columns a parameter
	// of the function holds (updateCols(e, issue, cols...), Casdoor's
	// updateUser(id, user, columns)): the caller's, known at the call;
	// colsParam is that parameter's index.
	colsGiven bool
	colsParam int
	// ranked is the first column the chain orders its rows by (GORM's
	// and xorm's OrderBy("n desc"), xorm's Desc("n")).
	ranked string
}

// orderBy records the first column of an ORDER BY text ("n desc, id").
func (ch *chain) orderBy(text string) {
	if ch.ranked == "" {
		ch.ranked = sqltext.Parse("SELECT 1 FROM t ORDER BY " + text + " LIMIT 1").Ranked
	}
}

// raiseLock raises the chain's lock to l, requested at pos.
func (ch *chain) raiseLock(l summary.Lock, pos token.Pos) {
	if l > ch.lock {
		ch.lock, ch.lockPos = l, pos
	}
}

// forLock raises the chain's lock to what the text of a locking clause
// asks for (bun's For("UPDATE"), sqlboiler's qm.For("update")): a row
// lock for UPDATE, a shared one for SHARE.
func (ch *chain) forLock(text string, pos token.Pos) {
	switch t := strings.ToUpper(text); {
	case strings.Contains(t, "UPDATE"):
		ch.raiseLock(summary.Row, pos)
	case strings.Contains(t, "SHARE"):
		ch.raiseLock(summary.Share, pos)
	}
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

// walkChain follows a chain of lib's builder calls (Where, Model, …) back
// to the value it was started on, which it returns, calling visit for each
// call, the last one first. The chain of a write built on the arms of an
// if (q = q.Where(…) on each) is followed on from where the arms part;
// what one arm adds holds on some paths only and is left out. A load's
// is not yet: it would read rows found by conditions left out, and take
// part in wrong findings through interfaces (an emoji found by shortcode
// and domain on two arms, refreshed by a repository method).
func (c *funcCtx) walkChain(e *env, v ssa.Value, lib apis.Lib, write bool, visit func(name string, call *ssa.Call, spec apis.Spec, args []ssa.Value)) ssa.Value {
	for range 64 {
		v = e.resolve(v)
		if phi, ok := v.(*ssa.Phi); ok && write {
			if j := c.chainJoin(e, phi, lib, 0); j != nil {
				v = j
				continue
			}
			break
		}
		call, spec, ok := c.chainCall(v, lib)
		if !ok {
			break
		}
		recv, args := splitArgs(call.Common())
		visit(calleeObj(call.Common()).Name(), call, spec, args)
		v = recv
	}
	return v
}

// chainCall returns v as a call of lib's builder chain (Where, Cols, …)
// with its row of the table, or false.
func (c *funcCtx) chainCall(v ssa.Value, lib apis.Lib) (*ssa.Call, apis.Spec, bool) {
	call, ok := v.(*ssa.Call)
	if !ok {
		return nil, apis.Spec{}, false
	}
	spec, ok := c.spec(call.Common())
	if !ok || spec.Lib != lib || spec.Op != apis.Chain {
		return nil, apis.Spec{}, false
	}
	return call, spec, true
}

// chainJoin returns the value at which the builder chains that meet at
// phi part: the last call of lib's chain that every arm goes through (q
// := db.ID(id).Cols("a"); if d > 0 { q = q.Where("n <= ?", max) } else {
// q = q.Where("n >= ?", min) }; q.Update(…) joins at the Cols call), or
// nil when the arms start from different values. A loop's back edge,
// which adds to the chain the phi already is, is left out.
func (c *funcCtx) chainJoin(e *env, phi *ssa.Phi, lib apis.Lib, depth int) ssa.Value {
	if depth > 4 {
		return nil
	}
	var paths [][]ssa.Value
	for _, edge := range phi.Edges {
		var path []ssa.Value
		back := false
		v := edge
		for range 64 {
			v = e.resolve(v)
			if v == phi {
				back = true
				break
			}
			if p, ok := v.(*ssa.Phi); ok {
				if j := c.chainJoin(e, p, lib, depth+1); j != nil {
					v = j
					continue
				}
			}
			path = append(path, v)
			call, _, ok := c.chainCall(v, lib)
			if !ok {
				break
			}
			v, _ = splitArgs(call.Common())
		}
		if !back {
			paths = append(paths, path)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	for _, v := range paths[0] {
		if !slices.ContainsFunc(paths[1:], func(p []ssa.Value) bool { return !slices.Contains(p, v) }) {
			return v
		}
	}
	return nil
}

// setMarks returns, of the columns a builder's assignments set, those
// set to what the database counts from other rows of table (bun's
// Set("reviews = (SELECT count(*) FROM reviews …)"), see recount) and
// those only tidied (Set("name = UPPER(name)"),
// sqltext.Assignment.Normalizes), reading each assignment once.
func setMarks(exprs []setExpr, table string) (recounts, normalizes []string) {
	for _, set := range exprs {
		text := "UPDATE t SET " + set.text
		stmt := sqltext.Parse(text)
		for i := range stmt.Sets {
			a := &stmt.Sets[i]
			if recount(a, text, table) {
				recounts = append(recounts, a.Column)
			}
			if a.Normalizes {
				normalizes = append(normalizes, a.Column)
			}
		}
	}
	return recounts, normalizes
}

// setWrites returns what the assignments a builder adds to an update
// write: the values of those that set a column from values (SET stock =
// ?, p.Stock-1), the columns they set, and the columns of those that
// compute the new value from the old one (SET stock = stock - ?), which
// are atomic, with what they add (deltas).
func (c *funcCtx) setWrites(st *state, e *env, exprs []setExpr) (vals []Written, sets, atomic []string, deltas []Written) {
	for _, set := range exprs {
		stmt := sqltext.Parse("UPDATE t SET " + set.text)
		for i := range stmt.Sets {
			a := &stmt.Sets[i]
			if a.Self {
				atomic = append(atomic, a.Column)
				deltas = c.delta(st, e, deltas, a, set.param)
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
	return vals, sets, atomic, deltas
}

// delta adds to deltas what atomic assignment a adds to its column (the
// values bound to its placeholders, through param), when any of them
// carries labels: SET balance = balance + ? with new.Amount -
// old.Amount.
func (c *funcCtx) delta(st *state, e *env, deltas []Written, a *sqltext.Assignment, param func(sqltext.Param) ssa.Value) []Written {
	if a.Normalizes {
		return deltas
	}
	var ls labels
	for _, p := range a.Params {
		if v := param(p); v != nil {
			ls = ls.union(c.valueLabels(st, e, v))
		}
	}
	if len(ls) == 0 {
		return deltas
	}
	return append(deltas, Written{Column: a.Column, Labels: ls, Arg: -1, Numeric: true})
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
