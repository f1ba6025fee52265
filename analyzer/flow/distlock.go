package flow

import (
	"slices"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
)

// Distributed locks (redsync's Mutex, redislock's Obtain) are mutexes of
// every server process that takes the same name: what runs under one is
// serialized as under an advisory lock. They are taken and released by
// calls of their own, often in a wrapper of the program's (a RedisLock
// type with Lock and Unlock methods), so a lock a callee leaves held is
// the caller's until an unlock, its own or a callee's, releases it.

// releaseShared drops the distributed locks held. Where none of the
// function's own is held, it releases its caller's (a wrapper's Unlock),
// which its summary says.
func (c *funcCtx) releaseShared(st *state) {
	if !slices.ContainsFunc(st.locks, (*LockEvent).shared) {
		c.unlocksShared = true
	}
	st.locks = slices.DeleteFunc(slices.Clone(st.locks), (*LockEvent).shared)
}

// defersSharedUnlock reports whether the root function defers the release
// of a distributed lock (defer m.Unlock(), or a deferred closure that
// calls it): a lock it takes is not left held for its caller.
func (c *funcCtx) defersSharedUnlock() bool {
	for _, b := range c.root.Blocks {
		for _, instr := range b.Instrs {
			d, ok := instr.(*ssa.Defer)
			if !ok {
				continue
			}
			if c.unlocksSharedCall(d.Common()) {
				return true
			}
			var fn *ssa.Function
			switch f := d.Call.Value.(type) {
			case *ssa.MakeClosure:
				fn, _ = f.Fn.(*ssa.Function)
			case *ssa.Function:
				if f.Parent() != nil {
					fn = f
				}
			}
			if fn != nil && slices.ContainsFunc(fn.Blocks, func(b *ssa.BasicBlock) bool {
				return slices.ContainsFunc(b.Instrs, func(in ssa.Instruction) bool {
					call, ok := in.(ssa.CallInstruction)
					return ok && c.unlocksSharedCall(call.Common())
				})
			}) {
				return true
			}
		}
	}
	return false
}

// unlocksSharedCall reports whether the call releases distributed locks:
// the library's unlock, or a function whose summary says it does.
func (c *funcCtx) unlocksSharedCall(cc *ssa.CallCommon) bool {
	if spec, ok := c.spec(cc); ok {
		return spec.Op == apis.SharedUnlock
	}
	sum, _ := c.summaryOf(cc)
	return sum != nil && sum.UnlocksShared
}

// heldAtEveryReturn returns the distributed locks held at each of the
// states at a function's returns: a lock whose taking failed (an early
// return of the error) or that the function released on some path is not
// left held for its caller.
func heldAtEveryReturn(returns []*state) []*LockEvent {
	if len(returns) == 0 {
		return nil
	}
	held := slices.DeleteFunc(slices.Clone(returns[0].locks), func(l *LockEvent) bool { return !l.shared() })
	for _, st := range returns[1:] {
		held = slices.DeleteFunc(held, func(l *LockEvent) bool { return !slices.Contains(st.locks, l) })
	}
	return held
}
