// Package sqltext classifies the SQL text that a Go program passes to a
// database: whether a query takes a row lock, which columns an UPDATE
// assigns and from which placeholders, whether an assignment is atomic
// (SET n = n + $1), and whether the WHERE clause checks a version or the
// old value. It is a tolerant lexer-level reader, not a full SQL parser:
// it understands the statement shapes that matter for lost updates in the
// PostgreSQL, MySQL/MariaDB and SQLite dialects and reports Unknown for the
// rest.
package sqltext

import (
	"strconv"
	"strings"
)

// Kind is the kind of a statement.
type Kind int

// The statement kinds.
const (
	Unknown Kind = iota
	Select
	Update
	Insert
	Delete
	LockTable    // LOCK TABLE(S) …
	Begin        // BEGIN, START TRANSACTION
	End          // COMMIT, ROLLBACK, END
	SetIsolation // SET [SESSION] TRANSACTION ISOLATION LEVEL …
)

var kindNames = [...]string{"unknown", "select", "update", "insert", "delete", "lock table", "begin", "end", "set isolation"}

// String returns the kind in words ("select", "lock table").
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Lock is the strength of a lock that a statement takes.
type Lock int

// The lock strengths, from none to the whole database.
const (
	NoLock          Lock = iota
	RowShare             // FOR SHARE, FOR KEY SHARE, LOCK IN SHARE MODE
	RowUpdate            // FOR UPDATE, FOR NO KEY UPDATE
	AdvisoryXact         // pg_advisory_xact_lock: held until the transaction ends
	AdvisorySession      // pg_advisory_lock, GET_LOCK: held by the connection until released
	Table                // LOCK TABLE(S)
	Database             // BEGIN IMMEDIATE / EXCLUSIVE (SQLite)
)

var lockNames = [...]string{"none", "FOR SHARE", "FOR UPDATE", "advisory transaction lock", "advisory session lock", "LOCK TABLE", "BEGIN IMMEDIATE"}

// String returns the lock as SQL names it ("FOR UPDATE", "LOCK TABLE").
func (l Lock) String() string {
	if int(l) < len(lockNames) {
		return lockNames[l]
	}
	return "lock(" + strconv.Itoa(int(l)) + ")"
}

// Param is a placeholder in SQL text. Index is the 0-based position of the
// argument it binds ($3 → 2; the third ? → 2), or -1 for a named
// placeholder (:name, @name), whose name is in Name.
type Param struct {
	Index int
	Name  string
}

// Assignment is one "column = expression" of an UPDATE's SET list, of an
// upsert's conflict action, or (for REPLACE) of the inserted columns.
type Assignment struct {
	Column string
	// Self reports an atomic update: the new value is computed from the
	// assigned column's current value on every path of the expression
	// (n = n + $1, n = GREATEST(n - $1, 0), n = COALESCE(n, 0) + $1,
	// n = t.n + EXCLUDED.n, n = n || $1). It is false when the column is
	// only an alternative that a placeholder may replace as it is
	// (COALESCE($1, n), IFNULL($1, n), CASE WHEN … THEN $1 ELSE n END,
	// IF(cond, $1, n)).
	Self bool
	// Computed reports that, on a path that does not read the column's
	// current value, the value written is computed from placeholders by
	// operators (arithmetic, concatenation, negation: $1 + $2, $1 + 1,
	// -$1, $1 || 'x', CONCAT($1, 'x')) rather than being one of them as
	// it is. It is false for $1, COALESCE($1, n), CAST($1 AS int),
	// $1::int, NULLIF($1, ''), LOWER($1) and CASE branches that are bare
	// placeholders, and whenever Self is true.
	Computed bool
	// Params are the placeholders the new value is computed from,
	// including those reached through EXCLUDED.col or VALUES(col).
	Params []Param
	// Bare reports that the expression is exactly one placeholder.
	Bare bool
	// Normalizes reports an atomic update that only tidies the column's
	// own value: string functions that are their own repeat (TRIM,
	// UPPER, REGEXP_REPLACE, NULLIF) of the column and literals, with no
	// placeholder and no operator (SET name = UPPER(name), SET s =
	// RTRIM(regexp_replace(s, '\n+', '\n', 'g'))). It carries nothing
	// from anyone: the value it rewrites is still the one it tidied.
	Normalizes bool
	// ExprStart and ExprEnd are the byte offsets of the expression.
	ExprStart, ExprEnd int
}

// Comparison is an equality test "column = placeholder" in a WHERE clause.
type Comparison struct {
	Column string
	Param  Param
}

// Statement is what Parse learned about one SQL statement.
type Statement struct {
	Kind Kind
	// Table is the table written (UPDATE, INSERT, DELETE, LOCK), or the
	// one table a SELECT reads ("" when it reads several, or reads a
	// subquery or a WITH query).
	Table string
	// Lock is the strongest lock the statement takes that covers the rows
	// the main statement reads: a row lock (FOR UPDATE, FOR SHARE, LOCK IN
	// SHARE MODE) counts only when it covers one of Tables; advisory locks,
	// LOCK TABLE and BEGIN IMMEDIATE count wherever they appear.
	Lock Lock
	// Tables are the tables the main statement reads, aliases resolved to
	// table names, each once: those of a SELECT's FROM clause and its
	// joins (a subquery or WITH query there stands for the tables it
	// reads), the target of an UPDATE or DELETE followed by the tables of
	// its FROM or USING clause, the target of an INSERT, or the tables
	// LOCK TABLE names.
	Tables []string
	// LockedTables are the tables of Tables that a row-level locking
	// clause covers, in the order of Tables: a clause without OF covers
	// the tables of its own query block's FROM clause (not those of other
	// subqueries or WITH queries), FOR UPDATE OF a, b covers only the
	// tables a and b name. For LOCK TABLE they are the tables it names.
	LockedTables []string
	// Columns are the result columns of a SELECT (or of RETURNING), by
	// position; an expression without a name is "". Sources are, by the
	// same position, the tables the columns of a SELECT come from, when
	// known ("" for an expression).
	Columns []string
	Sources []string
	// Returning reports an UPDATE/INSERT/DELETE … RETURNING, or a SELECT
	// that reads the rows a data-modifying WITH query returns.
	Returning bool
	// Sets are the assignments of an UPDATE, of an upsert's conflict
	// action (ON CONFLICT DO UPDATE, ON DUPLICATE KEY UPDATE), or of a
	// REPLACE.
	Sets []Assignment
	// Where are the equality tests "column = placeholder" that are
	// top-level conjuncts of the WHERE clause: ANDed with the rest, not
	// inside OR or NOT.
	Where []Comparison
	// Tested are the columns the top-level conjuncts of the WHERE test in
	// any way (status = 'active', consumed IS NULL, stock >= $1).
	Tested []string
	// Serializable reports SET TRANSACTION ISOLATION LEVEL SERIALIZABLE.
	Serializable bool
	// Replace reports REPLACE (or INSERT OR REPLACE), which rewrites the
	// whole row.
	Replace bool
	// Ranked is the column a SELECT orders its rows by when it keeps
	// only the first (ORDER BY display_order DESC LIMIT 1): what it reads
	// there is the highest or lowest of a set of rows, not the state of
	// one row.
	Ranked string
}

// Assigns returns the assignment of column c, or nil.
func (s *Statement) Assigns(c string) *Assignment {
	for i := range s.Sets {
		if s.Sets[i].Column == c {
			return &s.Sets[i]
		}
	}
	return nil
}

// Checks reports whether the WHERE clause compares column c with a
// placeholder.
func (s *Statement) Checks(c string) bool {
	for _, w := range s.Where {
		if w.Column == c {
			return true
		}
	}
	return false
}

// Parse reads one SQL statement. It never fails; what it cannot read is
// left out of the result (Kind Unknown, no Sets, NoLock).
//
// A statement whose main query is a SELECT over a data-modifying WITH
// query (WITH u AS (UPDATE … RETURNING …) SELECT … FROM u) is reported as
// that write: its Kind, Table, Sets and Where are the WITH query's, its
// Columns the main SELECT's.
func Parse(text string) Statement {
	p := newParser(text)
	var st Statement
	if len(p.toks) == 0 {
		return st
	}
	i := 0
	if p.toks[0].is("with") {
		// WITH cte AS (…) [, …] main-statement
		p.readWith()
		i = p.skipWith()
	}
	if i < len(p.toks) {
		p.statement(&st, i)
		if st.Kind == Select {
			p.writingWith(&st, i)
		}
	}
	p.lockScope(&st)
	return st
}

// statement reads the statement that starts at token i into st.
func (p *parser) statement(st *Statement, i int) {
	toks := p.toks
	switch first := toks[i]; {
	case first.is("select"), first.is("("):
		st.Kind = Select
		st.Columns = p.selectColumns(i)
		st.Tables, st.Table = p.mainTables(i)
		st.Sources = p.selectSources(i)
		st.Where, st.Tested = p.where(i) // the columns it finds its rows by
		st.Ranked = p.ranked(i)
	case first.is("update"):
		st.Kind = Update
		p.update(st, i)
	case first.is("insert"), first.is("replace"), first.is("upsert"):
		st.Kind = Insert
		p.insert(st, i)
		if st.Table != "" {
			st.Tables = []string{st.Table}
		}
	case first.is("delete"):
		st.Kind = Delete
		st.Table = p.tableAfter(i, "from")
		st.Tables = p.deleteTables(i)
		st.Where, st.Tested = p.where(i)
		st.Returning, st.Columns = p.returning(i)
	case first.is("lock"):
		st.Kind = LockTable
		st.Lock = Table
		st.Tables = p.lockedByName(p.skipWords(i+1, "table", "tables", "only"))
		if len(st.Tables) > 0 {
			st.Table = st.Tables[0]
		}
	case first.is("begin"), first.is("start"):
		st.Kind = Begin
		if i+1 < len(toks) && (toks[i+1].is("immediate") || toks[i+1].is("exclusive")) {
			st.Lock = Database
		}
		st.Serializable = p.hasSeq(i, "serializable")
	case first.is("commit"), first.is("rollback"), first.is("end"), first.is("abort"):
		st.Kind = End
	case first.is("set"):
		if p.hasSeq(i, "transaction") || p.hasSeq(i, "characteristics") {
			st.Kind = SetIsolation
			st.Serializable = p.hasSeq(i, "serializable")
		}
	}
}

// maxNest bounds the nesting of parentheses the parser descends into, so
// that absurd input costs neither deep recursion nor quadratic time.
const maxNest = 64

// parser holds the tokens of one statement and what is known about them.
type parser struct {
	toks   []token
	params map[int]Param   // token index → placeholder
	match  []int           // token index of "(" → index of its ")" (len(toks) if unclosed)
	ctes   []*cte          // the WITH queries of the statement, in order
	withs  map[string]*cte // the WITH queries by name
	blocks map[int]*block  // SELECT token index → its FROM clause
	nest   int             // nesting of recursive reads in progress
	pg     bool            // the text is PostgreSQL
}

func newParser(text string) *parser {
	p := &parser{toks: lex(text), withs: make(map[string]*cte), blocks: make(map[int]*block), pg: isPostgres(text)}
	p.numberParams()
	p.matchParens()
	return p
}

// enter reports whether one more level of nesting may be read; every
// successful enter is paired with a leave.
func (p *parser) enter() bool {
	if p.nest >= maxNest {
		return false
	}
	p.nest++
	return true
}

func (p *parser) leave() { p.nest-- }

// matchParens pairs every "(" with its ")".
func (p *parser) matchParens() {
	p.match = make([]int, len(p.toks))
	var open []int
	for i, t := range p.toks {
		p.match[i] = len(p.toks)
		switch {
		case t.is("("):
			open = append(open, i)
		case t.is(")") && len(open) > 0:
			p.match[open[len(open)-1]] = i
			open = open[:len(open)-1]
		}
	}
}

// numberParams assigns argument indexes to placeholders: $n explicitly,
// ? in order of appearance, :name and @name by name.
func (p *parser) numberParams() {
	p.params = make(map[int]Param)
	q := 0
	for i, t := range p.toks {
		if t.kind != tParam {
			continue
		}
		switch t.text[0] {
		case '$':
			n, err := strconv.Atoi(t.text[1:])
			if err != nil || n < 1 {
				continue
			}
			p.params[i] = Param{Index: n - 1}
		case '?':
			p.params[i] = Param{Index: q}
			q++
		default:
			p.params[i] = Param{Index: -1, Name: t.text[1:]}
		}
	}
}

// seqAt reports whether the tokens from i are the keywords kws.
func (p *parser) seqAt(i int, kws ...string) bool {
	for k, kw := range kws {
		if i+k >= len(p.toks) || !p.toks[i+k].is(kw) {
			return false
		}
	}
	return true
}

// hasSeq reports whether keyword kw occurs from token i on.
func (p *parser) hasSeq(i int, kw string) bool {
	for ; i < len(p.toks); i++ {
		if p.toks[i].is(kw) {
			return true
		}
	}
	return false
}

// skipWith skips a WITH clause and returns the index of the main statement.
func (p *parser) skipWith() int {
	t := p.toks
	for i := 1; i < len(t); i++ {
		if t[i].depth != 0 {
			continue
		}
		if t[i].is("select") || t[i].is("update") || t[i].is("insert") || t[i].is("delete") {
			return i
		}
	}
	return len(t)
}

// skipWords skips any of the given keywords starting at i.
func (p *parser) skipWords(i int, kws ...string) int {
	for i < len(p.toks) && p.isAny(i, kws...) {
		i++
	}
	return i
}

// isAny reports whether token i is one of the keywords kws.
func (p *parser) isAny(i int, kws ...string) bool {
	if i < 0 || i >= len(p.toks) {
		return false
	}
	for _, kw := range kws {
		if p.toks[i].is(kw) {
			return true
		}
	}
	return false
}

// identAt returns the (last part of the) possibly qualified identifier at i.
func (p *parser) identAt(i int) string {
	name, _ := p.qualified(i)
	return name
}

// qualified reads a possibly qualified identifier a.b.c at i and returns
// its last part and the index after it; "" if there is none.
func (p *parser) qualified(i int) (string, int) {
	t := p.toks
	if i < 0 || i >= len(t) || t[i].kind != tIdent {
		return "", i
	}
	name := t[i].text
	i++
	for i+1 < len(t) && t[i].is(".") && t[i+1].kind == tIdent {
		name = t[i+1].text
		i += 2
	}
	return name, i
}

// qualifier returns the first part of a qualified identifier at i ("" if
// unqualified).
func (p *parser) qualifier(i int) string {
	t := p.toks
	if i+2 < len(t) && t[i].kind == tIdent && t[i+1].is(".") && t[i+2].kind == tIdent {
		return t[i].text
	}
	return ""
}

// clauseEnd returns the index of the first token from i, at the depth of
// token i, that is one of the keywords or ";", or the index where that
// parenthesis level closes, or len(toks).
func (p *parser) clauseEnd(i int, kws ...string) int {
	return p.clauseEndAt(i, p.baseDepth(i), kws...)
}

// clauseEndAt is clauseEnd at a given depth. It steps over parenthesised
// groups at once, so that reading nested levels stays linear.
func (p *parser) clauseEndAt(i, depth int, kws ...string) int {
	t := p.toks
	for ; i < len(t); i++ {
		switch {
		case t[i].depth < depth:
			return i
		case t[i].depth > depth:
			continue
		case t[i].is("("):
			i = p.match[i]
			if i >= len(t) {
				return i
			}
		case t[i].is(";") || p.isAny(i, kws...):
			return i
		}
	}
	return i
}

func (p *parser) baseDepth(i int) int {
	if i < len(p.toks) {
		return p.toks[i].depth
	}
	return 0
}

// selectColumns returns the output names of the SELECT at i.
func (p *parser) selectColumns(i int) []string {
	for i < len(p.toks) && p.toks[i].is("(") {
		i++
	}
	if i >= len(p.toks) || !p.toks[i].is("select") {
		return nil
	}
	i = p.skipWords(i+1, "distinct", "all")
	end := p.clauseEnd(i, "from", "where", "for", "limit", "order", "group", "union", "into")
	return p.outputNames(i, end)
}

// selectSources returns, for each item of the select list of the SELECT
// at i, the table a column reference reads: the one its qualifier names
// (an alias resolved), or the one table of the FROM clause; "" for an
// expression or when that is not known.
func (p *parser) selectSources(i int) []string {
	sel := p.firstSelect(i)
	if sel < 0 {
		return nil
	}
	b := p.block(sel)
	start := p.skipWords(sel+1, "distinct", "all")
	end := p.clauseEnd(start, "from", "where", "for", "limit", "order", "group", "union", "into")
	var out []string
	for _, item := range p.splitCommas(start, end) {
		src := ""
		if q := p.qualifier(item[0]); q != "" {
			if k, ok := b.byName[q]; ok && len(b.refs[k].tables) == 1 {
				src = b.refs[k].tables[0]
			}
		} else if _, j := p.qualified(item[0]); j > item[0] && len(b.tables) == 1 {
			src = b.tables[0]
		}
		out = append(out, src)
	}
	return out
}

// outputNames splits a select list in [i, end) into item names: the alias,
// or the column of a bare (qualified) column reference, or "".
func (p *parser) outputNames(i, end int) []string {
	var names []string
	for _, item := range p.splitCommas(i, end) {
		names = append(names, p.itemName(item[0], item[1]))
	}
	return names
}

// splitCommas splits [i, end) at depth-0 commas into [start, end) pairs.
func (p *parser) splitCommas(i, end int) [][2]int {
	if i >= end {
		return nil
	}
	depth := p.baseDepth(i)
	var items [][2]int
	start := i
	for j := i; j < end; j++ {
		if p.toks[j].depth == depth && p.toks[j].is(",") {
			items = append(items, [2]int{start, j})
			start = j + 1
		}
	}
	return append(items, [2]int{start, end})
}

func (p *parser) itemName(i, end int) string {
	t := p.toks
	if i >= end {
		return ""
	}
	// explicit alias: … AS name, or … name after a closing expression
	if end-i >= 2 && t[end-1].kind == tIdent && t[end-2].is("as") {
		return t[end-1].text
	}
	if name, j := p.qualified(i); name != "" && j == end {
		return name
	}
	if end-i >= 2 && t[end-1].kind == tIdent && (t[end-2].is(")") || t[end-2].kind == tIdent && p.qualifier(end-2) == "") {
		// "count(*) n" or "balance b"
		if name, j := p.qualified(i); name != "" && j == end-1 {
			return t[end-1].text
		}
		if t[end-2].is(")") {
			return t[end-1].text
		}
	}
	return ""
}

// tableAfter returns the table named after keyword kw (from i on, at the
// depth of i).
func (p *parser) tableAfter(i int, kw string) string {
	if k := p.clauseEnd(i, kw); p.isAny(k, kw) {
		return p.identAt(p.skipWords(k+1, "only"))
	}
	return ""
}

// update reads UPDATE t [AS a] SET … [FROM …] [WHERE …] [RETURNING …].
func (p *parser) update(st *Statement, i int) {
	t := p.toks
	j := p.skipWords(i+1, "only", "low_priority", "ignore", "or", "rollback", "abort", "replace", "fail")
	target := j
	st.Table, j = p.qualified(j)
	aliases := []string{st.Table}
	if j < len(t) && t[j].is("as") {
		j++
	}
	if j < len(t) && t[j].kind == tIdent && !t[j].is("set") {
		aliases = append(aliases, t[j].text)
	}
	set := p.clauseEnd(j, "set")
	refs := p.fromItems(target, set)
	if set >= len(t) || !t[set].is("set") {
		st.Tables = tablesOf(refs)
		return
	}
	end := p.clauseEnd(set+1, "from", "where", "returning", "order", "limit")
	st.Sets = p.assignments(set+1, end, aliases, nil)
	if end < len(t) && t[end].is("from") {
		w := p.clauseEnd(end+1, "where", "returning", "order", "limit")
		refs = append(refs, p.fromItems(end+1, w)...)
	}
	st.Tables = tablesOf(refs)
	st.Where, st.Tested = p.where(end)
	st.Returning, st.Columns = p.returning(end)
}

// insert reads INSERT/REPLACE INTO t (cols) VALUES (…) [ON CONFLICT … DO
// UPDATE SET …] [ON DUPLICATE KEY UPDATE …] [RETURNING …].
func (p *parser) insert(st *Statement, i int) {
	t := p.toks
	replace := t[i].is("replace") || p.seqAt(i+1, "or", "replace")
	j := p.clauseEnd(i, "into")
	if j >= len(t) || !t[j].is("into") {
		return
	}
	var alias string
	st.Table, j = p.qualified(j + 1)
	if j < len(t) && t[j].is("as") && j+1 < len(t) && t[j+1].kind == tIdent {
		alias = t[j+1].text
		j += 2
	}
	var cols []string
	if j < len(t) && t[j].is("(") {
		close := p.matching(j)
		for _, item := range p.splitCommas(j+1, close) {
			name, _ := p.qualified(item[0])
			cols = append(cols, name)
		}
		j = close + 1
	}
	vals := p.insertValues(j, cols)
	aliases := []string{st.Table}
	if alias != "" {
		aliases = append(aliases, alias)
	}
	st.Replace = replace
	if replace {
		for _, c := range cols {
			v := vals[c]
			st.Sets = append(st.Sets, Assignment{Column: c, Params: v.params, Bare: v.bare, Computed: v.computed, ExprStart: v.start, ExprEnd: v.end})
		}
	} else {
		p.conflictAction(st, j, aliases, vals)
	}
	st.Returning, st.Columns = p.returning(j)
}

// inserted is what an INSERT's VALUES list gives one column.
type inserted struct {
	params     []Param
	bare       bool
	computed   bool
	start, end int
}

// insertValues maps each column to what the VALUES (…) list after j gives
// it: its placeholders, whether it is one bare placeholder or computed,
// and its byte span.
func (p *parser) insertValues(j int, cols []string) map[string]inserted {
	t := p.toks
	vals := make(map[string]inserted)
	v := p.clauseEnd(j, "values", "value")
	if v >= len(t) || !p.isAny(v, "values", "value") || v+1 >= len(t) || !t[v+1].is("(") {
		return vals
	}
	close := p.matching(v + 1)
	for k, item := range p.splitCommas(v+2, close) {
		if k >= len(cols) || item[0] >= item[1] {
			continue
		}
		x := p.value(item[0], item[1], "", nil, nil)
		vals[cols[k]] = inserted{
			params:   p.paramsIn(item[0], item[1]),
			bare:     item[1]-item[0] == 1 && t[item[0]].kind == tParam,
			computed: x.computed,
			start:    t[item[0]].start,
			end:      t[item[1]-1].end,
		}
	}
	return vals
}

// conflictAction reads the assignments and WHERE of ON CONFLICT … DO
// UPDATE SET … or ON DUPLICATE KEY UPDATE … after token j.
func (p *parser) conflictAction(st *Statement, j int, aliases []string, vals map[string]inserted) {
	t := p.toks
	excluded := func(col string) inserted { return vals[col] }
	depth := p.baseDepth(j)
	for k := j; k < len(t) && t[k].depth >= depth; k++ {
		if t[k].depth != depth {
			continue
		}
		if t[k].is("do") && p.seqAt(k+1, "update", "set") {
			end := p.clauseEnd(k+3, "where", "returning")
			st.Sets = p.assignments(k+3, end, aliases, excluded)
			st.Where, st.Tested = p.where(end)
			return
		}
		if t[k].is("duplicate") && p.seqAt(k+1, "key", "update") {
			end := p.clauseEnd(k+3, "returning")
			// MySQL 8 row alias: INSERT … VALUES (…) AS new ON DUPLICATE KEY UPDATE n = new.n
			st.Sets = p.assignments(k+3, end, aliases, excluded)
			return
		}
	}
}

// matching returns the index of the parenthesis closing the one at i.
func (p *parser) matching(i int) int {
	if i < 0 || i >= len(p.toks) {
		return len(p.toks)
	}
	return p.match[i]
}

// paramsIn returns the placeholders in [i, end).
func (p *parser) paramsIn(i, end int) []Param {
	var ps []Param
	for k := i; k < end; k++ {
		if prm, ok := p.params[k]; ok {
			ps = append(ps, prm)
		}
	}
	return ps
}

// assignments reads "col = expr, …" in [i, end). aliases are the names by
// which the target table's existing row can be qualified; excluded gives
// the proposed value of a column (EXCLUDED.col, VALUES(col)).
func (p *parser) assignments(i, end int, aliases []string, excluded func(string) inserted) []Assignment {
	t := p.toks
	var sets []Assignment
	for _, item := range p.splitCommas(i, end) {
		col, j := p.qualified(item[0])
		if col == "" || j >= item[1] || !t[j].is("=") {
			continue
		}
		exprStart, exprEnd := j+1, item[1]
		if exprStart >= exprEnd {
			continue
		}
		v := p.value(exprStart, exprEnd, col, aliases, excluded)
		sets = append(sets, Assignment{
			Column:     col,
			Normalizes: v.self && excluded == nil && p.normalizes(exprStart, exprEnd, col, aliases),
			Self:       v.self,
			Computed:   v.computed,
			Params:     p.assignedParams(exprStart, exprEnd, aliases, excluded),
			Bare:       exprEnd-exprStart == 1 && t[exprStart].kind == tParam,
			ExprStart:  t[exprStart].start,
			ExprEnd:    t[exprEnd-1].end,
		})
	}
	return sets
}

// assignedParams returns the placeholders of the expression [i, end),
// including those that EXCLUDED.col, a MySQL row alias new.col or
// VALUES(col) stand for.
func (p *parser) assignedParams(i, end int, aliases []string, excluded func(string) inserted) []Param {
	t := p.toks
	var ps []Param
	for k := i; k < end; k++ {
		tk := t[k]
		if prm, ok := p.params[k]; ok {
			ps = append(ps, prm)
			continue
		}
		if excluded == nil || tk.kind != tIdent {
			continue
		}
		if tk.is("values") && k+3 < end && t[k+1].is("(") && t[k+3].is(")") {
			ps = append(ps, excluded(t[k+2].text).params...)
			k += 3
			continue
		}
		if k+2 < end && t[k+1].is(".") && t[k+2].kind == tIdent {
			if qual := tk.text; qual == "excluded" || !contains(aliases, qual) {
				ps = append(ps, excluded(t[k+2].text).params...)
			}
			k += 2
		}
	}
	return ps
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// returning reads a RETURNING list at or after i.
func (p *parser) returning(i int) (bool, []string) {
	r := p.clauseEnd(i, "returning")
	if r >= len(p.toks) || !p.toks[r].is("returning") {
		return false, nil
	}
	end := p.clauseEnd(r + 1)
	return true, p.outputNames(r+1, end)
}

// IsVersionColumn reports whether a column name conventionally holds a
// row version used for optimistic concurrency control.
func IsVersionColumn(c string) bool {
	c = strings.ToLower(c)
	switch c {
	case "version", "lock_version", "row_version", "rowversion", "revision", "rev", "etag", "xmin", "optlock", "opt_lock":
		return true
	}
	return strings.HasSuffix(c, "_version") || strings.HasPrefix(c, "version_")
}

// ranked returns the first column of the ORDER BY of the query at i when
// the query keeps one row (LIMIT 1, FETCH FIRST 1 ROW ONLY, TOP 1), or "".
func (p *parser) ranked(i int) string {
	t := p.toks
	depth := p.baseDepth(i)
	col, one := "", false
	for k := i; k < len(t); k++ {
		if t[k].depth != depth {
			continue
		}
		switch {
		case t[k].is("order") && k+2 < len(t) && t[k+1].is("by"):
			if name, _ := p.qualified(k + 2); name != "" && col == "" {
				col = name
			}
		case t[k].is("limit") && k+1 < len(t) && t[k+1].kind == tNumber && t[k+1].text == "1":
			one = true
		case t[k].is("fetch") && k+2 < len(t) && t[k+1].is("first") && t[k+2].text == "1":
			one = true
		case t[k].is("top") && k+1 < len(t) && t[k+1].kind == tNumber && t[k+1].text == "1":
			one = true
		}
	}
	if !one {
		return ""
	}
	return col
}
