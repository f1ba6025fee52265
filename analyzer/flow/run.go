package flow

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"

	"github.com/lostupdate/lostupdate/analyzer/summary"
)

const (
	// maxPasses bounds the fixpoint iteration over one function body;
	// labels and memory only grow, so two or three passes suffice for
	// all but contrived loops.
	maxPasses = 6
	// maxInline bounds the nesting of inlined closures.
	maxInline = 32
)

// env binds the free variables and parameters of an inlined closure to
// values of the function it runs in, and handle parameters of a
// transaction callback to the transaction.
type env struct {
	parent  *env
	fn      *ssa.Function
	depth   int
	bind    map[ssa.Value]ssa.Value
	handles map[ssa.Value]Handle
	// guards are the conditions that decide whether the closure runs at
	// all: those of the place it was inlined at; pos is that place.
	guards []Guard
	pos    token.Pos
	// stored reports a closure kept for later, or one it runs: it runs
	// in a later call of its own, not in the function that made it.
	stored bool
}

// at returns pos, or, for an instruction without a position (in a
// wrapper the compiler made for a method value), the position of the
// place the wrapper was inlined at.
func (e *env) at(pos token.Pos) token.Pos {
	for x := e; !pos.IsValid() && x != nil; x = x.parent {
		pos = x.pos
	}
	return pos
}

// resolve maps a free variable or bound parameter to the value it stands
// for in the outermost function.
func (e *env) resolve(v ssa.Value) ssa.Value {
	for x := e; x != nil; x = x.parent {
		if b, ok := x.bind[v]; ok {
			v = b
			continue
		}
	}
	return v
}

// running reports whether fn is being run on this inline stack: a closure
// that reaches itself through a free variable resolved to its caller's
// closure is not run inside itself.
func (e *env) running(fn *ssa.Function) bool {
	for x := e; x != nil; x = x.parent {
		if x.fn == fn {
			return true
		}
	}
	return false
}

// handle returns the transaction handle a callback parameter is bound to.
func (e *env) handle(v ssa.Value) (Handle, bool) {
	for x := e; x != nil; x = x.parent {
		if h, ok := x.handles[v]; ok {
			return h, true
		}
	}
	return Handle{}, false
}

// loadKey identifies a load event: the instruction, and for loads reported
// by a callee's summary, which of its loads.
type eventKey struct {
	instr ssa.Instruction
	sub   int
}

// funcCtx is the analysis of one source function and its closures.
type funcCtx struct {
	a        *Analysis
	root     *ssa.Function
	vals     map[ssa.Value]labels
	callRes  map[ssa.Value][]labels // per-result labels of calls with summaries
	loads    map[eventKey]*Load
	writes   map[eventKey]*Write
	lockEvs  map[eventKey]*LockEvent
	interned map[Label]*Label
	queries  map[ssa.Value]*query
	consumed map[*ssa.MakeClosure]bool
	later    map[*ssa.MakeClosure]bool
	// stored are the closures kept for later: stored in a field, a map
	// or a global, or returned, neither called nor started here.
	stored map[*ssa.MakeClosure]bool
	// storing asks inline to run the closure as a stored one.
	storing bool
	// readThrough are the calls given a loader whose first result is
	// what the loader returned (setReadThrough).
	readThrough map[ssa.Value]bool
	// consumedFn are closures without free variables passed to a runner.
	consumedFn map[*ssa.Function]bool
	anonRet    map[*ssa.Function][]labels
	inlined    map[*ssa.Function]bool
	ret        []labels
	// retParts are the labels of the parts of each result (the fields of
	// a returned record), by access path.
	retParts []map[string]labels
	exit     *state
	runsInTx []summary.RunInTx
	forwards []summary.Forward
	grew     bool // a value gained labels in this pass
	names    map[ssa.Value]string
	budget   budgets
	phiSeen  map[*ssa.Phi]bool // the phis the read in progress went through (phiPart)
	// cur and at are the environment and the instruction being applied.
	cur *env
	at  ssa.Instruction
	// consts are parameters of the root function taken to be constants:
	// a branch they decide runs one way only.
	consts map[*ssa.Parameter]constant.Value
	// storedKey are record parameters of the root function taken to be
	// records read from the table, with the index of their key field (or
	// -1 for one the function only hands on): a test of the key for its
	// zero value is false, and a callee given it takes its stored case.
	storedKey map[*ssa.Parameter]int
	// bounds are the bounds of the analysis it hit.
	bounds []string
	// stmtResults are the results that are statements prepared with a
	// parameter's SQL (for the summary).
	stmtResults []summary.Prepare
	// collResults are the results that are document collections of a
	// known name (for the summary).
	collResults []summary.Collection
	// unlocksShared reports that the function releases distributed locks
	// it did not take: its caller's (for the summary).
	unlocksShared bool
	// leftShared are the distributed locks held at every return of the
	// root function (for the summary).
	leftShared []*LockEvent
}

func newFuncCtx(a *Analysis, fn *ssa.Function) *funcCtx {
	return &funcCtx{
		a:           a,
		root:        fn,
		vals:        make(map[ssa.Value]labels),
		callRes:     make(map[ssa.Value][]labels),
		loads:       make(map[eventKey]*Load),
		writes:      make(map[eventKey]*Write),
		lockEvs:     make(map[eventKey]*LockEvent),
		interned:    make(map[Label]*Label),
		queries:     make(map[ssa.Value]*query),
		consumed:    make(map[*ssa.MakeClosure]bool),
		later:       make(map[*ssa.MakeClosure]bool),
		stored:      make(map[*ssa.MakeClosure]bool),
		readThrough: make(map[ssa.Value]bool),
		consumedFn:  make(map[*ssa.Function]bool),
		anonRet:     make(map[*ssa.Function][]labels),
		inlined:     make(map[*ssa.Function]bool),
		ret:         make([]labels, fn.Signature.Results().Len()),
		retParts:    make([]map[string]labels, fn.Signature.Results().Len()),
	}
}

// run analyses the function and the closures it creates, and returns the
// events and the summary.
func (c *funcCtx) run() *Result {
	c.classifyClosures(c.root)
	root := &env{fn: c.root}
	c.exit = c.body(c.root, root, newState())
	c.runDeferred(root)
	// Closures that never ran inline (created in a way the analysis does
	// not follow) are analysed on their own.
	var leftovers func(fn *ssa.Function)
	leftovers = func(fn *ssa.Function) {
		for _, anon := range fn.AnonFuncs {
			if !c.inlined[anon] {
				c.inlined[anon] = true
				c.body(anon, &env{parent: root, fn: anon, depth: 1}, newState())
			}
			leftovers(anon)
		}
	}
	leftovers(c.root)
	for _, l := range c.loads {
		// Where the values the load found its row by came from, for the
		// judge to tell a value made of the row's key alone.
		for _, k := range slices.Sorted(maps.Keys(l.KeyArgs)) {
			if v := l.KeyArgs[k]; v != nil && v.Parent() == c.root {
				l.KeyLabels = l.KeyLabels.union(c.taint(root, v))
			}
		}
		l.ByParamID = c.idParam(l.KeyArgs)
	}

	r := &Result{Fn: c.root, Bounds: c.bounds}
	for _, l := range c.loads {
		r.Loads = append(r.Loads, l)
	}
	slices.SortFunc(r.Loads, func(x, y *Load) int { return x.seq - y.seq })
	for _, w := range c.writes {
		r.Writes = append(r.Writes, w)
	}
	slices.SortFunc(r.Writes, func(x, y *Write) int { return x.seq - y.seq })
	r.Summary = c.summarize(r)
	return r
}

// runDeferred runs the closures the root function defers, the last
// deferred first, on the state at its returns, so that a deferred save
// writes what the function left in memory. The state they end in is not
// the function's exit state: what a deferred closure does to locks (a
// Rollback that is a no-op after Commit) does not change the summary.
func (c *funcCtx) runDeferred(e *env) {
	var defers []*ssa.Defer
	for _, b := range c.root.Blocks {
		for _, instr := range b.Instrs {
			if d, ok := instr.(*ssa.Defer); ok {
				defers = append(defers, d)
			}
		}
	}
	if len(defers) == 0 || c.exit == nil {
		return
	}
	st := c.exit.clone()
	for _, d := range slices.Backward(defers) {
		if fn, bindings, _ := c.closureOf(e, d.Call.Value); fn != nil && !d.Call.IsInvoke() {
			c.inline(st, e, fn, bindings, d.Call.Args, nil)
		}
	}
}

// classifyClosures decides where each closure of fn runs. A closure
// passed straight to a transaction runner runs at that call (consumed); one
// that is called, passed to a call, or deferred runs where it is called or
// passed, or never for a deferred one (later); any other (stored, returned,
// started as a goroutine) runs where it is created.
func (c *funcCtx) classifyClosures(fn *ssa.Function) {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch in := instr.(type) {
			case *ssa.Call:
				for _, cb := range c.txCallbacks(in) {
					switch f := in.Common().Args[cb].(type) {
					case *ssa.MakeClosure:
						c.consumed[f] = true
					case *ssa.Function:
						c.consumedFn[f] = true
					}
				}
			case *ssa.MakeClosure:
				switch {
				case methodValuePassed(in):
					// A method value handed to a call (a handler
					// registered, a worker started) runs in a later
					// call of its own.
					c.stored[in] = true
				case closureUsedLater(in):
					c.later[in] = true
				case !closureStarted(in):
					c.stored[in] = true
				}
			}
		}
	}
	for _, anon := range fn.AnonFuncs {
		c.classifyClosures(anon)
	}
}

// closureUsedLater reports whether a closure is called, passed to a call or
// deferred, directly or through the one variable it is stored in.
func closureUsedLater(mc *ssa.MakeClosure) bool {
	uses := func(v ssa.Value) bool {
		for _, ref := range *v.Referrers() {
			switch r := ref.(type) {
			case ssa.CallInstruction:
				if _, isGo := r.(*ssa.Go); !isGo {
					return true
				}
			}
		}
		return false
	}
	if uses(mc) {
		return true
	}
	for _, ref := range *mc.Referrers() {
		if st, ok := ref.(*ssa.Store); ok {
			if a, ok := st.Addr.(*ssa.Alloc); ok && storedValue(a) == mc {
				for _, r := range *a.Referrers() {
					if u, ok := r.(*ssa.UnOp); ok && u.Op == token.MUL && uses(u) {
						return true
					}
				}
			}
		}
	}
	return false
}

// methodValuePassed reports whether mc is a method value (repo.Save)
// given to a call as an argument.
func methodValuePassed(mc *ssa.MakeClosure) bool {
	if fn, ok := mc.Fn.(*ssa.Function); !ok || !methodWrapper(fn) {
		return false
	}
	for _, ref := range *mc.Referrers() {
		if call, ok := ref.(ssa.CallInstruction); ok && slices.Contains(call.Common().Args, ssa.Value(mc)) {
			return true
		}
	}
	return false
}

// closureStarted reports whether a closure is started as a goroutine, or
// passed to a call that is: it runs beside the function that made it.
func closureStarted(mc *ssa.MakeClosure) bool {
	for _, ref := range *mc.Referrers() {
		if _, ok := ref.(*ssa.Go); ok {
			return true
		}
	}
	return false
}

// closureOf returns the closure a value holds, directly or through the one
// variable it was stored in, and its free-variable bindings.
func (c *funcCtx) closureOf(e *env, v ssa.Value) (*ssa.Function, []ssa.Value, *ssa.MakeClosure) {
	v = e.resolve(v)
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		// A variable holding it, or a free variable of the closure
		// that captured that variable (a function parameter a closure
		// calls).
		if a, ok := e.resolve(u.X).(*ssa.Alloc); ok {
			if sv := storedValue(a); sv != nil {
				v = e.resolve(sv)
			}
		}
	}
	switch f := v.(type) {
	case *ssa.MakeClosure:
		return f.Fn.(*ssa.Function), f.Bindings, f
	case *ssa.Function:
		// A closure without free variables, or a wrapper the compiler
		// made for a method expression ((*T).Save) or value.
		if f.Parent() != nil || methodWrapper(f) {
			return f, nil, nil
		}
	}
	return nil, nil, nil
}

// methodWrapper reports whether f is a wrapper the compiler made to call a
// method through a method expression ((*T).Save, a thunk) or a method
// value (repo.Save, a bound method wrapper): it runs where it is called,
// as a closure does.
func methodWrapper(f *ssa.Function) bool {
	return len(f.Blocks) > 0 && (strings.HasPrefix(f.Synthetic, "thunk for") || strings.HasPrefix(f.Synthetic, "bound method wrapper"))
}

// body runs the dataflow over fn's blocks from the entry state and returns
// the state at its returns.
func (c *funcCtx) body(fn *ssa.Function, e *env, entry *state) *state {
	if len(fn.Blocks) == 0 {
		return entry
	}
	order := reversePostorder(fn)
	out := make([]*state, len(fn.Blocks))
	for pass := 0; pass < maxPasses; pass++ {
		changed := false
		c.grew = false
		for _, b := range order {
			var st *state
			if b.Index == 0 {
				st = entry.clone()
			} else {
				for _, p := range b.Preds {
					if out[p.Index] == nil || c.notTaken(p, b) {
						continue
					}
					if st == nil {
						st = out[p.Index].clone()
					} else {
						st.join(out[p.Index])
					}
				}
				if st == nil {
					continue
				}
			}
			st.prune(e, b)
			c.transfer(b, st, e)
			if out[b.Index] == nil || !out[b.Index].equal(st) {
				changed = true
			}
			out[b.Index] = st
		}
		if !changed && !c.grew {
			break
		}
		if pass == maxPasses-1 {
			c.bound("a loop did not settle in %d passes", maxPasses)
		}
	}
	var exit *state
	var returns []*state
	for _, b := range fn.Blocks {
		if len(b.Instrs) == 0 || out[b.Index] == nil {
			continue
		}
		if _, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); !ok {
			continue
		}
		returns = append(returns, out[b.Index])
		if exit == nil {
			exit = out[b.Index].clone()
		} else {
			exit.join(out[b.Index])
		}
	}
	if fn == c.root {
		c.leftShared = heldAtEveryReturn(returns)
	}
	if exit == nil {
		return entry
	}
	return exit
}

// notTaken reports whether the edge from block p to b is never taken: p
// ends in an if on a parameter taken to be a constant (or on a comparison
// of one with a constant), and b is the other way.
func (c *funcCtx) notTaken(p, b *ssa.BasicBlock) bool {
	if len(c.consts) == 0 && len(c.storedKey) == 0 || len(p.Instrs) == 0 || len(p.Succs) != 2 {
		return false
	}
	iff, ok := p.Instrs[len(p.Instrs)-1].(*ssa.If)
	if !ok {
		return false
	}
	v, ok := c.constCond(iff.Cond)
	if !ok {
		return false
	}
	taken := p.Succs[1] // else
	if v {
		taken = p.Succs[0]
	}
	return b != taken && p.Succs[0] != p.Succs[1]
}

// constCond evaluates a branch condition made of a parameter taken to be a
// constant: the parameter itself, its negation, or its comparison with a
// constant (preconf > 0).
func (c *funcCtx) constCond(cond ssa.Value) (bool, bool) {
	switch x := cond.(type) {
	case *ssa.Parameter:
		if v, ok := c.consts[x]; ok && v.Kind() == constant.Bool {
			return constant.BoolVal(v), true
		}
	case *ssa.UnOp:
		if x.Op == token.NOT {
			v, ok := c.constCond(x.X)
			return !v, ok
		}
	case *ssa.BinOp:
		if (x.Op == token.EQL || x.Op == token.NEQ) && (c.storedKeyRead(x.X) && zeroConst(x.Y) != nil || c.storedKeyRead(x.Y) && zeroConst(x.X) != nil) {
			// The key of a record read from the table is set.
			return x.Op == token.NEQ, true
		}
		l, lok := c.constOperand(x.X)
		r, rok := c.constOperand(x.Y)
		if !lok || !rok || l.Kind() == constant.Unknown || r.Kind() == constant.Unknown {
			return false, false
		}
		switch x.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			if (l.Kind() == constant.String) != (r.Kind() == constant.String) {
				return false, false
			}
			return constant.Compare(l, x.Op, r), true
		}
	}
	return false, false
}

// storedKeyRead reports whether v reads the key field of a parameter taken
// to be a record read from the table.
func (c *funcCtx) storedKeyRead(v ssa.Value) bool {
	u, ok := v.(*ssa.UnOp)
	if !ok || u.Op != token.MUL {
		return false
	}
	fa, ok := u.X.(*ssa.FieldAddr)
	if !ok {
		return false
	}
	p, ok := fa.X.(*ssa.Parameter)
	if !ok {
		return false
	}
	i, ok := c.storedKey[p]
	return ok && i == fa.Field
}

// constOperand returns the value of a constant or of a parameter taken to
// be one.
func (c *funcCtx) constOperand(v ssa.Value) (constant.Value, bool) {
	switch x := v.(type) {
	case *ssa.Const:
		return x.Value, x.Value != nil
	case *ssa.Parameter:
		k, ok := c.consts[x]
		return k, ok
	}
	return nil, false
}

// reversePostorder orders the reachable blocks of fn.
func reversePostorder(fn *ssa.Function) []*ssa.BasicBlock {
	seen := make([]bool, len(fn.Blocks))
	var post []*ssa.BasicBlock
	var visit func(b *ssa.BasicBlock)
	visit = func(b *ssa.BasicBlock) {
		seen[b.Index] = true
		for _, s := range b.Succs {
			if !seen[s.Index] {
				visit(s)
			}
		}
		post = append(post, b)
	}
	visit(fn.Blocks[0])
	if fn.Recover != nil && !seen[fn.Recover.Index] {
		visit(fn.Recover)
	}
	slices.Reverse(post)
	return post
}

// transfer applies the instructions of b to st.
func (c *funcCtx) transfer(b *ssa.BasicBlock, st *state, e *env) {
	for _, instr := range b.Instrs {
		c.cur, c.at = e, instr
		switch in := instr.(type) {
		case *ssa.Alloc:
			// A variable declared in a loop body is a new variable on
			// each iteration.
			st.forget(in)
		case *ssa.Store:
			c.store(st, e, in.Addr, in.Val)
		case *ssa.Send:
			base, path := c.place(st, e, in.Chan)
			st.merge(base, path+"{}", entry{labels: c.valueLabels(st, e, in.X)})
		case *ssa.MapUpdate:
			base, path := c.place(st, e, in.Map)
			e := entry{labels: c.valueLabels(st, e, in.Value), dirty: true, atomic: isSQLExprValue(in.Value), numeric: isNumeric(peel(in.Value).Type()),
				konst: isConst(peel(in.Value)) || pointerToConst(in.Value), kval: constValue(in.Value)}
			st.set(base, path+mapKey(in.Key), e)
		case *ssa.UnOp:
			switch in.Op {
			case token.MUL:
				c.setVal(in, c.readMem(st, e, in.X))
			case token.ARROW:
				// A value received from a channel is one that was sent on it.
				base, path := c.place(st, e, in.X)
				c.setVal(in, c.readLoc(st, e, base, path+"{}", c.nameOf(base), colRef{}))
			default:
				c.setVal(in, c.computed(c.taint(e, in.X)))
			}
		case *ssa.BinOp:
			x, y := c.taint(e, in.X), c.taint(e, in.Y)
			if in.Op == token.ADD && isString(in.Type()) && (isConst(in.X) || isConst(in.Y)) ||
				(in.Op == token.MUL || in.Op == token.QUO) && (isUnit(in.X) || isUnit(in.Y)) {
				// "/" + p, s + "\n": a string reformatted with constants
				// alone (a normalisation, a decoration); secs * time.Second:
				// a value scaled to another unit. Not an update that brings
				// in new data.
				c.setVal(in, c.opaque(x.union(y)))
			} else if in.Op == token.ADD || in.Op == token.SUB {
				// n + d, n - d: remember which way the loaded n moved.
				c.setVal(in, c.computedOp(x, in.Op).union(c.computedOp(y, token.ADD)))
			} else {
				c.setVal(in, c.computed(x.union(y)))
			}
		case *ssa.Convert:
			c.setVal(in, c.taint(e, in.X))
		case *ssa.ChangeType:
			c.setVal(in, c.taint(e, in.X))
		case *ssa.MakeInterface:
			c.setVal(in, c.taint(e, in.X))
		case *ssa.ChangeInterface:
			c.setVal(in, c.taint(e, in.X))
		case *ssa.MultiConvert:
			c.setVal(in, c.taint(e, in.X))
		case *ssa.SliceToArrayPointer:
			c.setVal(in, c.taint(e, in.X))
		case *ssa.TypeAssert:
			if ls := c.requestRecord(st, e, in); ls != nil {
				if in.CommaOk {
					c.callRes[in] = []labels{ls, nil}
				} else {
					c.setVal(in, ls)
				}
				break
			}
			c.setVal(in, c.taint(e, in.X))
		case *ssa.Slice:
			if dropsElements(in) {
				// A part of a list (teams[:n-1] after a removal,
				// append(ids[:i], ids[i+1:]...)) is a list changed from
				// the one read.
				c.setVal(in, c.computed(c.taint(e, in.X)))
				break
			}
			c.setVal(in, c.taint(e, in.X))
		case *ssa.FieldAddr:
			c.setVal(in, c.taint(e, in.X))
		case *ssa.IndexAddr:
			c.setVal(in, c.taint(e, in.X))
		case *ssa.Field:
			c.setVal(in, c.readField(st, e, in))
		case *ssa.Index:
			c.setVal(in, c.taint(e, in.X))
		case *ssa.Lookup:
			c.setVal(in, c.readLookup(st, e, in))
		case *ssa.Extract:
			c.setVal(in, c.extract(e, in))
		case *ssa.Range:
			c.setVal(in, c.valueLabels(st, e, in.X))
		case *ssa.Next:
			c.setVal(in, c.taint(e, in.Iter))
		case *ssa.Phi:
			var ls labels
			for i, edge := range in.Edges {
				if b := in.Block(); i < len(b.Preds) && c.notTaken(b.Preds[i], b) {
					continue // a branch decided by a constant
				}
				ls = ls.union(c.taint(e, edge))
			}
			c.setVal(in, ls)
		case *ssa.MakeClosure:
			switch {
			case c.stored[in] && methodWrapper(in.Fn.(*ssa.Function)):
				// A method value kept for later: the method is
				// analysed on its own, and runs in a later call.
			case c.stored[in] && !c.consumed[in]:
				// Kept for a later call: what it reads and writes is
				// analysed here, but it changes neither this function's
				// state nor its summary.
				c.storing = true
				c.inline(st.clone(), e, in.Fn.(*ssa.Function), in.Bindings, nil, nil)
				c.storing = false
			case !c.consumed[in] && !c.later[in]:
				c.inline(st, e, in.Fn.(*ssa.Function), in.Bindings, nil, nil)
			}
		case *ssa.Call:
			c.a.noteLocks(in, st.locks)
			c.call(st, e, in)
		case *ssa.Return:
			if e.fn == c.root {
				for i, r := range in.Results {
					if i < len(c.ret) {
						c.returned(st, e, i, r)
						c.answered(e, in, i, r)
					}
				}
			} else {
				ret := c.anonRet[e.fn]
				if ret == nil {
					ret = make([]labels, len(in.Results))
				}
				for i, r := range in.Results {
					if i < len(ret) {
						// A pointer returned carries what it points to
						// (a record the closure loaded).
						ret[i] = ret[i].union(c.taint(e, r)).union(c.pointee(st, e, r))
					}
				}
				c.anonRet[e.fn] = ret
			}
		}
	}
}

// inline runs closure fn at the current point: its free variables bound to
// bindings, its parameters to args (when called), and the parameters in
// handles bound to transaction handles.
func (c *funcCtx) inline(st *state, e *env, fn *ssa.Function, bindings, args []ssa.Value, handles map[int]Handle) {
	if e.depth >= maxInline {
		c.bound("closures nested more than %d deep are not analysed", maxInline)
		return
	}
	if len(fn.Blocks) == 0 {
		return
	}
	c.inlined[fn] = true
	child := &env{parent: e, fn: fn, depth: e.depth + 1, bind: make(map[ssa.Value]ssa.Value), handles: make(map[ssa.Value]Handle), stored: e.stored || c.storing}
	c.storing = false
	if c.at != nil && c.cur == e {
		child.guards = c.guardsOf(e, c.at)
		child.pos = c.at.Pos()
	}
	for i, fv := range fn.FreeVars {
		if i < len(bindings) {
			child.bind[fv] = e.resolve(bindings[i])
		}
	}
	for i, a := range args {
		if i < len(fn.Params) && a != nil {
			child.bind[fn.Params[i]] = e.resolve(a)
		}
	}
	for i, h := range handles {
		if i < len(fn.Params) {
			if h.Name == "" || h.root != nil && isCallRoot(h) {
				h.Name = fn.Params[i].Name()
			}
			child.handles[fn.Params[i]] = h
		}
	}
	cur, at := c.cur, c.at
	exit := c.body(fn, child, st)
	c.cur, c.at = cur, at
	*st = *exit.clone()
}

// guardLabels returns the loaded values a condition tests: the operands
// of a comparison (not a test for nil, which says whether a row was found,
// not what it holds), or a loaded flag as read.
func (c *funcCtx) guardLabels(e *env, cond ssa.Value, depth int) labels {
	if depth > 4 {
		return nil
	}
	switch x := e.resolve(cond).(type) {
	case *ssa.UnOp:
		if x.Op == token.NOT {
			return c.guardLabels(e, x.X, depth+1)
		}
		if x.Op != token.MUL {
			return nil
		}
	case *ssa.BinOp:
		switch x.Op {
		case token.EQL, token.NEQ, token.LSS, token.GTR, token.LEQ, token.GEQ:
			if isNil(x.X) || isNil(x.Y) {
				return nil
			}
			return c.taint(e, x.X).union(c.taint(e, x.Y))
		}
		return nil
	case *ssa.Field:
	case *ssa.Call, *ssa.Extract:
		// A callee's answer from the columns it checked itself (found,
		// from a store method that tests the token it read).
		return c.answerLabels(e, x)
	default:
		// A map lookup's ok, a type assertion: not a column's value.
		return nil
	}
	var out labels
	for _, l := range c.taint(e, cond) {
		if l.Change == summary.Copied {
			out = append(out, l)
		}
	}
	return out
}

// answerLabels returns the loads a bool a call returns is computed from,
// when the callee made them itself (its summary's loads of that result):
// what a helper computes from the caller's own data is not a check of a
// row here.
func (c *funcCtx) answerLabels(e *env, v ssa.Value) labels {
	if !isBool(v.Type()) {
		return nil
	}
	call, _ := v.(*ssa.Call)
	if x, ok := v.(*ssa.Extract); ok {
		call, _ = x.Tuple.(*ssa.Call)
	}
	if call == nil {
		return nil
	}
	var out labels
	for _, l := range c.taint(e, v) {
		if l.Load != nil && l.Load.Via != nil && l.Load.instr == ssa.Instruction(call) {
			out = append(out, l)
		}
	}
	return out
}

// isString reports whether t is a string type.
func isString(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// isConst reports whether v is a constant.
func isConst(v ssa.Value) bool {
	_, ok := v.(*ssa.Const)
	return ok
}

// isUnit reports whether v is a constant of a named type, a unit such as
// time.Second: multiplying by it changes the unit, not the quantity.
func isUnit(v ssa.Value) bool {
	k, ok := v.(*ssa.Const)
	if !ok {
		return false
	}
	_, named := types.Unalias(k.Type()).(*types.Named)
	return named
}

// isNil reports whether v is the constant nil.
func isNil(v ssa.Value) bool {
	k, ok := v.(*ssa.Const)
	return ok && k.IsNil()
}

// guardsOf returns the conditions that decide whether instruction instr
// runs: each If whose one side leads, alone, to the block of instr (the
// successor has the If's block as its only predecessor and dominates
// instr's block), and the guards of the place the closure was inlined at.
func (c *funcCtx) guardsOf(e *env, instr ssa.Instruction) []Guard {
	gs := slices.Clone(e.guards)
	deciding(instr, func(iff *ssa.If, taken int) {
		if ls := c.guardLabels(e, iff.Cond, 0); len(ls) > 0 && e.at(condPos(iff.Cond)).IsValid() {
			gs = append(gs, Guard{Pos: e.at(condPos(iff.Cond)), Labels: ls, Holds: holds(e, iff.Cond, taken), Differs: c.differs(e, iff.Cond, taken), Const: constCompare(e, iff.Cond)})
		}
	})
	return gs
}

// constCompare reports whether a condition compares a value with a
// constant (v == 0, v != "", !(v > 3)).
func constCompare(e *env, cond ssa.Value) bool {
	switch x := e.resolve(cond).(type) {
	case *ssa.UnOp:
		return x.Op == token.NOT && constCompare(e, x.X)
	case *ssa.BinOp:
		return isConst(peel(x.X)) != isConst(peel(x.Y))
	}
	return false
}

// condPos is where a condition is: a call's answer taken from its results
// (found, err := s.Find(…); if !found) is at the call.
func condPos(cond ssa.Value) token.Pos {
	if x, ok := cond.(*ssa.Extract); ok && !x.Pos().IsValid() {
		return x.Tuple.Pos()
	}
	return cond.Pos()
}

// differs reports whether, on the side taken, a condition holds where two
// values that are not constants differ (x != y taken, x == y not taken),
// and neither carries the other's value as it was read.
func (c *funcCtx) differs(e *env, cond ssa.Value, taken int) bool {
	switch x := e.resolve(cond).(type) {
	case *ssa.UnOp:
		if x.Op == token.NOT {
			return c.differs(e, x.X, 1-taken)
		}
	case *ssa.BinOp:
		if !(x.Op == token.NEQ && taken == 0 || x.Op == token.EQL && taken == 1) || isConst(peel(x.X)) || isConst(peel(x.Y)) {
			return false
		}
		lx, ly := c.taint(e, x.X), c.taint(e, x.Y)
		for _, a := range lx {
			for _, b := range ly {
				if sameSource(a, b) && a.Change == summary.Copied && b.Change == summary.Copied {
					return false
				}
			}
		}
		return true
	}
	return false
}

// holds returns the constant that the value a condition tests equals on
// the side taken (0 when the condition holds): the constant an == or !=
// compares it with, or true or false for a boolean tested as it is;
// "" when the side does not pin it to one constant.
func holds(e *env, cond ssa.Value, taken int) string {
	switch x := e.resolve(cond).(type) {
	case *ssa.UnOp:
		if x.Op == token.NOT {
			return holds(e, x.X, 1-taken)
		}
	case *ssa.BinOp:
		if !(x.Op == token.EQL && taken == 0 || x.Op == token.NEQ && taken == 1) {
			return ""
		}
		if isConst(x.Y) {
			return constValue(x.Y)
		}
		if isConst(x.X) {
			return constValue(x.X)
		}
		return ""
	case *ssa.Phi, *ssa.Call:
		return "" // a || or && of several tests, or a call's answer
	}
	if b, ok := cond.Type().Underlying().(*types.Basic); ok && b.Kind() == types.Bool {
		return strconv.FormatBool(taken == 0)
	}
	return ""
}

// deciding calls visit for each If that decides whether instr runs (see
// guardsOf), innermost first, with the index of the successor taken on
// the way to instr (0 when the condition holds).
func deciding(instr ssa.Instruction, visit func(iff *ssa.If, taken int)) {
	b := instr.Block()
	for n := 0; b != nil && n < maxDepth*4; n++ {
		idom := b.Idom()
		if idom == nil {
			break
		}
		if len(b.Preds) == 1 && b.Preds[0] == idom && len(idom.Instrs) > 0 {
			if iff, ok := idom.Instrs[len(idom.Instrs)-1].(*ssa.If); ok && idom.Succs[0] != idom.Succs[1] {
				visit(iff, slices.Index(idom.Succs, b))
			}
		}
		b = idom
	}
}

// pinned returns the sources whose value a condition deciding instr pins
// to a constant: under `if m.FPS == 0` (or the else of `!=`), the FPS
// read is 0, so whatever is computed there from it is computed from a
// constant, not from what was read (see unpinned). Only a condition on
// the value of one source, unchanged, pins it.
func (c *funcCtx) pinned(e *env, instr ssa.Instruction) labels {
	var out labels
	deciding(instr, func(iff *ssa.If, taken int) {
		cmp, ok := e.resolve(iff.Cond).(*ssa.BinOp)
		if !ok || !(cmp.Op == token.EQL && taken == 0 || cmp.Op == token.NEQ && taken == 1) {
			return
		}
		x := cmp.X
		switch {
		case isConst(cmp.Y) && !isNil(cmp.Y):
		case isConst(cmp.X) && !isNil(cmp.X):
			x = cmp.Y
		default:
			return
		}
		var src *Label
		for _, l := range c.taint(e, x) {
			if l.Change != summary.Copied || src != nil && !sameSource(src, l) {
				return
			}
			src = l
		}
		if src != nil {
			out = append(out, src)
		}
	})
	return out
}

// idParam returns 1 + the parameter whose own id field (a field whose
// column is id or _id) keys compares the id column with: e.ID in
// First(&old, e.ID), WHERE id = ? with e.ID. 0 for none.
func (c *funcCtx) idParam(keys map[string]ssa.Value) int {
	for _, col := range []string{"id", "_id"} {
		u, ok := keys[col].(*ssa.UnOp)
		if !ok || u.Op != token.MUL {
			continue
		}
		fa, ok := u.X.(*ssa.FieldAddr)
		if !ok || columnName(fieldOf(fa.X.Type(), fa.Field).Name(), fieldTag(fa.X.Type(), fa.Field)) != col {
			continue
		}
		if p, ok := fa.X.(*ssa.Parameter); ok && p.Parent() == c.root {
			if i := c.paramIndex(p); i >= 0 {
				return i + 1
			}
		}
	}
	return 0
}

// unpinned returns ls without what was computed from a source pinned where
// instr runs. The pinned value itself, passed on as it was, stays: it is
// still the value read (put back unchanged, or compared again).
func (c *funcCtx) unpinned(e *env, instr ssa.Instruction, ls labels) labels {
	if len(ls) == 0 || instr == nil || instr.Block() == nil {
		return ls
	}
	pins := c.pinned(e, instr)
	if len(pins) == 0 {
		return ls
	}
	var out labels
	for _, l := range ls {
		if l.Change == summary.Copied || !slices.ContainsFunc(pins, func(p *Label) bool { return sameSource(p, l) }) {
			out = append(out, l)
		}
	}
	return out
}

// SameSource reports whether two labels stand for the same value: the
// same load's column, or the same part of the same parameter.
func SameSource(a, b *Label) bool { return sameSource(a, b) }

// sameSource reports whether two labels stand for the same value read:
// the same load's column, or the same part of the same parameter.
func sameSource(a, b *Label) bool {
	return a.Load == b.Load && a.Param == b.Param && a.PPath == b.PPath && a.Column == b.Column && a.Slot == b.Slot
}

// setVal records the labels of an SSA value, noting growth so that the
// fixpoint iteration runs again.
func (c *funcCtx) setVal(v ssa.Value, ls labels) {
	if c.readThrough[v] {
		return // set by setReadThrough
	}
	old := c.vals[v]
	if len(ls) == 0 || old.contains(ls) {
		return
	}
	c.vals[v] = old.union(ls)
	if len(c.vals[v]) >= maxLabels {
		c.bound("a value derives from %d or more loads and parameters; loads were kept first", maxLabels)
	}
	c.grew = true
}

// bound notes that the analysis of the function hit one of its bounds.
func (c *funcCtx) bound(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if !slices.Contains(c.bounds, msg) {
		c.bounds = append(c.bounds, msg)
	}
}

// taint returns the labels of value v.
func (c *funcCtx) taint(e *env, v ssa.Value) labels {
	v = e.resolve(v)
	switch x := v.(type) {
	case nil, *ssa.Const, *ssa.Function, *ssa.Global, *ssa.Builtin:
		return nil
	case *ssa.Parameter:
		if i := c.paramIndex(x); i >= 0 {
			return labels{c.label(Label{Param: i, Name: x.Name()})}
		}
		return nil
	}
	return c.vals[v]
}

// paramIndex returns the index of a parameter of the root function, or -1.
func (c *funcCtx) paramIndex(p *ssa.Parameter) int {
	if p.Parent() != c.root {
		return -1
	}
	return slices.Index(c.root.Params, p)
}

// label interns a label.
func (c *funcCtx) label(l Label) *Label {
	if p, ok := c.interned[l]; ok {
		return p
	}
	p := &l
	c.interned[l] = p
	return p
}

// withChange returns ls with each label's change raised to at least ch.
func (c *funcCtx) withChange(ls labels, ch summary.Change) labels {
	if len(ls) == 0 {
		return nil
	}
	out := make(labels, 0, len(ls))
	for _, l := range ls {
		if l.Change < ch {
			m := *l
			m.Change = ch
			l = c.label(m)
		}
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// computed returns the labels of a value computed from ls.
func (c *funcCtx) computed(ls labels) labels { return c.withChange(ls, summary.Computed) }

// opaque returns the labels of a value that code the analysis cannot see
// into made from ls: it may or may not be the same value.
func (c *funcCtx) opaque(ls labels) labels { return c.withChange(ls, summary.Opaque) }

// made returns the labels of a value that code the analysis cannot see
// into made from ls and other values: not the data, changed or not.
func (c *funcCtx) made(ls labels) labels { return c.withChange(ls, summary.Made) }

// computedOp marks labels as computed by adding or subtracting; a label
// computed before keeps its first operation.
func (c *funcCtx) computedOp(ls labels, op token.Token) labels {
	if len(ls) == 0 {
		return nil
	}
	out := make(labels, 0, len(ls))
	for _, l := range ls {
		m := *l
		if m.Change < summary.Computed {
			m.Change, m.Op = summary.Computed, op
		}
		out = append(out, c.label(m))
	}
	return out
}

// renamed returns ls as read through the Go expression name, at a column.
// A label keeps its name unless the new one refines it: "p" read as
// "p.Stock" becomes "p.Stock", but a computed value stored in a field of
// another struct keeps the name of the variable that was read. Likewise a
// label keeps the column it was read from: only a record read whole
// learns its column from the field read (u.Balance of a GORM model), not
// a column decoded into a struct (p.Tags of the JSON in column prefs).
// The row's identity (its key columns) is dropped: it is not state.
func (c *funcCtx) renamed(ls labels, name, column string) labels {
	out := make(labels, 0, len(ls))
	for _, l := range ls {
		m := *l
		if m.Name == "" || strings.HasPrefix(name, m.Name) && under(name, m.Name) {
			m.Name = name
		}
		if column != "" && m.Column == "" && m.Slot == 0 && (m.Load == nil || m.Load.Record) {
			m.Column = column
		}
		if m.Load != nil && (m.Load.IsKey(m.Column) || m.Load.Ranks(m.Column)) {
			continue // identity, or the top of a set: not the row's state
		}
		out = append(out, c.label(m))
	}
	return out
}

// extract returns the labels of one result of a tuple-valued call.
func (c *funcCtx) extract(e *env, x *ssa.Extract) labels {
	if res, ok := c.callRes[x.Tuple]; ok {
		if x.Index < len(res) {
			return res[x.Index]
		}
		return nil
	}
	return c.taint(e, x.Tuple)
}

// isSQLExprValue reports whether v (or the value it boxes) is a library's
// SQL expression (apis.IsSQLExpr), which the database computes: a write
// of it is atomic.
func isSQLExprValue(v ssa.Value) bool {
	if mi, ok := v.(*ssa.MakeInterface); ok {
		v = mi.X
	}
	return apis.IsSQLExpr(v.Type())
}

// isCallRoot reports whether a handle is rooted at a call (a transaction a
// runner opened), so that the callback's parameter names it best.
func isCallRoot(h Handle) bool {
	switch h.root.(type) {
	case *ssa.Call, internalHandle:
		return true
	}
	return false
}
