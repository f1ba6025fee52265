package flow

import (
	"go/constant"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// entShape reads the builders ent generates: the query or update a
// chain of them builds (Where, ForUpdate, UpdateOne, SetX, AddX), run by
// Get, Only, First, All, Save and Exec.
type entShape struct{ baseShape }

func (entShape) load(c *funcCtx, st *state, e *env, x apiCall) {
	c.entLoad(st, e, x, x.arg(x.spec.Column))
}

func (entShape) write(c *funcCtx, st *state, e *env, x apiCall) { c.entWrite(st, e, x) }

// entChain walks an ent builder chain (client.Post.UpdateOne(p).SetDownloads(n),
// tx.Post.Query().Where(post.ID(id)).ForUpdate()) back to the client or
// transaction it was started on, collecting the row lock of ForUpdate
// (or ForShare), the conditions of Where, the entity UpdateOne updates
// or the id UpdateOneID does, and the fields the setters write. Each
// setter becomes the assignment it runs, so that the writes of bun's and
// xorm's Set expressions are ent's too: SetDownloads(v) is "downloads =
// ?" with v, AddDownloads(d) "downloads = downloads + ?", atomic.
func (c *funcCtx) entChain(e *env, v ssa.Value, lib apis.Lib, write bool) chain {
	ch := chain{lib: lib}
	visit := func(name string, call *ssa.Call, args []ssa.Value) {
		arg := func(i int) ssa.Value {
			if i < len(args) {
				return args[i]
			}
			return nil
		}
		switch name {
		case "ForUpdate":
			ch.raiseLock(summary.Row, call.Pos())
		case "ForShare":
			ch.raiseLock(summary.Share, call.Pos())
		case "Where":
			if a := arg(0); a != nil {
				preds, _ := c.varargs(e, a)
				for _, p := range preds {
					c.entPredicate(e, &ch, p)
				}
			}
		case "UpdateOne":
			if a := arg(0); a != nil && ch.model == nil {
				ch.model = a
			}
		case "UpdateOneID":
			if a := arg(0); a != nil {
				ch.keyArgs = withKey(ch.keyArgs, "id", keyValue(e, a))
			}
		default:
			c.entSetter(&ch, call, name, arg(0))
		}
	}
	var path []*ssa.Call
	v = c.walkChain(e, v, lib, write, func(name string, call *ssa.Call, _ apis.Spec, args []ssa.Value) {
		path = append(path, call)
		visit(name, call, args)
	})
	// A builder kept in a variable is also set in statements of their
	// own (upd := client.Post.UpdateOne(p); upd.SetDownloads(n);
	// upd.Save(ctx)): the builder's methods change it in place.
	for _, b := range path {
		for _, r := range *b.Referrers() {
			side, ok := r.(*ssa.Call)
			if !ok || slices.Contains(path, side) {
				continue
			}
			recv, args := splitArgs(side.Common())
			if spec, ok := c.spec(side.Common()); ok && recv == ssa.Value(b) && spec.Lib == lib && spec.Op == apis.Chain {
				visit(calleeObj(side.Common()).Name(), side, args)
			}
		}
	}
	ch.setHandle(c.handleOf(e, v))
	return ch
}

// withKey returns keys with column col found by value v, made when nil.
func withKey(keys map[string]ssa.Value, col string, v ssa.Value) map[string]ssa.Value {
	if keys == nil {
		keys = make(map[string]ssa.Value)
	}
	keys[col] = v
	return keys
}

// entSetter adds what an update builder's setter writes to the chain:
// SetX(v) and SetNillableX(v) set X's column to v, AddX(d) and AppendX
// change it in the database, ClearX sets it to NULL. Methods that name
// no field of the entity (edges: AddTagIDs, SetOwner) write no column of
// its table.
func (c *funcCtx) entSetter(ch *chain, call *ssa.Call, name string, v ssa.Value) {
	recv, _ := splitArgs(call.Common())
	if recv == nil {
		return
	}
	role, entity := apis.EntRoleOf(recv.Type())
	if role != apis.EntUpdate {
		return
	}
	ent := entEntity(recv.Type(), entity)
	if ent == nil {
		return
	}
	if ch.table == "" {
		ch.table = c.a.modelTable(ent, ch.lib)
	}
	columns := entColumns(ent)
	op, field, ok := apis.EntSetter(name, func(f string) bool { _, ok := columns[f]; return ok })
	if !ok {
		return
	}
	col := columns[field]
	if ch.fields == nil {
		ch.fields = make(map[string]string)
	}
	ch.fields[col] = field
	switch op {
	case "Add", "Append":
		set := setExpr{text: col + " = " + col + " + ?"}
		if v != nil {
			set.args = []ssa.Value{v}
		}
		ch.sets = append(ch.sets, set)
	case "Clear":
		ch.sets = append(ch.sets, setExpr{text: col + " = NULL"})
	default:
		if v != nil {
			ch.sets = append(ch.sets, setExpr{text: col + " = ?", args: []ssa.Value{v}})
		}
	}
}

// entEntity returns the entity a builder of type t builds for: the type
// called entity in the builder's package (Post for PostUpdateOne).
func entEntity(t types.Type, entity string) *types.Named {
	n, ok := types.Unalias(derefType(t)).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || entity == "" {
		return nil
	}
	obj, ok := n.Obj().Pkg().Scope().Lookup(entity).(*types.TypeName)
	if !ok {
		return nil
	}
	en, _ := types.Unalias(obj.Type()).(*types.Named)
	return en
}

// entColumns maps the exported fields of an entity struct to their
// columns, as a load of the entity reads them (columnName: ent's field
// names in snake case).
func entColumns(ent *types.Named) map[string]string {
	st, ok := ent.Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	out := make(map[string]string, st.NumFields())
	for i := 0; i < st.NumFields(); i++ {
		if f := st.Field(i); f.Exported() && !f.Embedded() {
			out[f.Name()] = columnName(f.Name(), st.Tag(i))
		}
	}
	return out
}

// entPredicateOps are the suffixes of the predicates ent generates for a
// field (post.DownloadsGTE), longest first; the field's name alone
// (post.Version(v)) is EQ.
var entPredicateOps = []string{"ContainsFold", "EqualFold", "HasPrefix", "HasSuffix", "Contains", "NotNil", "IsNil", "NotIn", "GTE", "LTE", "NEQ", "EQ", "GT", "LT", "In", ""}

// entPredicate records what a predicate of a Where tests: post.ID(id) and
// post.VersionEQ(v) compare the column with a value, which finds the row
// (and, for a version read before, checks it); the others (GT, In, IsNil)
// test the column. The predicate is a function of the entity's package,
// whose constant Field<X> names the column (post.FieldDownloads).
func (c *funcCtx) entPredicate(e *env, ch *chain, v ssa.Value) {
	if v == nil {
		return
	}
	call, ok := peel(e.resolve(v)).(*ssa.Call)
	if !ok {
		return
	}
	fn := call.Call.StaticCallee()
	if fn == nil || fn.Pkg == nil || fn.Signature.Recv() != nil {
		return
	}
	scope := fn.Pkg.Pkg.Scope()
	for _, op := range entPredicateOps {
		field, ok := strings.CutSuffix(fn.Name(), op)
		if !ok || field == "" {
			continue
		}
		k, ok := scope.Lookup("Field" + field).(*types.Const)
		if !ok || k.Val().Kind() != constant.String {
			continue
		}
		col := constant.StringVal(k.Val())
		if (op == "" || op == "EQ") && len(call.Call.Args) == 1 {
			ch.where = append(ch.where, col)
			ch.keyArgs = withKey(ch.keyArgs, col, keyValue(e, call.Call.Args[0]))
		}
		ch.tested = append(ch.tested, col)
		return
	}
}

// entLoad records what Get, Only, First or All load: the entities they
// return, from the query the chain builds (or, for Get, the row of the
// id it is given), with the lock of ForUpdate.
func (c *funcCtx) entLoad(st *state, e *env, x apiCall, id ssa.Value) {
	call, recv := x.call, x.recv
	if recv == nil {
		return
	}
	ch := chain{lib: x.spec.Lib}
	if role, _ := apis.EntRoleOf(recv.Type()); role == apis.EntQuery {
		ch = c.entChain(e, recv, ch.lib, false)
	} else {
		ch.setHandle(c.handleOf(e, recv))
	}
	if id != nil {
		ch.where = append(ch.where, "id")
		ch.keyArgs = withKey(ch.keyArgs, "id", keyValue(e, id))
	}
	q := newQuery(ch.handle, ch.lib, call.Pos())
	q.lock, q.lockPos = ch.lock, ch.lockPos
	rt := call.Type()
	if t, ok := rt.(*types.Tuple); ok && t.Len() > 0 {
		rt = t.At(0).Type()
	}
	q.table = c.a.modelTable(rt, ch.lib)
	c.loadResult(st, call, q)
	if l := c.loads[eventKey{call, 0}]; l != nil {
		l.Keys = union(l.Keys, ch.where)
		if l.KeyArgs == nil {
			l.KeyArgs = ch.keyArgs
		}
	}
	c.rowLock(st, call, q)
}

// entWrite records what Save or Exec of an update builder writes: the
// columns its setters set (AddX and AppendX atomically), on the row of
// the entity UpdateOne was given, and checks the columns its Where
// compares.
func (c *funcCtx) entWrite(st *state, e *env, x apiCall) {
	call, recv := x.call, x.recv
	if recv == nil {
		return
	}
	ch := c.entChain(e, recv, x.spec.Lib, true)
	inTx := c.inTx(st, ch.handle)
	defer c.writeLock(st, call, ch.handle, inTx)
	vals, sets, atomic, deltas := c.setWrites(st, e, ch.sets)
	var row RowOf
	if ch.model != nil {
		row = c.recordRow(st, e, ch.model)
	}
	for i := range vals {
		vals[i].Field = ch.fields[vals[i].Column]
		vals[i].Row = row
	}
	w := c.apiWrite(st, x, x.spec.Form, ch.handle, inTx, vals)
	w.Table = ch.table
	w.Sets, w.Atomic = union(w.Sets, sets), union(w.Atomic, atomic)
	c.addDeltas(w, call, deltas)
	w.Checks = union(w.Checks, slices.Clone(ch.where))
	w.Tested = union(w.Tested, ch.tested)
	c.setKeys(st, e, w, ch.keyArgs)
	w.Row = w.Row || len(w.Sets) > MaxTargeted
}
