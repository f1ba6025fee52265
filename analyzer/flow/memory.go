package flow

import (
	"cmp"
	"go/constant"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
)

const (
	// maxDepth bounds recursive walks over SSA operands, and walkBudget
	// the steps of one walk (phi webs in loops branch at every step).
	maxDepth   = 24
	walkBudget = 256
)

// budgets are the steps left to the walks in progress.
type budgets struct{ loc, handle, text int }

// loc returns the memory location a pointer value points to, as a base
// value and an access path: FieldAddr appends ".Field", IndexAddr "[k]"
// (a constant array index) or "[]" (any element), and a pointer loaded
// from memory "*". Two pointers with the same base and path alias.
func (c *funcCtx) loc(e *env, v ssa.Value) (ssa.Value, string) {
	return c.locDepth(e, v, 0)
}

func (c *funcCtx) locDepth(e *env, v ssa.Value, depth int) (ssa.Value, string) {
	v = e.resolve(v)
	if depth == 0 {
		c.budget.loc = walkBudget
	}
	if c.budget.loc--; depth > maxDepth || c.budget.loc < 0 {
		return v, ""
	}
	switch x := v.(type) {
	case *ssa.FieldAddr:
		b, p := c.locDepth(e, x.X, depth+1)
		return b, p + "." + fieldOf(x.X.Type(), x.Field).Name()
	case *ssa.IndexAddr:
		if _, ok := x.X.Type().Underlying().(*types.Slice); ok {
			b, p := c.valueLoc(e, x.X, depth+1)
			return b, p + "[]"
		}
		b, p := c.locDepth(e, x.X, depth+1)
		return b, p + "[]"
	case *ssa.UnOp:
		if x.Op == token.MUL {
			b, p := c.locDepth(e, x.X, depth+1)
			return b, p + "*"
		}
	case *ssa.MakeInterface:
		return c.locDepth(e, x.X, depth+1)
	case *ssa.ChangeType:
		return c.locDepth(e, x.X, depth+1)
	case *ssa.ChangeInterface:
		return c.locDepth(e, x.X, depth+1)
	case *ssa.TypeAssert:
		return c.locDepth(e, x.X, depth+1)
	case *ssa.Convert:
		if isPointerLike(x.X.Type()) {
			return c.locDepth(e, x.X, depth+1)
		}
	case *ssa.Slice:
		if _, ok := x.X.Type().Underlying().(*types.Slice); ok {
			return c.valueLoc(e, x.X, depth+1)
		}
		return c.locDepth(e, x.X, depth+1)
	case *ssa.Phi:
		var base ssa.Value
		var path string
		for i, edge := range x.Edges {
			if edge == x {
				continue
			}
			b, p := c.locDepth(e, edge, depth+1)
			if i > 0 && base != nil && (b != base || p != path) {
				return v, ""
			}
			base, path = b, p
		}
		if base != nil {
			return base, path
		}
	}
	return v, ""
}

// place returns the canonical memory location a pointer value points to
// in state st: its access path, with stored pointers followed.
func (c *funcCtx) place(st *state, e *env, v ssa.Value) (ssa.Value, string) {
	base, path := c.loc(e, v)
	return st.canon(base, path)
}

// valPlace is place for the location holding a struct value.
func (c *funcCtx) valPlace(st *state, e *env, v ssa.Value) (ssa.Value, string) {
	base, path := c.valKey(e, v)
	return st.canon(base, path)
}

// valueLabels returns the labels of a value together with, for a pointer,
// those of the memory it points to: what a container or a callee receives
// when the pointer is stored or passed.
func (c *funcCtx) valueLabels(st *state, e *env, v ssa.Value) labels {
	ls := c.taint(e, v)
	if isPartsType(v.Type()) {
		// A column's map or struct read with the row, with entries set or
		// deleted since (delete(a.Env, name), p.Settings.Redirect = u), is
		// a value changed from the one read.
		if base, path := c.place(st, e, v); changedInPart(st, base, path) {
			ls = c.computedColumns(ls)
		}
	}
	return ls.union(c.pointee(st, e, v))
}

// valueLoc returns where a slice value's elements live: the location of
// the slice header it was loaded from, so that ps[i] and the variable ps
// that a load filled share a location.
func (c *funcCtx) valueLoc(e *env, v ssa.Value, depth int) (ssa.Value, string) {
	v = e.resolve(v)
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		b, p := c.locDepth(e, u.X, depth+1)
		return b, p + "*"
	}
	return c.locDepth(e, v, depth)
}

func isPointerLike(t types.Type) bool {
	switch t.Underlying().(type) {
	case *types.Pointer, *types.Slice, *types.Map:
		return true
	}
	return false
}

// fieldOf returns field i of the struct that pointer (or struct) type t
// refers to.
func fieldOf(t types.Type, i int) *types.Var {
	t = derefType(t)
	if s, ok := t.Underlying().(*types.Struct); ok && i < s.NumFields() {
		return s.Field(i)
	}
	return types.NewVar(token.NoPos, nil, "?", types.Typ[types.Invalid])
}

// fieldTag returns the tag of field i of the struct t refers to.
func fieldTag(t types.Type, i int) string {
	t = derefType(t)
	if s, ok := t.Underlying().(*types.Struct); ok && i < s.NumFields() {
		return s.Tag(i)
	}
	return ""
}

// mapKey renders a map key as a path segment.
func mapKey(k ssa.Value) string {
	if c, ok := k.(*ssa.Const); ok && c.Value != nil && c.Value.Kind() == constant.String {
		return "{" + constant.StringVal(c.Value) + "}"
	}
	if col, ok := boilColumnRead(k); ok {
		return "{" + col + "}" // models.M{models.AccountColumns.Balance: v}
	}
	return "{}"
}

// store records a store of val at addr.
func (c *funcCtx) store(st *state, e *env, addr, val ssa.Value) {
	base, path := c.place(st, e, addr)
	if u, ok := e.resolve(val).(*ssa.UnOp); ok && u.Op == token.MUL {
		if ub, up := c.place(st, e, u.X); ub == base && up == path {
			// x = x: a named result returned as it is (return creds,
			// nil) stores what it holds into itself.
			return
		}
	}
	ent := entry{labels: c.unpinned(e, c.at, c.valueLabels(st, e, val)), dirty: true, atomic: isSQLExprValue(val), konst: isConst(peel(val)) || pointerToConst(val), kval: constValue(val)}
	if isPointerLike(peel(val).Type()) {
		tb, tp := c.place(st, e, peel(val))
		if tb != nil && !(tb == base && under(tp, path)) {
			ent.target = &place{tb, tp}
		}
	}
	if fa, ok := e.resolve(addr).(*ssa.FieldAddr); ok {
		ent.field = fieldOf(fa.X.Type(), fa.Field)
		ent.tag = fieldTag(fa.X.Type(), fa.Field)
	}
	var parts map[string]entry
	if isRecord(val.Type()) && !isColumnValue(val.Type()) {
		// A value the driver stores in one column (a sql.NullInt64
		// literal) is stored whole: its parts are not changes of what
		// was there.
		ent.labels, parts = c.recordParts(st, e, val)
	}
	rename := func(ls labels) labels { return ls }
	if a, ok := base.(*ssa.Alloc); ok && path == "" && isRecord(val.Type()) && !isLiteral(val) {
		// A record copied into a variable (for _, p := range ps; p :=
		// *ptr) is known by that variable's name from here on. Not the
		// values a struct literal puts in its fields (info :=
		// Version{Number: vs.Count + 1}): they keep the names they were
		// read by.
		if name := c.nameOf(a); name != "" {
			rename = func(ls labels) labels { return c.loadsNamed(ls, name) }
		}
	}
	ent.labels = rename(ent.labels)
	st.set(base, path, ent)
	for _, rel := range slices.Sorted(maps.Keys(parts)) {
		p := parts[rel]
		p.labels = rename(p.labels)
		st.set(base, path+rel, p)
	}
}

// isLiteral reports whether v is the value of a composite literal the
// compiler built in a temporary.
func isLiteral(v ssa.Value) bool {
	u, ok := v.(*ssa.UnOp)
	if !ok || u.Op != token.MUL {
		return false
	}
	a, ok := u.X.(*ssa.Alloc)
	return ok && a.Comment == "complit"
}

// recordParts returns what a record value copies when it is stored: the
// labels of the record as a whole, and its parts (the fields that were
// loaded or stored separately) by access path, so that a copy, a struct
// literal or a returned record stays field-sensitive (s.IP of a session
// built from a request and a loaded name is not the loaded name).
func (c *funcCtx) recordParts(st *state, e *env, val ssa.Value) (labels, map[string]entry) {
	sb, sp := c.valPlace(st, e, val)
	if sb == nil {
		return c.valueLabels(st, e, val), nil
	}
	cr, _ := elementRef(e, val) // an element of a list kept in a column
	whole, _, _ := c.coverOf(st, e, sb, sp, c.nameOf(sb)+renderPath(sp), cr)
	parts := make(map[string]entry)
	for p, en := range st.mem[sb] {
		if p != sp && under(p, sp) {
			parts[p[len(sp):]] = en
		}
	}
	return whole, parts
}

// isRecordSlice reports whether t is a slice of records (rows, as sqlx's
// Select fills them).
func isRecordSlice(t types.Type) bool {
	sl, ok := t.Underlying().(*types.Slice)
	return ok && isRecord(sl.Elem())
}

// isRecord reports whether t is a struct or array type: a value copied
// whole.
func isRecord(t types.Type) bool {
	switch t.Underlying().(type) {
	case *types.Struct, *types.Array:
		return true
	}
	return false
}

// loadsNamed renames the load labels of ls to name.
func (c *funcCtx) loadsNamed(ls labels, name string) labels {
	out := make(labels, 0, len(ls))
	for _, l := range ls {
		if l.Load != nil && l.Name != name {
			m := *l
			m.Name = name
			l = c.label(m)
		}
		out = append(out, l)
	}
	return out
}

// readMem returns the labels of the value loaded through pointer ptr: the
// entry covering its location renamed to the expression read, plus any
// entries within it; without an entry, the labels of the base (a record
// returned by a load, or a parameter of the summarised function).
func (c *funcCtx) readMem(st *state, e *env, ptr ssa.Value) labels {
	base, path := c.loc(e, ptr)
	name := c.nameOf(base) + renderPath(path)
	base, path = st.canon(base, path)
	var col colRef
	switch p := e.resolve(ptr).(type) {
	case *ssa.FieldAddr:
		col = partRef(e, p.X, p.Field)
	case *ssa.IndexAddr:
		col, _ = elementRef(e, p) // an element of a list kept in a column is of that column
	}
	col.of = derefType(ptr.Type())
	if _, isPtr := derefType(ptr.Type()).Underlying().(*types.Pointer); isPtr {
		// A pointer read from memory (u := s.user) is an address: the
		// record it points to is not read whole, changed parts or not.
		ls, _, subs := c.coverOf(st, e, base, path, name, col)
		for _, s := range subs {
			ls = ls.union(c.renamed(s.labels, name, col.name))
		}
		return ls
	}
	return c.readLoc(st, e, base, path, name, col)
}

func (c *funcCtx) readLoc(st *state, e *env, base ssa.Value, path, name string, col colRef) labels {
	column := col.name
	ls, found, subs := c.coverOf(st, e, base, path, name, col)
	if found && anyDirty(subs) && !replacedScalar(col.of, subs) {
		ls = c.computedLoads(ls)
	}
	for _, s := range subs {
		// Parts of the location read (the elements of a slice field) are
		// of its column.
		ls = ls.union(c.renamed(s.labels, name, column))
	}
	return ls
}

// coverOf returns the labels of the location base+path as a whole, read
// through the Go expression name at a column: those of the entry that
// covers it (the longest prefix) and, where that entry was stored on some
// paths only, of what covers it in turn, down to the base itself; whether
// an entry covers it; and the entries within it.
func (c *funcCtx) coverOf(st *state, e *env, base ssa.Value, path, name string, cr colRef) (labels, bool, []entry) {
	column := cr.name
	_, _, _, subs := st.lookup(base, path)
	m := st.mem[base]
	var ls labels
	found := false
	for p := path; ; p = parent(p) {
		if en, ok := m[p]; ok {
			found = true
			col, lbs := column, en.labels
			if p == path {
				col = columnFromEntry(en, column)
			} else {
				lbs = c.narrow(lbs, cr)
			}
			ls = ls.union(c.renamed(c.deeper(lbs, path[len(p):]), name, col))
			if !en.maybe {
				return ls, true, subs
			}
		}
		if p == "" {
			break
		}
	}
	if phi, ok := base.(*ssa.Phi); ok && path != "" && len(phi.Edges) <= maxPhiEdges {
		switch {
		case c.phiSeen[phi]:
			// A loop back to a phi being read: its other edges are.
			return ls, found, subs
		case len(c.phiSeen) < maxPhiParts:
			return ls.union(c.phiPart(st, e, phi, path, name, cr)), found, subs
		}
	}
	return ls.union(c.renamed(c.narrow(c.baseLabels(e, base, path), cr), name, column)), found, subs
}

// maxPhiParts bounds the phis one read of a part through a phi reads
// through (phis of phis, in loops and switches).
const maxPhiParts = 4

// maxPhiEdges bounds the edges of a phi whose parts are read edge by edge:
// a loop's, or a branch's, not a switch's.
const maxPhiEdges = 4

// phiPart returns the labels of the part at path of what a pointer phi
// points to: that part of each of its edges, not each edge whole. A loop
// that walks up a thread (current := status; …; current = parent) reads
// current.InReplyToURI, the reply's column, not the reply. A phi met again
// within one read adds nothing (a loop), and past maxPhiParts phis the
// part is read from what the phi's values hold.
func (c *funcCtx) phiPart(st *state, e *env, phi *ssa.Phi, path, name string, cr colRef) labels {
	if c.phiSeen == nil {
		c.phiSeen = make(map[*ssa.Phi]bool)
		defer func() { c.phiSeen = nil }()
	}
	c.phiSeen[phi] = true
	var ls labels
	for i, edge := range phi.Edges {
		if b := phi.Block(); edge == phi || i < len(b.Preds) && c.notTaken(b.Preds[i], b) {
			continue
		}
		b, p := c.loc(e, edge)
		b, p = st.canon(b, p+path)
		ls = ls.union(c.readLoc(st, e, b, p, name, cr))
	}
	return ls
}

// anyDirty reports whether a part of a location was stored to. Under a
// location that a load filled whole, that is a change since the load: a
// store under it came after it, as the load replaced what was there.
func anyDirty(subs []entry) bool {
	return slices.ContainsFunc(subs, func(e entry) bool { return e.dirty })
}

// computedLoads marks the load labels of ls as computed: a loaded value
// with a part changed since (a field of a decoded record set, an element
// of a loaded map or slice replaced), written back whole, undoes what
// others changed in the parts it did not touch.
func (c *funcCtx) computedLoads(ls labels) labels {
	out := make(labels, 0, len(ls))
	for _, l := range ls {
		if l.Load != nil {
			l = c.computed(labels{l})[0]
		}
		out = out.union(labels{l})
	}
	return out
}

// isPartsType reports whether a value of type t reaches parts that can
// change while the value itself does not: a map, or a pointer to a
// struct or a map. A slice is not: its elements are the list's own
// (appendedTo and dropsElements say when a list changes), and bytes are
// text.
func isPartsType(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Map:
		return true
	case *types.Pointer:
		switch u.Elem().Underlying().(type) {
		case *types.Struct, *types.Map:
			return true
		}
	}
	return false
}

// changedInPart reports whether something under base+path was stored
// since the value there was read.
func changedInPart(st *state, base ssa.Value, path string) bool {
	_, _, _, subs := st.lookup(base, path)
	return anyDirty(subs)
}

// computedColumns marks as computed the load labels of ls that name a
// column: the value of one column changed in part, not a record.
func (c *funcCtx) computedColumns(ls labels) labels {
	out := make(labels, 0, len(ls))
	for _, l := range ls {
		if l.Load != nil && l.Column != "" {
			l = c.computed(labels{l})[0]
		}
		out = out.union(labels{l})
	}
	return out
}

// colRef is the column a value is read at: the column of the field read,
// and the struct the field belongs to (nil when not known); of is the
// type of the value read, when known.
type colRef struct {
	name   string
	record *types.Struct
	of     types.Type
}

// replacedScalar reports whether the changed parts of a value of type t
// that the driver stores in one column (a sql.NullTime) replace it rather
// than change it: none of them holds loaded data (d.Time = time.Now();
// d.Valid = true), unlike n.Int64++.
func replacedScalar(t types.Type, subs []entry) bool {
	if t == nil || !isColumnStruct(t) {
		return false
	}
	return !slices.ContainsFunc(subs, func(en entry) bool { return en.dirty && hasLoad(en.labels) })
}

// fieldRef returns the column of field i of the struct that t is or
// points to.
func fieldRef(t types.Type, i int) colRef {
	st, _ := derefType(t).Underlying().(*types.Struct)
	return colRef{name: columnName(fieldOf(t, i).Name(), fieldTag(t, i)), record: st}
}

// partRef returns the column of field i of the struct x holds or points
// to; a part of a value the driver stores in one column
// (code.ConsumedAt.Valid of a sql.NullTime) is of that column.
func partRef(e *env, x ssa.Value, i int) colRef {
	for range maxDepth {
		if !isColumnStruct(x.Type()) {
			break
		}
		switch outer := e.resolve(x).(type) {
		case *ssa.FieldAddr:
			x, i = outer.X, outer.Field
			continue
		case *ssa.Field:
			x, i = outer.X, outer.Field
			continue
		}
		break
	}
	if ref, ok := elementRef(e, x); ok {
		return ref
	}
	return fieldRef(x.Type(), i)
}

// elementRef returns, for x an element of a slice or array kept in a
// field of a record that a tag declares a column (it of range order.Items,
// with the items stored as JSON in one column), the column of that field:
// the element's own fields are parts of it, not columns of the table (an
// item's Price is not the order's price). ok is false for anything else,
// such as an element of the rows a load returned, whose fields are columns.
func elementRef(e *env, x ssa.Value) (colRef, bool) {
	x = e.resolve(x)
	if addr, ok := loadedFrom(e, x); ok {
		x = addr
	}
	var coll ssa.Value
	switch el := x.(type) {
	case *ssa.IndexAddr:
		coll = el.X
	case *ssa.Index:
		coll = el.X
	default:
		return colRef{}, false
	}
	var t types.Type
	var i int
	coll = e.resolve(coll)
	if addr, ok := loadedFrom(e, coll); ok {
		coll = addr
	}
	switch f := coll.(type) {
	case *ssa.FieldAddr:
		t, i = f.X.Type(), f.Field
	case *ssa.Field:
		t, i = f.X.Type(), f.Field
	default:
		return colRef{}, false
	}
	// Only a field a library's tag declares a column (xorm:"mediumtext",
	// gorm:"serializer:json"): a list in an untagged field may be rows
	// the program keeps there (a user's credentials, a GORM association).
	if ft := apis.ReadTag(fieldOf(t, i).Name(), fieldTag(t, i)); !ft.Declared || ft.Relation || ft.Omit {
		return colRef{}, false
	}
	return fieldRef(t, i), true
}

// loadedFrom returns the address a value was loaded from (*p), if it was.
func loadedFrom(e *env, v ssa.Value) (ssa.Value, bool) {
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		return e.resolve(u.X), true
	}
	return nil, false
}

// narrow keeps, of the labels of a whole record read one field at a time,
// those that can be the field's column: a record whose fields were read
// into separate columns (rows.Scan(&it.ID, &it.Qty)) and then copied as a
// whole (into a slice, through a call) carries the labels of every field,
// and reading it.Qty must name neither it.ID nor any other column of it.
// A label of a column the struct has no field for is kept: a value
// computed from a load and kept in a struct of another shape (an
// advance's newPosition, from position). The labels of a record loaded
// whole (GORM's First) are kept, to learn the column from the field; so
// are parameters' labels. A load of no known column that merely passed
// into the record is not the field's.
func (c *funcCtx) narrow(ls labels, col colRef) labels {
	if col.name == "" {
		return ls
	}
	return slices.DeleteFunc(slices.Clone(ls), func(l *Label) bool {
		if l.Load == nil {
			return false
		}
		if l.Column != "" {
			return l.Column != col.name && (col.record == nil || c.a.columnsOf(col.record)[l.Column])
		}
		return !l.Load.Record && l.Slot == 0
	})
}

// columnsOf returns the columns the fields of a struct map to (as an ORM
// or a scan into it would), computed once per struct.
func (a *Analysis) columnsOf(st *types.Struct) map[string]bool {
	if cols, ok := a.columns[st]; ok {
		return cols
	}
	cols := make(map[string]bool)
	for _, f := range recordFields(st) {
		cols[f.column] = true
	}
	for i := 0; i < st.NumFields(); i++ {
		tag := apis.ReadTag(st.Field(i).Name(), st.Tag(i))
		cols[tag.Column] = true
		if tag.Bind != "" {
			cols[tag.Bind] = true
		}
	}
	if a.columns == nil {
		a.columns = make(map[*types.Struct]map[string]bool)
	}
	a.columns[st] = cols
	return cols
}

// deeper returns parameter labels for data further inside the value they
// name: a struct parameter spilled to a local and read field by field.
func (c *funcCtx) deeper(ls labels, suffix string) labels {
	if suffix == "" {
		return ls
	}
	out := make(labels, 0, len(ls))
	for _, l := range ls {
		if l.Load == nil {
			m := *l
			m.PPath += suffix
			l = c.label(m)
		}
		out = append(out, l)
	}
	return out
}

// columnFromEntry keeps the column a load recorded for exactly this
// location (a Scan destination), or derives it from the field.
func columnFromEntry(en entry, fallback string) string {
	for _, l := range en.labels {
		if l.Column != "" {
			return l.Column
		}
	}
	if en.field != nil {
		return columnName(en.field.Name(), en.tag)
	}
	return fallback
}

// baseLabels returns the labels of data reached from base without a
// memory entry: a root parameter yields a parameter label for the path;
// any other value its own labels.
func (c *funcCtx) baseLabels(e *env, base ssa.Value, path string) labels {
	if p, ok := base.(*ssa.Parameter); ok {
		if i := c.paramIndex(p); i >= 0 {
			return labels{c.label(Label{Param: i, PPath: path, Name: p.Name() + renderPath(path)})}
		}
		return nil
	}
	return c.taint(e, base)
}

// readField returns the labels of a field of a struct value, read from the
// field's own location: the memory the struct was loaded from, or the
// field path within a parameter or a call's result.
func (c *funcCtx) readField(st *state, e *env, f *ssa.Field) labels {
	base, path := c.valKey(e, f.X)
	fv := fieldOf(f.X.Type(), f.Field)
	path += "." + fv.Name()
	name := c.nameOf(base) + renderPath(path)
	base, path = st.canon(base, path)
	col := partRef(e, f.X, f.Field)
	col.of = f.Type()
	return c.readLoc(st, e, base, path, name, col)
}

// readLookup returns the labels of a map or string element.
func (c *funcCtx) readLookup(st *state, e *env, l *ssa.Lookup) labels {
	if _, ok := l.X.Type().Underlying().(*types.Map); ok {
		base, path := c.place(st, e, l.X)
		return c.readLoc(st, e, base, path+mapKey(l.Index), c.nameOf(base), colRef{})
	}
	return c.taint(e, l.X)
}

// pointee returns the labels of the memory a pointer result refers to
// (for summaries of functions that return a pointer to a loaded record).
func (c *funcCtx) pointee(st *state, e *env, v ssa.Value) labels {
	if !isPointerLike(v.Type()) {
		return nil
	}
	base, path := c.place(st, e, v)
	cover, _, found, subs := st.lookup(base, path)
	var ls labels
	if found {
		ls = cover.labels
	}
	if found && anyDirty(subs) {
		ls = c.computedLoads(ls)
	}
	for _, s := range subs {
		ls = ls.union(s.labels)
	}
	return ls
}

// renderPath turns an access path into Go syntax: ".acc*.Balance" →
// ".acc.Balance", "[]" → "[i]".
func renderPath(p string) string {
	if p == "" {
		return ""
	}
	p = strings.ReplaceAll(p, "*", "")
	p = strings.ReplaceAll(p, "[]", "[i]")
	p = strings.ReplaceAll(p, "{}", "[k]")
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '{' {
			j := strings.IndexByte(p[i:], '}')
			if j > 0 {
				b.WriteString(`["` + p[i+1:i+j] + `"]`)
				i += j
				continue
			}
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// columnName returns the column an ORM maps a struct field to, by the
// tag conventions of the libraries (apis.ReadTag): the column a tag
// names, else the snake_case of the field name (UserID → user_id).
func columnName(field, tag string) string { return apis.ReadTag(field, tag).Column }

// nameOf returns the Go name of a value for messages: the variable it is
// bound to, a parameter or global name, or a description of the call that
// produced it.
func (c *funcCtx) nameOf(v ssa.Value) string {
	if c.names == nil {
		c.names = make(map[ssa.Value]string)
		debugNames(c.root, c.names)
	}
	if n, ok := c.names[v]; ok {
		return n
	}
	switch x := v.(type) {
	case *ssa.Parameter:
		return x.Name()
	case *ssa.FreeVar:
		return x.Name()
	case *ssa.Global:
		return x.Name()
	case *ssa.Alloc:
		if x.Comment != "" && !strings.Contains(x.Comment, "lit") && x.Comment != "varargs" && x.Comment != "new" {
			return x.Comment
		}
	case *ssa.Extract:
		if call, ok := x.Tuple.(*ssa.Call); ok {
			return c.nameOf(call)
		}
	case *ssa.Call:
		if fn := x.Common().StaticCallee(); fn != nil {
			return fn.Name() + "()"
		}
		if m := x.Common().Method; m != nil {
			return m.Name() + "()"
		}
	}
	return "the value"
}

// debugName returns the source variable a value is bound to, if any.
func (c *funcCtx) debugName(v ssa.Value) (string, bool) {
	c.nameOf(v) // builds the table
	n, ok := c.names[v]
	return n, ok
}

// debugNames maps the values of fn and its closures to the source
// identifiers that denote them (from the DebugRef instructions that
// ssa.GlobalDebug adds).
func debugNames(fn *ssa.Function, names map[ssa.Value]string) {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			ref, ok := instr.(*ssa.DebugRef)
			if !ok {
				continue
			}
			if obj, ok := ref.Object().(*types.Var); ok && obj != nil {
				if _, dup := names[ref.X]; !dup {
					names[ref.X] = obj.Name()
				}
			}
		}
	}
	for _, anon := range fn.AnonFuncs {
		debugNames(anon, names)
	}
}

// derefType returns what a pointer type points to, or t itself.
func derefType(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// namedField returns the labels and the type of what binds the sqlx
// placeholder :name in v: the struct field whose binding tag
// (apis.FieldTag.Bind) or, without one, lower-cased name is name, or the
// map entry with that key.
func (c *funcCtx) namedField(st *state, e *env, v ssa.Value, name string) (labels, types.Type) {
	v = peel(e.resolve(v))
	switch u := derefType(v.Type()).Underlying().(type) {
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			col := cmp.Or(apis.ReadTag(f.Name(), u.Tag(i)).Bind, strings.ToLower(f.Name()))
			if col != name {
				continue
			}
			var base ssa.Value
			var path string
			if _, ok := v.Type().Underlying().(*types.Pointer); ok {
				base, path = c.place(st, e, v)
			} else {
				base, path = c.valPlace(st, e, v)
			}
			path += "." + f.Name()
			return c.readLoc(st, e, base, path, c.nameOf(base)+renderPath(path), colRef{name: name, record: u}), f.Type()
		}
	case *types.Map:
		base, path := c.place(st, e, v)
		return c.readLoc(st, e, base, path+"{"+name+"}", c.nameOf(base)+`["`+name+`"]`, colRef{name: name}), u.Elem()
	}
	return nil, nil
}

// ColumnName returns the column an ORM maps a struct field with a tag to
// (see columnName).
func ColumnName(field, tag string) string { return columnName(field, tag) }
