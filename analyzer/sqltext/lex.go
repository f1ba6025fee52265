package sqltext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is the lexical class of a token.
type tokKind uint8

const (
	tIdent  tokKind = iota // identifier or keyword (quoted identifiers unquoted)
	tParam                 // placeholder: $1, ?, :name, @name
	tString                // string literal (quoted, E'…', $tag$…$tag$)
	tNumber                // numeric literal
	tPunct                 // operator or punctuation
)

// token is one lexical unit of SQL text, with its byte span in the text.
type token struct {
	text       string // identifier text (lower case for unquoted), or the raw token
	start, end int
	depth      int // parenthesis depth at the token
	kind       tokKind
	quoted     bool // identifier was quoted ("x", `x`, [x])
}

// is reports whether t is the unquoted keyword or punctuation kw.
func (t token) is(kw string) bool {
	return !t.quoted && (t.kind == tIdent || t.kind == tPunct) && t.text == kw
}

// lex splits SQL text into tokens, dropping comments and white space. It
// never fails: unknown bytes become punctuation tokens. It reads the text
// once in the way its dialect suggests (PostgreSQL when it uses $n
// placeholders) and, when that leaves a quoted string open at the end of
// the text, once more with the other reading of backslashes in strings.
func lex(s string) []token {
	pg := isPostgres(s)
	l := lexer{s: s, pg: pg, backslash: !pg}
	l.run()
	if !l.open {
		return l.toks
	}
	alt := lexer{s: s, pg: pg, backslash: pg}
	alt.run()
	if alt.open {
		return l.toks
	}
	return alt.toks
}

// isPostgres reports whether the text uses PostgreSQL's $n placeholders,
// the sign of that dialect: standard strings, # and ? as operators.
func isPostgres(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '$' && isDigit(s[i+1]) && (i == 0 || !isIdentPart(s[i-1])) {
			return true
		}
	}
	return false
}

// lexer is the state of one reading of SQL text. Every method consumes at
// least one byte, and no scan is repeated over the same bytes more than a
// bounded number of times, so lexing takes linear time.
type lexer struct {
	s     string
	i     int
	depth int
	toks  []token

	pg        bool // PostgreSQL: # and ? are operators, /*! is a comment, [ is a subscript
	backslash bool // a backslash escapes the next byte of a '…' string
	open      bool // a quoted string ran to the end of the text
	flat      bool // block comments no longer nest: a nested reading ran off the end
	noBracket bool // no ']' follows an unclosed '['
	exec      bool // inside a MySQL executable comment /*! … */
}

func (l *lexer) run() {
	l.toks = make([]token, 0, len(l.s)/4+1)
	for l.i < len(l.s) {
		l.next()
	}
}

// peek returns the byte k bytes ahead, or 0 past the end.
func (l *lexer) peek(k int) byte {
	if l.i+k < len(l.s) {
		return l.s[l.i+k]
	}
	return 0
}

func (l *lexer) emit(kind tokKind, text string, start, end int) {
	l.toks = append(l.toks, token{kind: kind, text: text, start: start, end: end, depth: l.depth})
	l.i = end
}

// next reads the token (or the space or comment) at l.i.
func (l *lexer) next() {
	c := l.s[l.i]
	switch {
	case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
		l.i++
	case c == '-' && l.peek(1) == '-', c == '#' && !l.hashOperator():
		l.lineComment()
	case c == '/' && l.peek(1) == '*':
		l.blockComment()
	case c == '*' && l.peek(1) == '/' && l.exec:
		l.exec = false
		l.i += 2
	case c == '\'':
		l.str(l.i, l.backslash)
	case (c == 'e' || c == 'E') && l.peek(1) == '\'':
		l.i++
		l.str(l.i-1, true)
	case c == '"' || c == '`':
		l.quotedIdent(c)
	case c == '[' && !l.pg:
		l.bracketIdent()
	case c == '$':
		l.dollar()
	case c == '?' && !l.pg:
		l.emit(tParam, "?", l.i, l.i+1)
	case (c == ':' || c == '@') && isIdentStart(l.peek(1)) && (l.i == 0 || l.s[l.i-1] != ':'):
		j := l.i + 1
		for j < len(l.s) && isIdentPart(l.s[j]) {
			j++
		}
		l.emit(tParam, l.s[l.i:j], l.i, j)
	case isDigit(c):
		j := l.i
		for j < len(l.s) && (isDigit(l.s[j]) || l.s[j] == '.') {
			j++
		}
		l.emit(tNumber, l.s[l.i:j], l.i, j)
	case isIdentStart(c) || c >= utf8.RuneSelf:
		l.ident()
	default:
		l.punct()
	}
}

// hashOperator reports whether the # at l.i is an operator (PostgreSQL:
// a # b, #>, #>>, #-) rather than the start of a MySQL comment.
func (l *lexer) hashOperator() bool {
	return l.pg || l.peek(1) == '>' || l.peek(1) == '-'
}

func (l *lexer) lineComment() {
	if j := strings.IndexByte(l.s[l.i:], '\n'); j >= 0 {
		l.i += j + 1
	} else {
		l.i = len(l.s)
	}
}

// blockComment skips /* … */. Comments nest as in PostgreSQL; when the
// nested reading finds no end, the comment ends at the first */ as in MySQL
// and SQLite, and so do all later ones. Outside PostgreSQL, a MySQL or
// MariaDB executable comment /*! … */, /*!40000 … */, /*M!… */ holds SQL
// that the server runs: its content is read as tokens.
func (l *lexer) blockComment() {
	if !l.pg && !l.exec {
		j := l.i + 2
		if j < len(l.s) && l.s[j] == 'M' && j+1 < len(l.s) && l.s[j+1] == '!' {
			j++
		}
		if j < len(l.s) && l.s[j] == '!' {
			j++
			for j < len(l.s) && isDigit(l.s[j]) {
				j++
			}
			l.exec = true
			l.i = j
			return
		}
	}
	if !l.flat {
		if end, ok := nestedCommentEnd(l.s, l.i); ok {
			l.i = end
			return
		}
		l.flat = true
	}
	if j := strings.Index(l.s[l.i+2:], "*/"); j >= 0 {
		l.i += 2 + j + 2
	} else {
		l.i = len(l.s)
	}
}

// nestedCommentEnd returns the end of the nested comment starting at i.
func nestedCommentEnd(s string, i int) (int, bool) {
	depth := 1
	for j := i + 2; j+1 < len(s); j++ {
		switch {
		case s[j] == '/' && s[j+1] == '*':
			depth++
			j++
		case s[j] == '*' && s[j+1] == '/':
			depth--
			j++
			if depth == 0 {
				return j + 1, true
			}
		}
	}
	return len(s), false
}

// str reads a '…' string whose opening quote is at l.i and whose token
// starts at start (before an E prefix). A doubled quote stands for one;
// with escapes, a backslash escapes the next byte. A string without an end
// runs to the end of the text.
func (l *lexer) str(start int, escapes bool) {
	s := l.s
	for j := l.i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if escapes {
				j++
			}
		case '\'':
			if j+1 < len(s) && s[j+1] == '\'' {
				j++
				continue
			}
			l.emit(tString, s[start:j+1], start, j+1)
			return
		}
	}
	l.open = true
	l.emit(tString, s[start:], start, len(s))
}

// quotedIdent reads "x" or `x` (a doubled quote stands for one). An
// unclosed quote is punctuation. After an unclosed quote every later run of
// that quote has an even length and closes within itself, so no byte is
// scanned twice.
func (l *lexer) quotedIdent(q byte) {
	s := l.s
	doubled := false
	for j := l.i + 1; j < len(s); j++ {
		if s[j] != q {
			continue
		}
		if j+1 < len(s) && s[j+1] == q {
			doubled = true
			j++
			continue
		}
		text := s[l.i+1 : j]
		if doubled {
			text = strings.ReplaceAll(text, string([]byte{q, q}), string(q))
		}
		l.toks = append(l.toks, token{kind: tIdent, text: text, quoted: true, start: l.i, end: j + 1, depth: l.depth})
		l.i = j + 1
		return
	}
	l.emit(tPunct, string(q), l.i, l.i+1)
}

// bracketIdent reads [x] (SQLite, MS style). An unclosed [ is punctuation,
// and so is every later one once no ] is left.
func (l *lexer) bracketIdent() {
	j := -1
	if !l.noBracket {
		j = strings.IndexByte(l.s[l.i+1:], ']')
	}
	if j < 0 {
		l.noBracket = true
		l.emit(tPunct, "[", l.i, l.i+1)
		return
	}
	end := l.i + 1 + j + 1
	l.toks = append(l.toks, token{kind: tIdent, text: l.s[l.i+1 : end-1], quoted: true, start: l.i, end: end, depth: l.depth})
	l.i = end
}

// dollar reads a $n placeholder, a dollar-quoted string $$…$$ or
// $tag$…$tag$ (which runs to the end of the text when it has no end), or
// a lone $.
func (l *lexer) dollar() {
	s := l.s
	j := l.i + 1
	if j < len(s) && isDigit(s[j]) {
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		l.emit(tParam, s[l.i:j], l.i, j)
		return
	}
	if j < len(s) && isIdentStart(s[j]) {
		for j < len(s) && (isIdentStart(s[j]) || isDigit(s[j])) {
			j++
		}
	}
	if j >= len(s) || s[j] != '$' {
		l.emit(tPunct, "$", l.i, l.i+1)
		return
	}
	delim := s[l.i : j+1]
	end := len(s)
	if k := strings.Index(s[j+1:], delim); k >= 0 {
		end = j + 1 + k + len(delim)
	}
	l.emit(tString, s[l.i:end], l.i, end)
}

// ident reads an unquoted identifier or keyword, lower-cased; a rune that
// is neither letter nor digit is punctuation.
func (l *lexer) ident() {
	s := l.s
	j := l.i
	for j < len(s) {
		if s[j] < utf8.RuneSelf {
			if !isIdentPart(s[j]) {
				break
			}
			j++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		j += size
	}
	if j == l.i {
		_, size := utf8.DecodeRuneInString(s[l.i:])
		l.emit(tPunct, s[l.i:l.i+size], l.i, l.i+size)
		return
	}
	l.emit(tIdent, strings.ToLower(s[l.i:j]), l.i, j)
}

// operators are the punctuation tokens longer than one byte, longest first.
var operators = []string{"<=>", "#>>", "<=", ">=", "<>", "!=", "::", "||", ":=", "#>", "#-", "?|", "?&"}

// punct reads an operator or punctuation byte and tracks parentheses.
func (l *lexer) punct() {
	c := l.s[l.i]
	text := l.s[l.i : l.i+1]
	for _, op := range operators {
		if strings.HasPrefix(l.s[l.i:], op) {
			text = op
			break
		}
	}
	if c == ')' {
		l.depth--
	}
	l.emit(tPunct, text, l.i, l.i+len(text))
	if c == '(' {
		l.depth++
	}
}

func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isIdentPart(c byte) bool  { return isIdentStart(c) || isDigit(c) || c == '$' }
