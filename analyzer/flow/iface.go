package flow

import (
	"go/types"
	"slices"
	"strings"
	"unicode"

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
		for _, n := range ConcreteTypes(p) {
			if t := Implementer(n, iface); t != nil {
				obj, _, _ := types.LookupFieldOrMethod(t, true, p, m.Name())
				if fn, ok := obj.(*types.Func); ok {
					impls = append(impls, fn)
				}
			}
		}
	}
	if len(impls) == 0 {
		out := a.symbolicSummary(m)
		a.ifaces[m] = out
		return out
	}
	if len(impls) > maxImplementations {
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
	if a.facts != nil {
		if s := a.facts.Declared(fn); s != nil {
			return s
		}
	}
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

// ConcreteTypes returns the named types package p declares that values can
// have (not interfaces, aliases or generic types), in name order.
func ConcreteTypes(p *types.Package) []*types.Named {
	var out []*types.Named
	for _, name := range p.Scope().Names() {
		tn, ok := p.Scope().Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() || types.IsInterface(tn.Type()) {
			continue
		}
		if n, ok := tn.Type().(*types.Named); ok && n.TypeParams().Len() == 0 {
			out = append(out, n)
		}
	}
	return out
}

// Implementer returns n if it implements iface, else *n if that does,
// else nil.
func Implementer(n *types.Named, iface *types.Interface) types.Type {
	for _, t := range []types.Type{n, types.NewPointer(n)} {
		if types.Implements(t, iface) {
			return t
		}
	}
	return nil
}

// symbolicSummary returns the summary of a method of one of the module's
// interfaces whose implementations the package cannot see: its results
// are loads and its data parameters writes, of the table
// summary.SymbolicTable names for the method. The judge does not report
// them; a value from one, changed and given to another, is a pending
// finding that a package seeing an implementation resolves. Each result
// also carries its arguments, opaque, as a call the analysis cannot see
// into would. It returns nil for an interface outside the module.
func (a *Analysis) symbolicSummary(m *types.Func) *summary.Summary {
	sig := m.Type().(*types.Signature)
	named, ok := types.Unalias(sig.Recv().Type()).(*types.Named)
	if !ok || a.module == "" || named.Obj().Pkg() == nil || !InModule(named.Obj().Pkg().Path(), a.module) {
		return nil
	}
	table := summary.SymbolicTable(named.Obj().Pkg().Path()+"."+named.Obj().Name(), m.Name())
	own := summary.HandleRef{Param: -1, Kind: summary.Pool}
	s := &summary.Summary{}
	// A plain value (an id, a name, a count) is saved by a method that
	// returns no data, and is a key to what a method that returns data
	// loads. A record is saved by a method that returns no data or
	// returns records of its type (an upsert returning the row stored),
	// and is a filter to one that returns other data (List(ctx, find)).
	// A method named for reading or deleting saves nothing.
	results := tupleTypes(sig.Results())
	setter := !slices.ContainsFunc(results, dataType)
	verb := leadingWord(m.Name())
	saves := !readVerbs[verb] && !deleteVerbs[verb]
	var from []summary.Source
	for j := 1; j <= sig.Params().Len(); j++ {
		t := sig.Params().At(j - 1).Type()
		if !dataType(t) {
			continue
		}
		from = append(from, summary.Source{Param: j, Change: summary.Opaque})
		whole := isRecord(elemType(t))
		returned := slices.ContainsFunc(results, func(r types.Type) bool { return types.Identical(elemType(r), elemType(t)) })
		if saves && (setter || whole && (returned || writeVerbs[verb])) {
			s.Writes = append(s.Writes, summary.Write{Param: j, Whole: whole, Table: table, Handle: own, Numeric: isNumeric(t)})
		}
	}
	for i := 0; i < sig.Results().Len(); i++ {
		t := sig.Results().At(i).Type()
		if len(from) > 0 {
			s.Flows = append(s.Flows, summary.Flow{Result: i, From: from})
		}
		if !dataType(t) {
			continue
		}
		s.Loads = append(s.Loads, summary.Load{Result: i, Into: -1, Table: table, Handle: own, Rows: -1, SQL: -1, Record: isRecord(elemType(t))})
	}
	s.Normalize()
	return s
}

// readVerbs, writeVerbs and deleteVerbs are the first words of method
// names that say what a repository method does with its arguments.
var (
	readVerbs   = setOf("Get", "List", "Find", "Load", "Fetch", "Query", "Count", "Search", "Read", "Select", "Lookup", "Has", "Exists", "Is", "Check")
	writeVerbs  = setOf("Update", "Upsert", "Save", "Set", "Put", "Store", "Write", "Create", "Insert", "Add", "Patch", "Replace")
	deleteVerbs = setOf("Delete", "Remove", "Purge", "Drop")
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// NotSaving reports whether w is a call of a method of an interface whose
// implementations are not seen, that takes data but is not named for
// saving it (log.Errorf, Notify): not known to write anything, it is no
// side effect of a check and no change of the database by its caller.
func NotSaving(w *Write) bool { return notSaving(w) }

func notSaving(w *Write) bool {
	_, method, ok := summary.Symbolic(w.Table)
	return ok && !writeVerbs[leadingWord(method)]
}

// leadingWord returns the first word of a mixed-caps name: "Upsert" of
// "UpsertUserSetting", "List" of "ListUsers".
func leadingWord(name string) string {
	for i, r := range name {
		if i > 0 && unicode.IsUpper(r) {
			return name[:i]
		}
	}
	return name
}

// InModule reports whether package path belongs to module mod.
func InModule(path, mod string) bool {
	return path == mod || strings.HasPrefix(path, mod+"/")
}

// dataType reports whether values of type t can be data a repository
// loads or saves: not an error, a context, a function, a channel or an
// interface.
func dataType(t types.Type) bool {
	if isError(t) {
		return false
	}
	switch u := t.Underlying().(type) {
	case *types.Signature, *types.Chan, *types.Interface:
		return false
	case *types.Pointer:
		return dataType(u.Elem())
	}
	return true
}

// elemType is the type of what t holds: the element of a slice, what a
// pointer points to.
func elemType(t types.Type) types.Type {
	t = derefType(t)
	if s, ok := t.Underlying().(*types.Slice); ok {
		return derefType(s.Elem())
	}
	return t
}

// tupleTypes returns the types of a tuple's elements.
func tupleTypes(t *types.Tuple) []types.Type {
	out := make([]types.Type, t.Len())
	for i := range out {
		out[i] = t.At(i).Type()
	}
	return out
}
