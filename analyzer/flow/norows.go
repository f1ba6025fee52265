package flow

import (
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
)

// GoesOnWithoutRow reports whether the code goes on to write w when the
// load finds no row: the load's error is compared with the library's
// not-found error (sql.ErrNoRows, pgx.ErrNoRows) and w can be reached from
// the side of that test where it matched. A FOR UPDATE that finds no row
// locks nothing, so on that path the write is unprotected against a
// request that inserts the row meanwhile.
func (l *Load) GoesOnWithoutRow(w *Write) bool {
	if !l.sameFunc(w) {
		return false
	}
	return slices.ContainsFunc(notFoundSides(errorOf(l.instr)), func(b *ssa.BasicBlock) bool {
		return reaches([]*ssa.BasicBlock{b}, w.Call.Block(), nil)
	})
}

// OnlyWithoutRow reports whether w runs only where the load found no row:
// GoesOnWithoutRow, and w cannot be reached from the load but through the
// side of a test that matched the not-found error. The row's existence
// then decides the write (no limits stored: store the defaults).
func (l *Load) OnlyWithoutRow(w *Write) bool {
	if !l.sameFunc(w) {
		return false
	}
	to := w.Call.Block()
	avoid := map[*ssa.BasicBlock]bool{}
	goesOn := false
	for _, b := range notFoundSides(errorOf(l.instr)) {
		if len(b.Preds) != 1 {
			// A block the found row reaches too (after
			// `if err != nil && err != sql.ErrNoRows { return }`).
			return false
		}
		avoid[b] = true
		goesOn = goesOn || reaches([]*ssa.BasicBlock{b}, to, nil)
	}
	return goesOn && !reaches(l.instr.Block().Succs, to, avoid)
}

// sameFunc reports whether the load and w are instructions of one
// function, as the not-found tests need.
func (l *Load) sameFunc(w *Write) bool {
	return l.instr != nil && l.instr.Block() != nil && w.Call != nil && w.Call.Block() != nil && l.instr.Parent() == w.Call.Parent()
}

// errorOf returns the error result of a load's call, or nil.
func errorOf(instr ssa.Instruction) ssa.Value {
	call, ok := instr.(*ssa.Call)
	if !ok {
		return nil
	}
	tup, ok := call.Type().(*types.Tuple)
	if !ok {
		if isError(call.Type()) {
			return call
		}
		return nil
	}
	last := tup.Len() - 1
	if last < 0 || !isError(tup.At(last).Type()) {
		return nil
	}
	for _, r := range *call.Referrers() {
		if ex, ok := r.(*ssa.Extract); ok && ex.Index == last {
			return ex
		}
	}
	return nil
}

// notFoundSides returns the blocks that run when err is the not-found
// error: the matching successor of each if that tests err == ErrNoRows,
// err != ErrNoRows, errors.Is(err, ErrNoRows) or its negation.
func notFoundSides(err ssa.Value) []*ssa.BasicBlock {
	if err == nil {
		return nil
	}
	var sides []*ssa.BasicBlock
	var branch func(cond ssa.Value, matched int)
	branch = func(cond ssa.Value, matched int) {
		for _, r := range *cond.Referrers() {
			switch r := r.(type) {
			case *ssa.If:
				sides = append(sides, r.Block().Succs[matched])
			case *ssa.UnOp:
				if r.Op == token.NOT {
					branch(r, 1-matched)
				}
			}
		}
	}
	for _, r := range *err.Referrers() {
		switch r := r.(type) {
		case *ssa.BinOp:
			other := r.Y
			if other == err {
				other = r.X
			}
			if !notFoundError(other) {
				continue
			}
			switch r.Op {
			case token.EQL:
				branch(r, 0)
			case token.NEQ:
				branch(r, 1)
			}
		case *ssa.Call:
			if fn, ok := r.Call.Value.(*ssa.Function); ok && fn.Pkg != nil && fn.Pkg.Pkg.Path() == "errors" && fn.Name() == "Is" &&
				len(r.Call.Args) == 2 && r.Call.Args[0] == err && notFoundError(r.Call.Args[1]) {
				branch(r, 0)
			}
		}
	}
	return sides
}

// notFoundError reports whether v is the value of a not-found error
// variable: sql.ErrNoRows, read from its global.
func notFoundError(v ssa.Value) bool {
	if mi, ok := v.(*ssa.MakeInterface); ok {
		v = mi.X
	}
	load, ok := v.(*ssa.UnOp)
	if !ok || load.Op != token.MUL {
		return false
	}
	g, ok := load.X.(*ssa.Global)
	if !ok || g.Pkg == nil {
		return false
	}
	return apis.IsNotFoundError(g.Pkg.Pkg.Path(), g.Name())
}

// reaches reports whether block to can run from one of the blocks from on,
// without passing through a block in avoid.
func reaches(from []*ssa.BasicBlock, to *ssa.BasicBlock, avoid map[*ssa.BasicBlock]bool) bool {
	seen := map[*ssa.BasicBlock]bool{}
	stack := slices.Clone(from)
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if avoid[b] || seen[b] {
			continue
		}
		if b == to {
			return true
		}
		seen[b] = true
		stack = append(stack, b.Succs...)
	}
	return false
}
