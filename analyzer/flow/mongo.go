package flow

import (
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// The MongoDB driver's shapes that a row of the apis table cannot say:
// the documents (bson.M and bson.D literals) that filter and update, and
// the collection an operation runs on. A collection is a table, "mongo:"
// and its name; a document's field is a column; the operation's handle is
// its context argument, which carries the session of WithTransaction.

// docShape reads MongoDB's collections and documents: the filter
// FindOne and Find run, and what UpdateOne, UpdateByID, FindOneAndUpdate
// and ReplaceOne write.
type docShape struct{ baseShape }

func (docShape) run(c *funcCtx, st *state, e *env, x apiCall) {
	c.queries[x.call] = c.docQuery(e, x)
}

func (docShape) write(c *funcCtx, st *state, e *env, x apiCall) {
	c.docWrite(st, e, x)
}

// docEntry is one field of a BSON document literal: its key and value.
type docEntry struct {
	key string
	val ssa.Value
}

// docEntries returns the fields of a BSON document built as a literal in
// SSA: a map with string keys (bson.M{"$set": …}), whose constant keys
// are read from its updates in key order, or a slice of key-value structs
// (bson.D{{Key: "$set", Value: …}}) in element order. ok is false for
// any other value (a struct, a document built elsewhere).
func docEntries(e *env, v ssa.Value) (entries []docEntry, ok bool) {
	switch x := peel(e.resolve(v)).(type) {
	case *ssa.MakeMap:
		for _, ref := range *x.Referrers() {
			u, isUpdate := ref.(*ssa.MapUpdate)
			if !isUpdate || u.Map != x {
				continue
			}
			if k, isConst := peel(u.Key).(*ssa.Const); isConst && k.Value != nil && k.Value.Kind() == constant.String {
				entries = append(entries, docEntry{constant.StringVal(k.Value), u.Value})
			}
		}
		sort.SliceStable(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
		return entries, true
	case *ssa.Slice:
		arr, isAlloc := x.X.(*ssa.Alloc)
		if !isAlloc || !isDocElem(x.Type()) {
			return nil, false
		}
		for _, ref := range *arr.Referrers() {
			ia, isIndex := ref.(*ssa.IndexAddr)
			if !isIndex || ia.X != arr {
				continue
			}
			if en, ok := elemEntry(ia); ok {
				entries = append(entries, en)
			}
		}
		return entries, true
	}
	return nil, false
}

// elemEntry returns the key and value stored into an element of a
// bson.D literal, field by field (&arr[i].Key) or as a struct built in a
// local first (arr[i] = *complit).
func elemEntry(elem *ssa.IndexAddr) (docEntry, bool) {
	var en docEntry
	addrs := []ssa.Value{elem}
	for _, r := range *elem.Referrers() {
		if st, ok := r.(*ssa.Store); ok && st.Addr == elem {
			if u, ok := st.Val.(*ssa.UnOp); ok && u.Op == token.MUL {
				if local, ok := u.X.(*ssa.Alloc); ok {
					addrs = append(addrs, local)
				}
			}
		}
	}
	for _, addr := range addrs {
		for _, r := range *addr.Referrers() {
			fa, ok := r.(*ssa.FieldAddr)
			if !ok || fa.X != addr {
				continue
			}
			for _, fr := range *fa.Referrers() {
				st, ok := fr.(*ssa.Store)
				if !ok || st.Addr != fa {
					continue
				}
				switch fa.Field {
				case 0:
					if k, ok := peel(st.Val).(*ssa.Const); ok && k.Value != nil && k.Value.Kind() == constant.String {
						en.key = constant.StringVal(k.Value)
					}
				case 1:
					en.val = st.Val
				}
			}
		}
	}
	return en, en.key != "" && en.val != nil
}

// isDocElem reports whether t is a slice of key-value structs, as bson.D
// is: struct{ Key string; Value any }.
func isDocElem(t types.Type) bool {
	sl, ok := t.Underlying().(*types.Slice)
	if !ok {
		return false
	}
	st, ok := sl.Elem().Underlying().(*types.Struct)
	return ok && st.NumFields() == 2 && st.Field(0).Name() == "Key" && isString(st.Field(0).Type()) &&
		st.Field(1).Name() == "Value" && types.IsInterface(st.Field(1).Type())
}

// docField returns the column a document key names: the key, or for a
// dotted path into an embedded document ("profile.balance",
// "items.$.qty") its last field, as a load names a nested struct's field.
func docField(key string) string {
	parts := strings.Split(key, ".")
	for i := len(parts) - 1; i >= 0; i-- {
		if p := parts[i]; p != "" && !strings.HasPrefix(p, "$") && strings.Trim(p, "0123456789") != "" {
			return p
		}
	}
	return key
}

// docFilter reads a filter document: the fields it compares with a value
// (bson.M{"_id": id, "balance": u.Balance}, or {"$eq": v}) find the
// documents and check the value read; those it tests with another
// operator ({"$gte": amt}) are tested. keys are the values the equalities
// compare with.
func docFilter(e *env, v ssa.Value) (eq, tested []string, keys map[string]ssa.Value) {
	entries, _ := docEntries(e, v)
	for _, en := range entries {
		if strings.HasPrefix(en.key, "$") {
			continue // $and, $or, $expr: not read
		}
		col := docField(en.key)
		tested = append(tested, col)
		ops, isDoc := docEntries(e, en.val)
		if isDoc && len(ops) > 0 && strings.HasPrefix(ops[0].key, "$") {
			for _, op := range ops {
				if op.key == "$eq" {
					eq = append(eq, col)
					keys = withKey(keys, col, keyValue(e, op.val))
				}
			}
			continue
		}
		eq = append(eq, col)
		keys = withKey(keys, col, keyValue(e, en.val))
	}
	return eq, tested, keys
}

// docQuery describes what FindOne or Find reads: the documents its filter
// finds in the receiver's collection, through the session its context
// carries.
func (c *funcCtx) docQuery(e *env, x apiCall) *query {
	call, spec, recv, args := x.call, x.spec, x.recv, x.args
	q := newQuery(c.docHandle(e, spec, args), spec.Lib, call.Pos())
	q.table = c.collection(e, recv)
	if spec.Filter >= 0 && spec.Filter < len(args) {
		q.keys, _, q.keyArgs = docFilter(e, args[spec.Filter])
	}
	return q
}

// docHandle returns the handle of a MongoDB operation: its context.
func (c *funcCtx) docHandle(e *env, spec apis.Spec, args []ssa.Value) Handle {
	if spec.Ctx < 0 || spec.Ctx >= len(args) || args[spec.Ctx] == nil {
		return Handle{Param: -1}
	}
	return c.handleOf(e, args[spec.Ctx])
}

// docAtomic are the update operators that compute a field's new value
// from its old one in the server.
var docAtomic = []string{"$inc", "$mul", "$min", "$max", "$bit", "$push", "$addToSet", "$pull", "$pullAll", "$pop"}

// docWrite records what UpdateOne, UpdateMany, UpdateByID and
// FindOneAndUpdate write (the fields of the update document's $set,
// atomically those of $inc, $push and the other operators that compute
// from the old value), or ReplaceOne and FindOneAndReplace (the
// replacement whole), to the documents the filter finds: its equalities
// check the values they compare with.
func (c *funcCtx) docWrite(st *state, e *env, x apiCall) {
	call, spec, recv, args, arg := x.call, x.spec, x.recv, x.args, x.arg
	doc := arg(spec.Value)
	if doc == nil {
		return
	}
	h := c.docHandle(e, spec, args)
	inTx := c.inTx(st, h)
	defer c.writeLock(st, call, h, inTx)
	var eq, tested []string
	var keys map[string]ssa.Value
	if f := arg(spec.Filter); f != nil {
		eq, tested, keys = docFilter(e, f)
	}
	if id := arg(spec.Column); id != nil {
		eq, keys = append(eq, "_id"), withKey(keys, "_id", keyValue(e, id)) // UpdateByID
	}
	var vals, deltas []Written
	var sets, atomic []string
	row := false
	if spec.Form == apis.Replace {
		vals, atomic, row = c.docSet(st, e, doc)
	} else {
		vals, sets, atomic, deltas, row = c.docUpdate(st, e, doc)
	}
	if row {
		r := c.recordRow(st, e, doc)
		for i := range vals {
			vals[i].Row = r
		}
	}
	for _, v := range vals {
		if v.Column != "" {
			sets = union(sets, []string{v.Column})
		}
	}
	if _, isTuple := call.Type().(*types.Tuple); !isTuple {
		// FindOneAndUpdate, FindOneAndReplace: the document its Decode
		// loads.
		q := newQuery(h, spec.Lib, call.Pos())
		q.table, q.keys, q.keyArgs = c.collection(e, recv), eq, keys
		c.queries[call] = q
	}
	w := c.apiWrite(st, x, spec.Form, h, inTx, vals)
	w.Table = c.collection(e, recv)
	w.Sets, w.Atomic = union(w.Sets, sets), union(w.Atomic, atomic)
	c.addDeltas(w, call, deltas)
	w.Checks = union(w.Checks, eq)
	w.Tested = union(w.Tested, tested)
	c.setKeys(st, e, w, keys)
	w.Row = w.Row || row || len(w.Sets) > MaxTargeted
}

// docUpdate reads an update document: the fields its $set, $unset and
// $currentDate set (from values, or from nothing read), and those its
// $inc, $push and the other operators that compute in the server change
// atomically, with what $inc adds (deltas). A $set of a struct writes the
// record whole (row).
func (c *funcCtx) docUpdate(st *state, e *env, doc ssa.Value) (vals []Written, sets, atomic []string, deltas []Written, row bool) {
	ops, _ := docEntries(e, doc)
	for _, op := range ops {
		fields, isDoc := docEntries(e, op.val)
		switch {
		case op.key == "$set" && !isDoc:
			v, a, r := c.docSet(st, e, op.val) // {"$set": &u}
			vals, atomic, row = append(vals, v...), append(atomic, a...), row || r
		case op.key == "$set":
			for _, f := range fields {
				vals = append(vals, c.docValue(st, e, f))
			}
		case op.key == "$unset" || op.key == "$currentDate":
			for _, f := range fields {
				sets = append(sets, docField(f.key))
			}
		case slices.Contains(docAtomic, op.key):
			for _, f := range fields {
				atomic = append(atomic, docField(f.key))
				if ls := c.valueLabels(st, e, f.val); op.key == "$inc" && len(ls) > 0 {
					deltas = append(deltas, Written{Column: docField(f.key), Labels: ls, Arg: -1, Numeric: true})
				}
			}
		}
	}
	return vals, sets, atomic, deltas, row
}

// docSet returns what writing a document whole writes: a literal's
// fields, or a record's (as GORM's Save writes a model), which is then a
// write of the whole row.
func (c *funcCtx) docSet(st *state, e *env, doc ssa.Value) (vals []Written, atomic []string, row bool) {
	if fields, ok := docEntries(e, doc); ok {
		for _, f := range fields {
			vals = append(vals, c.docValue(st, e, f))
		}
		return vals, nil, false
	}
	if n, _ := model(peel(e.resolve(doc)).Type()); n == nil {
		return nil, nil, false
	}
	vals, atomic = c.objectWrites(st, e, doc, "", nil)
	return vals, atomic, true
}

// docValue is what one field of a document writes.
func (c *funcCtx) docValue(st *state, e *env, f docEntry) Written {
	v := peel(f.val)
	return Written{Column: docField(f.key), Labels: c.valueLabels(st, e, v), Arg: -1,
		Numeric: isNumeric(v.Type()), Time: isTime(v.Type()), Const: isConst(v), Value: constValue(f.val)}
}

// collection returns the table key of the collection a value is:
// "mongo:" and the name given to Database.Collection, in this function,
// through a helper that returns it (storage.EventsCollection(),
// db.Collection(name)) or, for a collection kept in a struct field, in
// every store into the field in this package; for a collection kept in a
// field whose name is not known so (a name a method of another package
// gives, models.Task{}.TableName()), FieldCollection of the field: what
// one field holds is one collection, and two fields are taken for two;
// "" (any table) when it is not known.
func (c *funcCtx) collection(e *env, v ssa.Value) string {
	if v == nil {
		return ""
	}
	if x, ok := peel(e.resolve(v)).(*ssa.UnOp); ok && x.Op == token.MUL {
		if fa, ok := x.X.(*ssa.FieldAddr); ok {
			f := fieldOf(fa.X.Type(), fa.Field)
			if name := c.a.fieldCollection(f); name != "" {
				return "mongo:" + name
			}
			if n, ok := types.Unalias(derefType(fa.X.Type())).(*types.Named); ok && f.Pkg() != nil {
				return FieldCollection + types.TypeString(n, nil) + "." + f.Name()
			}
		}
		return ""
	}
	if name, param := c.collectionSource(e, v); name != "" && param < 0 {
		return "mongo:" + name
	}
	return ""
}

// collectionName returns the name a value gives a collection: a constant,
// or what the TableName method of a model returns (models.Task{}.TableName(),
// through its package's fact where it is declared elsewhere).
func (a *Analysis) collectionName(e *env, v ssa.Value) (string, bool) {
	if text, ok := constText(v); ok {
		return text, true
	}
	t := tableNameOf(e, v) // a nil env resolves nothing
	if t == nil {
		return "", false
	}
	if n, ok := types.Unalias(derefType(t)).(*types.Named); ok {
		if name, ok := a.tableNameMethod(n); ok && name != "" {
			return name, true
		}
	}
	return "", false
}

// FieldCollection begins the table key of a collection known only by the
// struct field that holds it: FieldCollection, the struct type and the
// field (mongofield:example.com/repo.TaskColl.Collection). It names no
// collection a message could print.
const FieldCollection = "mongofield:"

// collectionSource returns what names the collection a value is: the
// constant name given to Database.Collection or to a helper that returns
// the collection a parameter names, or one that returns a collection of
// its own ("", -1 when neither); or the analysed function's parameter
// whose text names it (param ≥ 0).
func (c *funcCtx) collectionSource(e *env, v ssa.Value) (name string, param int) {
	result := 0
	v = peel(e.resolve(v))
	if x, ok := v.(*ssa.Extract); ok {
		result, v = x.Index, peel(e.resolve(x.Tuple))
	}
	call, ok := v.(*ssa.Call)
	if !ok {
		return "", -1
	}
	named := func(args []ssa.Value, i int) (string, int) {
		if i < 0 || i >= len(args) {
			return "", -1
		}
		if text, ok := c.a.collectionName(e, args[i]); ok {
			return text, -1
		}
		return "", c.forwardedParam(e, args[i], true)
	}
	if spec, ok := c.spec(call.Common()); ok {
		if _, args := splitArgs(call.Common()); spec.Op == apis.Collection && result == 0 {
			return named(args, spec.Column)
		}
		return "", -1
	}
	sum, _ := c.summaryOf(call.Common())
	if sum == nil {
		return "", -1
	}
	var found *summary.Collection
	for _, k := range sum.Collections {
		if k.Result != result {
			continue
		}
		if found != nil {
			return "", -1 // two return statements, two collections
		}
		found = &k
	}
	switch {
	case found == nil:
		return "", -1
	case found.Param < 0:
		return found.Name, -1
	}
	return named(allArgs(call.Common()), found.Param)
}

// collectionResult records, for a summary, that result i is a collection
// of a known name, or of the name a parameter gives, on every path: r is
// what the function returns.
func (c *funcCtx) collectionResult(e *env, i int, r ssa.Value) {
	if n, ok := types.Unalias(derefType(r.Type())).(*types.Named); !ok || n.Obj().Name() != "Collection" {
		return // not a collection: spare every other function's returns the lookups
	}
	var k *summary.Collection
	for _, v := range phiEdges(e, r) {
		name, param := c.collectionSource(e, v)
		if name == "" && param < 0 || k != nil && (k.Name != name || k.Param != param) {
			return
		}
		k = &summary.Collection{Result: i, Name: name, Param: param}
	}
	if k != nil {
		c.collResults = append(c.collResults, *k)
	}
}

// fieldCollection returns the name of the collection kept in a struct
// field, when every store into it in this package (in a constructor:
// &Store{users: db.Collection("users")}) names the same constant.
func (a *Analysis) fieldCollection(f *types.Var) string {
	if f == nil {
		return ""
	}
	if a.collFields == nil {
		a.collFields = make(map[*types.Var]string)
		a.eachFieldStore(func(f *types.Var, st *ssa.Store) {
			call, ok := peel(st.Val).(*ssa.Call)
			if !ok {
				return
			}
			spec, ok := apis.Lookup(calleeObj(call.Common()))
			if !ok || spec.Op != apis.Collection {
				return
			}
			name := ""
			if _, args := splitArgs(call.Common()); spec.Column >= 0 && spec.Column < len(args) {
				name, _ = a.collectionName(nil, args[spec.Column])
			}
			if old, seen := a.collFields[f]; seen && old != name {
				name = ""
			}
			a.collFields[f] = name
		})
	}
	return a.collFields[f]
}
