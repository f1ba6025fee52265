package apis

import "testing"

func TestReadTag(t *testing.T) {
	tests := []struct {
		name, field, tag string
		want             FieldTag
	}{
		{"no tag: snake_case", "UserID", ``, FieldTag{Column: "user_id", KeyColumn: "user_id"}},
		{"GORM's column setting", "Amount", `gorm:"not null; column:amt"`, FieldTag{Column: "amt", KeyColumn: "amt", Declared: true}},
		{"GORM's primary key, in any case", "Code", `gorm:"primaryKey"`, FieldTag{Column: "code", KeyColumn: "code", Key: true, Declared: true}},
		{"GORM v1's primary key", "Code", `gorm:"PRIMARY_KEY"`, FieldTag{Column: "code", KeyColumn: "code", Key: true, Declared: true}},
		{"GORM leaves out", "Cache", `gorm:"-"`, FieldTag{Column: "cache", KeyColumn: "cache", Omit: true, Declared: true}},
		{"xorm's quoted name", "Name", `xorm:"varchar(25) notnull 'usr_name' comment('a b')"`, FieldTag{Column: "usr_name", KeyColumn: "usr_name", Declared: true}},
		{"xorm's pk and version", "Ver", `xorm:"PK version"`, FieldTag{Column: "ver", KeyColumn: "ver", Key: true, Version: true, Declared: true}},
		{"xorm's read-only field", "Total", `xorm:"<-"`, FieldTag{Column: "total", KeyColumn: "total", Omit: true, Declared: true}},
		{"bun's name and pk", "ID", `bun:"account_id,pk"`, FieldTag{Column: "account_id", KeyColumn: "account_id", Key: true, Declared: true}},
		{"bun's first part is the key's column, even an option", "ID", `bun:"type:uuid"`, FieldTag{Column: "id", KeyColumn: "type:uuid", Declared: true}},
		{"bun's name is the key's column before GORM's", "ID", `gorm:"column:gid" bun:"bid"`, FieldTag{Column: "gid", KeyColumn: "bid", Declared: true}},
		{"bun leaves out", "Extra", `bun:"-"`, FieldTag{Column: "extra", KeyColumn: "extra", Omit: true, Declared: true}},
		{"bun's table, on BaseModel", "BaseModel", `bun:"table:accounts,alias:a"`, FieldTag{Column: "base_model", KeyColumn: "table:accounts", Table: "accounts", Declared: true}},
		{"a table option elsewhere", "Meta", `bun:"table:accounts"`, FieldTag{Column: "meta", KeyColumn: "table:accounts", Declared: true}},
		{"sqlx's db binds whole", "Balance", `db:"balance,omitempty"`, FieldTag{Column: "balance", KeyColumn: "balance", Bind: "balance,omitempty", Declared: true}},
		{"sqlx leaves out", "Note", `db:"-"`, FieldTag{Column: "note", KeyColumn: "note", Omit: true, Bind: "-", Declared: true}},
		{"bson's identity", "ID", `bson:"_id,omitempty"`, FieldTag{Column: "_id", KeyColumn: "_id", Key: true}},
		{"bson without a name: lower case", "LastLogin", `bson:",omitempty"`, FieldTag{Column: "lastlogin", KeyColumn: "lastlogin"}},
		{"boil's name before bson's lower case", "LastLogin", `bson:",omitempty" boil:"last"`, FieldTag{Column: "last", KeyColumn: "last", Declared: true}},
		{"GORM's column before xorm's and bun's", "N", `bun:"b" xorm:"'x'" gorm:"column:g"`, FieldTag{Column: "g", KeyColumn: "b", Declared: true}},
		{"bun's many-to-many relation", "Tags", `bun:"attached_tags,m2m:status_to_tags"`, FieldTag{Column: "attached_tags", KeyColumn: "attached_tags", Relation: true, Declared: true}},
		{"bun's belongs-to relation", "Author", `bun:"rel:belongs-to,join:author_id=id"`, FieldTag{Column: "author", KeyColumn: "rel:belongs-to", Relation: true, Declared: true}},
		{"GORM's foreign key, in any case", "Orders", `gorm:"foreignKey:UserID"`, FieldTag{Column: "orders", KeyColumn: "orders", Relation: true, Declared: true}},
		{"GORM's many2many", "Roles", `gorm:"many2many:user_roles;"`, FieldTag{Column: "roles", KeyColumn: "roles", Relation: true, Declared: true}},
		{"a name that starts like a relation is none", "Rel", `bun:"relx,m2mx"`, FieldTag{Column: "relx", KeyColumn: "relx", Declared: true}},
		{"no name", "", `gorm:"column:g"`, FieldTag{}},
		{"bson's field is a document's, not a table's column", "Items", `bson:"items"`, FieldTag{Column: "items", KeyColumn: "items"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ReadTag(tt.field, tt.tag); got != tt.want {
				t.Errorf("ReadTag(%q, %q) = %+v, want %+v", tt.field, tt.tag, got, tt.want)
			}
		})
	}
}
