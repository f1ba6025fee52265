package flow

import (
	"go/constant"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
)

// busyFlags returns the in-process busy flag fn sets as a try-lock, and
// the flags it clears, when it takes a sync mutex. A try-lock tests a
// bool field (or package variable) under the mutex, refuses when it is
// set and sets it otherwise, reporting which through its last result, an
// error or a bool:
//
//	func (b *Activity) Start() error {
//		b.mutex.Lock()
//		defer b.mutex.Unlock()
//		if b.busy {
//			return errors.New("already running")
//		}
//		b.busy = true
//		return nil
//	}
//
// A flag is named by its field ("example.com/mutex.Activity.busy"), so
// that the function that clears it (Activity.Stop, storing false) is
// matched with the one that set it.
func busyFlags(fn *ssa.Function) (set string, clears []string) {
	if fn == nil || len(fn.Blocks) == 0 {
		return "", nil
	}
	locks := false
	tested := make(map[string]bool)
	var setTrue []string
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch in := instr.(type) {
			case *ssa.Call:
				if spec, ok := apis.Lookup(calleeObj(in.Common())); ok && spec.Op == apis.MutexLock {
					locks = true
				}
			case *ssa.Store:
				k := flagName(in.Addr)
				c, ok := in.Val.(*ssa.Const)
				if k == "" || !ok || c.Value == nil || c.Value.Kind() != constant.Bool {
					continue
				}
				if constant.BoolVal(c.Value) {
					setTrue = append(setTrue, k)
				} else if !slices.Contains(clears, k) {
					clears = append(clears, k)
				}
			case *ssa.If:
				testedFlags(in.Cond, tested, 0)
			}
		}
	}
	if !locks {
		return "", nil // a flag set or cleared without a lock is state, not a turn
	}
	res := fn.Signature.Results()
	if res.Len() > 0 && (isError(res.At(res.Len()-1).Type()) || isBool(res.At(res.Len()-1).Type())) {
		for _, k := range setTrue {
			if tested[k] {
				set = k
				break
			}
		}
	}
	clears = slices.DeleteFunc(clears, func(k string) bool { return k == set })
	slices.Sort(clears)
	return set, clears
}

// flagName names the bool a store or load addresses: a field of a named
// struct ("pkg.T.field") or a package variable ("pkg.name"), or "".
func flagName(addr ssa.Value) string {
	switch a := addr.(type) {
	case *ssa.FieldAddr:
		st, ok := types.Unalias(derefType(a.X.Type())).(*types.Named)
		if !ok {
			return ""
		}
		s, ok := st.Underlying().(*types.Struct)
		if !ok || a.Field >= s.NumFields() || !isBool(s.Field(a.Field).Type()) {
			return ""
		}
		return types.TypeString(st, nil) + "." + s.Field(a.Field).Name()
	case *ssa.Global:
		if !isBool(derefType(a.Type())) || a.Pkg == nil {
			return ""
		}
		return a.Pkg.Pkg.Path() + "." + a.Name()
	}
	return ""
}

// testedFlags adds to tested the flags a branch condition reads.
func testedFlags(v ssa.Value, tested map[string]bool, depth int) {
	if depth > 4 {
		return
	}
	switch x := v.(type) {
	case *ssa.UnOp:
		switch x.Op {
		case token.MUL:
			if k := flagName(x.X); k != "" {
				tested[k] = true
			}
		case token.NOT:
			testedFlags(x.X, tested, depth+1)
		}
	case *ssa.BinOp:
		if x.Op == token.EQL || x.Op == token.NEQ {
			testedFlags(x.X, tested, depth+1)
			testedFlags(x.Y, tested, depth+1)
		}
	}
}

// isBool reports whether t is a boolean type.
func isBool(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsBoolean != 0
}

// guardCall applies a callee's busy flags to the state: the flags it
// clears are no longer held, and the one it sets is, under the callee's
// name (for messages).
func guardCall(st *state, set string, clears []string, name string) {
	if len(clears) > 0 {
		st.guards = slices.DeleteFunc(slices.Clone(st.guards), func(g heldGuard) bool { return slices.Contains(clears, g.Key) })
	}
	if set != "" && !slices.ContainsFunc(st.guards, func(g heldGuard) bool { return g.Key == set }) {
		st.guards = append(slices.Clone(st.guards), heldGuard{Key: set, Name: name})
	}
}
