package analyzer

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

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
	// flips are the package's writes of a constant to a column that a
	// check of the column's loaded value decides, by table and column.
	flips map[[2]string][]flip
}

// flip is a write of a constant to a column, decided by a check of the
// column: the constant, the value the check requires (Guard.Holds), and
// whether the check decides more than the write (a member added with the
// invite marked accepted).
type flip struct {
	value, holds string
	more         bool
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
			serialized := flow.Serialized(w.Held)
			for _, col := range w.Atomic {
				if slices.Contains(w.Normalizes, col) {
					continue // tidied, not changed: nothing for a stale write to undo
				}
				own.Columns = append(own.Columns, summary.ColumnWrite{Table: w.Table, Column: col, Atomic: true, Recount: slices.Contains(w.Recounts, col), Serialized: serialized, Func: fn, Site: site})
			}
			if w.Row || len(w.Sets) > flow.MaxTargeted {
				continue
			}
			for _, col := range w.Sets {
				own.Columns = append(own.Columns, summary.ColumnWrite{Table: w.Table, Column: col, Recount: slices.Contains(w.Recounts, col), Serialized: serialized, Func: fn, Site: site})
			}
		}
	}
	own.Columns = append(own.Columns, textRecounts(pass, own.Columns)...)
	own.Normalize()
	r := &registry{fset: pass.Fset, byColumn: make(map[[2]string][]summary.ColumnWrite), flips: guardedFlips(results)}
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

// textRecounts returns the recounts that the package's SQL text makes
// and its writes do not show: an UPDATE that sets a column to a count of
// other rows, kept as a string literal wherever the analysis cannot follow
// it to the call that runs it (gogs' consistency checks, a table of
// structs whose SQL a loop hands to Exec). Text in a program is there to
// be run, and a recount is what makes a lost change to the column come
// back, so it counts wherever it is.
func textRecounts(pass *analysis.Pass, seen []summary.ColumnWrite) []summary.ColumnWrite {
	var out []summary.ColumnWrite
	known := func(table, col string) bool {
		return slices.ContainsFunc(seen, func(c summary.ColumnWrite) bool { return c.Recount && c.Table == table && c.Column == col }) ||
			slices.ContainsFunc(out, func(c summary.ColumnWrite) bool { return c.Table == table && c.Column == col })
	}
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			fn := "" // a package-level literal belongs to no function
			if fd, ok := d.(*ast.FuncDecl); ok {
				if obj, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					fn = flow.FuncName(obj)
				}
			}
			ast.Inspect(d, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING || !strings.Contains(strings.ToUpper(lit.Value), "UPDATE") {
					return true
				}
				text, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				table, cols := flow.Recounts(text)
				for _, col := range cols {
					if !known(table, col) {
						out = append(out, summary.ColumnWrite{Table: table, Column: col, Recount: true, Func: fn, Site: at(pass.Fset, lit.Pos())})
					}
				}
				return true
			})
		}
	}
	return out
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

// guardedFlips gathers the writes of constants to columns that a check of
// the column's loaded value decides.
func guardedFlips(results []*flow.Result) map[[2]string][]flip {
	out := make(map[[2]string][]flip)
	for _, res := range results {
		for _, w := range res.Writes {
			for i := range w.Guards {
				g := &w.Guards[i]
				for _, l := range g.Labels {
					if l.Load == nil || l.Column == "" || !sameTable(l.Load.Table, w.Table) {
						continue
					}
					if value, konst := flips(w, l.Column); konst && value != "" {
						k := [2]string{w.Table, l.Column}
						out[k] = append(out[k], flip{value: value, holds: g.Holds, more: guardsMore(w, g, res.Writes)})
					}
				}
			}
		}
	}
	return out
}

// flipRaces reports whether a check that requires the same value of the
// column (holds) decides a write of another constant to it together with
// more (an accept of a pending invite that adds the member): a request
// that flips the column to value, passing its check at the same time,
// leaves the column saying the other did not happen. Checks that require
// different values (enable only what is disabled, disable only what is
// enabled) cannot both pass.
func (r *registry) flipRaces(table, column, value, holds string) bool {
	if r == nil || value == "" || holds == "" {
		return false
	}
	return slices.ContainsFunc(r.flips[[2]string{table, column}], func(f flip) bool { return f.more && f.value != value && f.holds == holds })
}

// writesAlone reports whether a writer of column other than the one at
// site sets it without column with it, at the same place: a change of
// column alone, which a write that keeps column in step with with loses.
func (r *registry) writesAlone(table, column, with, site string) bool {
	if r == nil {
		return false
	}
	for _, c := range r.others(table, column, site) {
		if !slices.ContainsFunc(r.byColumn[[2]string{table, with}], func(o summary.ColumnWrite) bool { return o.Site == c.Site }) {
			return true
		}
	}
	return false
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
