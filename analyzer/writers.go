package analyzer

import (
	"cmp"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"

	"github.com/lostupdate/lostupdate/analyzer/flow"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// registry knows the targeted writes of columns in the analysed package
// and the packages it imports: an atomic update (quota = quota - ?), an
// UPDATE of a status, a webhook's one column. A whole-row write that puts
// one of those columns back unchanged undoes them.
type registry struct {
	fset     *token.FileSet
	byColumn map[[2]string][]summary.ColumnWrite
}

// newRegistry gathers the targeted writes of the package's functions and
// those of its imports' facts (which hold their imports'), and returns the
// registry and the package's own writes (for its fact).
func newRegistry(pass *analysis.Pass, results []*flow.Result, imports []*summary.Package) (*registry, *summary.Package) {
	own := &summary.Package{}
	for _, res := range results {
		fn := res.Fn.Name()
		if obj, ok := res.Fn.Object().(*types.Func); ok {
			fn = flow.FuncName(obj)
		}
		for _, w := range res.Writes {
			if w.Kind == flow.WriteCallee || w.Table == "" {
				continue // a callee's writes are in its own package's list
			}
			site := at(pass.Fset, w.Pos)
			for _, col := range w.Atomic {
				own.Columns = append(own.Columns, summary.ColumnWrite{Table: w.Table, Column: col, Atomic: true, Recount: slices.Contains(w.Recounts, col), Func: fn, Site: site})
			}
			if w.Row || len(w.Sets) > flow.MaxTargeted {
				continue
			}
			for _, col := range w.Sets {
				own.Columns = append(own.Columns, summary.ColumnWrite{Table: w.Table, Column: col, Recount: slices.Contains(w.Recounts, col), Func: fn, Site: site})
			}
		}
	}
	own.Normalize()
	r := &registry{fset: pass.Fset, byColumn: make(map[[2]string][]summary.ColumnWrite)}
	add := func(ws []summary.ColumnWrite) {
		for _, c := range ws {
			k := [2]string{c.Table, c.Column}
			r.byColumn[k] = append(r.byColumn[k], c)
		}
	}
	add(own.Columns)
	for _, f := range imports {
		add(f.Columns)
	}
	for k, ws := range r.byColumn {
		// Atomic updates first: they are what a stale write most surely
		// undoes.
		slices.SortStableFunc(ws, func(a, b summary.ColumnWrite) int {
			if a.Atomic != b.Atomic {
				if a.Atomic {
					return -1
				}
				return 1
			}
			return cmp.Compare(a.Site, b.Site)
		})
		r.byColumn[k] = ws
	}
	return r, own
}

// others returns the targeted writes of a column other than the one at
// site.
func (r *registry) others(table, column, site string) []summary.ColumnWrite {
	var out []summary.ColumnWrite
	for _, c := range r.byColumn[[2]string{table, column}] {
		if c.Site != site {
			out = append(out, c)
		}
	}
	return out
}

// recounted reports whether the program recounts a column from other rows
// (SET photo_count = (SELECT COUNT(*) …)): whatever a concurrent write
// loses or puts back in it, the next recount restores.
func (r *registry) recounted(table, column string) bool {
	return r != nil && slices.ContainsFunc(r.byColumn[[2]string{table, column}], func(c summary.ColumnWrite) bool { return c.Recount })
}

// site is where a write happens, as file:line: in the callee, for a
// callee's write.
func (r *registry) site(w *flow.Write) string {
	if w.Kind == flow.WriteCallee && w.Site != "" {
		return w.Site
	}
	return at(r.fset, w.Pos)
}
