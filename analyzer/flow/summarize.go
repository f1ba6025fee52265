package flow

import (
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// summarize turns the events of the root function into its summary: what
// its results and pointer parameters carry, which parameter data it writes
// back, which locks it leaves held, and which callbacks it runs in a
// transaction.
func (c *funcCtx) summarize(r *Result) *summary.Summary {
	s := &summary.Summary{}
	results := c.root.Signature.Results()
	for i, ls := range c.ret {
		if i < results.Len() && isError(results.At(i).Type()) {
			continue // an error says that something failed, not what was read
		}
		var from []summary.Source
		changed := false
		for _, l := range ls {
			if l.Load != nil {
				s.Loads = append(s.Loads, summary.Load{Result: i, Into: -1, Column: l.Column, Table: l.Load.Table, Lock: l.Load.Lock, Handle: l.Load.Handle.Ref(l.Load.InTx), Rows: l.Load.RowsParam, Site: c.site(l.Load.ReadPos(), l.Load.Site)})
				continue
			}
			from = append(from, summary.Source{Param: l.Param, Path: l.PPath})
			changed = changed || l.Changed
		}
		if len(from) > 0 {
			s.Flows = append(s.Flows, summary.Flow{Result: i, From: sortSources(from), Changed: changed})
		}
	}
	for i, p := range c.root.Params {
		m := c.exit.mem[ssa.Value(p)]
		var keys []string
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, path := range keys {
			en := m[path]
			var from []summary.Source
			changed := false
			for _, l := range en.labels {
				if l.Load != nil {
					s.Loads = append(s.Loads, summary.Load{Result: -1, Into: i, Path: path, Column: l.Column, Table: l.Load.Table, Lock: l.Load.Lock, Handle: l.Load.Handle.Ref(l.Load.InTx), Rows: l.Load.RowsParam, Site: c.site(l.Load.ReadPos(), l.Load.Site)})
					continue
				}
				if en.dirty {
					from = append(from, summary.Source{Param: l.Param, Path: l.PPath})
					changed = changed || l.Changed
				}
			}
			if en.dirty && len(from) > 0 && fieldPath(path) {
				s.Mutates = append(s.Mutates, summary.Mutate{Param: i, Path: path, From: sortSources(from), Changed: changed})
			}
		}
	}
	for _, w := range r.Writes {
		lockedFirst := w.LockedFirst || lockedBefore(w.Held, w.Handle)
		for _, v := range w.Values {
			for _, l := range v.Labels {
				if l.Load != nil {
					continue
				}
				s.Writes = append(s.Writes, summary.Write{Param: l.Param, Path: l.PPath, Whole: v.Whole, Column: v.Column, Table: w.Table, Changed: l.Changed, Handle: w.Handle.Ref(w.InTx), LockedFirst: lockedFirst, Numeric: v.Numeric, Lib: w.Lib.Name(), Site: c.site(w.Pos, w.Site)})
			}
		}
	}
	for _, lk := range c.exit.locks {
		if lk.Handle.Param >= 0 && lk.Kind != LockShare && lk.Kind != LockWrite && (lk.InTx || lk.Handle.Kind == summary.Unknown) {
			s.Locks = append(s.Locks, summary.LockEffect{Handle: lk.Handle.Ref(lk.InTx), Site: c.site(lk.Pos, "")})
		}
	}
	s.RunsInTx = slices.Clone(c.runsInTx)
	s.Forwards = slices.Clone(c.forwards)
	s.Normalize()
	return s
}

// lockedBefore reports whether a lock that protects h is among held; the
// row locks of earlier writes do not count (the rows they wrote are not
// known to be the row written now).
func lockedBefore(held []*LockEvent, h Handle) bool {
	for _, l := range held {
		if l.Kind != LockWrite && l.Protects(h) {
			return true
		}
	}
	return false
}

func sortSources(s []summary.Source) []summary.Source {
	slices.SortFunc(s, func(a, b summary.Source) int {
		if a.Param != b.Param {
			return a.Param - b.Param
		}
		if a.Path < b.Path {
			return -1
		}
		if a.Path > b.Path {
			return 1
		}
		return 0
	})
	return slices.Compact(s)
}

// site renders a position as file:line, or keeps a site reported by a
// callee.
func (c *funcCtx) site(pos token.Pos, via string) string {
	if via != "" {
		return via
	}
	p := c.a.fset.Position(pos)
	if !p.IsValid() {
		return ""
	}
	return filepath.Base(p.Filename) + ":" + strconv.Itoa(p.Line)
}

// fieldPath reports whether a path names fields of the object a parameter
// points to (".Balance", ".Money.Cents"), not memory reached through
// further pointers, slices or maps: the changes callers can see on the
// record they pass.
func fieldPath(path string) bool {
	return path != "" && !strings.ContainsAny(path, "*[{")
}

// isError reports whether t is the error interface.
func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}
