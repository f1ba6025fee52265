package sqltext

// This file reads which tables a statement reads (FROM clauses, joins,
// subqueries, WITH queries) and which of them its locking clauses cover.

// ref is one item of a FROM clause, by the name its query block knows it.
type ref struct {
	name   string   // the alias, else the table or WITH query name
	base   bool     // a table named directly
	with   string   // the WITH query it reads, if any
	tables []string // the tables whose rows it reads
	locks  []string // the tables a locking clause of its block covers through it
}

// tablesOf returns the tables the refs read, each once.
func tablesOf(refs []ref) []string {
	var s names
	for _, r := range refs {
		s.add(r.tables...)
	}
	return s.list
}

// names is an ordered set of names; it indexes them once there are many,
// so that adding n names takes linear time.
type names struct {
	list []string
	seen map[string]bool
}

func (s *names) has(n string) bool {
	if s.seen != nil {
		return s.seen[n]
	}
	return contains(s.list, n)
}

func (s *names) add(ns ...string) {
	for _, n := range ns {
		if s.has(n) {
			continue
		}
		s.list = append(s.list, n)
		switch {
		case s.seen != nil:
			s.seen[n] = true
		case len(s.list) > 8:
			s.seen = make(map[string]bool, 2*len(s.list))
			for _, x := range s.list {
				s.seen[x] = true
			}
		}
	}
}

// block is what a SELECT's FROM clause holds.
type block struct {
	refs   []ref
	tables []string       // the tables its items read
	locks  []string       // the tables a locking clause without OF covers
	byName map[string]int // item name → index of its first item
}

// cte is one WITH query.
type cte struct {
	name   string
	open   int // index of the "(" around its query
	state  int // 0 not read, 1 being read, 2 read
	tables []string
}

// readWith reads the WITH list at the start of the statement:
// WITH [RECURSIVE] name [(cols)] AS [[NOT] MATERIALIZED] (query) [, …].
func (p *parser) readWith() {
	t := p.toks
	k := p.skipWords(1, "recursive")
	for k < len(t) && t[k].kind == tIdent {
		name := t[k].text
		k++
		if k < len(t) && t[k].is("(") {
			k = p.match[k] + 1
		}
		k = p.skipWords(k, "as", "not", "materialized")
		if k >= len(t) || !t[k].is("(") {
			return
		}
		c := &cte{name: name, open: k}
		p.ctes = append(p.ctes, c)
		if p.withs[name] == nil {
			p.withs[name] = c
		}
		k = p.match[k] + 1
		if k >= len(t) || !t[k].is(",") {
			return
		}
		k++
	}
}

// withTables returns the tables a WITH query reads (or writes); a
// recursive reference to a query being read adds nothing.
func (p *parser) withTables(c *cte) []string {
	if c.state != 0 {
		return c.tables
	}
	c.state = 1
	if i := c.open + 1; i < len(p.toks) {
		if p.isAny(i, "update", "insert", "replace", "delete") {
			var st Statement
			p.statement(&st, i)
			c.tables = st.Tables
		} else {
			c.tables = p.queryTables(i)
		}
	}
	c.state = 2
	return c.tables
}

// queryTables returns the tables read by the query at i: a SELECT, a
// parenthesised one, or several joined by UNION, INTERSECT or EXCEPT.
func (p *parser) queryTables(i int) []string {
	var tables names
	for _, sel := range p.setBlocks(i) {
		tables.add(p.block(sel).tables...)
	}
	return tables.list
}

// mainTables returns the tables the query at i reads and, when it reads
// exactly one table named directly in its FROM clause, that table.
func (p *parser) mainTables(i int) ([]string, string) {
	var tables names
	single, ok := "", true
	for n, sel := range p.setBlocks(i) {
		b := p.block(sel)
		tables.add(b.tables...)
		if len(b.refs) != 1 || !b.refs[0].base || n > 0 && b.refs[0].tables[0] != single {
			ok = false
		} else {
			single = b.refs[0].tables[0]
		}
	}
	if !ok || len(tables.list) != 1 {
		single = ""
	}
	return tables.list, single
}

// setBlocks returns the SELECT tokens of the query at i, which may be
// parenthesised and combined with UNION, INTERSECT or EXCEPT.
func (p *parser) setBlocks(i int) []int {
	t := p.toks
	first := p.firstSelect(i)
	if first < 0 {
		return nil
	}
	blocks := []int{first}
	depth := p.baseDepth(i)
	for k := i; k < len(t) && t[k].depth >= depth; k++ {
		switch {
		case t[k].depth > depth:
		case t[k].is("("):
			k = p.match[k]
		case t[k].is(";"):
			return blocks
		case p.isAny(k, "union", "intersect", "except"):
			if s := p.firstSelect(p.skipWords(k+1, "all", "distinct")); s >= 0 {
				blocks = append(blocks, s)
			}
		}
	}
	return blocks
}

// firstSelect returns the SELECT token at i, behind any "(", or -1.
func (p *parser) firstSelect(i int) int {
	for i < len(p.toks) && p.toks[i].is("(") {
		i++
	}
	if i < len(p.toks) && p.toks[i].is("select") {
		return i
	}
	return -1
}

// block returns what the FROM clause of the SELECT at sel holds.
func (p *parser) block(sel int) *block {
	if b := p.blocks[sel]; b != nil {
		return b
	}
	b := &block{byName: make(map[string]int)}
	p.blocks[sel] = b // a block that reads itself reads nothing more
	b.refs = p.readFrom(sel)
	b.tables = tablesOf(b.refs)
	var locks names
	for i, r := range b.refs {
		locks.add(r.locks...)
		if _, ok := b.byName[r.name]; !ok {
			b.byName[r.name] = i
		}
	}
	b.locks = locks.list
	return b
}

// readFrom reads the items of the FROM clause of the SELECT at sel.
func (p *parser) readFrom(sel int) []ref {
	t := p.toks
	depth := t[sel].depth
	from := p.clauseEndAt(sel+1, depth, "from", "where", "group", "having", "window", "order", "limit",
		"offset", "fetch", "for", "lock", "union", "intersect", "except", "select", "returning")
	if from >= len(t) || !t[from].is("from") {
		return nil
	}
	end := p.clauseEndAt(from+1, depth, fromEnds...)
	return p.fromItems(from+1, end)
}

// fromEnds are the keywords that end a FROM clause.
var fromEnds = []string{"where", "group", "having", "window", "order", "limit", "offset", "fetch",
	"for", "lock", "union", "intersect", "except", "into", "returning", "select"}

// fromItems reads the FROM items in [i, end): tables, subqueries and table
// functions, separated by commas or joins (join conditions are skipped).
func (p *parser) fromItems(i, end int) []ref {
	if i >= end || i >= len(p.toks) || !p.enter() {
		return nil
	}
	defer p.leave()
	t := p.toks
	depth := t[i].depth
	var refs []ref
	expect := true
	for k := i; k < end; k++ {
		switch {
		case t[k].depth != depth:
		case p.isAny(k, ",", "join", "straight_join"):
			expect = true
		case expect:
			rs, next := p.fromItem(k, end)
			refs = append(refs, rs...)
			k = max(next, k+1) - 1
			expect = false
		case t[k].is("("):
			k = p.match[k]
		}
	}
	return refs
}

// fromItem reads one FROM item at k and returns its refs (several for a
// parenthesised join) and the index after it.
func (p *parser) fromItem(k, end int) ([]ref, int) {
	t := p.toks
	k = p.skipWords(k, "lateral", "only")
	if k >= end {
		return nil, end
	}
	var r ref
	switch {
	case t[k].is("("):
		close := p.match[k]
		if p.firstSelect(k+1) < 0 && !p.isAny(k+1, "with", "values", "table") {
			return p.fromItems(k+1, min(close, end)), p.skipAlias(close+1, end)
		}
		if p.enter() {
			r.tables = p.queryTables(k + 1)
			p.leave()
		}
		r.locks = r.tables
		k = close + 1
	case t[k].kind == tIdent && !reserved(t[k]):
		name, j := p.qualified(k)
		if j < end && t[j].is("(") { // a table function
			return nil, p.skipAlias(p.match[j]+1, end)
		}
		r = p.tableRef(name, j == k+1)
		k = j
	default:
		return nil, k + 1
	}
	if alias, next := p.alias(k, end); alias != "" {
		r.name, k = alias, next
	}
	return []ref{r}, k
}

// tableRef is the FROM item naming a table or, when unqualified, possibly
// a WITH query.
func (p *parser) tableRef(name string, unqualified bool) ref {
	if c := p.withs[name]; c != nil && unqualified {
		return ref{name: name, with: name, tables: p.withTables(c)}
	}
	return ref{name: name, base: true, tables: []string{name}, locks: []string{name}}
}

// alias reads [AS] name [(columns)] at k; "" if there is none.
func (p *parser) alias(k, end int) (string, int) {
	t := p.toks
	if k < end && t[k].is("as") {
		k++
	} else if k >= end || reserved(t[k]) {
		return "", k
	}
	if k >= end || t[k].kind != tIdent {
		return "", k
	}
	name := t[k].text
	k++
	if k < end && t[k].is("(") {
		k = p.match[k] + 1
	}
	return name, k
}

// skipAlias skips an alias at k.
func (p *parser) skipAlias(k, end int) int {
	if _, next := p.alias(k, end); next > k {
		return next
	}
	return k
}

// notAlias are the keywords that can follow a FROM item and so are not
// its alias.
var notAlias = map[string]bool{
	"on": true, "using": true, "join": true, "inner": true, "left": true, "right": true, "full": true,
	"outer": true, "cross": true, "natural": true, "straight_join": true, "where": true, "group": true,
	"having": true, "window": true, "order": true, "limit": true, "offset": true, "fetch": true,
	"for": true, "lock": true, "union": true, "intersect": true, "except": true, "into": true,
	"set": true, "returning": true, "lateral": true, "tablesample": true, "force": true, "use": true,
	"ignore": true, "partition": true, "indexed": true, "not": true, "values": true, "as": true,
	"from": true, "select": true, "with": true, "and": true, "or": true, "only": true,
}

// reserved reports whether t is a keyword that cannot name a table or an
// alias in a FROM clause.
func reserved(t token) bool {
	return t.kind != tIdent || !t.quoted && notAlias[t.text]
}

// deleteTables returns the tables of DELETE … FROM … [USING …] at i.
func (p *parser) deleteTables(i int) []string {
	t := p.toks
	from := p.clauseEnd(i, "from")
	if from >= len(t) || !t[from].is("from") {
		return nil
	}
	ends := []string{"using", "where", "returning", "order", "limit"}
	end := p.clauseEnd(from+1, ends...)
	refs := p.fromItems(from+1, end)
	if end < len(t) && t[end].is("using") {
		w := p.clauseEnd(end+1, ends[1:]...)
		refs = append(refs, p.fromItems(end+1, w)...)
	}
	return tablesOf(refs)
}

// lockedByName returns the tables LOCK TABLE(S) names from i on.
func (p *parser) lockedByName(i int) []string {
	var tables names
	end := p.clauseEnd(i, "in", "nowait")
	for _, item := range p.splitCommas(i, end) {
		if name, _ := p.qualified(p.skipWords(item[0], "only")); name != "" {
			tables.add(name)
		}
	}
	return tables.list
}

// rowLock is one row-level locking clause and the tables it covers.
type rowLock struct {
	strength Lock
	tables   []string
	all      bool // it belongs to no query block found: it covers the main tables
}

// rowLocks returns the locking clauses of the statement (FOR UPDATE, FOR
// NO KEY UPDATE, FOR SHARE, FOR KEY SHARE, LOCK IN SHARE MODE), each with
// the tables it covers: those of its own query block's FROM clause, or
// those its OF list names. Clauses without OF are merged per block.
func (p *parser) rowLocks() []rowLock {
	t := p.toks
	last := make(map[int]int)  // depth → latest SELECT of the current group
	whole := make(map[int]int) // SELECT → its clause without OF in locks
	var locks []rowLock
	for k := range t {
		switch {
		case t[k].is("select"):
			last[t[k].depth] = k
		case t[k].is("("):
			delete(last, t[k].depth+1)
		case p.isAny(k, "for", "lock"):
			strength, next := p.lockStrength(k)
			if strength == NoLock {
				continue
			}
			sel, ok := last[t[k].depth]
			of := p.ofList(next)
			if !ok {
				sel = -1
			}
			if n, seen := whole[sel]; seen && len(of) == 0 {
				locks[n].strength = max(locks[n].strength, strength)
				continue
			}
			if len(of) == 0 {
				whole[sel] = len(locks)
			}
			locks = append(locks, p.covered(strength, sel, of))
		}
	}
	return locks
}

// lockStrength reads a locking clause at k and returns its strength and
// the index after it (NoLock if there is none).
func (p *parser) lockStrength(k int) (Lock, int) {
	switch {
	case p.seqAt(k, "for", "update"):
		return RowUpdate, k + 2
	case p.seqAt(k, "for", "no", "key", "update"):
		return RowUpdate, k + 4
	case p.seqAt(k, "for", "share"):
		return RowShare, k + 2
	case p.seqAt(k, "for", "key", "share"):
		return RowShare, k + 3
	case p.seqAt(k, "lock", "in", "share", "mode"):
		return RowShare, k + 4
	}
	return NoLock, k
}

// ofList reads OF a, b at k.
func (p *parser) ofList(k int) []string {
	if !p.isAny(k, "of") {
		return nil
	}
	var names []string
	for {
		name, j := p.qualified(k + 1)
		if name == "" {
			return names
		}
		names = append(names, name)
		if !p.isAny(j, ",") {
			return names
		}
		k = j
	}
}

// covered returns the locking clause of the SELECT at sel (-1 when none
// was found) with the tables it covers.
func (p *parser) covered(strength Lock, sel int, of []string) rowLock {
	if sel < 0 {
		return rowLock{strength: strength, tables: of, all: len(of) == 0}
	}
	b := p.block(sel)
	if len(of) == 0 {
		return rowLock{strength: strength, tables: b.locks}
	}
	var tables names
	for _, name := range of {
		if i, ok := b.byName[name]; ok {
			tables.add(b.refs[i].locks...)
		} else {
			tables.add(name)
		}
	}
	return rowLock{strength: strength, tables: tables.list}
}

// lockScope sets the statement's Lock and LockedTables: advisory locks
// wherever they appear, row locks when they cover one of its Tables.
func (p *parser) lockScope(st *Statement) {
	st.Lock = max(st.Lock, p.advisoryLock())
	if st.Kind == LockTable {
		st.LockedTables = append([]string(nil), st.Tables...)
		return
	}
	var read names
	read.add(st.Tables...)
	locked := make(map[string]bool)
	for _, l := range p.rowLocks() {
		covers := l.tables
		if l.all {
			covers = st.Tables
		}
		for _, table := range covers {
			if read.has(table) {
				st.Lock = max(st.Lock, l.strength)
				locked[table] = true
			}
		}
	}
	for _, table := range st.Tables {
		if locked[table] {
			st.LockedTables = append(st.LockedTables, table)
		}
	}
}

// advisoryLock returns the strongest advisory lock the statement takes.
func (p *parser) advisoryLock() Lock {
	l := NoLock
	t := p.toks
	for i := range t {
		if t[i].kind != tIdent || t[i].quoted || i+1 >= len(t) || !t[i+1].is("(") {
			continue
		}
		switch t[i].text {
		case "pg_advisory_xact_lock", "pg_try_advisory_xact_lock":
			l = max(l, AdvisoryXact)
		case "pg_advisory_lock", "pg_try_advisory_lock", "get_lock":
			l = max(l, AdvisorySession)
		}
	}
	return l
}

// writingWith turns a SELECT at i over a data-modifying WITH query into
// that write: the WITH query the main SELECT reads, else the first one.
func (p *parser) writingWith(st *Statement, i int) {
	reads := p.withsRead(i)
	var w *cte
	for _, c := range p.ctes {
		if !p.isAny(c.open+1, "update", "insert", "replace", "delete") {
			continue
		}
		if w == nil || reads[c.name] && !reads[w.name] {
			w = c
		}
	}
	if w == nil {
		return
	}
	var ws Statement
	p.statement(&ws, w.open+1)
	ws.Columns, ws.Tables, ws.Returning = st.Columns, st.Tables, reads[w.name]
	*st = ws
}

// withsRead returns the names of the WITH queries that are FROM items of
// the query at i.
func (p *parser) withsRead(i int) map[string]bool {
	reads := make(map[string]bool)
	for _, sel := range p.setBlocks(i) {
		for _, r := range p.block(sel).refs {
			if r.with != "" {
				reads[r.with] = true
			}
		}
	}
	return reads
}
