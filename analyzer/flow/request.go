package flow

import (
	"go/types"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
)

// requestRecord returns the load of a record that a middleware kept for
// the request, when the type assertion takes one out of it
// (c.MustGet("user").(*model.User), ctx.Value(userKey{}).(*ent.User)):
// the middleware read the row before the handler ran, and a handler that
// changes it and writes it back loses what was written in between. Only
// a struct with a primary key counts as a row; claims, settings and
// loggers kept in a context are not records.
func (c *funcCtx) requestRecord(st *state, e *env, in *ssa.TypeAssert) labels {
	if !requestValue(in.X) {
		return nil
	}
	t := in.AssertedType
	_, isPtr := t.Underlying().(*types.Pointer)
	if _, isStruct := t.Underlying().(*types.Struct); !isPtr && !isStruct {
		return nil
	}
	n, _ := model(t)
	keys := modelKeys(t)
	if n == nil || len(keys) == 0 || isRecordSlice(derefType(t)) {
		return nil
	}
	l := c.load(st, in, 0, Handle{}, 0, 0, apis.NoLib, in.Pos())
	l.keptForRequest()
	l.Record = true
	l.Table = c.a.requestTable(n)
	l.Keys = union(l.Keys, keys)
	name := c.assertedName(in)
	ls := labels{c.label(Label{Load: l, Name: name})}
	if isPtr {
		// The record the pointer points to, wherever the handler reaches
		// it from (the assertion, the context's value), named as the
		// handler names it.
		base, path := c.place(st, e, in)
		st.set(base, path, entry{labels: ls})
		if _, ok := c.debugName(base); !ok && path == "" {
			c.names[base] = name
		}
	}
	return ls
}

// keptForRequest marks a load as a record a middleware kept for the
// request: read before the handler ran, so under none of the handler's
// locks, transactions or mutexes, whatever the state where the handler
// takes it (or calls the helper that does).
func (l *Load) keptForRequest() {
	l.Request = true
	l.InTx, l.Held, l.Mutex, l.MutexType, l.Guard = false, nil, false, "", ""
}

// requestValue reports whether v is what a request context's getter
// returns (the first result of gin's Get).
func requestValue(v ssa.Value) bool {
	if x, ok := v.(*ssa.Extract); ok && x.Index == 0 {
		v = x.Tuple
	}
	call, ok := v.(*ssa.Call)
	if !ok {
		return false
	}
	spec, ok := apis.Lookup(calleeObj(call.Common()))
	return ok && spec.Op == apis.RequestValue
}

// requestTable returns the table key of a record kept for a request: the
// name its TableName method or its generated package gives, else its Go
// name, which the analysis takes to be any table a write names in SQL
// (the ORM that loaded it, and so its naming, is not known here).
func (a *Analysis) requestTable(n *types.Named) string {
	if name, ok := a.tableNameMethod(n); ok && name != "" {
		return sqlTable(name)
	}
	if a.facts != nil {
		if name, ok := a.facts.TableName(n.Obj()); ok && name != "" {
			return sqlTable(name)
		}
	}
	return "go:" + n.Obj().Pkg().Path() + "." + n.Obj().Name()
}

// assertedName names the value a type assertion gives (user in user :=
// c.MustGet("user").(*model.User), or in user, ok := v.(*model.User)).
func (c *funcCtx) assertedName(in *ssa.TypeAssert) string {
	if n, ok := c.debugName(in); ok {
		return n
	}
	for _, ref := range *in.Referrers() {
		if x, ok := ref.(*ssa.Extract); ok && x.Index == 0 {
			if n, ok := c.debugName(x); ok {
				return n
			}
		}
	}
	return "the request's " + in.AssertedType.String()
}
