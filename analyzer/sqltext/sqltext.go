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
	// Self reports that the expression reads the assigned column of the
	// existing row (n = n + $1, n = t.n + EXCLUDED.n): an atomic update.
	Self bool
	// Params are the placeholders the new value is computed from,
	// including those reached through EXCLUDED.col or VALUES(col).
	Params []Param
	// Bare reports that the expression is exactly one placeholder.
	Bare bool
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
	// one table a SELECT reads ("" when it reads several).
	Table string
	Lock  Lock
	// Columns are the result columns of a SELECT (or of RETURNING), by
	// position; an expression without a name is "".
	Columns []string
	// Returning reports an UPDATE/INSERT/DELETE … RETURNING.
	Returning bool
	// Sets are the assignments of an UPDATE, of an upsert's conflict
	// action (ON CONFLICT DO UPDATE, ON DUPLICATE KEY UPDATE), or of a
	// REPLACE.
	Sets []Assignment
	// Where are the equality tests of the WHERE clause.
	Where []Comparison
	// Serializable reports SET TRANSACTION ISOLATION LEVEL SERIALIZABLE.
	Serializable bool
	// Replace reports REPLACE (or INSERT OR REPLACE), which rewrites the
	// whole row.
	Replace bool
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
func Parse(text string) Statement {
	toks := lex(text)
	p := parser{toks: toks}
	p.numberParams()
	var st Statement
	st.Lock = p.lockClause()
	if len(toks) == 0 {
		return st
	}
	i := 0
	if toks[0].is("with") {
		// WITH cte AS (…) [, …] main-statement
		i = p.skipWith()
	}
	if i >= len(toks) {
		return st
	}
	switch first := toks[i]; {
	case first.is("select"), first.is("("):
		st.Kind = Select
		st.Columns = p.selectColumns(i)
		st.Table = p.singleTable(i)
	case first.is("update"):
		st.Kind = Update
		p.update(&st, i)
	case first.is("insert"), first.is("replace"), first.is("upsert"):
		st.Kind = Insert
		p.insert(&st, i)
	case first.is("delete"):
		st.Kind = Delete
		st.Table = p.tableAfter(i, "from")
		st.Where = p.where(i)
		st.Returning, st.Columns = p.returning(i)
	case first.is("lock"):
		st.Kind = LockTable
		if st.Lock == NoLock {
			st.Lock = Table
		}
		st.Table = p.identAt(p.skipWords(i+1, "table", "tables", "only"))
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
	return st
}

// parser holds the tokens of one statement and the argument index of each
// placeholder token.
type parser struct {
	toks   []token
	params map[int]Param // token index → placeholder
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

// lockClause finds the strongest lock the statement takes.
func (p *parser) lockClause() Lock {
	l := NoLock
	raise := func(m Lock) {
		if m > l {
			l = m
		}
	}
	t := p.toks
	for i := range t {
		switch {
		case t[i].is("for") && i+1 < len(t):
			switch {
			case t[i+1].is("update"):
				raise(RowUpdate)
			case t[i+1].is("no") && p.seqAt(i+2, "key", "update"):
				raise(RowUpdate)
			case t[i+1].is("share"), t[i+1].is("key") && p.seqAt(i+2, "share"):
				raise(RowShare)
			}
		case t[i].is("lock") && p.seqAt(i+1, "in", "share", "mode"):
			raise(RowShare)
		case t[i].kind == tIdent && !t[i].quoted && i+1 < len(t) && t[i+1].is("("):
			switch t[i].text {
			case "pg_advisory_xact_lock", "pg_try_advisory_xact_lock":
				raise(AdvisoryXact)
			case "pg_advisory_lock", "pg_try_advisory_lock", "get_lock":
				raise(AdvisorySession)
			}
		}
	}
	return l
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
	for i < len(p.toks) {
		matched := false
		for _, kw := range kws {
			if p.toks[i].is(kw) {
				matched = true
			}
		}
		if !matched {
			return i
		}
		i++
	}
	return i
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
	if i >= len(t) || t[i].kind != tIdent {
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

// clauseEnd returns the index of the first depth-0 token from i that is one
// of the keywords, or len(toks).
func (p *parser) clauseEnd(i int, kws ...string) int {
	depth := p.baseDepth(i)
	for ; i < len(p.toks); i++ {
		if p.toks[i].depth != depth {
			continue
		}
		if p.toks[i].is(";") {
			return i
		}
		for _, kw := range kws {
			if p.toks[i].is(kw) {
				return i
			}
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

// singleTable returns the table a SELECT reads, when it reads exactly one
// (no join, no list of tables, no subquery in FROM), else "".
func (p *parser) singleTable(i int) string {
	t := p.toks
	from := p.clauseEnd(i, "from")
	if from >= len(t) {
		return ""
	}
	name, j := p.qualified(from + 1)
	if name == "" {
		return ""
	}
	end := p.clauseEnd(j, "where", "for", "limit", "order", "group", "union", "having", "lock")
	for k := j; k < end; k++ {
		if t[k].depth == t[from].depth && (t[k].is(",") || t[k].is("join")) {
			return ""
		}
	}
	return name
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

// tableAfter returns the table named after keyword kw (from i on).
func (p *parser) tableAfter(i int, kw string) string {
	for ; i < len(p.toks); i++ {
		if p.toks[i].is(kw) {
			return p.identAt(p.skipWords(i+1, "only"))
		}
	}
	return ""
}

// update reads UPDATE t [AS a] SET … [FROM …] [WHERE …] [RETURNING …].
func (p *parser) update(st *Statement, i int) {
	t := p.toks
	j := p.skipWords(i+1, "only", "low_priority", "ignore", "or", "rollback", "abort", "replace", "fail")
	st.Table, j = p.qualified(j)
	aliases := []string{st.Table}
	if j < len(t) && t[j].is("as") {
		j++
	}
	if j < len(t) && t[j].kind == tIdent && !t[j].is("set") {
		aliases = append(aliases, t[j].text)
	}
	set := p.clauseEnd(j, "set")
	if set >= len(t) {
		return
	}
	end := p.clauseEnd(set+1, "from", "where", "returning", "order", "limit")
	st.Sets = p.assignments(set+1, end, aliases, nil)
	st.Where = p.where(end)
	st.Returning, st.Columns = p.returning(end)
}

// insert reads INSERT/REPLACE INTO t (cols) VALUES (…) [ON CONFLICT … DO
// UPDATE SET …] [ON DUPLICATE KEY UPDATE …] [RETURNING …].
func (p *parser) insert(st *Statement, i int) {
	t := p.toks
	replace := t[i].is("replace") || p.seqAt(i+1, "or", "replace")
	j := p.clauseEnd(i, "into")
	if j >= len(t) {
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
	// VALUES (…): map each column to the placeholders of its value.
	values := make(map[string][]Param)
	bare := make(map[string]bool)
	spans := make(map[string][2]int)
	if v := p.clauseEnd(j, "values", "value"); v < len(t) && v+1 < len(t) && t[v+1].is("(") {
		close := p.matching(v + 1)
		for k, item := range p.splitCommas(v+2, close) {
			if k < len(cols) {
				values[cols[k]] = p.paramsIn(item[0], item[1])
				bare[cols[k]] = item[1]-item[0] == 1 && t[item[0]].kind == tParam
				if item[0] < item[1] {
					spans[cols[k]] = [2]int{t[item[0]].start, t[item[1]-1].end}
				}
			}
		}
	}
	excluded := func(col string) []Param { return values[col] }
	aliases := []string{st.Table}
	if alias != "" {
		aliases = append(aliases, alias)
	}
	st.Replace = replace
	switch {
	case replace:
		for _, c := range cols {
			st.Sets = append(st.Sets, Assignment{Column: c, Params: values[c], Bare: bare[c], ExprStart: spans[c][0], ExprEnd: spans[c][1]})
		}
	default:
		for k := j; k < len(t); k++ {
			if t[k].depth != 0 {
				continue
			}
			if t[k].is("do") && p.seqAt(k+1, "update", "set") {
				end := p.clauseEnd(k+3, "where", "returning")
				st.Sets = p.assignments(k+3, end, aliases, excluded)
				st.Where = p.where(end)
				break
			}
			if t[k].is("duplicate") && p.seqAt(k+1, "key", "update") {
				end := p.clauseEnd(k+3, "returning")
				// MySQL 8 row alias: INSERT … VALUES (…) AS new ON DUPLICATE KEY UPDATE n = new.n
				st.Sets = p.assignments(k+3, end, aliases, excluded)
				break
			}
		}
	}
	st.Returning, st.Columns = p.returning(j)
}

// matching returns the index of the parenthesis closing the one at i.
func (p *parser) matching(i int) int {
	d := p.toks[i].depth
	for j := i + 1; j < len(p.toks); j++ {
		if p.toks[j].is(")") && p.toks[j].depth == d {
			return j
		}
	}
	return len(p.toks)
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
// which the target table's existing row can be qualified; excluded maps a
// column to the placeholders of its proposed value (EXCLUDED.col, VALUES(col)).
func (p *parser) assignments(i, end int, aliases []string, excluded func(string) []Param) []Assignment {
	t := p.toks
	var sets []Assignment
	for _, item := range p.splitCommas(i, end) {
		col, j := p.qualified(item[0])
		if col == "" || j >= item[1] || !t[j].is("=") {
			continue
		}
		a := Assignment{Column: col}
		exprStart, exprEnd := j+1, item[1]
		if exprStart >= exprEnd {
			continue
		}
		a.ExprStart, a.ExprEnd = t[exprStart].start, t[exprEnd-1].end
		a.Bare = exprEnd-exprStart == 1 && t[exprStart].kind == tParam
		for k := exprStart; k < exprEnd; k++ {
			tk := t[k]
			if prm, ok := p.params[k]; ok {
				a.Params = append(a.Params, prm)
				continue
			}
			if tk.kind != tIdent {
				continue
			}
			// VALUES(col) (MySQL) and EXCLUDED.col (PostgreSQL, SQLite)
			if excluded != nil && tk.is("values") && k+3 < exprEnd && t[k+1].is("(") && t[k+3].is(")") {
				a.Params = append(a.Params, excluded(t[k+2].text)...)
				k += 3
				continue
			}
			if k+2 < exprEnd && t[k+1].is(".") && t[k+2].kind == tIdent {
				qual, name := tk.text, t[k+2].text
				k += 2
				switch {
				case excluded != nil && qual == "excluded", excluded != nil && !contains(aliases, qual):
					// EXCLUDED.n, or a MySQL 8 row alias (new.n)
					a.Params = append(a.Params, excluded(name)...)
				case name == col && contains(aliases, qual):
					a.Self = true
				}
				continue
			}
			if tk.text == col && !(k+1 < exprEnd && t[k+1].is("(")) {
				a.Self = true
			}
		}
		sets = append(sets, a)
	}
	return sets
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// where reads the equality tests "col = placeholder" of the WHERE clause
// that starts at or after i.
func (p *parser) where(i int) []Comparison {
	t := p.toks
	w := p.clauseEnd(i, "where")
	if w >= len(t) {
		return nil
	}
	end := p.clauseEnd(w+1, "returning", "order", "limit", "group", "for")
	var cmps []Comparison
	for k := w + 1; k+2 <= end; k++ {
		if k+1 >= len(t) || !t[k+1].is("=") && !(t[k+1].is("<=") && k+2 < len(t) && t[k+2].is(">")) {
			continue
		}
		// col = $n, or $n = col, qualified or not
		left, right := k, k+2
		if t[k+1].is("<=") { // MySQL null-safe <=>
			right = k + 3
		}
		if right >= len(t) {
			continue
		}
		lcol := p.columnEndingAt(left)
		if prm, ok := p.params[right]; ok && lcol != "" {
			cmps = append(cmps, Comparison{Column: lcol, Param: prm})
			continue
		}
		if prm, ok := p.params[left]; ok {
			if rcol, _ := p.qualified(right); rcol != "" {
				cmps = append(cmps, Comparison{Column: rcol, Param: prm})
			}
		}
	}
	return cmps
}

// columnEndingAt returns the column name of an identifier ending at token i
// (x or t.x), or "".
func (p *parser) columnEndingAt(i int) string {
	if i < 0 || i >= len(p.toks) || p.toks[i].kind != tIdent {
		return ""
	}
	return p.toks[i].text
}

// returning reads a RETURNING list at or after i.
func (p *parser) returning(i int) (bool, []string) {
	r := p.clauseEnd(i, "returning")
	if r >= len(p.toks) {
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
