package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

// Item is an item of an inventory, numbered within its group.
type Item struct {
	ent.Schema
}

// Fields of the Item.
func (Item) Fields() []ent.Field {
	return []ent.Field{
		field.String("name"),
		field.Int("group_id"),
		field.Int("asset_id").Default(0),
	}
}
