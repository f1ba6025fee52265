package flow

import (
	"cmp"
	"go/types"
	"reflect"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// maxLabels bounds the labels a value carries, so that per-instruction work
// stays constant on generated or pathological code. Past it, labels of
// loads are kept before those of parameters: a load is what a finding is
// about.
const maxLabels = 64

// labels is a small set of labels, in insertion order without duplicates.
type labels []*Label

func (s labels) union(t labels) labels {
	if len(t) == 0 {
		return s
	}
	if len(s) == 0 {
		return t
	}
	out := slices.Clone(s)
	for _, l := range t {
		if slices.Contains(out, l) {
			continue
		}
		if len(out) < maxLabels {
			out = append(out, l)
			continue
		}
		if l.Load == nil {
			continue
		}
		// Full: a load's label takes the place of a parameter's.
		if i := slices.IndexFunc(out, func(x *Label) bool { return x.Load == nil }); i >= 0 {
			out[i] = l
		}
	}
	return out
}

func (s labels) contains(t labels) bool {
	for _, l := range t {
		if !slices.Contains(s, l) {
			return false
		}
	}
	return true
}

// entry is what the analysis knows about one memory location.
type entry struct {
	labels labels
	// dirty reports a store since the object was loaded (or created).
	dirty bool
	// field and tag are the struct field of the location's last path
	// element and its tag.
	field *types.Var
	tag   string
	// atomic reports a stored SQL expression (apis.IsSQLExpr: gorm.Expr).
	atomic bool
	// target is where a stored pointer points: reading through it (a
	// path continuing with "*") continues at the target.
	target *place
	// others are where the location may point besides target, after
	// paths that stored different pointers joined (one wrapper per case
	// of a switch): reading through the location does not continue at
	// them, but what it points to, as a whole, includes theirs.
	others []place
	// deep are the labels of what the location pointed to where that
	// memory is no longer tracked (a wrapper allocated in one case of a
	// switch, past the switch): they are part of what it points to.
	deep labels
	// deepChanged reports that what deep came from was changed since it
	// was loaded (an element of a loaded slice replaced).
	deepChanged bool
	// maybe reports a location stored on some paths only: on the others
	// it still holds what covers it (the record it is part of, or the
	// value the base stands for).
	maybe bool
	// konst reports a stored constant (status = "used"), and kval which
	// one, when every path stored the same (constText).
	konst bool
	kval  string
	// numeric reports a stored number in a location without a field
	// (a map entry): a column written from it can be added to.
	numeric bool
}

// place is a memory location: a base value and an access path.
type place struct {
	base ssa.Value
	path string
}

func (e entry) join(o entry) entry {
	j := entry{
		labels:  e.labels.union(o.labels),
		dirty:   e.dirty || o.dirty,
		field:   cmp.Or(e.field, o.field),
		tag:     cmp.Or(e.tag, o.tag),
		atomic:  e.atomic && o.atomic,
		maybe:   e.maybe || o.maybe,
		konst:   e.konst && o.konst,
		kval:    sameText(e.kval, o.kval),
		numeric: e.numeric && o.numeric,
		deep:    e.deep.union(o.deep),
	}
	j.deepChanged = e.deepChanged || o.deepChanged
	if e.target != nil && o.target != nil && *e.target == *o.target {
		j.target = e.target
	}
	for _, x := range [][]place{e.pointees(), o.pointees()} {
		for _, p := range x {
			if (j.target == nil || p != *j.target) && !slices.Contains(j.others, p) && len(j.others) < maxOthers {
				j.others = append(j.others, p)
			}
		}
	}
	return j
}

// sameText returns a when both are the same, "" otherwise.
func sameText(a, b string) string {
	if a == b {
		return a
	}
	return ""
}

// maxOthers bounds the places an entry may point to besides its target.
const maxOthers = 8

// pointees returns every place the location may point to.
func (e entry) pointees() []place {
	if e.target == nil {
		return e.others
	}
	return append([]place{*e.target}, e.others...)
}

func (e entry) equal(o entry) bool {
	return len(e.labels) == len(o.labels) && e.labels.contains(o.labels) && e.dirty == o.dirty && e.atomic == o.atomic && e.maybe == o.maybe &&
		(e.target == nil) == (o.target == nil) && (e.target == nil || *e.target == *o.target) &&
		len(e.others) == len(o.others) && !slices.ContainsFunc(e.others, func(p place) bool { return !slices.Contains(o.others, p) }) &&
		len(e.deep) == len(o.deep) && e.deep.contains(o.deep) && e.deepChanged == o.deepChanged
}

// handleKey identifies a handle in sets of the state.
type handleKey struct {
	root any
	path string
}

func keyOf(h Handle) handleKey { return handleKey{h.root, h.path} }

// state is the analysis state at a program point: memory by base value and
// access path, the locks held, the handles in a transaction begun by SQL
// text, and whether a sync mutex is held.
//
// The memory of one base is shared between states until one of them
// writes to it (copy on write), so that copying a state at each block
// costs one map of pointers, not every entry.
type state struct {
	mem    map[ssa.Value]map[string]entry
	own    map[ssa.Value]bool // bases whose map this state may change in place
	locks  []*LockEvent
	manual []handleKey // BEGIN ran on these handles
	serial []handleKey // SET TRANSACTION ISOLATION LEVEL SERIALIZABLE ran on these
	mutex  int
	// mutexType names the type of the in-process lock held
	// (sync.Mutex, mutexes.MutexMap), for messages.
	mutexType string
	guards    []heldGuard // in-process busy flags set (Activity.Start)
}

// heldGuard is an in-process busy flag held: Key names the flag (the
// field a guard function tests and sets), Name the function that set it,
// for messages.
type heldGuard struct {
	Key, Name string
}

func newState() *state {
	return &state{mem: make(map[ssa.Value]map[string]entry), own: make(map[ssa.Value]bool)}
}

// clone returns a copy of s that shares the memory maps of s until either
// writes to them.
func (s *state) clone() *state {
	c := &state{
		mem:       make(map[ssa.Value]map[string]entry, len(s.mem)),
		own:       make(map[ssa.Value]bool),
		locks:     slices.Clone(s.locks),
		manual:    slices.Clone(s.manual),
		serial:    slices.Clone(s.serial),
		mutex:     s.mutex,
		mutexType: s.mutexType,
		guards:    slices.Clone(s.guards),
	}
	for b, m := range s.mem {
		c.mem[b] = m
	}
	clear(s.own) // s no longer owns its maps alone either
	return c
}

// writable returns the map of base that this state may change.
func (s *state) writable(base ssa.Value) map[string]entry {
	m := s.mem[base]
	if s.own[base] && m != nil {
		return m
	}
	if m == nil {
		m = make(map[string]entry)
	} else {
		m = cloneMap(m)
	}
	s.mem[base] = m
	s.own[base] = true
	return m
}

// forget drops what is known about base.
func (s *state) forget(base ssa.Value) {
	delete(s.mem, base)
	delete(s.own, base)
}

func cloneMap(m map[string]entry) map[string]entry {
	c := make(map[string]entry, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// join merges o into s: a location, lock or transaction is in the result
// if it is on either path. A location stored on one path only is a maybe
// location: on the other path it still holds what covers it.
func (s *state) join(o *state) {
	for b, om := range o.mem {
		m, ok := s.mem[b]
		if !ok {
			s.mem[b] = maybeAll(om)
			delete(s.own, b)
			continue
		}
		if sameMap(m, om) {
			continue
		}
		j := joinMaps(m, om)
		if !sameEntries(j, m) {
			s.mem[b] = j
			s.own[b] = true
		}
	}
	for b, m := range s.mem {
		if _, ok := o.mem[b]; !ok {
			if mm := maybeAll(m); !sameMap(mm, m) {
				s.mem[b] = mm
				s.own[b] = true
			}
		}
	}
	for _, l := range o.locks {
		if !slices.Contains(s.locks, l) {
			s.locks = append(s.locks, l)
		}
	}
	s.manual = union(s.manual, o.manual)
	s.serial = union(s.serial, o.serial)
	s.mutex = max(s.mutex, o.mutex)
	s.mutexType = cmp.Or(s.mutexType, o.mutexType)
	s.guards = union(s.guards, o.guards)
}

// maybeAll returns m with every location marked maybe (m itself when they
// all are).
func maybeAll(m map[string]entry) map[string]entry {
	all := true
	for _, e := range m {
		all = all && e.maybe
	}
	if all {
		return m
	}
	out := make(map[string]entry, len(m))
	for p, e := range m {
		e.maybe = true
		out[p] = e
	}
	return out
}

// joinMaps joins two memory maps of one base into a new map.
func joinMaps(a, b map[string]entry) map[string]entry {
	out := make(map[string]entry, len(a))
	for p, e := range a {
		if o, ok := b[p]; ok {
			out[p] = e.join(o)
		} else {
			e.maybe = true
			out[p] = e
		}
	}
	for p, o := range b {
		if _, ok := a[p]; !ok {
			o.maybe = true
			out[p] = o
		}
	}
	return out
}

// sameEntries reports whether two maps hold equal entries.
func sameEntries(a, b map[string]entry) bool {
	if len(a) != len(b) {
		return false
	}
	for p, e := range a {
		if o, ok := b[p]; !ok || !e.equal(o) {
			return false
		}
	}
	return true
}

// union returns a with the elements of b it lacks.
func union[T comparable](a, b []T) []T {
	for _, k := range b {
		if !slices.Contains(a, k) {
			a = append(a, k)
		}
	}
	return a
}

func (s *state) equal(o *state) bool {
	if len(s.mem) != len(o.mem) || len(s.locks) != len(o.locks) || len(s.manual) != len(o.manual) ||
		len(s.serial) != len(o.serial) || s.mutex != o.mutex || len(s.guards) != len(o.guards) {
		return false
	}
	for b, m := range s.mem {
		om, ok := o.mem[b]
		if !ok || len(om) != len(m) {
			return false
		}
		if sameMap(m, om) {
			continue
		}
		for p, e := range m {
			if oe, ok := om[p]; !ok || !e.equal(oe) {
				return false
			}
		}
	}
	for _, l := range s.locks {
		if !slices.Contains(o.locks, l) {
			return false
		}
	}
	return true
}

// sameMap reports whether two memory maps are the same map.
func sameMap(a, b map[string]entry) bool {
	return len(a) == len(b) && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// weak reports whether a path names many locations (a slice element, a map
// entry with an unknown key), so that a store adds to what is there rather
// than replacing it.
func weak(path string) bool { return strings.Contains(path, "[]") || strings.Contains(path, "{}") }

// set stores e at base+path: a strong update replaces the location and
// everything under it; a weak one merges.
func (s *state) set(base ssa.Value, path string, e entry) {
	m := s.writable(base)
	if weak(path) {
		if old, ok := m[path]; ok {
			e = old.join(e) // a second element: no single target
		}
		m[path] = e
		return
	}
	for p := range m {
		if p != path && under(p, path) {
			delete(m, p)
		}
	}
	m[path] = e
}

// merge adds e to what is known at base+path without replacing anything
// (a weak update of the whole location).
func (s *state) merge(base ssa.Value, path string, e entry) {
	m := s.writable(base)
	if old, ok := m[path]; ok {
		e = old.join(e)
	}
	m[path] = e
}

// under reports whether path p is within path q (q a prefix at a segment
// boundary, or equal).
func under(p, q string) bool {
	if !strings.HasPrefix(p, q) {
		return false
	}
	if len(p) == len(q) || q == "" {
		return true
	}
	switch p[len(q)] {
	case '.', '[', '*', '{':
		return true
	}
	return false
}

// parent returns the path without its last segment.
func parent(p string) string {
	for i := len(p) - 1; i > 0; i-- {
		switch p[i] {
		case '.', '[', '*', '{':
			return p[:i]
		}
	}
	return ""
}

// canon follows stored pointers: a path that continues with "*" after a
// location holding a pointer with a known target continues at the target,
// so that a pointer kept in a variable, a result or a slice still reaches
// the object it points to.
func (s *state) canon(base ssa.Value, path string) (ssa.Value, string) {
	for range 8 {
		m := s.mem[base]
		if m == nil {
			return base, path
		}
		moved := false
		for i := 0; i < len(path); i++ {
			if path[i] != '*' {
				continue
			}
			if e, ok := m[path[:i]]; ok && e.target != nil {
				base, path = e.target.base, e.target.path+path[i+1:]
				moved = true
				break
			}
		}
		if !moved {
			return base, path
		}
	}
	return base, path
}

// lookup returns the entry covering base+path (the longest prefix), the
// path of that entry, and the entries strictly under path, sorted by path.
func (s *state) lookup(base ssa.Value, path string) (cover entry, coverPath string, found bool, subs []entry) {
	m := s.mem[base]
	if m == nil {
		return entry{}, "", false, nil
	}
	for p := path; ; p = parent(p) {
		if e, ok := m[p]; ok {
			cover, coverPath, found = e, p, true
			break
		}
		if p == "" {
			break
		}
	}
	var keys []string
	for p := range m {
		if p != path && under(p, path) {
			keys = append(keys, p)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		subs = append(subs, m[k])
	}
	return cover, coverPath, found, subs
}

// dirtyUnder returns the changed locations within base+path, sorted.
func (s *state) dirtyUnder(base ssa.Value, path string) (paths []string, entries []entry) {
	m := s.mem[base]
	var keys []string
	for p, e := range m {
		if e.dirty && under(p, path) {
			keys = append(keys, p)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		entries = append(entries, m[k])
	}
	return keys, entries
}

func (s *state) inManualTx(h Handle) bool { return slices.Contains(s.manual, keyOf(h)) }

func (s *state) serializable(h Handle) bool {
	return h.Serializable || slices.Contains(s.serial, keyOf(h))
}

// release drops the locks and the manual transaction of handle h (COMMIT,
// ROLLBACK, tx.Commit()).
func (s *state) release(h Handle) {
	k := keyOf(h)
	s.locks = slices.DeleteFunc(s.locks, func(l *LockEvent) bool { return keyOf(l.Handle) == k })
	s.manual = slices.DeleteFunc(s.manual, func(x handleKey) bool { return x == k })
}

// prune forgets memory whose base cannot be used in block b of fn: a value
// of fn defined in a block that does not dominate b (SSA: every use is
// dominated by its definition), or a local of a closure that has returned.
func (s *state) prune(e *env, b *ssa.BasicBlock) {
	fn := e.fn
	var gone []ssa.Value
	for base := range s.mem {
		instr, ok := base.(ssa.Instruction)
		if !ok || instr.Block() == nil {
			continue
		}
		if def := instr.Block(); def.Parent() == fn && !def.Dominates(b) || def.Parent() != fn && !active(e, def.Parent()) {
			gone = append(gone, base)
		}
	}
	if len(gone) == 0 {
		return
	}
	// What a kept location points to in forgotten memory stays part of
	// what it points to.
	isGone := func(p place) bool { return slices.Contains(gone, p.base) }
	for base, m := range s.mem {
		if slices.Contains(gone, base) {
			continue
		}
		for path, en := range m {
			if !slices.ContainsFunc(en.pointees(), isGone) {
				continue
			}
			for _, t := range slices.DeleteFunc(slices.Clone(en.pointees()), func(t place) bool { return !isGone(t) }) {
				ls, changed := s.through(en, t, maxPointerDepth)
				en.deep, en.deepChanged = en.deep.union(ls), en.deepChanged || changed
			}
			if en.target != nil && isGone(*en.target) {
				en.target = nil
			}
			en.others = slices.DeleteFunc(slices.Clone(en.others), isGone)
			s.writable(base)[path] = en
		}
	}
	for _, base := range gone {
		s.forget(base)
	}
}

// maxPointerDepth bounds the pointers followed from one location: a
// record of records of records is deep enough.
const maxPointerDepth = 4

// pointed returns the labels of the memory at a pointer's target and
// within it, following the pointers stored there up to depth more, and
// whether any of it was changed since it was loaded: a location a load
// filled with a part stored to since, or a loaded slice, kept in a
// field, with an element replaced.
func (s *state) pointed(at place, depth int) (labels, bool) {
	cover, _, found, subs := s.lookup(at.base, at.path)
	changed := found && hasLoad(cover.labels) && anyDirty(subs)
	if found {
		subs = append(subs, cover)
	}
	var ls labels
	for _, en := range subs {
		ls = ls.union(en.labels).union(en.deep)
		changed = changed || en.deepChanged
		if depth == 0 {
			continue
		}
		for _, t := range en.pointees() {
			if t != at {
				tl, tc := s.through(en, t, depth-1)
				ls, changed = ls.union(tl), changed || tc
			}
		}
	}
	return ls, changed
}

// through returns what location en points to at t (pointed), changed also
// when en holds a loaded value and something within t was stored to since:
// a loaded slice, kept in a field, with an element replaced.
func (s *state) through(en entry, t place, depth int) (labels, bool) {
	ls, changed := s.pointed(t, depth)
	return ls, changed || hasLoad(en.labels) && s.dirtyWithin(t)
}

// dirtyWithin reports whether a location within at was stored to.
func (s *state) dirtyWithin(at place) bool {
	for p, en := range s.mem[at.base] {
		if p != at.path && under(p, at.path) && en.dirty {
			return true
		}
	}
	return false
}

// hasLoad reports whether ls holds a loaded value.
func hasLoad(ls labels) bool {
	return slices.ContainsFunc(ls, func(l *Label) bool { return l.Load != nil })
}

// active reports whether the locals of function f are still in use where
// the function of env e runs: f is e's function, one it is nested in, or
// one it was inlined into (a method value's wrapper runs inside its
// caller).
func active(e *env, f *ssa.Function) bool {
	for x := e; x != nil; x = x.parent {
		if encloses(f, x.fn) {
			return true
		}
	}
	return false
}

// encloses reports whether outer is fn or a function fn is nested in.
func encloses(outer, fn *ssa.Function) bool {
	for f := fn; f != nil; f = f.Parent() {
		if f == outer {
			return true
		}
	}
	return false
}
