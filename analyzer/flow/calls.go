package flow

import (
	"cmp"
	"go/constant"
	"go/token"
	"go/types"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/sqltext"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// call applies a call instruction.
func (c *funcCtx) call(st *state, e *env, call *ssa.Call) {
	cc := call.Common()
	if fn, bindings, _ := c.closureOf(e, cc.Value); fn != nil && !cc.IsInvoke() {
		if e.running(fn) {
			return
		}
		// A closure called here runs here, with its parameters bound.
		c.inline(st, e, fn, bindings, cc.Args, nil)
		c.closureResults(call, fn)
		return
	}
	if callee := c.givenClosure(e, cc); callee != nil {
		// A function of this package given a closure (a store's
		// getter given its query) runs here with it, so that what the
		// closure loads is what the function returns.
		delete(c.anonRet, callee)
		c.classifyClosures(callee)
		c.inline(st, e, callee, nil, cc.Args, nil)
		c.closureResults(call, callee)
		return
	}
	var loaders []*ssa.Function
	for _, a := range cc.Args {
		// A closure passed to a call runs at that call (the callee
		// calls it), unless a transaction runner runs it below.
		if fn, bindings, mc := c.closureOf(e, a); fn != nil && !c.consumedFn[fn] && (mc == nil || !c.consumed[mc] && c.later[mc]) && !e.running(fn) {
			delete(c.anonRet, fn)
			c.inline(st, e, fn, bindings, nil, nil)
			loaders = append(loaders, fn)
		}
	}
	if got, ok := c.loaderResults(call, loaders); ok {
		// A read-through cache returns what its loader returned (or a
		// copy of it, kept from an earlier call), and nothing of the
		// cache itself or of the key.
		c.readThrough[call] = true
		defer c.setReadThrough(call, got)
	}
	if spec, ok := c.spec(cc); ok {
		c.api(st, e, call, spec)
		return
	}
	if p := calledParam(e, cc.Value); p != nil && !cc.IsInvoke() {
		if i := c.paramIndex(p); i >= 0 {
			c.callParam(st, e, call, i)
		}
	}
	if cc.StaticCallee() == nil && !cc.IsInvoke() {
		c.mutatorCall(st, e, cc)
	}
	if sum, obj := c.summaryOf(cc); sum != nil {
		c.applySummary(st, e, call, sum, obj, allArgs(cc), nil)
		return
	}
	c.defaultCall(st, e, call)
}

// givenClosure returns the callee of a static call of a function of this
// package that is given a closure and returns something besides an error
// (a getter given the query that fills what it returns), when it is not
// already running (a recursion) and has a body to run. A function that
// returns only an error and is given a closure (an "update with a
// mutator" method) keeps its summary: what the closure changes is opaque.
func (c *funcCtx) givenClosure(e *env, cc *ssa.CallCommon) *ssa.Function {
	fn := cc.StaticCallee()
	if fn == nil || cc.IsInvoke() || fn.Pkg != c.a.pkg || fn.Parent() != nil || fn.Synthetic != "" || len(fn.Blocks) == 0 || fn == c.root {
		return nil
	}
	res := fn.Signature.Results()
	if res.Len() == 0 || res.Len() == 1 && isError(res.At(0).Type()) {
		return nil
	}
	if !slices.ContainsFunc(cc.Args, func(a ssa.Value) bool { f, _, _ := c.closureOf(e, a); return f != nil }) {
		return nil
	}
	if e.running(fn) {
		return nil
	}
	return fn
}

// loaderResults returns the labels that the functions a call was given
// return, when a function's first result is of the call's first result
// type and not an error: a read-through cache's LoadOne(key, load)
// returns what load read, and so does singleflight's Do.
func (c *funcCtx) loaderResults(call *ssa.Call, loaders []*ssa.Function) (labels, bool) {
	first := func(t types.Type) types.Type {
		if tu, ok := t.(*types.Tuple); ok {
			if tu.Len() == 0 {
				return nil
			}
			return tu.At(0).Type()
		}
		return t
	}
	want := first(call.Type())
	if want == nil || isError(want) {
		return nil, false
	}
	var got labels
	matched := false
	for _, fn := range loaders {
		ret := c.anonRet[fn]
		t := first(fn.Signature.Results())
		if len(ret) == 0 || t == nil || !types.Identical(t, want) {
			continue
		}
		got, matched = got.union(ret[0]), true
	}
	return got, matched
}

// setReadThrough gives the first result of a read-through call the labels
// its loaders returned, in place of what the call's own handling gave it.
func (c *funcCtx) setReadThrough(call *ssa.Call, got labels) {
	if _, ok := call.Type().(*types.Tuple); ok {
		res := c.callRes[call]
		if len(res) == 0 {
			return
		}
		if !res[0].contains(got) || !got.contains(res[0]) {
			c.grew = true
		}
		res[0] = got
		return
	}
	if old := c.vals[call]; !old.contains(got) || !got.contains(old) {
		c.vals[call] = got
		c.grew = true
	}
}

// closureResults gives a call of an inlined closure the labels its
// returns carried.
func (c *funcCtx) closureResults(call *ssa.Call, fn *ssa.Function) {
	ret := c.anonRet[fn]
	switch n := fn.Signature.Results().Len(); {
	case n == 1 && len(ret) == 1:
		c.setVal(call, ret[0])
	case n > 1:
		c.callRes[call] = ret
	}
}

// summaryOf returns the summary of the function a call invokes: computed
// here for a function of this package, a fact for another package's.
func (c *funcCtx) summaryOf(cc *ssa.CallCommon) (*summary.Summary, *types.Func) {
	obj := calleeObj(cc)
	if obj != nil && c.a.facts != nil {
		if s := c.a.facts.Declared(obj); s != nil {
			return s, obj
		}
	}
	if fn := cc.StaticCallee(); fn != nil {
		if fn.Origin() != nil {
			fn = fn.Origin()
		}
		if fn.Pkg == c.a.pkg && fn.Synthetic == "" && fn.Parent() == nil && len(fn.Blocks) > 0 {
			return c.a.Func(fn).Summary, obj
		}
	}
	if cc.IsInvoke() && obj != nil {
		return c.a.interfaceSummary(obj), obj
	}
	if obj != nil && c.a.facts != nil {
		return c.a.facts.Summary(obj), obj
	}
	return nil, obj
}

// defaultCall applies a call the analysis cannot see into: a model of the
// standard library, or else its results carry its arguments' labels as
// opaque (what it does with them is not known, so no change is claimed),
// and what it is given pointers to may be filled from its other
// arguments (a decoder, a copier, a setter on a pointer receiver).
func (c *funcCtx) defaultCall(st *state, e *env, call *ssa.Call) {
	if c.modelCall(st, e, call) {
		return
	}
	args := allArgs(call.Common())
	in := make([]labels, len(args))
	var ls labels
	flows := resultArgs(call.Common(), len(args))
	inputs := 0
	var data labels // the inputs' labels, a context's aside
	for i, a := range args {
		in[i] = c.valueLabels(st, e, a)
		if flows == nil || flows[i] {
			ls = ls.union(in[i])
			if len(in[i]) > 0 && !isContext(a.Type()) {
				inputs++
				data = data.union(in[i])
			}
		}
	}
	// What it makes of one value may be that value (a getter, a
	// decoder), and so may what it makes of parts of one row; what it
	// makes of values of several origins (a user's name and a transport)
	// is a value of its own.
	result := c.opaque
	if inputs > 1 && origins(data) > 1 {
		result = c.made
	}
	c.setResult(call, result(ls))
	if t, ok := call.Type().(*types.Tuple); ok {
		for i := 1; i < t.Len(); i++ {
			c.callRes[call][i] = result(ls)
		}
	}
	if call.Common().IsInvoke() {
		return
	}
	// A method with a pointer receiver may keep what it is given
	// (strings.Builder.WriteString, a model's SetX): the receiver's memory
	// now holds values made from the arguments.
	if recv, rest := splitArgs(call.Common()); recv != nil && len(rest) > 0 && isPointerLike(recv.Type()) {
		var kept labels
		for i := 1; i < len(in); i++ {
			kept = kept.union(in[i])
		}
		if len(kept) > 0 {
			// Not a store the analysis saw: the receiver is not changed
			// for what it was loaded with.
			base, path := c.place(st, e, recv)
			st.merge(base, path, entry{labels: c.opaque(kept)})
		}
	}
	c.decodeInto(st, e, args, in)
}

// resultArgs says which arguments of a call of a generic function can
// reach its results, when its type says so: the results of
// Ternary[T, U any](cond T, a, b U) U are of type U, so they are made from
// a and b and not from cond. It returns nil when every argument may.
func resultArgs(cc *ssa.CallCommon, n int) []bool {
	obj := calleeObj(cc)
	if obj == nil {
		return nil
	}
	sig, ok := obj.Origin().Type().(*types.Signature)
	if !ok || sig.TypeParams().Len() == 0 || sig.Recv() != nil || sig.Params().Len() != n || sig.Results().Len() == 0 {
		return nil
	}
	var tps []*types.TypeParam
	for i := range sig.Results().Len() {
		tp, ok := sig.Results().At(i).Type().(*types.TypeParam)
		if !ok {
			return nil // a result of a type of its own: anything may make it
		}
		tps = append(tps, tp)
	}
	flows := make([]bool, n)
	for i := range n {
		flows[i] = slices.ContainsFunc(tps, func(tp *types.TypeParam) bool { return mentions(sig.Params().At(i).Type(), tp, 0) })
	}
	return flows
}

// mentions reports whether type t is, or is built from, type parameter tp.
func mentions(t types.Type, tp *types.TypeParam, depth int) bool {
	if depth > maxDepth {
		return true
	}
	switch x := t.(type) {
	case *types.TypeParam:
		return x == tp
	case *types.Pointer:
		return mentions(x.Elem(), tp, depth+1)
	case *types.Slice:
		return mentions(x.Elem(), tp, depth+1)
	case *types.Array:
		return mentions(x.Elem(), tp, depth+1)
	case *types.Chan:
		return mentions(x.Elem(), tp, depth+1)
	case *types.Map:
		return mentions(x.Key(), tp, depth+1) || mentions(x.Elem(), tp, depth+1)
	case *types.Signature:
		for i := range x.Results().Len() {
			if mentions(x.Results().At(i).Type(), tp, depth+1) {
				return true
			}
		}
		return false
	case *types.Named:
		for i := range x.TypeArgs().Len() {
			if mentions(x.TypeArgs().At(i), tp, depth+1) {
				return true
			}
		}
		return false
	case *types.Basic:
		return false
	}
	return true // a struct or interface literal: may hold anything
}

// decodeInto applies what an unmodelled call that looks like a decoder
// (a []byte or string argument, and a pointer to a fresh destination)
// does: the destination is filled from the encoded data, in a form the
// analysis cannot read, so its labels are opaque. A destination that
// already holds data (a loaded record, a parameter) is left alone: a call
// given both is more likely to read from it than to overwrite it.
func (c *funcCtx) decodeInto(st *state, e *env, args []ssa.Value, in []labels) {
	var encoded labels
	for i, a := range args {
		if isEncoded(a.Type()) {
			encoded = encoded.union(in[i])
		}
	}
	if len(encoded) == 0 {
		return
	}
	for _, a := range args {
		if _, ok := a.Type().Underlying().(*types.Pointer); !ok || apis.HandleKindOf(a.Type()) != apis.NotHandle {
			continue
		}
		base, path := c.place(st, e, a)
		if _, ok := base.(*ssa.Alloc); !ok {
			continue
		}
		if _, _, found, subs := st.lookup(base, path); found || len(subs) > 0 {
			continue
		}
		st.set(base, path, entry{labels: c.opaque(encoded), dirty: true})
	}
}

// isEncoded reports whether t holds encoded data: a string or a byte
// slice.
func isEncoded(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Kind() == types.String
	case *types.Slice:
		b, ok := u.Elem().Underlying().(*types.Basic)
		return ok && b.Kind() == types.Byte
	}
	return false
}

// calledParam returns the parameter of the analysed function that a
// called function value is: the parameter itself, or, in a closure that
// captures it (fn called inside a transaction callback), the variable the
// parameter was spilled to.
func calledParam(e *env, v ssa.Value) *ssa.Parameter {
	v = e.resolve(v)
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		if a, ok := e.resolve(u.X).(*ssa.Alloc); ok {
			v = storedValue(a)
		}
	}
	p, _ := v.(*ssa.Parameter)
	return p
}

// callParam records that the function calls its function parameter i
// with a transaction: it runs its callback in a transaction. A handle
// that began a transaction on itself (BEGIN on a connection, xorm's
// sess.Begin()) is one too.
func (c *funcCtx) callParam(st *state, e *env, call *ssa.Call, i int) {
	for k, a := range call.Common().Args {
		h, ok := c.carriesTx(e, a, 0)
		if !ok && apis.HandleKindOf(a.Type()) != apis.NotHandle {
			if mh := c.handleOf(e, a); st.inManualTx(mh) {
				h, ok = Handle{Kind: summary.Tx, Serializable: st.serializable(mh)}, true
			}
		}
		if ok {
			r := summary.RunInTx{Callback: i, Arg: k, Kind: h.Kind, Serializable: h.Serializable}
			if !slices.Contains(c.runsInTx, r) {
				c.runsInTx = append(c.runsInTx, r)
			}
		}
	}
}

// mutatorCall applies a call of a function value the analysis cannot see
// into (a callback parameter, a function in a field) to the loaded data it
// is given pointers to: "update with a mutator" APIs (load; fn(&acc);
// save) pass a record so that the callback changes it. What it changes is
// not known, so its loaded fields become opaque from here on: written
// back, they are a whole-row write of values that may be stale, not a
// change the analysis can name.
func (c *funcCtx) mutatorCall(st *state, e *env, cc *ssa.CallCommon) {
	for _, a := range cc.Args {
		if _, ok := a.Type().Underlying().(*types.Pointer); !ok || apis.HandleKindOf(a.Type()) != apis.NotHandle {
			continue
		}
		base, path := c.place(st, e, a)
		m := st.mem[base]
		var keys []string
		for k, en := range m {
			if under(k, path) && slices.ContainsFunc(en.labels, func(l *Label) bool { return l.Load != nil && l.Change == summary.Copied }) {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			// A record a callee loaded lives in the labels of the pointer
			// it returned, not in memory of this function.
			var loaded labels
			for _, l := range c.taint(e, a) {
				if l.Load != nil && l.Change == summary.Copied {
					loaded = append(loaded, l)
				}
			}
			if len(loaded) > 0 {
				st.merge(base, path, entry{labels: c.opaque(loaded)})
			}
			continue
		}
		w := st.writable(base)
		for _, k := range keys {
			en := w[k]
			en.labels = c.opaque(en.labels)
			w[k] = en
		}
	}
}

// forward records that the function passes its caller's SQL on.
func (c *funcCtx) forward(f summary.Forward) {
	if !slices.Contains(c.forwards, f) {
		c.forwards = append(c.forwards, f)
	}
}

// carriesTx reports whether v is a transaction handle or a value built from
// one (sqlc's New(tx), a repository struct holding tx).
func (c *funcCtx) carriesTx(e *env, v ssa.Value, depth int) (Handle, bool) {
	if depth > 4 {
		return Handle{}, false
	}
	if h := c.handleOf(e, v); h.Kind == summary.Tx && apis.HandleKindOf(v.Type()) != apis.NotHandle {
		return h, true
	}
	switch x := peel(e.resolve(v)).(type) {
	case *ssa.Call:
		if _, ok := c.spec(x.Common()); ok {
			return Handle{}, false
		}
		for _, a := range x.Common().Args {
			if h, ok := c.carriesTx(e, a, depth+1); ok {
				return h, true
			}
		}
	case *ssa.Alloc:
		for _, ref := range *x.Referrers() {
			if fa, ok := ref.(*ssa.FieldAddr); ok {
				for _, r := range *fa.Referrers() {
					if s, ok := r.(*ssa.Store); ok && s.Addr == fa {
						if h, ok := c.carriesTx(e, s.Val, depth+1); ok {
							return h, true
						}
					}
				}
			}
		}
	}
	return Handle{}, false
}

// txCallbacks returns the indexes (into the call's Args) of the function
// arguments a call runs in a transaction.
func (c *funcCtx) txCallbacks(call *ssa.Call) []int {
	cc := call.Common()
	if spec, ok := c.spec(cc); ok {
		if (spec.Op == apis.RunInTx || spec.Op == apis.RunOnConn || spec.Op == apis.RunOnHandle) && spec.Callback >= 0 {
			off := 0
			if recv, _ := splitArgs(cc); recv != nil && !cc.IsInvoke() {
				off = 1
			}
			return []int{spec.Callback + off}
		}
		return nil
	}
	if fn := cc.StaticCallee(); fn != nil && fn.Parent() != nil {
		return nil
	}
	sum, _ := c.summaryOf(cc)
	if sum == nil {
		return nil
	}
	var idx []int
	for _, r := range sum.RunsInTx {
		if r.Callback < len(cc.Args) {
			idx = append(idx, r.Callback)
		}
	}
	return idx
}

// api applies a call of a known database API.
func (c *funcCtx) api(st *state, e *env, call *ssa.Call, spec apis.Spec) {
	recv, args := splitArgs(call.Common())
	c.apply(st, e, apiCall{call: call, spec: spec, recv: recv, args: args})
}

// apply applies what a call of a library API does, whatever the library:
// the adapter of its shape reads the statement it runs, what it loads or
// what it writes; the engine the rows it scans, the transactions it
// begins and ends, the callbacks it runs. Chain, Insert, Collection,
// Untracked and the calls that only return a handle change nothing here.
func (c *funcCtx) apply(st *state, e *env, x apiCall) {
	spec, recv := x.spec, x.recv
	switch spec.Op {
	case apis.Query, apis.Exec:
		adapterOf(spec.Shape).run(c, st, e, x)
	case apis.Load:
		adapterOf(spec.Shape).load(c, st, e, x)
	case apis.Write:
		adapterOf(spec.Shape).write(c, st, e, x)
	case apis.Scan:
		q := c.rowsQuery(e, recv)
		d := x.arg(spec.Dest)
		if spec.Form == apis.Model {
			// sqlx's StructScan: the fields of the struct are the columns.
			if d != nil {
				c.loadInto(st, e, x.call, q, []ssa.Value{d}, nil)
			}
			break
		}
		dests := []ssa.Value{d} // go-redis cmd.Scan(&v)
		if d != nil {
			if _, ok := d.Type().Underlying().(*types.Slice); ok {
				dests, _ = c.varargs(e, d) // rows.Scan(&a, &b)
			}
		}
		c.loadInto(st, e, x.call, q, dests, q.stmt.Columns)
	case apis.Collect:
		// pgx.CollectRows(rows, pgx.RowToStructByName[T]), go-redis
		// cmd.Int64(): the result holds the rows (or the reply of the
		// receiver), as a destination of Scan would.
		rows := x.arg(spec.Value)
		if spec.Value < 0 {
			rows = recv
		}
		c.loadResult(st, x.call, c.rowsQuery(e, rows))
	case apis.Command:
		c.command(st, e, x)
	case apis.End:
		if recv != nil {
			st.release(c.handleOf(e, recv))
		}
	case apis.BeginOn:
		// xorm's sess.Begin(), redigo's WATCH: the receiver itself is now
		// a transaction.
		if recv != nil {
			k := keyOf(c.handleOf(e, recv))
			if !slices.Contains(st.manual, k) {
				st.manual = append(st.manual, k)
			}
			st.serial = slices.DeleteFunc(slices.Clone(st.serial), func(x handleKey) bool { return x == k })
			if c.serializableCall(e, x.call, spec) {
				st.serial = append(st.serial, k)
			}
		}
	case apis.RunOnHandle:
		if cb := x.arg(spec.Callback); cb != nil && recv != nil {
			c.runCallback(st, e, x.call, cb, 0, c.handleOf(e, recv))
		}
	case apis.RunInTx, apis.RunOnConn:
		kind := summary.Tx
		if spec.Op == apis.RunOnConn {
			kind = summary.Conn
		}
		h := Handle{root: x.call, Kind: kind, Param: -1, Name: "the transaction", Serializable: spec.Conflicts || c.serializableCall(e, x.call, spec), Begin: x.call.Pos()}
		if cb := x.arg(spec.Callback); cb != nil {
			c.runCallback(st, e, x.call, cb, spec.TxParam, h)
		}
	case apis.MutexLock:
		st.mutex++
		if x.recv != nil {
			st.mutexType = cmp.Or(st.mutexType, mutexTypeName(x.recv.Type()))
		}
	case apis.MutexUnlock:
		if st.mutex > 0 {
			st.mutex--
		}
		if st.mutex == 0 {
			st.mutexType = ""
		}
	case apis.SharedLock:
		// A lock on no handle of the caller's, kept in Redis: a mutex of
		// every server process that takes it.
		h := Handle{root: x.call, Kind: summary.Unknown, Param: -1, Name: "the distributed lock"}
		c.lock(st, x.call, 0, h, LockShared, true, token.NoPos)
	case apis.SharedUnlock:
		c.releaseShared(st)
	}
}

// mutexTypeName names the type of a lock for messages, by its package's
// name: sync.Mutex, mutexes.MutexMap.
func mutexTypeName(t types.Type) string {
	n, ok := types.Unalias(derefType(t)).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return ""
	}
	return n.Obj().Pkg().Name() + "." + n.Obj().Name()
}

// command applies a command named by its text (redigo's Do("SET", key,
// v)), as the library's command table says: its arguments are the
// elements of the variadic at Value, the key first.
func (c *funcCtx) command(st *state, e *env, x apiCall) {
	spec := x.spec
	if x.recv == nil || spec.SQL < 0 || spec.SQL >= len(x.args) || spec.Value >= len(x.args) {
		return
	}
	name, ok := c.sqlText(e, peel(x.args[spec.SQL]))
	if !ok {
		return
	}
	cs, ok := apis.CommandSpec(spec, name)
	if !ok {
		return
	}
	vals, _ := c.varargs(e, x.args[spec.Value])
	args := make([]ssa.Value, len(vals))
	for i, a := range vals {
		if a != nil {
			args[i] = peel(a)
		}
	}
	c.apply(st, e, apiCall{call: x.call, spec: cs, recv: x.recv, args: args})
}

// inTx reports whether a handle runs in a transaction at this point.
func (c *funcCtx) inTx(st *state, h Handle) bool {
	return h.Kind == summary.Tx || st.inManualTx(h)
}

// statement applies what an SQL statement does: lock, write, begin or end
// a transaction.
func (c *funcCtx) statement(st *state, e *env, call *ssa.Call, q *query) {
	if !q.known {
		return
	}
	s := &q.stmt
	inTx := c.inTx(st, q.handle)
	switch s.Kind {
	case sqltext.Select:
		// A row lock counts only where it covers the rows the values
		// come from (not FOR UPDATE OF another table of the join).
		if k, ok := lockKindOf(s.Lock); ok && (k != LockRow || q.lock == summary.Row) {
			c.lock(st, call, 0, q.handle, k, inTx, token.NoPos)
		}
	case sqltext.Update, sqltext.Insert, sqltext.Delete:
		c.sqlWrite(st, e, call, q, inTx)
		if (s.Kind != sqltext.Insert || len(s.Sets) > 0) && inTx {
			c.lock(st, call, 1, q.handle, LockWrite, inTx, token.NoPos)
		}
	case sqltext.LockTable:
		c.lock(st, call, 0, q.handle, LockTable, inTx, token.NoPos)
	case sqltext.Begin:
		if k := keyOf(q.handle); !slices.Contains(st.manual, k) {
			st.manual = append(st.manual, k)
		}
		if s.Serializable {
			st.serial = union(st.serial, []handleKey{keyOf(q.handle)})
		}
		if s.Lock == sqltext.Database {
			c.lock(st, call, 0, q.handle, LockDatabase, true, token.NoPos)
		}
	case sqltext.End:
		st.release(q.handle)
	case sqltext.SetIsolation:
		if s.Serializable {
			st.serial = union(st.serial, []handleKey{keyOf(q.handle)})
		}
	}
}

// lockKindOf maps the lock of a SELECT to a lock event kind.
func lockKindOf(l sqltext.Lock) (LockKind, bool) {
	switch l {
	case sqltext.RowUpdate:
		return LockRow, true
	case sqltext.AdvisoryXact:
		return LockAdvisoryXact, true
	case sqltext.AdvisorySession:
		return LockAdvisorySession, true
	case sqltext.Table:
		return LockTable, true
	case sqltext.Database:
		return LockDatabase, true
	}
	return 0, false
}

// sqlWrite records what an UPDATE or upsert writes: the columns it sets,
// those it sets atomically, those its WHERE checks, and the values it
// writes with their labels. Whether a check in the WHERE protects a value
// is for the judge to say.
func (c *funcCtx) sqlWrite(st *state, e *env, call *ssa.Call, q *query, inTx bool) {
	s := &q.stmt
	if len(s.Sets) == 0 {
		// A plain INSERT adds a row and a DELETE removes one: neither
		// loses an update, but they are what a check guards.
		w := c.write(st, call, 0, WriteSQL, q.handle, inTx, nil)
		w.Stmt, w.SQL, w.SQLArg, w.Lib, w.Table = s, q.text, q.sqlArg, q.lib, q.table
		return
	}
	var vals, deltas []Written
	var sets, atomic, recounts, normalizes []string
	for i := range s.Sets {
		a := &s.Sets[i]
		if a.Self {
			atomic = append(atomic, a.Column)
			if a.Normalizes {
				normalizes = append(normalizes, a.Column)
			}
			deltas = c.delta(st, e, deltas, a, func(p sqltext.Param) ssa.Value { v, _ := q.param(p); return v })
			continue
		}
		sets = append(sets, a.Column)
		if recount(a, q.text, q.table) {
			recounts = append(recounts, a.Column)
		}
		var ls labels
		arg := -1
		numeric := false
		for _, p := range a.Params {
			v, idx := q.param(p)
			if v == nil {
				if p.Index < 0 && q.namedFrom != nil {
					fl, t := c.namedField(st, e, q.namedFrom, p.Name)
					ls = ls.union(fl)
					numeric = len(a.Params) == 1 && t != nil && isNumeric(t)
				}
				continue
			}
			ls = ls.union(c.valueLabels(st, e, v))
			if a.Bare {
				arg = idx
			}
		}
		if a.Computed {
			ls = c.computed(ls) // SET balance = $1 + $2: the database adds to the value read in Go
		}
		timeV := false
		if len(a.Params) == 1 {
			if v, _ := q.param(a.Params[0]); v != nil {
				numeric, timeV = isNumeric(peel(v).Type()), isTime(peel(v).Type())
			}
		}
		konst, value := true, ""
		for _, p := range a.Params {
			v, _ := q.param(p)
			if v == nil || !isConst(peel(v)) {
				konst = false
			} else if a.Bare {
				value = constValue(v)
			}
		}
		if len(a.Params) == 0 && a.ExprEnd <= len(q.text) {
			value = strings.Trim(strings.TrimSpace(q.text[a.ExprStart:a.ExprEnd]), "'") // SET status = 'used'
		}
		vals = append(vals, Written{Column: a.Column, Labels: ls, Arg: arg, Assign: a, Numeric: numeric, Time: timeV, Const: konst && len(ls) == 0, Value: value})
	}
	w := c.write(st, call, 0, WriteSQL, q.handle, inTx, vals)
	w.Stmt, w.SQL, w.SQLArg, w.Lib, w.Table = s, q.text, q.sqlArg, q.lib, q.table
	c.setKeys(st, e, w, q.keyArgs)
	w.Sets, w.Atomic = union(w.Sets, sets), union(w.Atomic, atomic)
	c.addDeltas(w, call, deltas)
	w.Overwrites = union(w.Overwrites, overwrites(s))
	w.Recounts = union(w.Recounts, recounts)
	w.Normalizes = union(w.Normalizes, normalizes)
	w.Checks = union(w.Checks, whereKeys(s))
	w.Tested = union(w.Tested, s.Tested)
	w.Row = w.Row || len(sets) > MaxTargeted
}

// overwrites returns the columns an upsert's conflict action sets other
// than from their own value: what it writes over the row that is there.
func overwrites(s *sqltext.Statement) []string {
	if s.Kind != sqltext.Insert {
		return nil
	}
	var out []string
	for _, a := range s.Sets {
		if !a.Self {
			out = append(out, a.Column)
		}
	}
	return out
}

// checksOld reports whether a builder's conditions (the columns of its
// Where equality tests) check a version or the old value of a written
// column: the write then changes nothing if the row changed since the load.
func checksOld(where []string, vals []Written) bool {
	return slices.ContainsFunc(where, func(w string) bool {
		return sqltext.IsVersionColumn(w) || slices.ContainsFunc(vals, func(v Written) bool { return v.Column == w })
	})
}

// isNumeric reports whether t is a number (or a named number type).
// isTime reports whether t is a time: time.Time, a pointer to one, or a
// nullable time (sql.NullTime, a struct with a time.Time field Time).
func isTime(t types.Type) bool {
	t = derefType(t)
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	if n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "time" && n.Obj().Name() == "Time" {
		return true
	}
	st, ok := n.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := 0; i < st.NumFields(); i++ {
		if f := st.Field(i); f.Name() == "Time" && isTime(f.Type()) {
			return true
		}
	}
	return false
}

func isNumeric(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsNumeric != 0
}

func isFloat(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsFloat != 0
}

// mapColumn returns the key of a path ending in a map entry ({key}).
func mapColumn(path string) string {
	if len(path) < 2 || path[len(path)-1] != '}' {
		return ""
	}
	i := len(path) - 2
	for i >= 0 && path[i] != '{' {
		i--
	}
	if i < 0 {
		return ""
	}
	return path[i+1 : len(path)-1]
}

// loadInto records a load whose values land in the destinations. A
// destination that is a key column of the rows read (the primary key, a
// column the WHERE found them by) holds the row's identity, not its
// state: it gets no label.
func (c *funcCtx) loadInto(st *state, e *env, call *ssa.Call, q *query, dests []ssa.Value, columns []string) {
	l := c.load(st, call, 0, q.handle, q.lock, q.lockPos, q.lib, q.pos)
	l.Table, l.RowsParam = q.table, q.rowsParam
	l.Ranked = cmp.Or(l.Ranked, q.ranked, q.stmt.Ranked)
	l.Keys = union(l.Keys, q.keys)
	if l.KeyArgs == nil {
		l.KeyArgs = q.keyArgs
	}
	callerSQL := !q.known && q.sqlParam >= 0
	// The caller's SQL (a fetch(query, args...) helper) or the caller's
	// rows (a scanFeed(row) helper) say the columns, by position.
	slotted := callerSQL || q.rowsParam >= 0 && !q.known
	if callerSQL {
		l.SQLParam = q.sqlParam
	}
	for k, d := range dests {
		if d == nil {
			continue
		}
		if n, _ := model(peel(d).Type()); n != nil || q.lib.Info().Models {
			l.Keys = union(l.Keys, modelKeys(peel(d).Type()))
			if n, _ := model(peel(d).Type()); n != nil && len(columns) == 0 {
				l.Record = true
			}
		}
		base, path := c.place(st, e, d)
		col := ""
		if k < len(columns) {
			col = columns[k]
		}
		en := entry{}
		if fa, ok := peel(e.resolve(d)).(*ssa.FieldAddr); ok {
			en.field, en.tag = fieldOf(fa.X.Type(), fa.Field), fieldTag(fa.X.Type(), fa.Field)
		}
		slot := 0
		if slotted {
			slot = k + 1
		}
		if !l.IsKey(col) && !l.Ranks(col) {
			en.labels = labels{c.label(Label{Load: l, Name: c.nameOf(base) + renderPath(path), Column: col, Slot: slot})}
		}
		st.set(base, path, en)
	}
}

// loadResult records a load whose values are the first result of the call
// (pgx.CollectRows, go-redis cmd.Int64(), gomemcache Get).
func (c *funcCtx) loadResult(st *state, call *ssa.Call, q *query) {
	l := c.load(st, call, 0, q.handle, q.lock, q.lockPos, q.lib, q.pos)
	l.Table, l.RowsParam = q.table, q.rowsParam
	rt := call.Type()
	if t, ok := rt.(*types.Tuple); ok && t.Len() > 0 {
		rt = t.At(0).Type()
	}
	if n, _ := model(rt); n != nil {
		l.Record = true // pgx.CollectRows(rows, RowToStructByName[T]), a memcache Item
		l.Keys = union(l.Keys, modelKeys(rt))
	}
	res := labels{c.label(Label{Load: l, Name: c.resultName(call, 0, calleeObj(call.Common()))})}
	if _, ok := call.Type().(*types.Tuple); ok {
		c.callRes[call] = []labels{res, nil}
	} else {
		c.setVal(call, res)
	}
}

// load returns the load event of an instruction, updated with the state.
func (c *funcCtx) load(st *state, instr ssa.Instruction, sub int, h Handle, lock summary.Lock, lockPos token.Pos, lib apis.Lib, pos token.Pos) *Load {
	k := eventKey{instr, sub}
	l := c.loads[k]
	if l == nil {
		l = &Load{Pos: c.cur.at(pos), ScanPos: c.cur.at(instr.Pos()), Handle: h, Lock: lock, LockPos: lockPos, Lib: lib, RowsParam: -1, SQLParam: -1, instr: instr, seq: c.a.next()}
		c.loads[k] = l
	}
	l.InTx = l.InTx || c.inTx(st, h)
	l.Held = unionLocks(l.Held, st.locks)
	l.Mutex = l.Mutex || st.mutex > 0
	if st.mutex > 0 {
		l.MutexType = cmp.Or(l.MutexType, st.mutexType)
	}
	if l.Guard == "" && len(st.guards) > 0 {
		l.Guard = st.guards[0].Name
	}
	return l
}

// lock records a lock event and holds it in the state.
func (c *funcCtx) lock(st *state, instr ssa.Instruction, sub int, h Handle, kind LockKind, inTx bool, pos token.Pos) *LockEvent {
	k := eventKey{instr, 100 + sub}
	ev := c.lockEvs[k]
	if ev == nil {
		if !pos.IsValid() {
			pos = instr.Pos()
		}
		ev = &LockEvent{Pos: c.cur.at(pos), Handle: h, Kind: kind, seq: c.a.next()}
		c.lockEvs[k] = ev
	}
	ev.InTx = ev.InTx || inTx
	if !slices.Contains(st.locks, ev) {
		st.locks = append(st.locks, ev)
	}
	return ev
}

// write records a write event.
func (c *funcCtx) write(st *state, call *ssa.Call, sub int, kind WriteKind, h Handle, inTx bool, vals []Written) *Write {
	k := eventKey{call, sub}
	w := c.writes[k]
	if w == nil {
		w = &Write{Pos: c.cur.at(call.Pos()), Call: call, Kind: kind, Handle: h, SQLArg: -1, Stored: c.cur != nil && c.cur.stored, seq: c.a.next()}
		c.writes[k] = w
	} else {
		w.Stored = w.Stored && c.cur != nil && c.cur.stored
	}
	w.InTx = w.InTx || inTx
	if c.cur != nil {
		for _, g := range c.guardsOf(c.cur, call) {
			i := slices.IndexFunc(w.Guards, func(x Guard) bool { return x.Pos == g.Pos })
			if i < 0 {
				w.Guards = append(w.Guards, g)
			} else {
				w.Guards[i].Labels = labels(w.Guards[i].Labels).union(g.Labels)
			}
		}
	}
	w.Serializable = w.Serializable || st.serializable(h)
	w.Held = unionLocks(w.Held, st.locks)
	w.Mutex = w.Mutex || st.mutex > 0
	if st.mutex > 0 {
		w.MutexType = cmp.Or(w.MutexType, st.mutexType)
	}
	if w.Guard == "" && len(st.guards) > 0 {
		w.Guard = st.guards[0].Name
	}
	for _, v := range vals {
		if c.cur != nil {
			v.Labels = c.unpinned(c.cur, call, v.Labels)
		}
		i := slices.IndexFunc(w.Values, func(x Written) bool { return x.Column == v.Column && x.Name == v.Name && x.Whole == v.Whole })
		if i < 0 {
			w.Values = append(w.Values, v)
		} else {
			w.Values[i].Labels = labels(w.Values[i].Labels).union(v.Labels)
		}
	}
	return w
}

// addDeltas records on w what its atomic assignments add (deltas), as
// write records its values: one entry a column, with the labels of every
// path.
func (c *funcCtx) addDeltas(w *Write, call *ssa.Call, deltas []Written) {
	for _, d := range deltas {
		if c.cur != nil {
			d.Labels = c.unpinned(c.cur, call, d.Labels)
		}
		if len(d.Labels) == 0 {
			continue
		}
		i := slices.IndexFunc(w.Deltas, func(x Written) bool { return x.Column == d.Column })
		if i < 0 {
			w.Deltas = append(w.Deltas, d)
		} else {
			w.Deltas[i].Labels = labels(w.Deltas[i].Labels).union(d.Labels)
		}
	}
}

// setKeys gives a write the values its WHERE compares columns with, the
// first time (keys), and the record whose id its id is compared with
// (it.ID), when known.
func (c *funcCtx) setKeys(st *state, e *env, w *Write, keys map[string]ssa.Value) {
	if w.KeyArgs == nil {
		w.KeyArgs = keys
	}
	c.setKeyRow(st, e, w, keys)
}

// setKeyRow gives a write the record whose id its WHERE compares the
// row's id with, when keys hold one.
func (c *funcCtx) setKeyRow(st *state, e *env, w *Write, keys map[string]ssa.Value) {
	for _, col := range []string{"id", "_id"} {
		if rec := recordOf(e, keys[col]); rec != nil && !w.KeyRow.Known() {
			w.KeyRow = c.recordRow(st, e, rec)
		}
	}
}

// setKeyRowAt gives a callee's write, at a call, the record whose id its
// WHERE compares the row's id with: the record of the id given (it.ID),
// the record given whose id the callee reads (Update(ctx, p) with
// UpdateOneID(p.ID)), or the record of the id stored in a record built
// for the call (EntityUpdate{ID: entity.ID}).
func (c *funcCtx) setKeyRowAt(st *state, e *env, w *Write, args []ssa.Value, keys []summary.KeyParam) {
	for _, k := range keys {
		if w.KeyRow.Known() || k.Param < 0 || k.Param >= len(args) || args[k.Param] == nil {
			continue
		}
		a, rec := args[k.Param], ssa.Value(nil)
		switch {
		case k.Path == "":
			rec = recordOf(e, a)
		case isPointerLike(a.Type()):
			rec = a
		default:
			rec = recordOf(e, storedField(e, a, k.Path))
		}
		if rec != nil {
			w.KeyRow = c.recordRow(st, e, rec)
		}
	}
}

// storedField returns the value stored into field path (".ID") of the
// record value v, built in a local variable, when one store is seen.
func storedField(e *env, v ssa.Value, path string) ssa.Value {
	u, ok := e.resolve(v).(*ssa.UnOp)
	if !ok || u.Op != token.MUL {
		return nil
	}
	a, ok := u.X.(*ssa.Alloc)
	if !ok {
		return nil
	}
	var found ssa.Value
	for _, r := range *a.Referrers() {
		fa, ok := r.(*ssa.FieldAddr)
		if !ok || fa.X != a || "."+fieldOf(a.Type(), fa.Field).Name() != path {
			continue
		}
		for _, fr := range *fa.Referrers() {
			if st, ok := fr.(*ssa.Store); ok && st.Addr == fa {
				if found != nil {
					return nil
				}
				found = st.Val
			}
		}
	}
	return found
}

// recordOf returns the record a field value was read from (it for it.ID),
// or nil.
func recordOf(e *env, v ssa.Value) ssa.Value {
	if v == nil {
		return nil
	}
	switch x := e.resolve(v).(type) {
	case *ssa.UnOp:
		if fa, ok := x.X.(*ssa.FieldAddr); ok && x.Op == token.MUL {
			return fa.X
		}
	case *ssa.Field:
		return x.X
	}
	return nil
}

func unionLocks(a, b []*LockEvent) []*LockEvent {
	for _, l := range b {
		if !slices.Contains(a, l) {
			a = append(a, l)
		}
	}
	return a
}

// runCallback runs a function value with its parameter arg bound to a
// transaction handle.
func (c *funcCtx) runCallback(st *state, e *env, call *ssa.Call, cb ssa.Value, arg int, h Handle) {
	switch f := e.resolve(cb).(type) {
	case *ssa.MakeClosure:
		c.inline(st, e, f.Fn.(*ssa.Function), f.Bindings, nil, map[int]Handle{arg: h})
	case *ssa.Function:
		if f.Parent() != nil {
			c.inline(st, e, f, nil, nil, map[int]Handle{arg: h})
			return
		}
		fake := &ssa.CallCommon{Value: f}
		if sum, obj := c.summaryOf(fake); sum != nil {
			c.applySummary(st, e, call, sum, obj, make([]ssa.Value, len(f.Params)), map[int]Handle{arg: h})
		}
	case *ssa.Parameter:
		if i := c.paramIndex(f); i >= 0 {
			r := summary.RunInTx{Callback: i, Arg: arg, Kind: h.Kind, Serializable: h.Serializable}
			if !slices.Contains(c.runsInTx, r) {
				c.runsInTx = append(c.runsInTx, r)
			}
		}
	}
}

// internalHandle identifies a handle that a callee opened itself.
type internalHandle struct {
	fn   *types.Func
	kind summary.HandleKind
	path string
}

// mapHandle translates a callee's handle reference to the caller's handle.
func (c *funcCtx) mapHandle(e *env, args []ssa.Value, ref summary.HandleRef, callee *types.Func, overrides map[int]Handle) Handle {
	if ref.Param >= 0 {
		if h, ok := overrides[ref.Param]; ok {
			return h
		}
		if ref.Param < len(args) && args[ref.Param] != nil {
			a := args[ref.Param]
			if ref.Path == "" {
				h := c.handleOf(e, a)
				if h.Kind == summary.Unknown && ref.Kind != summary.Unknown {
					h.Kind = ref.Kind
				}
				return h
			}
			var base ssa.Value
			var path string
			if isPointerLike(a.Type()) {
				base, path = c.loc(e, a)
			} else {
				base, path = c.valKey(e, a)
			}
			if h, ok := e.handle(base); ok {
				return h
			}
			h := Handle{root: base, path: path + ref.Path, Kind: ref.Kind, Param: -1, Name: c.nameOf(base) + renderPath(path+ref.Path)}
			if p, ok := base.(*ssa.Parameter); ok {
				if i := c.paramIndex(p); i >= 0 {
					h.Param, h.Path = i, path+ref.Path
				}
			}
			return h
		}
	}
	name := "a handle"
	if callee != nil {
		name = callee.Name() + "'s own " + ref.Kind.String()
	}
	return Handle{root: internalHandle{callee, ref.Kind, ref.Path + strconv.Itoa(ref.Param)}, Kind: ref.Kind, Param: -1, Name: name}
}

// readSource returns the caller's labels of data a callee reads from a
// parameter.
func (c *funcCtx) readSource(st *state, e *env, args []ssa.Value, src summary.Source) labels {
	if src.Param < 0 || src.Param >= len(args) || args[src.Param] == nil {
		return nil
	}
	a := args[src.Param]
	var base ssa.Value
	var path string
	switch {
	case isPointerLike(a.Type()):
		base, path = c.loc(e, a)
	case src.Path == "":
		return c.taint(e, a)
	default:
		base, path = c.valKey(e, a)
	}
	name := c.nameOf(base) + renderPath(path+src.Path)
	base, path = st.canon(base, path+src.Path)
	col := fieldColumn(a.Type(), src.Path)
	if ref, ok := elementRef(e, a); ok {
		col = ref // a part of an element of a list kept in a column
	}
	return c.readLoc(st, e, base, path, name, col)
}

// writtenSource returns the labels of what a callee writes from argument
// param at path: the value there and, for a pointer or an interface
// holding one (d.Value = &Tokens{…}, encoded and stored), what it points
// to.
func (c *funcCtx) writtenSource(st *state, e *env, args []ssa.Value, param int, path string) labels {
	ls := c.readSource(st, e, args, summary.Source{Param: param, Path: path})
	if param < 0 || param >= len(args) || args[param] == nil || path == "" || !isPointerLike(args[param].Type()) {
		return ls
	}
	base, p := c.loc(e, args[param])
	base, p = st.canon(base, p+path)
	if t := typeAt(args[param].Type(), path); t != nil && isPartsType(t) && changedInPart(st, base, p+"*") {
		ls = c.computedColumns(ls) // a column's map or struct the callee (or the caller) changed a part of
	}
	return ls.union(c.pointees(st, st.mem[base][p]))
}

// storedConst reports whether the caller stored a constant at a path of
// the record a parameter points to (u.Status = "disabled").
func (c *funcCtx) storedConst(st *state, e *env, args []ssa.Value, param int, path string) (string, bool) {
	if param < 0 || param >= len(args) || args[param] == nil || path == "" || !isPointerLike(args[param].Type()) {
		return "", false
	}
	base, p := c.loc(e, args[param])
	b, q := st.canon(base, p+path)
	en, ok := st.mem[b][q]
	if !ok && strings.HasSuffix(path, "*") {
		// The field holds a pointer to the constant (Status:
		// StringPtr("accepted")), and the callee writes what it points to.
		b, q = st.canon(base, p+strings.TrimSuffix(path, "*"))
		en, ok = st.mem[b][q]
	}
	if !ok || !en.dirty || !en.konst || en.maybe || len(en.labels) > 0 {
		return "", false
	}
	return en.kval, true
}

// constValue renders the constant v is, or that the pointer v points to
// (pointerToConst), for comparing one constant written with another:
// a string as it is, without quotes, so that Go's "used" and SQL's 'used'
// agree; "" when v is no constant.
func constValue(v ssa.Value) string {
	if pointerToConst(v) {
		v = peel(v).(*ssa.Call).Call.Args[0]
	}
	k, ok := peel(v).(*ssa.Const)
	if !ok {
		return ""
	}
	switch {
	case k.Value == nil:
		return "nil"
	case k.Value.Kind() == constant.String:
		return constant.StringVal(k.Value)
	}
	return k.Value.ExactString()
}

// pointerToConst reports whether v is a pointer made to a constant by a
// helper of one parameter that returns a pointer to its type
// (StringPtr("accepted"), lo.ToPtr(true), aws.String("x")): what it
// points to is that constant.
func pointerToConst(v ssa.Value) bool {
	call, ok := peel(v).(*ssa.Call)
	if !ok || len(call.Call.Args) != 1 || !isConst(peel(call.Call.Args[0])) {
		return false
	}
	sig := call.Call.Signature()
	if sig == nil || sig.Params().Len() != 1 || sig.Results().Len() != 1 {
		return false
	}
	ptr, ok := sig.Results().At(0).Type().Underlying().(*types.Pointer)
	return ok && types.Identical(ptr.Elem(), sig.Params().At(0).Type())
}

// pointees returns the labels of a location and of what it points to, as
// a whole: computed where any of that was changed since it was loaded.
func (c *funcCtx) pointees(st *state, en entry) labels {
	ls, changed := en.labels.union(en.deep), en.deepChanged
	for _, t := range en.pointees() {
		tl, tc := st.through(en, t, maxPointerDepth)
		ls, changed = ls.union(tl), changed || tc
	}
	if changed {
		return c.computedLoads(ls)
	}
	return ls
}

// fieldColumn returns the column of the field an access path ends at
// within a value of type t (".Quota" of a *User: quota), with the struct
// it belongs to.
//
// A path that goes on past a field into what it holds is that field's
// column where the field is a column: the elements of an array column
// (.EditIDs*[]: edits), or a path the value's type does not have past a
// string. Where the field is a relation to other rows (.Tags*[]*.ID of
// bun's m2m Tags, a field a tag leaves out), it is the field's name: a
// column no write of this row sets, since the data is another row's.
// Through records of any other field, no column is known.
func fieldColumn(t types.Type, path string) colRef {
	if f, tag, st := fieldAt(t, path); f != nil {
		return colRef{name: columnName(f.Name(), tag), record: st}
	}
	for p := range fieldPrefixes(path) {
		f, tag, st := fieldAt(t, p)
		if f == nil {
			continue
		}
		ft := apis.ReadTag(f.Name(), tag)
		switch {
		case !holdsRecords(f.Type()):
			return colRef{name: ft.Column, record: st}
		case ft.Relation || ft.Omit:
			return colRef{name: f.Name(), record: st}
		}
		return colRef{}
	}
	return colRef{}
}

// fieldPrefixes yields the prefixes of an access path that end at a
// field, longest first, the path itself excepted: of ".Tags*[]*.ID", only
// ".Tags"; of ".A.B*.C", ".A.B" and then ".A".
func fieldPrefixes(path string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for p := path; ; {
			i := strings.LastIndexByte(p, '.')
			if i < 0 {
				return
			}
			end := i + 1
			for end < len(p) && !strings.ContainsRune(".*[{", rune(p[end])) {
				end++
			}
			if q := p[:end]; q != path && !yield(q) {
				return
			}
			p = p[:i]
		}
	}
}

// holdsRecords reports whether a value of type t holds records of their
// own: a struct that is not a column's value, through pointers, slices,
// arrays and maps.
func holdsRecords(t types.Type) bool {
	for range maxDepth {
		switch u := t.Underlying().(type) {
		case *types.Pointer:
			t = u.Elem()
		case *types.Slice:
			t = u.Elem()
		case *types.Array:
			t = u.Elem()
		case *types.Map:
			t = u.Elem()
		case *types.Struct:
			return !isColumnStruct(t) // time.Time is a column's
		default:
			return false
		}
	}
	return false
}

// rewritesText reports whether fn takes one string and returns a string
// (and an error, maybe): a rewriting of the text given (a path expanded, a
// name made canonical), with nothing of the request's to add to it. What
// it computes from a column's value is that value in another form: written
// back, it puts back what was read, as a stale copy does, and does not
// lose a concurrent change the way an increment does.
func rewritesText(fn *types.Func) bool {
	if fn == nil {
		return false
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() != nil || sig.Params().Len() != 1 || sig.Results().Len() < 1 || sig.Results().Len() > 2 {
		return false
	}
	isString := func(t types.Type) bool {
		b, ok := t.Underlying().(*types.Basic)
		return ok && b.Kind() == types.String
	}
	if !isString(sig.Params().At(0).Type()) || !isString(sig.Results().At(0).Type()) {
		return false
	}
	return sig.Results().Len() == 1 || types.Identical(sig.Results().At(1).Type(), types.Universe.Lookup("error").Type())
}

// applySummary applies a callee's summary at a call.
func (c *funcCtx) applySummary(st *state, e *env, call *ssa.Call, sum *summary.Summary, callee *types.Func, args []ssa.Value, overrides map[int]Handle) {
	guardCall(st, sum.Guard, sum.Clears, FuncName(callee))
	sum = c.storedCase(st, e, sum, args)
	sum = c.constantCase(sum, args)
	nres := 0
	if callee != nil {
		if sig, ok := callee.Type().(*types.Signature); ok {
			nres = sig.Results().Len()
		}
	}
	res := make([]labels, nres)
	parts := make([]map[string]labels, nres)
	addPart := func(i int, path string, ls labels) {
		if path == "" {
			res[i] = res[i].union(ls)
			return
		}
		if parts[i] == nil {
			parts[i] = make(map[string]labels)
		}
		parts[i][path] = parts[i][path].union(ls)
	}
	rewrite := rewritesText(callee)
	for _, f := range sum.Flows {
		if f.Result < 0 || f.Result >= nres {
			continue
		}
		var ls labels
		for _, src := range f.From {
			change := src.Change
			if rewrite && change == summary.Computed {
				// expandPath(p.Endpoint): the same text in another
				// form, written back as it was read, not changed.
				change = summary.Opaque
			}
			ls = ls.union(c.withAppended(st, e, args, c.withChange(c.readSource(st, e, args, src), change), src.Appended))
		}
		addPart(f.Result, f.Path, ls)
	}
	// A change's sources are what the parameters held at the call: read
	// them all before the first change is applied (SetDuration's frames
	// come from the rate as it was, not as SetDuration left it).
	from := make([]labels, len(sum.Mutates))
	for i, m := range sum.Mutates {
		var head, rest labels
		for _, src := range m.From {
			ls := c.withChange(c.readSource(st, e, args, src), src.Change)
			if src.Param == m.Param && src.Path == m.Path && src.Change == summary.Copied {
				head = head.union(ls)
			} else {
				rest = rest.union(ls)
			}
		}
		if len(head) > 0 && len(rest) > 0 && m.Param < len(args) && args[m.Param] != nil && isSliceType(typeAt(args[m.Param].Type(), m.Path)) {
			// A list the callee appended to (s.Teams = append(s.Teams,
			// name)): what the caller gave it decides, as for an append
			// of its own, whether the list is still the rows it read.
			head = c.appendedTo(head, rest)
		}
		from[i] = head.union(rest)
	}
	for i, m := range sum.Mutates {
		if m.Param < 0 || m.Param >= len(args) || args[m.Param] == nil || !isPointerLike(args[m.Param].Type()) {
			continue
		}
		ls := from[i]
		base, path := c.place(st, e, args[m.Param])
		base, path = st.canon(base, path+m.Path)
		if m.Maybe {
			// Changed on some paths: what was there may still be.
			st.merge(base, path, entry{labels: ls, dirty: true, maybe: true, konst: m.Const})
		} else {
			st.set(base, path, entry{labels: ls, dirty: true, konst: m.Const})
		}
	}
	for i, ld := range sum.Loads {
		l, lb, ok := c.summaryLoad(st, e, call, i, ld, callee, args, overrides)
		if !ok {
			continue
		}
		if ld.Result < 0 && ld.Into < len(args) && args[ld.Into] != nil {
			base, path := c.loc(e, args[ld.Into])
			lb.Name = c.nameOf(base) + renderPath(path+ld.Path)
			base, path = st.canon(base, path+ld.Path)
			st.set(base, path, entry{labels: labels{c.label(lb)}})
		} else if ld.Result >= 0 && ld.Result < nres {
			lb.Name = c.resultName(call, ld.Result, callee) + renderPath(ld.Path)
			addPart(ld.Result, ld.Path, labels{c.label(lb)})
		}
		if l.Lock == summary.Row {
			c.lock(st, call, 20+i, l.Handle, LockRow, c.inTx(st, l.Handle) || ld.Handle.InTx, token.NoPos)
		}
	}
	c.summaryWrites(st, e, call, sum, callee, args, overrides)
	c.summaryDeltas(st, e, call, sum, callee, args, overrides)
	for i, u := range sum.Upserts {
		h := c.mapHandle(e, args, u.Handle, callee, overrides)
		wr := c.write(st, call, 60+i, WriteCallee, h, c.inTx(st, h), nil)
		wr.Via, wr.Table, wr.Site = callee, cmp.Or(wr.Table, u.Table), cmp.Or(wr.Site, u.Site)
		wr.Overwrites = union(wr.Overwrites, u.Columns)
	}
	if sum.Effects {
		// What the callee does to the database, as a write of its own.
		wr := c.write(st, call, 50, WriteCallee, c.mapHandle(e, args, summary.HandleRef{Param: -1}, callee, overrides), false, nil)
		wr.Via = callee
	}
	for i, lk := range sum.Locks {
		h := c.mapHandle(e, args, lk.Handle, callee, overrides)
		ev := c.lock(st, call, 40+i, h, LockCallee, c.inTx(st, h) || h.Kind == summary.Unknown, token.NoPos)
		ev.Advisory = ev.Advisory || lk.Advisory
		ev.Shared = ev.Shared || lk.Shared
	}
	if sum.UnlocksShared {
		c.releaseShared(st)
	}
	for _, f := range sum.Forwards {
		c.summaryForward(st, e, call, f, callee, args, overrides)
	}
	for i, r := range sum.RunsInTx {
		if r.Callback < 0 || r.Callback >= len(args) || args[r.Callback] == nil {
			continue
		}
		h := Handle{root: internalHandle{callee, r.Kind, "run" + strconv.Itoa(i)}, Kind: r.Kind, Param: -1, Serializable: r.Serializable, Name: "the transaction of " + FuncName(callee), Begin: call.Pos()}
		c.runCallback(st, e, call, args[r.Callback], r.Arg, h)
	}
	c.setResults(call, res)
	for i, ps := range parts {
		v := c.resultValue(call, i, nres)
		if v == nil {
			continue
		}
		for _, path := range slices.Sorted(maps.Keys(ps)) {
			// A part holding no load (a field the callee set from an
			// argument: toRaw(d) copies d.Key) is a store a whole write
			// of the result puts back, as if the caller had made it.
			en := entry{labels: ps[path], dirty: !hasLoad(ps[path])}
			en.field, en.tag, _ = fieldAt(v.Type(), path)
			if sl, ok := v.Type().Underlying().(*types.Slice); ok && strings.HasPrefix(path, "[]") {
				// A field of the rows of a returned slice.
				en.field, en.tag, _ = fieldAt(sl.Elem(), path[2:])
			}
			st.set(v, path, en)
		}
	}
}

// storedCase returns the summary of the callee for an argument that is a
// record read from the table, when its summary has a case for one: the
// key field the callee tests for its zero value holds what a load read.
func (c *funcCtx) storedCase(st *state, e *env, sum *summary.Summary, args []ssa.Value) *summary.Summary {
	for _, cs := range sum.Cases {
		if !cs.Stored || cs.Param >= len(args) {
			continue
		}
		// The record a load returned, one whose key a load filled, or
		// a parameter taken to be a stored record itself.
		a := args[cs.Param]
		if p, ok := a.(*ssa.Parameter); ok {
			if _, ok := c.storedKey[p]; ok {
				s, _ := sum.StoredCase(cs.Param)
				return s
			}
		}
		if a != nil && hasLoad(c.taint(e, a)) || hasLoad(c.readSource(st, e, args, summary.Source{Param: cs.Param, Path: cs.Path})) {
			s, _ := sum.StoredCase(cs.Param)
			return s
		}
	}
	return sum
}

// origins counts the loads and parameters labels come from.
func origins(ls labels) int {
	seen := make(map[any]bool)
	for _, l := range ls {
		if l.Load != nil {
			seen[l.Load] = true
		} else {
			seen[l.Param] = true
		}
	}
	return len(seen)
}

// namedColumns returns the constant strings a call gives a variadic
// ...string parameter (the columns a repository method is to write), or
// nil when it gives none or one that is not constant.
func (c *funcCtx) namedColumns(e *env, call *ssa.Call) []string {
	cc := call.Common()
	sig := cc.Signature()
	if sig == nil || !sig.Variadic() || len(cc.Args) == 0 {
		return nil
	}
	return c.columnNames(e, cc.Args[len(cc.Args)-1])
}

// columnNames returns the constant strings of a []string value built in
// place: a variadic argument, or a slice literal (UpdateUser(id, user,
// []string{"avatar"}, false)); nil for anything else.
func (c *funcCtx) columnNames(e *env, v ssa.Value) []string {
	if sl, ok := v.Type().Underlying().(*types.Slice); !ok || !types.Identical(sl.Elem(), types.Typ[types.String]) {
		return nil
	}
	vals, ok := c.varargs(e, v)
	if !ok {
		return nil
	}
	var cols []string
	for _, v := range vals {
		if v == nil {
			return nil
		}
		t, ok := c.sqlText(e, v)
		if !ok || t == "" {
			return nil
		}
		cols = append(cols, t)
	}
	return cols
}

// passesStored returns the key path of the stored-record case of a
// function that p is handed to, as the argument that case is for, or "".
func (c *funcCtx) passesStored(p *ssa.Parameter) string {
	found := ""
	c.eachPassing(p, func(sum *summary.Summary, i int) bool {
		if cs, path := sum.StoredCase(i); cs != sum {
			found = path
			return true
		}
		return false
	})
	return found
}

// eachPassing calls f with the summary of each function a parameter is
// handed to and the parameter's index among the call's arguments, until f
// returns true.
func (c *funcCtx) eachPassing(p *ssa.Parameter, f func(sum *summary.Summary, i int) bool) {
	for _, ref := range *p.Referrers() {
		call, ok := ref.(*ssa.Call)
		if !ok {
			continue
		}
		sum, _ := c.summaryOf(call.Common())
		if sum == nil {
			continue
		}
		for i, a := range allArgs(call.Common()) {
			if a == ssa.Value(p) && f(sum, i) {
				return
			}
		}
	}
}

// passesCase reports whether a parameter is handed to a function whose
// summary has a case for it (a bool, or the zero value of a number or
// string), and the zero value of such a case (nil for a bool): a caller
// that passes a constant takes the callee's case through it.
func (c *funcCtx) passesCase(p *ssa.Parameter) (zero constant.Value, ok bool) {
	c.eachPassing(p, func(sum *summary.Summary, i int) bool {
		for _, cs := range sum.Cases {
			if cs.Param != i || cs.Stored {
				continue
			}
			if !cs.Zero {
				ok = true
				return true
			}
			b, isBasic := p.Type().Underlying().(*types.Basic)
			switch {
			case isBasic && b.Info()&types.IsString != 0:
				zero, ok = constant.MakeString(""), true
				return true
			case isBasic && b.Info()&types.IsInteger != 0:
				zero, ok = constant.MakeInt64(0), true
				return true
			}
		}
		return false
	})
	return zero, ok
}

// constantCase returns the summary of the callee for the constant
// arguments of the call, when its summary has a case for one: a bool, or
// the zero value of a number or string. A parameter of the analysed
// function taken to be a constant (a case of its own) is that constant.
func (c *funcCtx) constantCase(sum *summary.Summary, args []ssa.Value) *summary.Summary {
	for _, cs := range sum.Cases {
		if cs.Param >= len(args) {
			continue
		}
		var k constant.Value
		switch a := args[cs.Param].(type) {
		case *ssa.Const:
			k = a.Value
		case *ssa.Parameter:
			k = c.consts[a]
		}
		if k == nil {
			continue
		}
		switch {
		case cs.Zero && k.Kind() == constant.String && constant.StringVal(k) == "",
			cs.Zero && k.Kind() == constant.Int && constant.Sign(k) == 0:
			return sum.ZeroCase(cs.Param)
		case !cs.Zero && k.Kind() == constant.Bool && constant.BoolVal(k) == cs.Value:
			return sum.Case(cs.Param, cs.Value)
		}
	}
	return sum
}

// summaryLoad returns the load event of a callee's load at a call, and the
// label of the value it loads (without its name). A load whose SQL text
// the caller passes takes its table, columns, keys and lock from that
// text.
func (c *funcCtx) summaryLoad(st *state, e *env, call *ssa.Call, i int, ld summary.Load, callee *types.Func, args []ssa.Value, overrides map[int]Handle) (*Load, Label, bool) {
	h, lock, table, rows := c.mapHandle(e, args, ld.Handle, callee, overrides), ld.Lock, ld.Table, -1
	keys := ld.Keys
	column := ld.Column
	if ld.Rows >= 0 && ld.Rows < len(args) && args[ld.Rows] != nil {
		// The callee scans rows the caller's query produced.
		q := c.rowsQuery(e, args[ld.Rows])
		h, lock, table, rows = q.handle, q.lock, cmp.Or(q.table, table), q.rowsParam
		keys = append(slices.Clone(keys), q.keys...)
		if q.known && ld.Slot > 0 && ld.Slot <= len(q.stmt.Columns) {
			column = q.stmt.Columns[ld.Slot-1]
		}
	}
	if ld.SQL >= 0 && ld.SQL < len(args) && args[ld.SQL] != nil {
		if text, ok := c.sqlText(e, args[ld.SQL]); ok {
			stmt := sqltext.Parse(text)
			lock, table = lockOf(stmt.Lock), cmp.Or(stmtTable(&stmt), table)
			keys = append(slices.Clone(keys), whereKeys(&stmt)...)
			if ld.Slot > 0 && ld.Slot <= len(stmt.Columns) {
				column = stmt.Columns[ld.Slot-1]
			}
		}
	}
	l := c.load(st, call, 10+i, h, lock, token.NoPos, apis.NoLib, call.Pos())
	l.Via, l.Site, l.Table, l.RowsParam = callee, ld.Site, table, rows
	if l.KeyArgs == nil {
		l.KeyArgs = keyArgsAt(e, args, ld.KeyParams)
	}
	l.Keys = union(l.Keys, keys)
	l.Record = l.Record || ld.Record
	l.InTx = l.InTx || ld.Handle.InTx && ld.Handle.Param >= 0
	if ld.Request {
		l.keptForRequest()
	}
	if l.IsKey(column) {
		return l, Label{}, false
	}
	slot := 0
	if column == "" && ld.Slot > 0 {
		// The text is the caller's caller's: keep the slot for it.
		if ld.SQL >= 0 && c.forwardedParam(e, args[ld.SQL], false) >= 0 || ld.Rows >= 0 && rows >= 0 {
			slot = ld.Slot
		}
	}
	return l, Label{Load: l, Column: column, Slot: slot, Change: ld.Change}, true
}

// summaryWrites records the writes of a callee at a call: one write event
// per handle the callee writes through, so that a repository method that
// saves five columns is one write.
func (c *funcCtx) summaryWrites(st *state, e *env, call *ssa.Call, sum *summary.Summary, callee *types.Func, args []ssa.Value, overrides map[int]Handle) {
	// One write per handle and table: a callee that writes labels and
	// photos_labels makes two writes. A write whose table is not known
	// joins the handle's first, and a first without a table takes the
	// table of the next.
	//
	// The callee's writes of values of its own (consumed = time.Now())
	// are writes of their own, one per handle and table: they carry no
	// data of the caller, and joining them to a write of the caller's
	// record would give that record their table and their site.
	type group struct {
		handle summary.HandleRef
		table  string
		own    bool
	}
	var groups []group
	for _, w := range sum.Writes {
		if w.Param < -1 || w.Param >= len(args) || w.Param >= 0 && args[w.Param] == nil {
			continue
		}
		// A record, or a field of it, the callee writes only where the
		// caller names its column (xorm's Cols(cols...), Casdoor's
		// UpdateUser(id, user, columns, …)): the columns named here, or,
		// when the call does not name them in place, the caller's own
		// parameter that it hands on (-1 for none).
		var named []string
		givenParam := -1
		if w.Given && len(w.Only) == 0 {
			named, givenParam = c.givenColumns(e, args, w)
			if !w.Whole && named != nil && !slices.Contains(named, w.Column) {
				continue
			}
		}
		own := w.Param < 0
		i := slices.IndexFunc(groups, func(g group) bool {
			if g.own != own || g.handle != w.Handle {
				return false
			}
			return g.table == w.Table || !own && (w.Table == "" || g.table == "")
		})
		if i < 0 {
			i = len(groups)
			groups = append(groups, group{w.Handle, w.Table, own})
		} else if groups[i].table == "" {
			groups[i].table = w.Table
		}
		h := c.mapHandle(e, args, w.Handle, callee, overrides)
		var vals []Written
		if w.Param < 0 {
			// The callee's own value (consumed = time.Now()).
			vals = []Written{{Column: w.Column, Arg: -1, Fresh: true, Const: w.Const, Value: w.Value, Numeric: w.Numeric, Time: !w.Const, Row: c.calleeRow(st, e, args, w)}}
		} else if w.Whole {
			only := w.Only
			switch _, _, symbolic := summary.Symbolic(w.Table); {
			case w.Given && len(only) == 0:
				only = named // updateCols(e, issue, "name")
			case symbolic && len(only) == 0:
				// UpdateStatus(ctx, s, "in_reply_to_id", …) on an
				// interface: the columns it is given.
				only = c.namedColumns(e, call)
			}
			vals, _ = c.objectWrites(st, e, args[w.Param], w.Path, only)
			if w.Path == "" && len(sum.Mutates) > 0 {
				setInCallee(vals, sum.Mutates, w.Param, recordFields(peel(args[w.Param]).Type()))
			}
			if len(w.RowParams) == 1 && w.RowParams[0] < len(args) && args[w.RowParams[0]] != nil && apis.LibNamed(w.Lib).Info().FieldNames {
				// m.Updates(Map{"PreviewToken": t}) through a method that
				// runs Model(m).Updates(values): the library takes the Go
				// names of m's fields for their columns.
				fieldNameColumns(vals, peel(args[w.RowParams[0]]).Type())
			}
		} else if ls, killed := c.setThrough(st, e, args, w); killed && len(ls) == 0 && w.Column != "" {
			// cluster.Status = Abnormal, then UpdateStatus(cluster): on
			// every path to the call the field holds what was set, not
			// what was read.
			vals = []Written{{Column: w.Column, Arg: -1, Numeric: w.Numeric, Fresh: true, Row: c.calleeRow(st, e, args, w)}}
		} else if len(ls) > 0 {
			ls = c.withAppended(st, e, args, c.withChange(ls, w.Change), w.Appended)
			vals = []Written{{Column: w.Column, Labels: ls, Arg: -1, Numeric: w.Numeric, Row: c.calleeRow(st, e, args, w)}}
		} else if k, ok := c.storedConst(st, e, args, w.Param, w.Path); w.Column != "" && w.Change == summary.Copied && ok {
			// u.HasData = true, then a repository's Update(u): the callee
			// writes the constant the caller set.
			vals = []Written{{Column: w.Column, Arg: -1, Fresh: true, Const: true, Value: k, Row: c.calleeRow(st, e, args, w)}}
		}
		if w.Given && len(w.Only) == 0 && named == nil {
			for i := range vals {
				vals[i].Given, vals[i].GivenParam = true, givenParam
			}
		}
		inTx := c.inTx(st, h) || w.Handle.InTx && w.Handle.Param >= 0
		// 1000+i: clear of the call's other write events (50, 60+i),
		// whatever the number of groups.
		wr := c.write(st, call, 1000+i, WriteCallee, h, inTx, vals)
		wr.Via, wr.LockedFirst, wr.Table = callee, wr.LockedFirst || w.LockedFirst, cmp.Or(wr.Table, w.Table)
		wr.LockedSerial = wr.LockedSerial || w.LockedSerial
		wr.Site = cmp.Or(wr.Site, w.Site)
		wr.Row = wr.Row || w.Whole
		if w.Column != "" {
			wr.Sets = union(wr.Sets, []string{w.Column})
		}
		for _, v := range vals {
			if v.Column != "" {
				wr.Sets = union(wr.Sets, []string{v.Column})
			}
		}
		wr.Checks = union(wr.Checks, w.Checks)
		wr.Tested = union(wr.Tested, w.Tested)
		wr.Moves = union(wr.Moves, w.Moves)
		c.setKeyRowAt(st, e, wr, args, w.Keys)
		if w.Lib != "" {
			wr.Lib = apis.LibNamed(w.Lib)
		}
		if inTx {
			c.lock(st, call, 30+i, h, LockWrite, true, token.NoPos)
		}
	}
}

// summaryDeltas records, at a call, what the callee adds to columns
// with atomic updates from the caller's data (updateBalance(sess, acc,
// new.Amount-old.Amount)): one write event a delta, carrying nothing but
// the delta, so that a check before the call or a value put back is
// judged by the callee's other writes as before.
func (c *funcCtx) summaryDeltas(st *state, e *env, call *ssa.Call, sum *summary.Summary, callee *types.Func, args []ssa.Value, overrides map[int]Handle) {
	for i, d := range sum.Deltas {
		if d.Param < 0 || d.Param >= len(args) || args[d.Param] == nil {
			continue
		}
		ls := c.writtenSource(st, e, args, d.Param, d.Path)
		if len(ls) == 0 {
			continue
		}
		h := c.mapHandle(e, args, d.Handle, callee, overrides)
		inTx := c.inTx(st, h) || d.Handle.InTx && d.Handle.Param >= 0
		// 3000+i: clear of the call's other write events.
		wr := c.write(st, call, 3000+i, WriteCallee, h, inTx, nil)
		wr.Via, wr.Table, wr.Site = callee, cmp.Or(wr.Table, d.Table), cmp.Or(wr.Site, d.Site)
		wr.LockedFirst, wr.LockedSerial = wr.LockedFirst || d.LockedFirst, wr.LockedSerial || d.LockedSerial
		if d.Lib != "" {
			wr.Lib = apis.LibNamed(d.Lib)
		}
		c.addDeltas(wr, call, []Written{{Column: d.Column, Labels: ls, Arg: -1, Numeric: true}})
	}
}

// setThrough returns what the caller's record holds, at the call, in the
// field a callee's write w stores (writtenSource), and whether a store
// through the record on every path to the call took values read out of
// it (setBefore).
func (c *funcCtx) setThrough(st *state, e *env, args []ssa.Value, w summary.Write) (labels, bool) {
	ls := c.writtenSource(st, e, args, w.Param, w.Path)
	kept, set := c.setBefore(st, e, peel(args[w.Param]), w.Path, ls)
	if !set || len(kept) == len(ls) {
		return ls, false
	}
	return kept, true
}

// withAppended returns ls, the labels of a list given to a callee, with
// the arguments the callee appended to it (summary.Source.Appended)
// appended here: a new element makes a loaded list a changed one, a row
// of the list's own load does not (appendedTo).
func (c *funcCtx) withAppended(st *state, e *env, args []ssa.Value, ls labels, bits uint64) labels {
	if bits == 0 || len(ls) == 0 {
		return ls
	}
	var rest labels
	for _, p := range summary.Params(bits) {
		if p < len(args) && args[p] != nil {
			rest = rest.union(c.valueLabels(st, e, args[p]))
		}
	}
	return c.appendedTo(ls, rest)
}

// calleeRow returns, at a call, which row a callee's write of one value
// writes: the caller's records given as the parameters the callee writes
// to, or a record the callee loaded itself.
func (c *funcCtx) calleeRow(st *state, e *env, args []ssa.Value, w summary.Write) RowOf {
	row := RowOf{Elsewhere: w.RowLocal, Keys: keyArgsAt(e, args, w.RowKeys)}
	for _, p := range w.RowParams {
		if p < 0 || p >= len(args) {
			return RowOf{}
		}
		r := c.recordRow(st, e, args[p])
		if !r.Known() {
			return RowOf{} // a record the caller built: which row it is, is not known
		}
		row.Loads = append(row.Loads, r.Loads...)
		row.Params = append(row.Params, r.Params...)
		row.Elsewhere = row.Elsewhere || r.Elsewhere
	}
	return row
}

// keyArgsAt returns, at a call, the values the callee compared key
// columns with: the arguments given for its key parameters.
func keyArgsAt(e *env, args []ssa.Value, keys []summary.KeyParam) map[string]ssa.Value {
	var out map[string]ssa.Value
	for _, k := range keys {
		if k.Param >= 0 && k.Param < len(args) && args[k.Param] != nil {
			if out == nil {
				out = make(map[string]ssa.Value)
			}
			out[k.Column] = keyValue(e, args[k.Param])
		}
	}
	return out
}

// summaryForward runs, at a call of a wrapper, the caller's SQL the
// wrapper passes on.
func (c *funcCtx) summaryForward(st *state, e *env, call *ssa.Call, f summary.Forward, callee *types.Func, args []ssa.Value, overrides map[int]Handle) {
	if f.SQL < 0 || f.SQL >= len(args) || args[f.SQL] == nil {
		return
	}
	q := newQuery(c.mapHandle(e, args, f.Handle, callee, overrides), apis.SQL, call.Pos())
	if text, ok := c.sqlText(e, args[f.SQL]); ok {
		q.setText(text)
	} else {
		q.sqlParam = c.forwardedParam(e, args[f.SQL], false)
	}
	if f.Args >= 0 && f.Args < len(args) && args[f.Args] != nil {
		q.args, q.argsKnown = c.varargs(e, args[f.Args])
		q.argsParam = c.forwardedParam(e, args[f.Args], true)
	}
	if q.sqlParam >= 0 { // a wrapper of a wrapper
		c.forward(summary.Forward{Query: f.Query, SQL: q.sqlParam, Args: q.argsParam, Handle: q.handle.Ref(c.inTx(st, q.handle))})
	}
	if f.Query {
		c.queries[call] = q
	}
	c.statement(st, e, call, q)
}

// setResults gives the results of a call their labels.
func (c *funcCtx) setResults(call *ssa.Call, res []labels) {
	switch {
	case len(res) == 1:
		c.setVal(call, res[0])
	case len(res) > 1:
		old := c.callRes[call]
		out := make([]labels, len(res))
		for i := range res {
			if i < len(old) {
				out[i] = old[i]
			}
			if i == 0 && c.readThrough[call] {
				continue // set by setReadThrough
			}
			if !out[i].contains(res[i]) {
				out[i] = out[i].union(res[i])
				c.grew = true
			}
		}
		c.callRes[call] = out
	}
}

// resultValue returns the SSA value that stands for result i of a call:
// the call itself, or the Extract of that result; nil when the result is
// not used.
func (c *funcCtx) resultValue(call *ssa.Call, i, n int) ssa.Value {
	if n == 1 {
		return call
	}
	for _, ref := range *call.Referrers() {
		if x, ok := ref.(*ssa.Extract); ok && x.Index == i {
			return x
		}
	}
	return nil
}

// FuncName renders a function for messages: pkg.Func or Type.Method.
func FuncName(fn *types.Func) string {
	if fn == nil {
		return "a function"
	}
	if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil {
		t := sig.Recv().Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			return n.Obj().Name() + "." + fn.Name()
		}
		return fn.Name()
	}
	if fn.Pkg() != nil {
		return fn.Pkg().Name() + "." + fn.Name()
	}
	return fn.Name()
}

// resultName names result i of a call for messages: the variable it is
// assigned to, else "the result of F".
func (c *funcCtx) resultName(call *ssa.Call, i int, callee *types.Func) string {
	if call.Type() != nil {
		if _, tuple := call.Type().(*types.Tuple); !tuple {
			if n, ok := c.debugName(call); ok {
				return n
			}
		}
	}
	for _, ref := range *call.Referrers() {
		if x, ok := ref.(*ssa.Extract); ok && x.Index == i {
			if n, ok := c.debugName(x); ok {
				return n
			}
			if n := c.convertedName(x); n != "" {
				return n
			}
		}
	}
	return "the result of " + FuncName(callee)
}

// convertedName returns the name of the variable that a call passing v on
// unchanged is bound to: n of n, err := redis.Int(conn.Do("GET", key)).
func (c *funcCtx) convertedName(v ssa.Value) string {
	for _, ref := range *v.Referrers() {
		conv, ok := ref.(*ssa.Call)
		if !ok {
			continue
		}
		if m, _, _ := modelOf(calleeObj(conv.Common())); m != passThrough {
			continue
		}
		if _, tuple := conv.Type().(*types.Tuple); !tuple {
			if n, ok := c.debugName(conv); ok {
				return n
			}
			continue
		}
		for _, r := range *conv.Referrers() {
			if x, ok := r.(*ssa.Extract); ok && x.Index == 0 {
				if n, ok := c.debugName(x); ok {
					return n
				}
			}
		}
	}
	return ""
}

// isContext reports whether t is context.Context: what a call is given to
// cancel it is not data it makes its result of.
func isContext(t types.Type) bool { return apis.IsNamed(t, "context", "Context") }

// setInCallee marks the values of a record that a callee writes whole as
// set by the callee where its summary says it sets a field to a constant
// on every path (m.Processing = false; db.Save(m) in an Unlock method): the
// column goes to the database as the callee set it, not as the caller's
// copy held it.
func setInCallee(vals []Written, ms []summary.Mutate, param int, fields []recordField) {
	for _, m := range ms {
		if m.Param != param || m.Maybe || !m.Const {
			continue
		}
		i := slices.IndexFunc(fields, func(f recordField) bool { return f.path == m.Path })
		if i < 0 {
			continue
		}
		for j := range vals {
			if vals[j].Column == fields[i].column {
				vals[j].Labels, vals[j].Fresh, vals[j].Const = nil, true, true
			}
		}
	}
}

// givenColumns returns, at a call of a function whose write w is limited
// to the columns a parameter of it names, those columns when the call
// names them in place; otherwise nil and the caller's own parameter that
// it hands on (UpdateCols(issue, cols...)), or -1.
func (c *funcCtx) givenColumns(e *env, args []ssa.Value, w summary.Write) ([]string, int) {
	if w.GivenParam < 0 || w.GivenParam >= len(args) || args[w.GivenParam] == nil {
		return nil, -1
	}
	if named := c.columnNames(e, args[w.GivenParam]); named != nil {
		return named, -1
	}
	p, _ := c.columnsParam(e, args[w.GivenParam])
	return nil, p
}

// columnsParam returns the index of the parameter of the function being
// analysed whose strings v holds: the parameter itself, appended to
// (cols = append(cols, "updated_unix"); Cols(cols...)), or chosen on a
// branch against a list of constants (if len(columns) == 0 { columns =
// []string{…} }). The constants added are not the caller's to name and are
// left out: they are the function's own bookkeeping (a hash, an update
// time).
func (c *funcCtx) columnsParam(e *env, v ssa.Value) (int, bool) {
	param := -1
	seen := make(map[ssa.Value]bool)
	var walk func(v ssa.Value, depth int) bool
	walk = func(v ssa.Value, depth int) bool {
		v = peel(e.resolve(v))
		switch {
		case depth > maxDepth:
			return false
		case seen[v]:
			return true // a loop back through a phi: its other edges decide
		}
		seen[v] = true
		if _, konst := varargsOf(v); konst {
			return true // the function's own list, when the caller names none
		}
		switch x := v.(type) {
		case *ssa.Call:
			if b, ok := x.Call.Value.(*ssa.Builtin); !ok || b.Name() != "append" || len(x.Call.Args) == 0 {
				return false
			}
			return walk(x.Call.Args[0], depth+1)
		case *ssa.Phi:
			for _, edge := range x.Edges {
				if !walk(edge, depth+1) {
					return false
				}
			}
			return true
		case *ssa.Parameter:
			i := c.paramIndex(x)
			if sl, ok := x.Type().Underlying().(*types.Slice); i < 0 || !ok || !types.Identical(sl.Elem(), types.Typ[types.String]) || param >= 0 && param != i {
				return false
			}
			param = i
			return true
		}
		return false
	}
	if !walk(v, 0) || param < 0 {
		return -1, false
	}
	return param, true
}
