package sqltext

// where reads the equality tests "col = placeholder" that are top-level
// conjuncts of the WHERE clause that starts at or after i: tests ANDed
// with the rest of the condition, not inside OR or NOT.
//
// It also returns the columns that the top-level conjuncts test in any
// way (status = 'active', consumed IS NULL, stock >= $1): the checks a
// write repeats in its WHERE.
func (p *parser) where(i int) ([]Comparison, []string) {
	t := p.toks
	w := p.clauseEnd(i, "where")
	if w >= len(t) || !t[w].is("where") {
		return nil, nil
	}
	end := p.clauseEnd(w+1, "returning", "order", "limit", "group", "having", "window", "for", "lock",
		"union", "intersect", "except", "offset", "fetch")
	c := conditions{}
	p.conjuncts(w+1, end, &c)
	return c.cmps, c.tested
}

// conditions collects what the top-level conjuncts of a WHERE say.
type conditions struct {
	cmps   []Comparison
	tested []string
}

// conjuncts reads the condition [i, end) split at its top-level ANDs (the
// AND of BETWEEN … AND … excepted), looking through enclosing parentheses.
func (p *parser) conjuncts(i, end int, cmps *conditions) {
	if i >= end || !p.enter() {
		return
	}
	defer p.leave()
	t := p.toks
	if t[i].is("(") && p.match[i] == end-1 {
		p.conjuncts(i+1, end-1, cmps)
		return
	}
	if p.disjunction(i, end) {
		return
	}
	depth := t[i].depth
	start, between := i, false
	for k := i; k < end; k++ {
		switch {
		case t[k].depth != depth:
		case t[k].is("("):
			k = p.match[k]
		case t[k].is("between"):
			between = true
		case t[k].is("and") && between:
			between = false
		case t[k].is("and"):
			p.conjunct(start, k, cmps)
			start = k + 1
		}
	}
	p.conjunct(start, end, cmps)
}

// conjunct reads one conjunct [i, end): a parenthesised condition, or an
// equality test free of OR and NOT.
func (p *parser) conjunct(i, end int, cmps *conditions) {
	t := p.toks
	if i >= end {
		return
	}
	if t[i].is("(") && p.match[i] == end-1 {
		p.conjuncts(i, end, cmps)
		return
	}
	if !p.disjunction(i, end) {
		p.testedIn(i, end, cmps)
	}
	eq := -1
	for k := i; k < end; k++ {
		switch {
		case t[k].depth != t[i].depth:
		case p.isAny(k, "not") || p.isOr(k):
			return
		case eq < 0 && p.isAny(k, "=", "<=>"):
			eq = k
		}
	}
	if eq < 0 {
		return
	}
	if c, ok := p.equality(i, eq, end); ok {
		cmps.cmps = append(cmps.cmps, c)
	}
}

// testedIn adds the columns a conjunct [i, end) mentions: the identifiers
// that are not keywords, function names or qualifiers.
func (p *parser) testedIn(i, end int, c *conditions) {
	t := p.toks
	for k := i; k < end; k++ {
		if t[k].kind != tIdent || !t[k].quoted && sqlWord(t[k].text) {
			continue
		}
		if k+1 < len(t) && (t[k+1].is("(") || t[k+1].is(".")) {
			continue // a function, or a qualifier
		}
		if !contains(c.tested, t[k].text) {
			c.tested = append(c.tested, t[k].text)
		}
	}
}

// sqlWord reports whether an unquoted identifier is an SQL keyword or
// literal that can appear in a condition.
func sqlWord(s string) bool {
	switch s {
	case "and", "or", "not", "is", "null", "in", "like", "ilike", "between", "true", "false", "exists",
		"any", "all", "some", "select", "from", "where", "case", "when", "then", "else", "end", "distinct",
		"escape", "similar", "to", "unknown", "interval", "now", "current_timestamp", "current_date", "as":
		return true
	}
	return false
}

// equality reads "col = $n" or "$n = col" (also with <=>), whose operator
// is at eq, in [i, end).
func (p *parser) equality(i, eq, end int) (Comparison, bool) {
	if col, j := p.qualified(i); col != "" && j == eq {
		if prm, ok := p.params[eq+1]; ok && eq+1 < end {
			return Comparison{Column: col, Param: prm}, true
		}
	}
	if prm, ok := p.params[i]; ok && (eq == i+1 || p.toks[i+1].is("::")) {
		if col, _ := p.qualified(eq + 1); col != "" && eq+1 < end {
			return Comparison{Column: col, Param: prm}, true
		}
	}
	return Comparison{}, false
}

// disjunction reports whether the condition [i, end) has an OR at its top
// level, which binds looser than AND: then none of its parts is a
// conjunct.
func (p *parser) disjunction(i, end int) bool {
	t := p.toks
	for k := i; k < end; k++ {
		switch {
		case t[k].depth != t[i].depth:
		case t[k].is("("):
			k = p.match[k]
		case p.isOr(k):
			return true
		}
	}
	return false
}

// isOr reports whether token k is OR, XOR, or (outside PostgreSQL, where
// it concatenates) MySQL's || .
func (p *parser) isOr(k int) bool {
	return p.isAny(k, "or", "xor") || !p.pg && p.isAny(k, "||")
}
