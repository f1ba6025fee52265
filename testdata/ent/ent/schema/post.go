package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

// Post is a published post with a download counter and a version.
type Post struct {
	ent.Schema
}

// Fields of the Post.
func (Post) Fields() []ent.Field {
	return []ent.Field{
		field.String("title"),
		field.Int("downloads").Default(0),
		field.Int("version").Default(0),
	}
}
