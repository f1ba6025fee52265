package sqltext

// This file reads what the value an assignment writes is made of: the
// column's current value (an atomic update), placeholders as they are, or
// placeholders combined by operators.

// value summarises an expression, seen from the column it is assigned to.
type value struct {
	self     bool // every path reads the column's current value
	param    bool // some path yields a placeholder's value, as it is or changed
	computed bool // some path that does not read the column combines placeholders by operators
}

// exprCtx is the assignment an expression is read for.
type exprCtx struct {
	col      string   // the assigned column ("" for an INSERT value)
	aliases  []string // names of the target table's existing row
	excluded func(string) inserted
}

// value reads the expression [i, end) assigned to col.
func (p *parser) value(i, end int, col string, aliases []string, excluded func(string) inserted) value {
	return p.expr(&exprCtx{col: col, aliases: aliases, excluded: excluded}, i, end)
}

// expr reads the expression [i, end): one operand as it is, or operands
// combined by operators.
func (p *parser) expr(x *exprCtx, i, end int) value {
	if i >= end {
		return value{}
	}
	if !p.enter() {
		return value{param: len(p.paramsIn(i, end)) > 0}
	}
	defer p.leave()
	t := p.toks
	var vs []value
	ops := false
	for k := i; k < end; {
		if t[k].kind == tPunct && !t[k].is("(") {
			// a leading + changes nothing; any other operator combines
			ops = ops || len(vs) > 0 || !t[k].is("+")
			k++
			continue
		}
		v, next := p.operand(x, k, end)
		vs = append(vs, v)
		k = p.skipCast(next, end)
	}
	if len(vs) == 1 && !ops {
		return vs[0]
	}
	return combined(vs)
}

// combined is the value of operands combined by operators: it reads the
// column if one operand does, and is computed from the placeholders in
// them otherwise.
func combined(vs []value) value {
	var v value
	for _, o := range vs {
		v.self = v.self || o.self
		v.param = v.param || o.param
	}
	v.computed = !v.self && v.param
	return v
}

// generic is the value of a function of vs that may return any of them
// or something computed from them: it reads the column if an argument
// does, and is computed if an argument is.
func generic(vs []value) value {
	v := value{computed: anyComputed(vs)}
	for _, o := range vs {
		v.self = v.self || o.self
		v.param = v.param || o.param
	}
	v.computed = v.computed && !v.self
	return v
}

// alternatives is the value of one of vs, chosen by a condition (CASE,
// IF): it reads the column only if every alternative does.
func alternatives(vs []value) value {
	v := generic(vs)
	v.self = len(vs) > 0
	for _, o := range vs {
		v.self = v.self && o.self
	}
	v.computed = anyComputed(vs) && !v.self
	return v
}

// fallback is the value of COALESCE(vs…): the first argument, or when it
// is NULL a later one. It reads the column when the first argument does.
func fallback(vs []value) value {
	if len(vs) == 0 {
		return value{}
	}
	v := generic(vs)
	v.self = vs[0].self
	v.computed = anyComputed(vs) && !v.self
	return v
}

func anyComputed(vs []value) bool {
	for _, o := range vs {
		if o.computed {
			return true
		}
	}
	return false
}

// skipCast skips casts and collations after an operand at k: ::type,
// ::type(n), ::type[], COLLATE name.
func (p *parser) skipCast(k, end int) int {
	t := p.toks
	for k < end {
		switch {
		case t[k].is("::"):
			k++
			for k < end && (t[k].kind == tIdent || t[k].is(".") || t[k].is("[") || t[k].is("]")) {
				k++
			}
			if k < end && t[k].is("(") {
				k = p.match[k] + 1
			}
			for k < end && (t[k].is("[") || t[k].is("]")) {
				k++
			}
		case t[k].is("collate") && k+1 < end:
			k += 2
		default:
			return k
		}
	}
	return k
}

// operand reads one operand at k and returns its value and the index
// after it.
func (p *parser) operand(x *exprCtx, k, end int) (value, int) {
	t := p.toks
	if _, ok := p.params[k]; ok {
		return value{param: true}, k + 1
	}
	switch {
	case t[k].is("("):
		close := min(p.match[k], end)
		if p.firstSelect(k+1) >= 0 || p.isAny(k+1, "with", "values") {
			return value{}, close + 1 // a subquery
		}
		return p.expr(x, k+1, close), close + 1
	case t[k].is("case"):
		return p.caseValue(x, k, end)
	case t[k].kind == tIdent:
		return p.identValue(x, k, end)
	}
	return value{}, k + 1
}

// identValue reads a column reference or a function call at k.
func (p *parser) identValue(x *exprCtx, k, end int) (value, int) {
	t := p.toks
	name, j := p.qualified(k)
	if j < end && t[j].is("(") {
		return p.call(x, j, end)
	}
	if j-k >= 3 { // qual.name
		qual := t[j-3].text
		switch {
		case x.excluded != nil && (qual == "excluded" || !contains(x.aliases, qual)):
			// EXCLUDED.n, or a MySQL 8 row alias (new.n)
			return p.excludedValue(x, name), j
		case name == x.col && contains(x.aliases, qual):
			return value{self: true}, j
		}
		return value{}, j
	}
	return value{self: x.col != "" && name == x.col}, j
}

// excludedValue is the value an upsert proposes for col.
func (p *parser) excludedValue(x *exprCtx, col string) value {
	in := x.excluded(col)
	return value{param: len(in.params) > 0, computed: in.computed}
}

// call reads a function call whose "(" is at open.
func (p *parser) call(x *exprCtx, open, end int) (value, int) {
	t := p.toks
	close := min(p.match[open], end)
	next := close + 1
	name := t[open-1].text
	if t[open-1].quoted {
		name = ""
	}
	items := p.splitCommas(open+1, close)
	switch name {
	case "cast", "try_cast", "convert":
		if len(items) == 0 {
			return value{}, next
		}
		a, b := items[0][0], items[0][1]
		return p.expr(x, a, min(b, p.clauseEndAt(a, p.baseDepth(a), "as", "using"))), next
	case "values":
		if x.excluded != nil && close == open+2 && t[open+1].kind == tIdent {
			return p.excludedValue(x, t[open+1].text), next
		}
	}
	var vs []value
	for _, it := range items {
		vs = append(vs, p.expr(x, it[0], it[1]))
	}
	return callValue(name, vs), next
}

// callValue is the value of the function name applied to arguments vs.
func callValue(name string, vs []value) value {
	switch name {
	case "coalesce", "ifnull", "nvl", "isnull":
		return fallback(vs)
	case "nullif":
		if len(vs) > 0 {
			return vs[0]
		}
	case "if", "iif":
		if len(vs) == 3 {
			return alternatives(vs[1:])
		}
	case "concat":
		if len(vs) >= 2 {
			return combined(vs)
		}
	case "concat_ws":
		if len(vs) >= 3 {
			return combined(vs[1:])
		}
		if len(vs) == 2 {
			return vs[1]
		}
	}
	return generic(vs)
}

// caseValue reads CASE [x] WHEN … THEN r … [ELSE e] END at k: one of its
// results (NULL when no ELSE applies).
func (p *parser) caseValue(x *exprCtx, k, end int) (value, int) {
	t := p.toks
	depth := t[k].depth
	var vs []value
	nest, start, hasElse := 0, -1, false
	j := k + 1
	for ; j < end; j++ {
		switch {
		case t[j].depth != depth:
		case t[j].is("("):
			j = p.match[j]
		case t[j].is("case"):
			nest++
		case nest > 0:
			if t[j].is("end") {
				nest--
			}
		case p.isAny(j, "when", "else", "end"):
			if start >= 0 {
				vs = append(vs, p.expr(x, start, j))
				start = -1
			}
			if t[j].is("else") {
				hasElse, start = true, j+1
			}
			if t[j].is("end") {
				return caseResult(vs, hasElse), j + 1
			}
		case t[j].is("then"):
			start = j + 1
		}
	}
	if start >= 0 && start < end {
		vs = append(vs, p.expr(x, start, end))
	}
	return caseResult(vs, hasElse), end
}

func caseResult(vs []value, hasElse bool) value {
	if !hasElse {
		vs = append(vs, value{}) // no branch applies: NULL
	}
	return alternatives(vs)
}

// normalizers are the SQL functions that tidy a string and give the same
// result when applied again: a column rewritten through them alone keeps
// its data.
var normalizers = []string{"trim", "ltrim", "rtrim", "btrim", "upper", "lower", "initcap", "regexp_replace", "replace", "translate", "nullif"}

// normalizes reports whether the expression [i, end) assigned to col is
// col passed through normalizers with literal arguments only: no
// placeholder, no operator, no other column (see Assignment.Normalizes).
func (p *parser) normalizes(i, end int, col string, aliases []string) bool {
	t := p.toks
	calls := 0
	for k := i; k < end; k++ {
		tk := t[k]
		switch tk.kind {
		case tString, tNumber:
		case tParam:
			return false
		case tPunct:
			if !tk.is("(") && !tk.is(")") && !tk.is(",") {
				return false
			}
		case tIdent:
			switch {
			case k+1 < end && t[k+1].is("(") && !tk.quoted && contains(normalizers, tk.text):
				calls++
			case tk.is("both") || tk.is("leading") || tk.is("trailing") || tk.is("from"):
				// TRIM(BOTH ' ' FROM s)
			case k+2 < end && t[k+1].is(".") && contains(aliases, tk.text) && t[k+2].text == col:
				k += 2
			case tk.text == col:
			default:
				return false
			}
		}
	}
	return calls > 0
}
