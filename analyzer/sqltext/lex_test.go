package sqltext

import (
	"reflect"
	"strings"
	"testing"
)

// texts returns the texts of the tokens of s.
func texts(s string) []string {
	var out []string
	for _, t := range lex(s) {
		out = append(out, t.text)
	}
	return out
}

func TestLexTokens(t *testing.T) {
	tests := []struct {
		name, sql string
		want      []string
	}{
		{"nested comment", "/* a /* b */ still comment */ SELECT 1", []string{"select", "1"}},
		{"unbalanced comment ends at the first end (MySQL)", "/* a /* b */ SELECT 1", []string{"select", "1"}},
		{"comments after an unbalanced one", "/* a /* b */ SELECT 1 /* c */ FROM t", []string{"select", "1", "from", "t"}},
		{"dollar quote", "SELECT $$it's$$, 1", []string{"select", "$$it's$$", ",", "1"}},
		{"tagged dollar quote", "SELECT $fn$ it's $$ $fn$ FROM t", []string{"select", "$fn$ it's $$ $fn$", "from", "t"}},
		{"placeholder", "SELECT $1, $12", []string{"select", "$1", ",", "$12"}},
		{"identifier with dollar", "SELECT a$b$ FROM t", []string{"select", "a$b$", "from", "t"}},
		{"standard string (PostgreSQL)", `SELECT 'C:\', $1`, []string{"select", `'C:\'`, ",", "$1"}},
		{"standard string (SQLite)", `SELECT 'C:\' FROM t WHERE id = ?`, []string{"select", `'C:\'`, "from", "t", "where", "id", "=", "?"}},
		{"standard strings, two of them", `SELECT 'C:\', 'x' FROM t`, []string{"select", `'C:\'`, ",", "'x'", "from", "t"}},
		{"backslash escape (MySQL)", `SELECT 'it\'s' FROM t WHERE id = ?`, []string{"select", `'it\'s'`, "from", "t", "where", "id", "=", "?"}},
		{"escape string (PostgreSQL)", `SELECT E'it\'s', $1`, []string{"select", `E'it\'s'`, ",", "$1"}},
		{"doubled quote", "SELECT 'it''s' FROM t", []string{"select", "'it''s'", "from", "t"}},
		{"hash operator (PostgreSQL)", "SELECT a # b FROM t WHERE id = $1", []string{"select", "a", "#", "b", "from", "t", "where", "id", "=", "$1"}},
		{"json path operators", "SELECT d #> '{a}', d #>> '{a}', d #- '{a}' FROM t", []string{"select", "d", "#>", "'{a}'", ",", "d", "#>>", "'{a}'", ",", "d", "#-", "'{a}'", "from", "t"}},
		{"hash comment (MySQL)", "SELECT n FROM t # note\nWHERE id = ?", []string{"select", "n", "from", "t", "where", "id", "=", "?"}},
		{"executable comment", "SELECT n FROM t /*!40000 FOR UPDATE */", []string{"select", "n", "from", "t", "for", "update"}},
		{"executable comment without version", "SELECT /*! STRAIGHT_JOIN */ n FROM t", []string{"select", "straight_join", "n", "from", "t"}},
		{"MariaDB executable comment", "SELECT n FROM t /*M!100100 FOR UPDATE */", []string{"select", "n", "from", "t", "for", "update"}},
		{"bang comment in PostgreSQL", "SELECT n FROM t WHERE id = $1 /*! FOR UPDATE */", []string{"select", "n", "from", "t", "where", "id", "=", "$1"}},
		{"optimizer hint", "SELECT /*+ INDEX(t i) */ n FROM t", []string{"select", "n", "from", "t"}},
		{"question mark operator (PostgreSQL)", "SELECT d ? 'k', d ?| $1 FROM t", []string{"select", "d", "?", "'k'", ",", "d", "?|", "$1", "from", "t"}},
		{"doubled double quote", `SELECT "a""b" FROM t`, []string{"select", `a"b`, "from", "t"}},
		{"doubled backquote", "SELECT `a``b` FROM t", []string{"select", "a`b", "from", "t"}},
		{"null-safe equality", "WHERE a <=> ?", []string{"where", "a", "<=>", "?"}},
		{"subscript (PostgreSQL)", "SELECT a[1] FROM t WHERE id = $1", []string{"select", "a", "[", "1", "]", "from", "t", "where", "id", "=", "$1"}},
		{"bracket identifier (SQLite)", "SELECT [my col] FROM t", []string{"select", "my col", "from", "t"}},
		{"unclosed bracket", "SELECT [a FROM t", []string{"select", "[", "a", "from", "t"}},
		{"unclosed double quote", `SELECT "a FROM t`, []string{"select", `"`, "a", "from", "t"}},
		{"unclosed dollar quote", "SELECT $x$ abc", []string{"select", "$x$ abc"}},
		{"lone dollar", "SELECT $ x", []string{"select", "$", "x"}},
	}
	for _, tt := range tests {
		if got := texts(tt.sql); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: lex(%q) =\n  %q\nwant\n  %q", tt.name, tt.sql, got, tt.want)
		}
	}
}

// TestLexLock pairs a text that takes a row lock with one whose lock the
// lexer must see as hidden in a string or comment.
func TestLexLock(t *testing.T) {
	tests := []struct {
		sql  string
		want Lock
	}{
		{"/* a /* b */ c */ SELECT n FROM t WHERE id = $1 FOR UPDATE", RowUpdate},
		{"/* a /* b */ FOR UPDATE */ SELECT n FROM t WHERE id = $1", NoLock},
		{"SELECT n FROM t WHERE note = $$it's$$ AND id = $1 FOR UPDATE", RowUpdate},
		{"SELECT n FROM t WHERE note = $$ FOR UPDATE $$ AND id = $1", NoLock},
		{`SELECT n FROM t WHERE path = 'C:\' AND id = $1 FOR UPDATE`, RowUpdate},
		{`SELECT n FROM t WHERE path = 'C:\' AND id = ? FOR UPDATE`, RowUpdate},
		{`SELECT n FROM t WHERE path = 'C:\' AND kind = 'x' FOR UPDATE`, RowUpdate},
		{`SELECT n FROM t WHERE note = 'it\'s' AND id = ? FOR UPDATE`, RowUpdate},
		{`SELECT n FROM t WHERE note = 'it\' FOR UPDATE'`, NoLock},
		{`SELECT n FROM t WHERE note = E'it\'s' AND id = $1 FOR UPDATE`, RowUpdate},
		{`SELECT n FROM t WHERE note = E'it\' FOR UPDATE' AND id = $1`, NoLock},
		{"SELECT n FROM t WHERE flags # $2 = 0 AND id = $1 FOR UPDATE", RowUpdate},
		{"SELECT n FROM t WHERE d #> '{a}' IS NOT NULL FOR UPDATE", RowUpdate},
		{"SELECT n FROM t WHERE id = ? # FOR UPDATE", NoLock},
		{"SELECT n FROM t WHERE id = ? /*!40000 FOR UPDATE */", RowUpdate},
		{"SELECT n FROM t WHERE id = ? /* FOR UPDATE */", NoLock},
	}
	for _, tt := range tests {
		if got := Parse(tt.sql).Lock; got != tt.want {
			t.Errorf("Parse(%q).Lock = %v, want %v", tt.sql, got, tt.want)
		}
	}
}

// TestLexPostgresQuestionMark checks that in PostgreSQL text ? is the
// JSON operator, not a placeholder that shifts the numbering.
func TestLexPostgresQuestionMark(t *testing.T) {
	st := Parse("UPDATE t SET n = $1 WHERE d ? 'k' AND id = $2")
	want := []Comparison{{"id", Param{Index: 1}}}
	if !reflect.DeepEqual(st.Where, want) {
		t.Errorf("Where = %+v, want %+v", st.Where, want)
	}
}

// unclosed are openers that never close, each repeated to fill the text.
var unclosed = []struct{ name, unit string }{
	{"bracket", "["},
	{"bracket-text", "[a "},
	{"double-quote-text", `"a `},
	{"backquote-text", "`a "},
	{"quote", "'"},
	{"comment", "/*"},
	{"comment-text", "/* a "},
	{"dollar-tag", "$a$ "},
	{"escape-string", `E'\`},
}

// BenchmarkLexUnclosed lexes 2 MB of openers that never close: each must
// be read once, not scanned to the end of the text again.
func BenchmarkLexUnclosed(b *testing.B) {
	const size = 2 << 20
	for _, u := range unclosed {
		text := strings.Repeat(u.unit, size/len(u.unit))
		b.Run(u.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				lex(text)
			}
		})
	}
}

// TestLexUnclosed checks that text full of unclosed openers keeps every
// byte in some token or in a comment, without asserting time.
func TestLexUnclosed(t *testing.T) {
	for _, u := range unclosed {
		text := strings.Repeat(u.unit, 1000)
		toks := lex(text)
		for i := 1; i < len(toks); i++ {
			if toks[i].start < toks[i-1].end {
				t.Fatalf("%s: tokens %d and %d overlap", u.name, i-1, i)
			}
		}
	}
}
