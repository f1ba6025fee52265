package flow

import (
	"go/token"
	"go/types"
	"maps"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/sqltext"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// Recounts returns the table an UPDATE's text writes and the columns it
// sets to what it counts from other rows (SET num_comments = (SELECT
// COUNT(*) …)), or nothing for text that is not such an UPDATE: what the
// program recounts wherever it keeps the text, in a table of checks run
// through a field as well as in a call's argument.
func Recounts(text string) (table string, columns []string) {
	s := sqltext.Parse(text)
	if s.Kind != sqltext.Update {
		return "", nil
	}
	table = stmtTable(&s)
	for i := range s.Sets {
		if recount(&s.Sets[i], text, table) {
			columns = append(columns, s.Sets[i].Column)
		}
	}
	if len(columns) == 0 || table == "" {
		return "", nil
	}
	return table, columns
}

// recount reports whether an assignment of an UPDATE (whose text is sql)
// sets its column of table from other rows: not from its own old value
// nor from a value of Go, but from a subquery (whose placeholders only
// filter what it counts) or a column of another table of the statement
// (SET photo_count = b.label_photos).
func recount(a *sqltext.Assignment, sql, table string) bool {
	if a.Self || a.ExprStart >= a.ExprEnd || a.ExprEnd > len(sql) {
		return false
	}
	expr := sql[a.ExprStart:a.ExprEnd]
	if len(a.Params) > 0 && !isSubquery(expr) {
		return false // a value from Go
	}
	return recountExpr(expr, table)
}

// isSubquery reports whether an SQL expression is one parenthesised
// SELECT: placeholders in it filter the rows it counts (JOIN photos p ON
// ?), they are not the value set.
func isSubquery(expr string) bool {
	expr = strings.TrimSpace(expr)
	if len(expr) < 2 || expr[0] != '(' || expr[len(expr)-1] != ')' {
		return false
	}
	inner := strings.TrimSpace(expr[1 : len(expr)-1])
	if len(inner) < 6 || !strings.EqualFold(inner[:6], "SELECT") {
		return false
	}
	depth := 0
	for i := range len(expr) - 1 {
		switch expr[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return false // (SELECT …) + (…): the first parenthesis closes early
			}
		}
	}
	return true
}

// qualifiedName matches a qualified column, its qualifier first.
var qualifiedName = regexp.MustCompile(`(?i)\b([a-z_][a-z0-9_]*)\.[a-z_][a-z0-9_]*\b`)

// recountExpr reports whether an SQL expression that reads no placeholder
// sets a column of table from other rows: a subquery, or a column of
// another table of the statement (SET photo_count = b.label_photos).
func recountExpr(expr, table string) bool {
	if strings.Contains(strings.ToUpper(expr), "SELECT") {
		return true
	}
	table = table[strings.IndexByte(table, ':')+1:]
	for _, m := range qualifiedName.FindAllStringSubmatch(expr, -1) {
		if !strings.EqualFold(m[1], table) && !strings.EqualFold(m[1], "excluded") {
			return true
		}
	}
	return false
}

// fieldNameColumns renames the values written to a model of type t whose
// columns are given as the Go names of its fields (Updates(map{"LabelSrc":
// s}), in a library whose row says so: apis.LibInfo.FieldNames) to the
// fields' columns, and returns the model's fields.
func fieldNameColumns(vals []Written, t types.Type) []recordField {
	fields := recordFields(t)
	for i := range vals {
		vals[i].Column = fieldNameColumn(fields, vals[i].Column)
	}
	return fields
}

// fieldNameColumn returns the column written for key, a column name or
// the Go name of one of a model's fields: the field's column, or key
// itself.
func fieldNameColumn(fields []recordField, key string) string {
	if key == "" || !token.IsExported(key) {
		return key
	}
	for _, f := range fields {
		if f.path[strings.LastIndexByte(f.path, '.')+1:] == key {
			return f.column
		}
	}
	return key
}

// objectWrites returns what writing the record a value points to (or is)
// whole writes, as GORM's Save and Updates and bun's model updates do:
// each field that holds loaded data or was assigned, by column (only the
// columns in only, when given); or each entry of a map. It also returns
// the columns whose value is a SQL expression (gorm.Expr), written
// atomically. For a record reached from a parameter of the function, it
// adds a write of that whole parameter, which callers expand with their
// own data.
func (c *funcCtx) objectWrites(st *state, e *env, v ssa.Value, sub string, only []string) ([]Written, []string) {
	v = peel(e.resolve(v))
	var base ssa.Value
	var path string
	t := v.Type()
	if isPointerLike(t) {
		base, path = c.place(st, e, v)
		if _, ok := t.Underlying().(*types.Pointer); ok {
			t = derefType(t)
			if isPointerLike(t) {
				path += "*" // Save(&c) of a pointer c: GORM takes the **T; Save(&ps) of a slice
				if _, ok := t.Underlying().(*types.Pointer); ok {
					t = derefType(t)
				}
			}
		}
		if sl, ok := t.Underlying().(*types.Slice); ok {
			path += "[]" // Save(ps): every element
			t = sl.Elem()
			if _, ok := t.Underlying().(*types.Pointer); ok {
				t = derefType(t)
				path += "*"
			}
		}
	} else {
		base, path = c.valPlace(st, e, v)
	}
	t = typeAt(t, sub)
	base, path = st.canon(base, path+sub)
	wanted := func(col string) bool { return len(only) == 0 || slices.Contains(only, col) }
	var vals []Written
	var atomic []string
	if t == nil || isMapType(t) {
		vals, atomic = c.storedWrites(st, base, path, nil, wanted, true)
	} else if c.holdsLoad(st, e, base, path) {
		for _, f := range recordFields(t) {
			if !wanted(f.column) {
				continue
			}
			fb, fp := st.canon(base, path+f.path)
			en, stored := st.mem[fb][fp]
			if stored && en.atomic {
				atomic = append(atomic, f.column)
				continue
			}
			name := c.nameOf(base) + renderPath(path+f.path)
			ls := c.readLoc(st, e, fb, fp, name, colRef{name: f.column, record: recordStruct(t)})
			if kept, set := c.setBefore(st, e, v, f.path, ls); set && len(kept) < len(ls) {
				// cluster.Status = Abnormal on every path to the write,
				// through the pointer written: a weak update of a list's
				// elements (the loop's record) still holds the value read,
				// which does not reach the write.
				ls, stored, en.dirty = kept, true, true
			}
			if len(ls) == 0 && !(stored && en.dirty) {
				continue
			}
			vals = append(vals, Written{Column: f.column, Name: name, Labels: ls, Arg: -1, Numeric: isNumeric(f.typ), Time: isTime(f.typ), Fresh: stored && en.dirty, Const: stored && en.konst && len(ls) == 0, Value: en.kval})
		}
	} else {
		vals, atomic = c.storedWrites(st, base, path, t, wanted, false)
	}
	if p, ok := paramOf(base); ok {
		if i := c.paramIndex(p); i >= 0 {
			l := c.label(Label{Param: i, PPath: path, Name: p.Name() + renderPath(path)})
			// A record passed by value is kept in a local variable: what
			// was stored there at entry is the parameter, which the
			// whole write says.
			vals = slices.DeleteFunc(vals, func(v Written) bool {
				return v.Column == "" && len(v.Labels) == 1 && v.Labels[0].Load == nil && v.Labels[0].Param == i && v.Labels[0].PPath == path
			})
			vals = append(vals, Written{Name: l.Name, Labels: labels{l}, Arg: -1, Whole: true, Only: only})
		}
	}
	return vals, atomic
}

// setBefore reports whether field path (".Status", one level) of the
// record pointer rec is stored through rec itself on every path to the
// current instruction (the write), and returns ls, what the field holds
// there, without the values read into it as they were (a copied label of
// a load) that no store through rec puts back: a weak update of a list's
// elements keeps them, but they do not reach the write.
func (c *funcCtx) setBefore(st *state, e *env, rec ssa.Value, path string, ls labels) (labels, bool) {
	readAsIs := func(l *Label) bool { return l.Load != nil && l.Change == summary.Copied }
	at := c.at
	if at == nil || at.Block() == nil || rec == nil || strings.Count(path, ".") != 1 || !slices.ContainsFunc(ls, readAsIs) {
		return ls, false // nothing read as it was to take out: no uses to look through
	}
	if _, ok := rec.Type().Underlying().(*types.Pointer); !ok {
		return ls, false
	}
	refs := rec.Referrers()
	if refs == nil {
		return ls, false // a global or a constant: no uses to look through
	}
	name := strings.TrimPrefix(path, ".")
	var stored labels
	set := false
	for _, r := range *refs {
		fa, ok := r.(*ssa.FieldAddr)
		if !ok || fa.X != rec || fieldOf(fa.X.Type(), fa.Field).Name() != name {
			continue
		}
		for _, fr := range *fa.Referrers() {
			if s, ok := fr.(*ssa.Store); ok && s.Addr == fa {
				stored = stored.union(c.valueLabels(st, e, s.Val))
				set = set || runsBefore(s, at)
			}
		}
	}
	if !set {
		return ls, false
	}
	var kept labels
	for _, l := range ls {
		if readAsIs(l) && !slices.ContainsFunc(stored, func(x *Label) bool { return x.Load == l.Load }) {
			continue
		}
		kept = append(kept, l)
	}
	return kept, true
}

// runsBefore reports whether instruction a runs on every path to b, in
// one function.
func runsBefore(a, b ssa.Instruction) bool {
	ab, bb := a.Block(), b.Block()
	if ab == nil || bb == nil || ab.Parent() != bb.Parent() {
		return false
	}
	if ab != bb {
		return ab.Dominates(bb)
	}
	for _, x := range ab.Instrs {
		switch x {
		case a:
			return true
		case b:
			return false
		}
	}
	return false
}

// paramOf returns the parameter a location is: the parameter itself, or
// the local variable a record parameter passed by value is kept in.
func paramOf(base ssa.Value) (*ssa.Parameter, bool) {
	if a, ok := base.(*ssa.Alloc); ok {
		base = storedValue(a)
	}
	p, ok := base.(*ssa.Parameter)
	return p, ok
}

// storedWrites returns what a whole write stores of the locations stored
// to under base+path: the entries of a map (all of them, by key), or the
// changed fields of a record no load filled (those with labels, in field
// order), and the columns set to SQL expressions.
func (c *funcCtx) storedWrites(st *state, base ssa.Value, path string, t types.Type, wanted func(string) bool, isMap bool) ([]Written, []string) {
	var vals []Written
	var atomic []string
	paths, entries := st.dirtyUnder(base, path)
	if !isMap {
		sortByField(paths, entries)
	}
	var fields []recordField
	if t != nil && !isMap {
		fields = recordFields(t)
	}
	for i, en := range entries {
		col := ""
		numeric := en.numeric
		if isMap {
			col = mapColumn(paths[i])
		}
		if en.field != nil {
			col = columnName(en.field.Name(), en.tag)
			numeric = numeric || isNumeric(en.field.Type())
		} else if j := slices.IndexFunc(fields, func(f recordField) bool { return path+f.path == paths[i] }); j >= 0 {
			// A field a callee changed (m.SetTitle(t) sets m.Slug): the
			// record's type names its column.
			col, numeric = fields[j].column, numeric || isNumeric(fields[j].typ)
		}
		switch {
		case !wanted(col):
		case en.atomic:
			atomic = append(atomic, col)
		case isMap || len(en.labels) > 0:
			name := c.nameOf(base) + renderPath(paths[i])
			if isMap && c.nameOf(base) == "the value" {
				name = col // an entry of a map literal: its key says what it is
			}
			vals = append(vals, Written{Column: col, Name: name, Labels: en.labels, Arg: -1,
				Numeric: numeric, Const: en.konst && len(en.labels) == 0, Value: en.kval})
		}
	}
	return vals, atomic
}

// holdsLoad reports whether the memory at base+path, or within it, holds
// loaded data: a record whose every field a whole write puts back.
func (c *funcCtx) holdsLoad(st *state, e *env, base ssa.Value, path string) bool {
	whole, _, subs := c.coverOf(st, e, base, path, "", colRef{})
	if hasLoad(whole) {
		return true
	}
	for _, s := range subs {
		if hasLoad(s.labels) {
			return true
		}
	}
	return false
}

// recordField is a field of a record that an ORM maps to a column.
type recordField struct {
	path   string // ".Quota", ".Model.ID"
	column string
	typ    types.Type
}

// recordFields returns the fields of a struct that an ORM writes as
// columns, in declaration order, with embedded structs (gorm.Model)
// flattened: fields of basic types, times, and types that are values in
// the database (sql.Null*, a type with a Value method), not associations
// (other structs, slices of them) nor fields a tag leaves out ("-", or
// xorm's "<-", read from the database and never written).
func recordFields(t types.Type) []recordField {
	st, ok := derefType(t).Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	var out []recordField
	var walk func(st *types.Struct, prefix string, depth int)
	walk = func(st *types.Struct, prefix string, depth int) {
		for i := 0; i < st.NumFields(); i++ {
			f := st.Field(i)
			tag := apis.ReadTag(f.Name(), st.Tag(i))
			if !f.Exported() || tag.Omit {
				continue
			}
			if f.Embedded() && depth < 3 {
				if inner, ok := derefType(f.Type()).Underlying().(*types.Struct); ok && !isColumnValue(f.Type()) {
					walk(inner, prefix+"."+f.Name(), depth+1)
					continue
				}
			}
			if !isColumnValue(f.Type()) {
				continue
			}
			out = append(out, recordField{path: prefix + "." + f.Name(), column: tag.Column, typ: f.Type()})
		}
	}
	walk(st, "", 0)
	return out
}

// isColumnValue reports whether a field of type t is stored in a column of
// its own: a basic type, a byte slice, an array or JSON list of values, a
// map, a time, or a struct the driver stores as a value (sql.NullString,
// gorm.DeletedAt, a Valuer).
func isColumnValue(t types.Type) bool {
	t = types.Unalias(t)
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return true
	case *types.Slice:
		// []byte, a PostgreSQL array or a JSON list (bun marshals slices
		// and maps to JSON); a slice of records is an association.
		_, ofRecords := derefType(u.Elem()).Underlying().(*types.Struct)
		return !ofRecords || hasValueMethod(t)
	case *types.Map, *types.Array:
		return true
	case *types.Struct:
		if n, ok := t.(*types.Named); ok && n.Obj().Pkg() != nil && apis.IsValueStructPkg(n.Obj().Pkg().Path()) {
			return true
		}
		return hasValueMethod(t)
	}
	return false
}

// isColumnStruct reports whether t (or what it points to) is a named
// struct the driver stores in one column (sql.NullTime, a Valuer): its
// fields are parts of one column's value.
func isColumnStruct(t types.Type) bool {
	t = derefType(t)
	if _, named := types.Unalias(t).(*types.Named); !named {
		return false
	}
	_, isStruct := t.Underlying().(*types.Struct)
	return isStruct && isColumnValue(t)
}

// hasValueMethod reports whether t (or *t) has a Value method, as a
// database/sql/driver.Valuer does.
func hasValueMethod(t types.Type) bool {
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "Value")
	_, ok := obj.(*types.Func)
	return ok
}

// typeAt returns the type of the data at an access path within a value of
// type t, or nil when the path leaves what types can follow.
func typeAt(t types.Type, path string) types.Type {
	for path != "" && t != nil {
		switch path[0] {
		case '*':
			t = derefType(t)
			path = path[1:]
		case '.':
			end := 1
			for end < len(path) && !strings.ContainsRune(".*[{", rune(path[end])) {
				end++
			}
			name := path[1:end]
			path = path[end:]
			st, ok := derefType(t).Underlying().(*types.Struct)
			if !ok {
				return nil
			}
			var next types.Type
			for i := 0; i < st.NumFields(); i++ {
				if st.Field(i).Name() == name {
					next = st.Field(i).Type()
				}
			}
			t = next
		default:
			return nil
		}
	}
	return t
}

// fieldAt returns the struct field that access path ends at within a
// value of type t (".Key" of a *Setting), its tag and the struct it
// belongs to; nil when the path ends elsewhere (an element, a pointer).
func fieldAt(t types.Type, path string) (*types.Var, string, *types.Struct) {
	i := strings.LastIndexAny(path, ".*[{")
	if i < 0 || path[i] != '.' {
		return nil, "", nil
	}
	pt := typeAt(t, path[:i])
	if pt == nil {
		return nil, "", nil // a path through a slice or map element
	}
	st, ok := derefType(pt).Underlying().(*types.Struct)
	if !ok {
		return nil, "", nil
	}
	if i > 0 && isColumnStruct(pt) {
		// A part of a value the driver stores in one column
		// (code.ConsumedAt.Valid of a sql.NullTime) is that column.
		if f, tag, outer := fieldAt(t, path[:i]); f != nil {
			return f, tag, outer
		}
	}
	for j := 0; j < st.NumFields(); j++ {
		if st.Field(j).Name() == path[i+1:] {
			return st.Field(j), st.Tag(j), st
		}
	}
	return nil, "", nil
}

// sortByField orders changed locations by the declaration order of their
// fields, as GORM writes them, and the rest by path.
func sortByField(paths []string, entries []entry) {
	idx := make([]int, len(paths))
	for i := range idx {
		idx[i] = i
	}
	pos := func(i int) token.Pos {
		if f := entries[i].field; f != nil {
			return f.Pos()
		}
		return token.NoPos
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if pa, pb := pos(a), pos(b); pa != pb && pa.IsValid() && pb.IsValid() {
			return int(pa - pb)
		}
		return strings.Compare(paths[a], paths[b])
	})
	ps, es := slices.Clone(paths), slices.Clone(entries)
	for i, j := range idx {
		paths[i], entries[i] = ps[j], es[j]
	}
}

// recordStruct returns the struct t is or points to, or nil.
func recordStruct(t types.Type) *types.Struct {
	st, _ := derefType(t).Underlying().(*types.Struct)
	return st
}

// isMapType reports whether t is a map.
func isMapType(t types.Type) bool {
	_, ok := t.Underlying().(*types.Map)
	return ok
}

// recordRow returns which row the record v points to (or is) holds: the
// parameter it is, or the loads whose values its fields still hold as
// they were read. A record with no such field (a new one, one whose every
// field was set) is a row not known.
func (c *funcCtx) recordRow(st *state, e *env, v ssa.Value) RowOf {
	if v == nil {
		return RowOf{}
	}
	v = peel(e.resolve(v))
	var base ssa.Value
	var path string
	if isPointerLike(v.Type()) {
		base, path = c.place(st, e, v)
	} else {
		base, path = c.valPlace(st, e, v)
	}
	if base == nil {
		return RowOf{}
	}
	var row RowOf
	if p, ok := base.(*ssa.Parameter); ok {
		if i := c.paramIndex(p); i >= 0 {
			row.Params = append(row.Params, i)
		}
	}
	// Loads of whole records that the record, or a field of it, holds as
	// read: not a value copied from another record into another column.
	add := func(en entry, whole bool) {
		col := ""
		if en.field != nil {
			col = columnName(en.field.Name(), en.tag)
		}
		for _, l := range en.labels {
			if l.Load == nil || !l.Load.Record || l.Changed() || !whole && (col == "" || l.Column != col) {
				continue
			}
			if !slices.Contains(row.Loads, l.Load) {
				row.Loads = append(row.Loads, l.Load)
			}
		}
	}
	if cover, _, found, _ := st.lookup(base, path); found {
		add(cover, true)
	} else if _, isParam := base.(*ssa.Parameter); !isParam {
		add(entry{labels: c.taint(e, base)}, true) // a record a callee returned
	}
	for _, p := range slices.Sorted(maps.Keys(st.mem[base])) {
		if p != path && under(p, path) {
			add(st.mem[base][p], false)
		}
	}
	slices.Sort(row.Params)
	return row
}
