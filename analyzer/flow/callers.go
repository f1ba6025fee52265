package flow

import (
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// A lock the callers hold. A function that loads and writes through a
// transaction it is given cannot tell, by itself, whether the caller took
// a lock first: hortbot's session methods read and write a channel's rows
// on s.Tx, and the one function that makes sessions takes
// pg_advisory_xact_lock on the channel first. CallerLocks looks at every
// call of such a function the package makes, and where each is made while
// an advisory lock is held (or from a function that is itself only called
// so), the function's loads and writes run under that lock.
//
// Only an advisory lock counts: it is a mutex every writer that takes it
// shares, whatever rows each touches, so a caller's lock protects any row
// the callee reads. A row lock a caller holds covers the rows it locked,
// which the callee's rows need not be.
//
// The calls of a function are known when the package is the only place
// that can call it: an unexported function, or a method of an unexported
// type that is never made an interface value with that method. A
// function used as a value is called where that value goes: the calls of
// the variables and parameters it is passed to in the package; passed to
// another package's function, anywhere; stored (a map of handlers), by
// every call of a function value of its type, when that type names one
// of the package's unexported types (another package cannot call it). A call in a test file is not
// counted (tests serve no concurrent requests), nor one started as a
// goroutine (it runs outside the caller's lock).

// callGraph is what the package does with its functions: where each is
// called, where its value goes, and the calls of function values.
type callGraph struct {
	// sites are the calls of each function, static or through the values
	// it flows to; open marks the functions some of whose calls are not
	// known.
	sites map[*ssa.Function][]ssa.CallInstruction
	open  map[*ssa.Function]bool
	// dynamic are the calls of function values.
	dynamic []ssa.CallInstruction
	// escaped are the functions whose value was stored where its calls
	// cannot be followed.
	escaped []*ssa.Function
	// methods are, for each named type, the names of the methods an
	// interface value made from it has.
	methods map[*types.Named]map[string]bool
	// fns are the functions indexed, in the order they were; locked says
	// which are called under a lock (see solve).
	fns    []*ssa.Function
	locked map[*ssa.Function]bool
}

// CallerLocks adds to the loads and writes of every function whose callers
// all hold an advisory lock when they call it a lock held from its start
// (LockCallers), and returns the functions it added it to.
func (a *Analysis) CallerLocks(results []*Result) []*ssa.Function {
	g := a.callGraph(results)
	var locked []*ssa.Function
	for _, r := range results {
		if !g.locked[r.Fn] {
			continue
		}
		locked = append(locked, r.Fn)
		ev := &LockEvent{Pos: r.Fn.Pos(), Kind: LockCallers, InTx: true, seq: a.next()}
		for _, l := range r.Loads {
			l.Held = append(l.Held, ev)
		}
		for _, w := range r.Writes {
			w.Held = append(w.Held, ev)
		}
	}
	return locked
}

// noteLocks records whether an advisory lock is held at a call the
// analysis runs: held every time it runs it, for CallerLocks.
func (a *Analysis) noteLocks(call ssa.CallInstruction, held []*LockEvent) {
	locked := Serialized(held)
	if prev, ok := a.lockedAt[call]; ok {
		locked = locked && prev
	}
	a.lockedAt[call] = locked
}

// callGraph indexes the calls of the functions of results, their closures
// and the wrappers their method values make.
func (a *Analysis) callGraph(results []*Result) *callGraph {
	g := &callGraph{
		sites:   make(map[*ssa.Function][]ssa.CallInstruction),
		open:    make(map[*ssa.Function]bool),
		methods: make(map[*types.Named]map[string]bool),
	}
	var queue []*ssa.Function
	seen := make(map[*ssa.Function]bool)
	add := func(fn *ssa.Function) {
		if fn != nil && !seen[fn] && len(fn.Blocks) > 0 {
			seen[fn] = true
			queue = append(queue, fn)
		}
	}
	for _, r := range results {
		add(r.Fn)
	}
	add(a.pkg.Func("init")) // package variables' initialisers: handler maps
	for len(queue) > 0 {
		fn := queue[0]
		queue = queue[1:]
		g.fns = append(g.fns, fn)
		for _, anon := range fn.AnonFuncs {
			add(anon)
		}
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				g.index(a, instr, add)
			}
		}
	}
	for _, fn := range g.escaped {
		if !localSignature(a.pkg.Pkg, fn.Signature) {
			g.open[fn] = true
			continue
		}
		for _, call := range g.dynamic {
			if types.Identical(call.Common().Signature(), fn.Signature) {
				g.sites[fn] = append(g.sites[fn], call)
			}
		}
	}
	g.solve(a)
	return g
}

// index records what one instruction does with functions.
func (g *callGraph) index(a *Analysis, instr ssa.Instruction, add func(*ssa.Function)) {
	if mi, ok := instr.(*ssa.MakeInterface); ok {
		g.converted(mi)
	}
	var callee ssa.Value
	if call, ok := instr.(ssa.CallInstruction); ok {
		cc := call.Common()
		callee = cc.Value
		switch {
		case cc.IsInvoke():
		case cc.StaticCallee() != nil:
			fn := origin(cc.StaticCallee())
			g.sites[fn] = append(g.sites[fn], call)
		default:
			g.dynamic = append(g.dynamic, call)
		}
	}
	for _, op := range instr.Operands(nil) {
		fn, ok := (*op).(*ssa.Function)
		if !ok || *op == callee {
			continue // the callee of a call, not a value
		}
		if _, ok := instr.(*ssa.DebugRef); ok {
			continue
		}
		fn = origin(fn)
		if fn.Synthetic != "" {
			add(fn) // a method value's or expression's wrapper calls the method
		}
		var v ssa.Value
		if mc, ok := instr.(*ssa.MakeClosure); ok && op == &mc.Fn {
			v = mc
		}
		if !g.follow(a, fn, v, instr, make(map[ssa.Value]bool)) && !slices.Contains(g.escaped, fn) {
			g.escaped = append(g.escaped, fn)
		}
	}
}

// converted records the methods an interface value made from a named type
// (or a pointer to one) has.
func (g *callGraph) converted(mi *ssa.MakeInterface) {
	named, ok := types.Unalias(derefType(mi.X.Type())).(*types.Named)
	if !ok {
		return
	}
	iface, ok := mi.Type().Underlying().(*types.Interface)
	if !ok {
		return
	}
	for i := range iface.NumMethods() {
		if g.methods[named] == nil {
			g.methods[named] = make(map[string]bool)
		}
		g.methods[named][iface.Method(i).Name()] = true
	}
}

// follow adds the calls a value of function fn reaches: v is the value
// (a closure, a parameter it was passed as), or nil for the function
// constant used by instruction use. It reports false when the value goes
// somewhere its calls cannot be followed.
func (g *callGraph) follow(a *Analysis, fn *ssa.Function, v ssa.Value, use ssa.Instruction, seen map[ssa.Value]bool) bool {
	if v == nil {
		call, ok := use.(ssa.CallInstruction)
		if !ok {
			return false
		}
		return g.passed(a, fn, call, fn, seen)
	}
	if seen[v] {
		return true
	}
	seen[v] = true
	refs := v.Referrers()
	if refs == nil {
		return false
	}
	for _, ref := range *refs {
		switch r := ref.(type) {
		case *ssa.DebugRef:
		case ssa.CallInstruction:
			if cc := r.Common(); cc.Value == v && !cc.IsInvoke() {
				g.sites[fn] = append(g.sites[fn], r)
				continue
			}
			if !g.passed(a, fn, r, v, seen) {
				return false
			}
		case *ssa.Phi:
			if !g.follow(a, fn, r, nil, seen) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// passed follows a function value v passed to call as an argument into
// the parameter of the package's function that receives it.
func (g *callGraph) passed(a *Analysis, fn *ssa.Function, call ssa.CallInstruction, v ssa.Value, seen map[ssa.Value]bool) bool {
	cc := call.Common()
	callee := cc.StaticCallee()
	if cc.IsInvoke() || callee == nil || callee.Pkg != a.pkg || len(callee.Blocks) == 0 {
		// Another package's function (slices.SortFunc, lo.ForEach, a
		// transaction runner) may call it anywhere.
		g.open[fn] = true
		return false
	}
	for i, arg := range cc.Args {
		if arg != v {
			continue
		}
		if i >= len(callee.Params) || !g.follow(a, fn, callee.Params[i], nil, seen) {
			return false
		}
	}
	return true
}

// solve decides which functions are called under a lock: every call of
// such a function the package makes is made while an advisory lock is
// held, or from a function itself called under one. A function some of
// whose calls are not known is not, nor one the package never calls (an
// entry point). Calls that go round in a cycle (a handler map whose
// handlers run other handler maps) are decided as a greatest fixed
// point: the functions of a cycle entered only under the lock are under
// it.
func (g *callGraph) solve(a *Analysis) {
	g.locked = make(map[*ssa.Function]bool)
	for _, fn := range g.fns {
		g.locked[fn] = !g.open[fn] && g.private(fn) && slices.ContainsFunc(g.sites[fn], func(call ssa.CallInstruction) bool { return !a.inTestFile(call) })
	}
	for changed := true; changed; {
		changed = false
		for _, fn := range g.fns {
			if g.locked[fn] && !g.calledLocked(a, fn) {
				g.locked[fn] = false
				changed = true
			}
		}
	}
}

// calledLocked reports whether each call of fn outside test files is made
// under a lock, as far as g.locked says now.
func (g *callGraph) calledLocked(a *Analysis, fn *ssa.Function) bool {
	for _, call := range g.sites[fn] {
		if a.inTestFile(call) {
			continue
		}
		if _, ok := call.(*ssa.Go); ok {
			return false
		}
		if !a.lockedAt[call] && !g.locked[call.Parent()] {
			return false
		}
	}
	return true
}

// private reports whether only the package can call fn: an unexported
// function or closure, or a method of an unexported type that no
// interface value with that method is made of.
func (g *callGraph) private(fn *ssa.Function) bool {
	if fn.Parent() != nil || fn.Synthetic != "" {
		return true
	}
	obj, ok := fn.Object().(*types.Func)
	if !ok {
		return false
	}
	recv := obj.Signature().Recv()
	if recv == nil {
		return !obj.Exported()
	}
	named, _ := types.Unalias(derefType(recv.Type())).(*types.Named)
	if g.methods[named][obj.Name()] {
		return false // callable through an interface value
	}
	return !obj.Exported() || named != nil && !named.Obj().Exported()
}

// inTestFile reports whether a call is in a _test.go file.
func (a *Analysis) inTestFile(call ssa.CallInstruction) bool {
	pos := call.Pos()
	if !pos.IsValid() {
		pos = call.Parent().Pos()
	}
	return pos.IsValid() && strings.HasSuffix(a.fset.Position(pos).Filename, "_test.go")
}

// localSignature reports whether a function type names one of pkg's
// unexported types, so that only pkg can make or call a value of it.
func localSignature(pkg *types.Package, sig *types.Signature) bool {
	found := false
	var visit func(t types.Type, depth int)
	visit = func(t types.Type, depth int) {
		if found || depth > 4 {
			return
		}
		switch x := types.Unalias(t).(type) {
		case *types.Named:
			if x.Obj().Pkg() == pkg && !x.Obj().Exported() {
				found = true
			}
		case *types.Pointer:
			visit(x.Elem(), depth+1)
		case *types.Slice:
			visit(x.Elem(), depth+1)
		case *types.Map:
			visit(x.Key(), depth+1)
			visit(x.Elem(), depth+1)
		}
	}
	for _, tup := range []*types.Tuple{sig.Params(), sig.Results()} {
		for i := range tup.Len() {
			visit(tup.At(i).Type(), 0)
		}
	}
	return found
}

// origin returns the generic function an instantiation was made from.
func origin(fn *ssa.Function) *ssa.Function {
	if o := fn.Origin(); o != nil {
		return o
	}
	return fn
}
