package apis

import (
	"reflect"
	"strings"
	"unicode"
)

// TagSyntax is how a library writes the value of its struct tag.
type TagSyntax int

// The syntaxes.
const (
	// NameFirst is "name,option,…": the column first, then options
	// (bun:"id,pk", db:"name", bson:"name,omitempty", boil:"name").
	NameFirst TagSyntax = iota
	// Settings is "column:name;primaryKey": settings separated by
	// semicolons (GORM).
	Settings
	// Words is "varchar(25) pk 'name'": words separated by spaces outside
	// quotes and parentheses, the column the quoted one (xorm).
	Words
)

// TagRule is how one library's struct tag maps a field of a model: the
// column it names, whether it marks the primary key or the version, and
// whether it leaves the field out of what the library writes. A mark
// (PrimaryKey, Version) is an option of a NameFirst tag, a word of a
// Words tag in any case, or, in a Settings tag, text anywhere in it in
// any case (the mark written in lower case).
type TagRule struct {
	Key    string // the tag's key: `gorm:"…"` is "gorm"
	Syntax TagSyntax
	// Column is the prefix of the setting that names the column, for
	// Settings ("column:"); NameFirst and Words tags name it in their own
	// way (first, quoted).
	Column string
	// LowerDefault reports that a tag naming no column (bson:",omitempty")
	// maps the field to its name in lower case, where no tag names one.
	LowerDefault bool
	PrimaryKey   []string // the marks of a primary key field
	// Identity is a column that is the primary key by its name, whichever
	// tag names it (a MongoDB document's "_id").
	Identity string
	// Document reports a tag of a document's field rather than a table's
	// column: what a field holds nests in the document.
	Document bool
	// KeyName reports that the name a NameFirst tag starts with is the
	// column of a key field before any tag's column, even with a colon in
	// it.
	KeyName bool
	Version string   // the mark of the version field, which the library checks on update
	Omit    []string // the tag values (words, for Words) that leave the field out of writes
	// OmitPrefix is a prefix of the tag that leaves the field out.
	OmitPrefix string
	// Relation are the prefixes of the options (settings, for Settings)
	// that make the field a relation to rows of its own (bun's rel: and
	// m2m:, GORM's foreignKey: and many2many:), not a column.
	Relation []string
	// Binds reports that the whole tag is the name a named parameter
	// (sqlx's :name) binds the field by.
	Binds bool
	// Table is the option that names the model's table on the embedded
	// field TableField (bun:"table:users,alias:u" on bun.BaseModel).
	Table      string
	TableField string
}

// tagRules are the libraries' tag conventions, in the order their tags
// name a field's column: GORM's column setting, xorm's quoted name, then
// the first name of a bun, sqlx, MongoDB or sqlboiler tag.
var tagRules = []TagRule{
	{Key: "gorm", Syntax: Settings, Column: "column:", PrimaryKey: []string{"primarykey", "primary_key"}, Omit: []string{"-"}, Relation: []string{"foreignkey:", "many2many:", "references:", "polymorphic:"}},
	{Key: "xorm", Syntax: Words, PrimaryKey: []string{"pk"}, Version: "version", Omit: []string{"-", "<-"}},
	{Key: "bun", Syntax: NameFirst, PrimaryKey: []string{"pk"}, KeyName: true, OmitPrefix: "-", Table: "table:", TableField: "BaseModel", Relation: []string{"rel:", "m2m:"}},
	{Key: "db", Syntax: NameFirst, Omit: []string{"-"}, Binds: true},
	{Key: "bson", Syntax: NameFirst, LowerDefault: true, Identity: "_id", Document: true},
	{Key: "boil", Syntax: NameFirst},
}

// FieldTag is what the tags of a struct field say of it, by the rules of
// every library (tagRules).
type FieldTag struct {
	// Column is the column the field maps to: the first a tag names, else
	// the lower-case field name where a LowerDefault tag is present, else
	// the snake_case of the field name (UserID → user_id).
	Column string
	// KeyColumn is the column the field is as part of a primary key:
	// the name a KeyName tag starts with, else Column.
	KeyColumn string
	Key       bool   // a tag marks the field a primary key, or KeyColumn is an Identity
	Version   bool   // a tag marks the field the model's version
	Omit      bool   // a tag leaves the field out of what the library writes
	Relation  bool   // a tag makes the field a relation to other rows
	Declared  bool   // a tag of a library that maps fields to a table's columns (gorm, xorm, bun, db, boil) is present
	Bind      string // the whole tag of a Binds rule, "" without one
	Table     string // the table a Table option names, on the TableField
}

// ReadTag returns what the struct tag tag of the field named field says
// by the rules of every library; a field with no name has nothing.
func ReadTag(field, tag string) FieldTag {
	if field == "" {
		return FieldTag{}
	}
	st := reflect.StructTag(tag)
	var t FieldTag
	lower := false
	for _, r := range tagRules {
		v, ok := st.Lookup(r.Key)
		if !ok {
			continue
		}
		var words []string
		if r.Syntax == Words {
			words = tagWords(v)
		}
		if t.Column == "" {
			t.Column = r.column(v, words)
		}
		lower = lower || r.LowerDefault
		if r.KeyName && t.KeyColumn == "" {
			if name, _, _ := strings.Cut(v, ","); name != "" && name != "-" {
				t.KeyColumn = name
			}
		}
		t.Key = t.Key || r.marked(v, words, r.PrimaryKey...)
		t.Version = t.Version || r.Version != "" && r.marked(v, words, r.Version)
		t.Omit = t.Omit || r.omits(v, words)
		t.Relation = t.Relation || r.relates(v)
		t.Declared = t.Declared || !r.Document
		if r.Binds && t.Bind == "" {
			t.Bind = v
		}
		if r.Table != "" && field == r.TableField && t.Table == "" {
			t.Table = r.table(v)
		}
	}
	switch {
	case t.Column != "":
	case lower:
		t.Column = strings.ToLower(field)
	default:
		t.Column = SnakeCase(field)
	}
	if t.KeyColumn == "" {
		t.KeyColumn = t.Column
	}
	for _, r := range tagRules {
		t.Key = t.Key || r.Identity != "" && t.KeyColumn == r.Identity
	}
	return t
}

// column returns the column a tag's value v (split into words, for
// Words) names, or "".
func (r TagRule) column(v string, words []string) string {
	switch r.Syntax {
	case Settings:
		for _, part := range strings.Split(v, ";") {
			if col, ok := strings.CutPrefix(strings.TrimSpace(part), r.Column); ok && col != "" {
				return col
			}
		}
	case Words:
		for _, w := range words {
			if len(w) > 2 && w[0] == '\'' && w[len(w)-1] == '\'' {
				return w[1 : len(w)-1]
			}
		}
	case NameFirst:
		if col, _, _ := strings.Cut(v, ","); col != "-" && !strings.Contains(col, ":") {
			return col
		}
	}
	return ""
}

// marked reports whether a tag's value v (split into words, for Words)
// holds one of the marks.
func (r TagRule) marked(v string, words []string, marks ...string) bool {
	for _, m := range marks {
		switch r.Syntax {
		case Settings:
			if strings.Contains(strings.ToLower(v), m) {
				return true
			}
		case Words:
			if hasWord(words, m) {
				return true
			}
		case NameFirst:
			if hasOption(v, m) {
				return true
			}
		}
	}
	return false
}

// relates reports whether a tag's value v makes the field a relation.
func (r TagRule) relates(v string) bool {
	var opts []string
	switch r.Syntax {
	case Settings:
		opts = strings.Split(strings.ToLower(v), ";")
	case NameFirst:
		opts = strings.Split(v, ",")
		if !strings.Contains(opts[0], ":") {
			opts = opts[1:] // the name, not an option
		}
	}
	for _, o := range opts {
		for _, rel := range r.Relation {
			if strings.HasPrefix(strings.TrimSpace(o), rel) {
				return true
			}
		}
	}
	return false
}

// omits reports whether a tag's value v (split into words, for Words)
// leaves the field out of what the library writes.
func (r TagRule) omits(v string, words []string) bool {
	if r.OmitPrefix != "" && strings.HasPrefix(v, r.OmitPrefix) {
		return true
	}
	for _, o := range r.Omit {
		if r.Syntax == Words && hasWord(words, o) || r.Syntax != Words && v == o {
			return true
		}
	}
	return false
}

// table returns the table a tag's Table option names ("table:users" →
// users), or "".
func (r TagRule) table(v string) string {
	for _, part := range strings.Split(v, ",") {
		if name, ok := strings.CutPrefix(part, r.Table); ok && name != "" {
			if alias := strings.IndexAny(name, " ,"); alias >= 0 {
				name = name[:alias]
			}
			return name
		}
	}
	return ""
}

// hasOption reports whether a NameFirst tag's value holds option opt
// after its name.
func hasOption(v, opt string) bool {
	parts := strings.Split(v, ",")
	for _, p := range parts[min(1, len(parts)):] {
		if strings.TrimSpace(p) == opt {
			return true
		}
	}
	return false
}

// tagWords splits a Words tag's value (`varchar(25) notnull 'usr_name'
// comment('a b')`) into its words: separated by spaces outside quotes
// and parentheses.
func tagWords(v string) []string {
	var words []string
	depth, quoted, start := 0, false, 0
	for i := 0; i <= len(v); i++ {
		if i == len(v) || v[i] == ' ' && depth == 0 && !quoted {
			if w := v[start:i]; w != "" {
				words = append(words, w)
			}
			start = i + 1
			continue
		}
		switch v[i] {
		case '\'':
			quoted = !quoted
		case '(':
			if !quoted {
				depth++
			}
		case ')':
			if !quoted && depth > 0 {
				depth--
			}
		}
	}
	return words
}

// hasWord reports whether words hold word, in any case and without what
// follows a parenthesis (varchar(25) is varchar).
func hasWord(words []string, word string) bool {
	for _, w := range words {
		if i := strings.IndexByte(w, '('); i > 0 {
			w = w[:i]
		}
		if strings.EqualFold(w, word) {
			return true
		}
	}
	return false
}

// SnakeCase returns the snake_case of a Go name, as the ORMs name columns
// and tables by default: UserID → user_id, LastLogin → last_login.
func SnakeCase(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) ||
				i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
