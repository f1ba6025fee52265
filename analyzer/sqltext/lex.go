package sqltext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is the lexical class of a token.
type tokKind int

const (
	tIdent  tokKind = iota // identifier or keyword (quoted identifiers unquoted)
	tParam                 // placeholder: $1, ?, :name, @name
	tString                // string literal
	tNumber                // numeric literal
	tPunct                 // operator or punctuation
)

// token is one lexical unit of SQL text, with its byte span in the text.
type token struct {
	kind       tokKind
	text       string // identifier text (lower case for unquoted), or the raw token
	quoted     bool   // identifier was quoted ("x", `x`, [x])
	start, end int
	depth      int // parenthesis depth at the token
}

// is reports whether t is the unquoted keyword or punctuation kw.
func (t token) is(kw string) bool {
	return !t.quoted && (t.kind == tIdent || t.kind == tPunct) && t.text == kw
}

// lex splits SQL text into tokens, dropping comments and white space. It
// never fails: unknown bytes become punctuation tokens.
func lex(s string) []token {
	var toks []token
	depth := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case c == '-' && i+1 < len(s) && s[i+1] == '-', c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				i = len(s)
			} else {
				i += end + 4
			}
		case c == '\'':
			j := i + 1
			for j < len(s) {
				if s[j] == '\\' && j+1 < len(s) {
					j += 2
					continue
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			end := min(j+1, len(s))
			toks = append(toks, token{kind: tString, text: s[i:end], start: i, end: end, depth: depth})
			i = end
		case c == '"' || c == '`' || c == '[':
			closer := c
			if c == '[' {
				closer = ']'
			}
			j := strings.IndexByte(s[i+1:], closer)
			if j < 0 {
				toks = append(toks, token{kind: tPunct, text: string(c), start: i, end: i + 1, depth: depth})
				i++
				continue
			}
			end := i + 1 + j + 1
			toks = append(toks, token{kind: tIdent, text: s[i+1 : end-1], quoted: true, start: i, end: end, depth: depth})
			i = end
		case c == '$' && i+1 < len(s) && isDigit(s[i+1]):
			j := i + 1
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			toks = append(toks, token{kind: tParam, text: s[i:j], start: i, end: j, depth: depth})
			i = j
		case c == '?':
			toks = append(toks, token{kind: tParam, text: "?", start: i, end: i + 1, depth: depth})
			i++
		case (c == ':' || c == '@') && i+1 < len(s) && isIdentStart(s[i+1]) && (i == 0 || s[i-1] != ':'):
			j := i + 1
			for j < len(s) && isIdentPart(s[j]) {
				j++
			}
			toks = append(toks, token{kind: tParam, text: s[i:j], start: i, end: j, depth: depth})
			i = j
		case isDigit(c):
			j := i
			for j < len(s) && (isDigit(s[j]) || s[j] == '.') {
				j++
			}
			toks = append(toks, token{kind: tNumber, text: s[i:j], start: i, end: j, depth: depth})
			i = j
		case isIdentStart(c) || c >= utf8.RuneSelf:
			j := i
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
			if j == i { // a non-letter rune: skip it as punctuation
				_, size := utf8.DecodeRuneInString(s[i:])
				toks = append(toks, token{kind: tPunct, text: s[i : i+size], start: i, end: i + size, depth: depth})
				i += size
				continue
			}
			toks = append(toks, token{kind: tIdent, text: strings.ToLower(s[i:j]), start: i, end: j, depth: depth})
			i = j
		default:
			text := string(c)
			if i+1 < len(s) {
				switch two := s[i : i+2]; two {
				case "<=", ">=", "<>", "!=", "::", "||", ":=":
					text = two
				}
			}
			if c == ')' {
				depth--
			}
			toks = append(toks, token{kind: tPunct, text: text, start: i, end: i + len(text), depth: depth})
			if c == '(' {
				depth++
			}
			i += len(text)
		}
	}
	return toks
}

func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isIdentPart(c byte) bool  { return isIdentStart(c) || isDigit(c) || c == '$' }
