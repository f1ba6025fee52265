package flow

import (
	"go/token"
	"go/types"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// returned records what the function returns as result i: the labels of
// the value and, for a record, a pointer to one or a slice of them, those
// of each of its parts by access path, so that a caller reading s.IP of a
// returned
// session does not see the labels of s.Name. A pointer to anything else
// (a slice, a map) carries what it points to as a whole.
func (c *funcCtx) returned(st *state, e *env, i int, r ssa.Value) {
	c.prepares(e, i, r)
	c.collectionResult(e, i, r)
	var base ssa.Value
	var path string
	switch {
	case isRecord(derefType(r.Type())) && isPointerLike(r.Type()):
		c.ret[i] = c.ret[i].union(c.taint(e, r))
		base, path = c.place(st, e, r)
	case isRecord(r.Type()):
		// A record returned by value carries the loads of its parts, but
		// a part changed (a field a method filtered) is no change of the
		// others: where the record is in memory, a change is its cover's
		// (the whole replaced) or its part's, as for a pointer.
		base, path = c.valPlace(st, e, r)
		ls := c.taint(e, r)
		if base != nil {
			ls = slices.DeleteFunc(slices.Clone(ls), (*Label).Changed)
		}
		c.ret[i] = c.ret[i].union(ls)
	case isRecordSlice(r.Type()):
		// Rows in a slice (sqlx's Select, a loop of Scans).
		c.ret[i] = c.ret[i].union(c.taint(e, r))
		b, p := c.valueLoc(e, r, 0)
		if c.retParts[i] == nil {
			c.retParts[i] = make(map[string]labels)
		}
		for rel, ls := range c.rowParts(st, b, p) {
			c.retParts[i][rel] = c.retParts[i][rel].union(ls)
		}
		return
	default:
		c.ret[i] = c.ret[i].union(c.taint(e, r)).union(c.pointee(st, e, r))
		return
	}
	if base == nil {
		return
	}
	if c.retParts[i] == nil {
		c.retParts[i] = make(map[string]labels)
	}
	cover, _, found, _ := st.lookup(base, path)
	if found {
		c.ret[i] = c.ret[i].union(cover.labels)
	}
	for p, en := range st.mem[base] {
		if p == path || !under(p, path) {
			continue
		}
		if en.field != nil && isRecordSlice(en.field.Type()) {
			// A field holding rows (u.Credentials): each part of the
			// rows by itself.
			for rel, ls := range c.rowParts(st, base, p+"*") {
				rel = p[len(path):] + "*" + rel
				c.retParts[i][rel] = c.retParts[i][rel].union(ls)
			}
			continue
		}
		// A pointer field (d.Value = &Tokens{…}) carries what it points
		// to, as a whole.
		ls := c.pointees(st, en)
		if len(ls) > 0 {
			rel := p[len(path):]
			c.retParts[i][rel] = c.retParts[i][rel].union(ls)
		}
	}
}

// answered adds to a bool result the loads of the checks that decide
// which return gives it: a store method that checks a token itself and
// answers only found (return true under !v.ConsumedAt.Valid) answers from
// the columns it checked, as found := !v.ConsumedAt.Valid would. Only
// what the function read itself counts; a helper comparing a password its
// caller passed answers from its parameters, as its flows say.
func (c *funcCtx) answered(e *env, ret *ssa.Return, i int, r ssa.Value) {
	if !isBool(r.Type()) {
		return
	}
	var ls labels
	for _, g := range c.guardsOf(e, ret) {
		for _, l := range g.Labels {
			if l.Load != nil {
				ls = ls.union(labels{l})
			}
		}
	}
	if len(ls) > 0 {
		c.ret[i] = c.ret[i].union(c.computedLoads(ls))
	}
}

// rowParts returns what the rows of the slice of records at base+path
// (the slice's own memory: its header's location and "*") hold, by access
// path from the slice: the rows as a whole ("[]") and each part of them
// ("[].PublicKey"), so that a key the function opened in place
// (creds[i].PublicKey = open(…)) does not make the other columns look
// computed.
func (c *funcCtx) rowParts(st *state, base ssa.Value, path string) map[string]labels {
	eb, ep := st.canon(base, path+"[]")
	out := make(map[string]labels)
	if cover, _, found, _ := st.lookup(eb, ep); found {
		out["[]"] = cover.labels
	}
	for p, en := range st.mem[eb] {
		if p == ep || !under(p, ep) {
			continue
		}
		if ls := c.pointees(st, en); len(ls) > 0 {
			rel := "[]" + p[len(ep):]
			out[rel] = out[rel].union(ls)
		}
	}
	return out
}

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
		c.summarizeResult(s, i, "", ls)
		for _, p := range slices.Sorted(maps.Keys(c.retParts[i])) {
			c.summarizeResult(s, i, p, c.retParts[i][p])
		}
	}
	for i, p := range c.root.Params {
		m := c.exit.mem[ssa.Value(p)]
		for _, path := range slices.Sorted(maps.Keys(m)) {
			en := m[path]
			var from []summary.Source
			loaded := false
			for _, l := range en.labels {
				if l.Load != nil {
					s.Loads = append(s.Loads, c.loadFact(l, -1, i, path))
					loaded = true
					continue
				}
				if en.dirty {
					from = append(from, summary.Source{Param: l.Param, Path: l.PPath, Change: l.Change, Appended: l.Appended})
				}
			}
			// A change of a field: from parameters, or to a value of the
			// function's own (a constant, a new ID).
			if en.dirty && path != "" && (len(from) > 0 || !loaded) {
				s.Mutates = append(s.Mutates, summary.Mutate{Param: i, Path: path, From: sortSources(from), Maybe: en.maybe, Const: en.konst})
			}
		}
	}
	for _, w := range r.Writes {
		if w.Stored {
			continue // runs in a later call, not in this one
		}
		lockedFirst := w.LockedFirst || lockedBefore(w.Held, w.Handle)
		lockedSerial := w.LockedSerial || lockedFirst && Serialized(w.Held)
		moves := w.MovedKeys()
		for _, v := range w.Values {
			if len(v.Labels) == 0 && v.Column != "" && !v.Whole && (v.Const || v.Time) && !notSaving(w) {
				// A value of the function's own that marks the row: a
				// time, a constant. Other values of its own (what an
				// indexer reads from a file) are not what a caller
				// checks before the call.
				s.Writes = append(s.Writes, summary.Write{Param: -1, Column: v.Column, Table: w.Table, Change: summary.Computed, Handle: w.Handle.Ref(w.InTx), LockedFirst: lockedFirst, LockedSerial: lockedSerial, Numeric: v.Numeric, Lib: w.Lib.Name(), Checks: w.Checks, Tested: w.Tested, Moves: moves, Site: c.site(w.Pos, w.Site),
					RowLocal: len(v.Row.Loads) > 0 || v.Row.Elsewhere, RowKeys: c.rowKeys(v.Row), Const: v.Const, Value: v.Value})
				continue
			}
			for _, l := range v.Labels {
				if l.Load != nil {
					continue
				}
				s.Writes = append(s.Writes, summary.Write{Param: l.Param, Path: l.PPath, Whole: v.Whole, Only: v.Only, Given: v.Given, GivenParam: v.GivenParam, Column: v.Column, Table: w.Table, Change: l.Change, Handle: w.Handle.Ref(w.InTx), LockedFirst: lockedFirst, LockedSerial: lockedSerial, Numeric: v.Numeric, Lib: w.Lib.Name(), Checks: w.Checks, Tested: w.Tested, Moves: moves, Site: c.site(w.Pos, w.Site),
					RowParams: v.Row.Params, RowLocal: len(v.Row.Loads) > 0 || v.Row.Elsewhere, RowKeys: c.rowKeys(v.Row), Keys: c.writeKeys(w.KeyArgs), Appended: l.Appended})
			}
		}
		for _, d := range w.Deltas {
			for _, l := range d.Labels {
				if l.Load == nil {
					s.Deltas = append(s.Deltas, summary.Delta{Param: l.Param, Path: l.PPath, Column: d.Column, Table: w.Table, Handle: w.Handle.Ref(w.InTx),
						Lib: w.Lib.Name(), Site: c.site(w.Pos, w.Site), LockedFirst: lockedFirst, LockedSerial: lockedSerial})
				}
			}
		}
	}
	if !c.defersSharedUnlock() {
		// A distributed lock left held is the caller's until it unlocks
		// it, unless a deferred unlock releases it here.
		for _, lk := range c.leftShared {
			s.Locks = append(s.Locks, summary.LockEffect{Handle: summary.HandleRef{Param: -1, Kind: summary.Unknown, InTx: true}, Site: c.site(lk.Pos, ""), Advisory: true, Shared: true})
		}
	}
	for _, lk := range c.exit.locks {
		if lk.Handle.Param >= 0 && lk.Kind != LockShare && lk.Kind != LockWrite && (lk.InTx || lk.Handle.Kind == summary.Unknown) {
			s.Locks = append(s.Locks, summary.LockEffect{Handle: lk.Handle.Ref(lk.InTx), Site: c.site(lk.Pos, ""), Advisory: lk.Serializes()})
		}
	}
	s.Effects = slices.ContainsFunc(r.Writes, func(w *Write) bool { return !w.Stored && !notSaving(w) })
	for _, w := range r.Writes {
		if len(w.Overwrites) > 0 && w.Table != "" && !w.Stored {
			s.Upserts = append(s.Upserts, summary.Upsert{Table: w.Table, Columns: slices.Clone(w.Overwrites), Handle: w.Handle.Ref(w.InTx), Site: c.site(w.Pos, w.Site)})
		}
	}
	s.Prepares = slices.Clone(c.stmtResults)
	s.Collections = slices.Clone(c.collResults)
	s.RunsInTx = slices.Clone(c.runsInTx)
	s.Forwards = slices.Clone(c.forwards)
	s.Guard, s.Clears = busyFlags(c.root)
	s.UnlocksShared = c.unlocksShared
	s.Normalize()
	return s
}

// summarizeResult adds to s what result i carries at access path path: the
// loads it holds and the parameters it comes from. A result that comes
// from its parameters as an unmodelled call would (opaque, whole) says
// nothing a caller does not assume.
func (c *funcCtx) summarizeResult(s *summary.Summary, i int, path string, ls labels) {
	var from []summary.Source
	for _, l := range ls {
		if l.Load != nil {
			s.Loads = append(s.Loads, c.loadFact(l, i, -1, path))
			continue
		}
		from = append(from, summary.Source{Param: l.Param, Path: l.PPath, Change: l.Change, Appended: l.Appended})
	}
	if len(from) > 0 {
		s.Flows = append(s.Flows, summary.Flow{Result: i, Path: path, From: sortSources(from)})
	}
}

// loadFact describes a load label for a summary: loaded into result
// result, or into parameter into, at path.
func (c *funcCtx) loadFact(l *Label, result, into int, path string) summary.Load {
	ld := l.Load
	sqlParam, slot := -1, 0
	if l.Slot > 0 && ld.SQLParam >= 0 {
		sqlParam, slot = ld.SQLParam, l.Slot
	}
	if l.Slot > 0 && ld.RowsParam >= 0 {
		slot = l.Slot
	}
	return summary.Load{Result: result, Into: into, Path: path, Column: l.Column, Table: ld.Table, Lock: ld.Lock,
		Handle: ld.Handle.Ref(ld.InTx), Rows: ld.RowsParam, SQL: sqlParam, Slot: slot, Keys: slices.Clone(ld.Keys),
		Change: l.Change, Record: ld.Record, Request: ld.Request, Site: c.site(ld.ReadPos(), ld.Site), KeyParams: c.keyParams(ld.KeyArgs)}
}

// keyParams returns which key columns a load compared with parameters of
// the function, by column.
func (c *funcCtx) keyParams(keys map[string]ssa.Value) []summary.KeyParam {
	var out []summary.KeyParam
	for _, col := range slices.Sorted(maps.Keys(keys)) {
		if p, ok := keys[col].(*ssa.Parameter); ok {
			if i := c.paramIndex(p); i >= 0 {
				out = append(out, summary.KeyParam{Column: col, Param: i})
			}
		}
	}
	return out
}

// writeKeys returns the parameters, or fields of them (data.ID), that a
// write's WHERE compares its id with.
func (c *funcCtx) writeKeys(keys map[string]ssa.Value) []summary.KeyParam {
	var out []summary.KeyParam
	for _, col := range []string{"id", "_id"} {
		v := keys[col]
		path := ""
		switch x := v.(type) {
		case *ssa.Field:
			path, v = "."+fieldOf(x.X.Type(), x.Field).Name(), x.X
		case *ssa.UnOp:
			if fa, ok := x.X.(*ssa.FieldAddr); ok && x.Op == token.MUL {
				path, v = "."+fieldOf(fa.X.Type(), fa.Field).Name(), fa.X
			}
		}
		if p, ok := paramOf(v); ok && v != nil {
			if i := c.paramIndex(p); i >= 0 {
				out = append(out, summary.KeyParam{Column: col, Param: i, Path: path})
			}
		}
	}
	return out
}

// rowKeys returns the key parameters of the loads a row was filled by.
func (c *funcCtx) rowKeys(row RowOf) []summary.KeyParam {
	var out []summary.KeyParam
	for _, l := range row.Loads {
		for _, k := range c.keyParams(l.KeyArgs) {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
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
		if a.Path != b.Path {
			return strings.Compare(a.Path, b.Path)
		}
		return int(a.Change - b.Change)
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

// isError reports whether t is the error interface.
func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}
