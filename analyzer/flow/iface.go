package flow

import (
	"go/types"

	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// maxImplementations bounds the implementations whose summaries an
// interface call combines; an interface with more (io.Writer-like) says
// nothing about databases.
const maxImplementations = 8

// interfaceSummary returns the combined summary of the implementations of
// interface method m among the named types of this package and of the
// packages it imports directly: a repository held as an interface
// (type AccountStore interface{ Account(…); Save(…) }) whose implementation
// the package can see. It returns nil when no implementation has one.
func (a *Analysis) interfaceSummary(m *types.Func) *summary.Summary {
	if s, ok := a.ifaces[m]; ok {
		return s
	}
	a.ifaces[m] = nil // recursion: callers see no summary
	iface, ok := m.Type().(*types.Signature).Recv().Type().Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	var impls []*types.Func
	pkgs := append([]*types.Package{a.pkg.Pkg}, a.pkg.Pkg.Imports()...)
	for _, p := range pkgs {
		scope := p.Scope()
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() || types.IsInterface(tn.Type()) {
				continue
			}
			if _, ok := tn.Type().(*types.Named); !ok || tn.Type().(*types.Named).TypeParams().Len() > 0 {
				continue
			}
			for _, t := range []types.Type{tn.Type(), types.NewPointer(tn.Type())} {
				if !types.Implements(t, iface) {
					continue
				}
				obj, _, _ := types.LookupFieldOrMethod(t, true, tn.Pkg(), m.Name())
				if fn, ok := obj.(*types.Func); ok {
					impls = append(impls, fn)
				}
				break
			}
		}
	}
	if len(impls) == 0 || len(impls) > maxImplementations {
		return nil
	}
	var out *summary.Summary
	for _, fn := range impls {
		s := a.methodSummary(fn)
		if s.Empty() {
			continue
		}
		if out == nil {
			out = &summary.Summary{}
		}
		out.Loads = append(out.Loads, s.Loads...)
		out.Writes = append(out.Writes, s.Writes...)
		out.Mutates = append(out.Mutates, s.Mutates...)
		out.Flows = append(out.Flows, s.Flows...)
		out.Locks = append(out.Locks, s.Locks...)
		out.RunsInTx = append(out.RunsInTx, s.RunsInTx...)
	}
	if out != nil {
		out.Normalize()
	}
	a.ifaces[m] = out
	return out
}

// methodSummary returns the summary of a concrete method: computed for
// this package, a fact for another.
func (a *Analysis) methodSummary(fn *types.Func) *summary.Summary {
	if fn.Pkg() == a.pkg.Pkg {
		if f := a.pkg.Prog.FuncValue(fn); f != nil && len(f.Blocks) > 0 {
			return a.Func(f).Summary
		}
		return nil
	}
	if a.facts != nil {
		return a.facts.Summary(fn)
	}
	return nil
}
