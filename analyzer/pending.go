package analyzer

import (
	"cmp"
	"fmt"
	"go/token"
	"go/types"
	"iter"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/lostupdate/lostupdate/analyzer/flow"
	"github.com/lostupdate/lostupdate/analyzer/report"
	"github.com/lostupdate/lostupdate/analyzer/sqltext"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// Repositories behind interfaces (docs/interfaces.md). A service that
// reaches its store through one of its module's interfaces, implemented in
// a package that imports the service's, loads and writes symbolically (see
// flow's symbolicSummary). A value read through one method of the
// interface, changed and given to another is a pending lost update, kept
// in the package fact; so are the implementations a package declares. The
// first package that sees a pending finding and an implementation of its
// interface resolves it: if the implementation's first method reads a
// column without a lock and its second writes that column back, it
// reports the lost update at the caller's position.

// pendingOf returns the pending lost updates of a write through one of the
// module's interfaces: each changed value it writes that was read through
// a method of the same interface.
func pendingOf(pass *analysis.Pass, fn string, pos token.Pos, w *flow.Write) []summary.Pending {
	iface, method, ok := summary.Symbolic(w.Table)
	if !ok {
		return nil
	}
	posn := pass.Fset.Position(pos)
	var out []summary.Pending
	for _, v := range w.Values {
		for _, l := range v.Labels {
			if l.Load == nil || !l.Changed() {
				continue
			}
			liface, lmethod, ok := summary.Symbolic(l.Load.Table)
			if !ok || liface != iface {
				continue
			}
			if l.Column != "" && v.Column != "" && l.Column != v.Column {
				// Read from one column, written to another (an id
				// formatted into a link): not a lost update of the first.
				continue
			}
			column := cmp.Or(l.Column, v.Column)
			if l.Load.IsKey(column) {
				continue
			}
			out = append(out, summary.Pending{
				Iface: iface, Load: lmethod, Write: method,
				Column: column, Field: fieldOf(l.Name), Name: l.Name, Func: fn,
				File: posn.Filename, Line: posn.Line, Col: posn.Column,
				Read:  at(pass.Fset, l.Load.ReadPos()),
				Mutex: w.Mutex && l.Load.Mutex, MutexType: cmp.Or(w.MutexType, l.Load.MutexType), Numeric: v.Numeric,
			})
		}
	}
	return out
}

// fieldOf returns the field a value name ends in ("Value" of "set.Value"),
// or "".
func fieldOf(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i < 0 || !token.IsIdentifier(name[i+1:]) {
		return ""
	}
	return name[i+1:]
}

// implementations returns the implementations the package declares of
// the interfaces of the module that it can see (its own and its direct
// imports'), with what each method loads and writes.
func implementations(pass *analysis.Pass, results []*flow.Result, module string) []summary.Impl {
	if module == "" {
		return nil
	}
	own := make(map[*types.Func]*summary.Summary)
	for _, res := range results {
		if obj, ok := res.Fn.Object().(*types.Func); ok {
			own[obj] = res.Summary
		}
	}
	sumOf := func(fn *types.Func) *summary.Summary {
		if s, ok := own[fn]; ok {
			return s
		}
		return passFacts{pass: pass}.Summary(fn)
	}
	var ifaces []*types.TypeName
	for _, p := range append([]*types.Package{pass.Pkg}, pass.Pkg.Imports()...) {
		if !flow.InModule(p.Path(), module) {
			continue
		}
		for _, name := range p.Scope().Names() {
			tn, ok := p.Scope().Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() {
				continue
			}
			if n, ok := tn.Type().(*types.Named); ok && n.TypeParams().Len() == 0 && types.IsInterface(n) && n.Underlying().(*types.Interface).NumMethods() > 0 {
				ifaces = append(ifaces, tn)
			}
		}
	}
	var out []summary.Impl
	for _, n := range flow.ConcreteTypes(pass.Pkg) {
		tn := n.Obj()
		for _, it := range ifaces {
			iface := it.Type().Underlying().(*types.Interface)
			t := flow.Implementer(n, iface)
			if t == nil {
				continue
			}
			impl := summary.Impl{Iface: it.Pkg().Path() + "." + it.Name(), Type: tn.Pkg().Path() + "." + tn.Name()}
			for i := 0; i < iface.NumMethods(); i++ {
				obj, _, _ := types.LookupFieldOrMethod(t, true, pass.Pkg, iface.Method(i).Name())
				fn, ok := obj.(*types.Func)
				if !ok {
					continue
				}
				s := sumOf(fn)
				if s == nil || len(s.Loads) == 0 && len(s.Writes) == 0 {
					continue
				}
				impl.Methods = append(impl.Methods, summary.Method{Name: fn.Name(), Loads: s.Loads, Writes: s.Writes})
			}
			if len(impl.Methods) > 0 {
				out = append(out, impl)
			}
		}
	}
	return out
}

// resolved is a pending lost update that an implementation confirms.
type resolved struct {
	p      summary.Pending
	impl   summary.Impl
	load   summary.Load
	write  summary.Write
	column string
}

// resolvePending returns the pending lost updates that the package is the
// first to see together with an implementation of their interface (no
// direct import's fact holds both), confirmed by that implementation.
func resolvePending(all *summary.Package, imports []*summary.Package) []resolved {
	var out []resolved
	for _, p := range all.Pending {
		for _, impl := range all.Impls {
			if impl.Iface != p.Iface || slices.ContainsFunc(imports, func(f *summary.Package) bool { return f.HasPending(p) && f.HasImpl(impl) }) {
				continue
			}
			if r, ok := confirm(p, impl); ok {
				out = append(out, r)
			}
		}
	}
	return out
}

// confirm reports whether implementation impl makes pending p a lost
// update: its load method reads p's column without holding a lock the
// write can use, and its write method writes that column back without
// checking a version or the old value.
//
// A value that is not a field of what the method returns (the decoded
// document of a row, as a whole) names no column; it is confirmed only
// when one column of the load qualifies, so that the finding names the
// right one (memos' instance settings have two: value and description).
func confirm(p summary.Pending, impl summary.Impl) (resolved, bool) {
	var found []resolved
	for r := range confirmations(p, impl) {
		if !slices.ContainsFunc(found, func(f resolved) bool { return f.column == r.column }) {
			found = append(found, r)
		}
		if p.Column != "" || p.Field != "" {
			break
		}
	}
	if len(found) != 1 {
		return resolved{}, false
	}
	return found[0], true
}

// confirmations yields each pairing of one of impl's loads with one of
// its writes that makes p a lost update.
func confirmations(p summary.Pending, impl summary.Impl) iter.Seq[resolved] {
	return func(yield func(resolved) bool) {
		lm, wm := impl.Method(p.Load), impl.Method(p.Write)
		if lm == nil || wm == nil {
			return
		}
		for _, ld := range lm.Loads {
			col := ld.Column
			switch {
			case p.Column == "" && p.Field == "":
				// Not a field: the value is what the method returns.
			case col == p.Column || col != "" && strings.EqualFold(strings.ReplaceAll(col, "_", ""), p.Field) || p.Field != "" && lastField(ld.Path) == p.Field:
				col = cmp.Or(col, p.Column)
			case col == "" && ld.Record && ld.Path == "":
				col = p.Column
			default:
				continue
			}
			if col == "" || ld.Handle.Param >= 0 && ld.Lock == summary.Row || slices.Contains(ld.Keys, col) || col == "id" {
				continue // locked on the caller's handle, or the row's identity
			}
			for _, wr := range wm.Writes {
				wcol := wr.Column
				if wcol == "" && wr.Whole && (len(wr.Only) == 0 || slices.Contains(wr.Only, col)) {
					wcol = col
				}
				if wcol != col || !sameTable(ld.Table, wr.Table) {
					continue
				}
				if slices.ContainsFunc(wr.Checks, func(c string) bool { return c == col || sqltext.IsVersionColumn(c) }) {
					continue // the write checks what it read
				}
				if !yield(resolved{p: p, impl: impl, load: ld, write: wr, column: col}) {
					return
				}
				break
			}
		}
	}
}

// lastField returns the last field of an access path (".Value" → "Value").
func lastField(path string) string {
	return path[strings.LastIndexByte(path, '.')+1:]
}

// reportResolved reports resolved lost updates at their callers'
// positions, in files of other packages. The file set may hold such a
// file (a driver that loads everything), or a stand-in for it with made-up
// lines (go vet's export data), or not at all; so the position is made in
// a file of that name added to it, with lines long enough for it.
func reportResolved(pass *analysis.Pass, rep *report.Reporter, rs []resolved) {
	maxLine := make(map[string]int)
	for _, r := range rs {
		maxLine[r.p.File] = max(maxLine[r.p.File], r.p.Line)
	}
	const width = 1 << 12
	files := make(map[string]*token.File)
	for _, r := range rs {
		f := files[r.p.File]
		if f == nil {
			n := maxLine[r.p.File] + 1
			f = pass.Fset.AddFile(r.p.File, -1, n*width)
			lines := make([]int, n)
			for i := range lines {
				lines[i] = i * width
			}
			f.SetLines(lines)
			files[r.p.File] = f
		}
		pos := f.LineStart(max(r.p.Line, 1)) + token.Pos(min(max(r.p.Col, 1), width)-1)
		cat := pendingCategory(r.p)
		rep.Report(analysis.Diagnostic{Pos: pos, Category: cat, URL: "#" + cat, Message: resolvedMessage(r),
			Related: []analysis.RelatedInformation{{Pos: pos, Message: resolvedEvidence(r)}}})
	}
}

// pendingCategory is the category of a lost update through an interface:
// mutex when a sync.Mutex was held around it.
func pendingCategory(p summary.Pending) string {
	if p.Mutex {
		return CategoryMutex
	}
	return CategoryLostUpdate
}

// resolvedMessage renders a lost update through an interface. It does
// not name the implementation: each package that implements the
// interface resolves the finding on its own, and the drivers report a
// finding with one position and message once (the evidence, which names
// the implementation, is related information).
func resolvedMessage(r resolved) string {
	p := r.p
	iface := summary.LastElem(p.Iface)
	sqlTable, _ := tableNames(r.load.Table)
	subject := p.Name + " is"
	if p.Name == "" {
		subject = "a value is"
	}
	unprotected, who := "outside a locking transaction", "a concurrent request"
	if p.Mutex {
		unprotected, who = "under a "+mutexName(p.MutexType)+", which serialises requests in this process only", "another instance of the service"
	}
	statement := "in one statement"
	if p.Numeric && sqlTable != "" {
		statement = fmt.Sprintf("in one statement (UPDATE %s SET %s = %s + ?)", sqlTable, r.column, r.column)
	}
	return fmt.Sprintf("lost update: %s read at %s through %s.%s and written back here through %s.%s %s; %s can change %s in between. Give %s a method that makes the change %s or in one transaction that reads the row with SELECT … FOR UPDATE, or check a version in the write.",
		subject, p.Read, iface, p.Load, iface, p.Write, unprotected, who, resolvedColumn(r), iface, statement)
}

// resolvedEvidence says what the implementation does that loses the
// update.
func resolvedEvidence(r resolved) string {
	at := func(site string) string {
		if site == "" {
			return ""
		}
		return " at " + site
	}
	write := "writes it" + at(r.write.Site) + " whatever the row holds"
	if r.write.Whole {
		write = "saves the record whole" + at(r.write.Site)
	}
	return fmt.Sprintf("%s implements %s: its %s reads %s%s without a lock, and its %s %s",
		summary.LastElem(r.impl.Type), summary.LastElem(r.p.Iface), r.p.Load, resolvedColumn(r), at(r.load.Site), r.p.Write, write)
}

// resolvedColumn names the column of a resolved finding, with its table
// where the implementation says it.
func resolvedColumn(r resolved) string {
	sqlTable, model := tableNames(r.load.Table)
	if t := cmp.Or(sqlTable, model); t != "" {
		return t + "." + r.column
	}
	return r.column
}

// tableNames renders a load's table for messages: its SQL name, or the
// name of the model type; both "" when unknown or a set of tables.
func tableNames(t string) (sqlTable, model string) {
	kind, name, ok := strings.Cut(t, ":")
	if !ok || strings.Contains(name, "|") || strings.HasPrefix(t, flow.FieldCollection) {
		return "", ""
	}
	if kind == "go" {
		return "", summary.LastElem(name)
	}
	return name, ""
}
