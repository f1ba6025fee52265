package sqltext

// where reads the equality tests "col = placeholder" that are top-level
// conjuncts of the WHERE clause that starts at or after i: tests ANDed
// with the rest of the condition, not inside OR or NOT.
func (p *parser) where(i int) []Comparison {
	t := p.toks
	w := p.clauseEnd(i, "where")
	if w >= len(t) || !t[w].is("where") {
		return nil
	}
	end := p.clauseEnd(w+1, "returning", "order", "limit", "group", "having", "window", "for", "lock",
		"union", "intersect", "except", "offset", "fetch")
	var cmps []Comparison
	p.conjuncts(w+1, end, &cmps)
	return cmps
}

// conjuncts reads the condition [i, end) split at its top-level ANDs (the
// AND of BETWEEN … AND … excepted), looking through enclosing parentheses.
func (p *parser) conjuncts(i, end int, cmps *[]Comparison) {
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
func (p *parser) conjunct(i, end int, cmps *[]Comparison) {
	t := p.toks
	if i >= end {
		return
	}
	if t[i].is("(") && p.match[i] == end-1 {
		p.conjuncts(i, end, cmps)
		return
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
		*cmps = append(*cmps, c)
	}
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
