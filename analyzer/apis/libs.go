package apis

// Lib is the library an API belongs to.
type Lib int

// The libraries.
const (
	NoLib       Lib = iota
	SQL             // database/sql
	GORM            // gorm.io/gorm
	GORMV1          // github.com/jinzhu/gorm: GORM v1, the same model with its own locking and expressions
	PGX             // github.com/jackc/pgx/v5 and v4 (and pgxpool)
	SQLX            // github.com/jmoiron/sqlx (or its fork github.com/rpadovani/sqlx-v2), over database/sql
	Redis           // github.com/redis/go-redis/v9, github.com/go-redis/redis/v8
	RedisV7         // github.com/go-redis/redis/v7: the same commands without a context argument
	Memcache        // github.com/bradfitz/gomemcache/memcache
	Redigo          // github.com/gomodule/redigo/redis (and github.com/garyburd/redigo/redis)
	Bun             // github.com/uptrace/bun
	Xorm            // xorm.io/xorm, and the same API at github.com/go-xorm/xorm and github.com/xorm-io/xorm
	Ent             // entgo.io/ent: the code it generates into the program
	Mongo           // go.mongodb.org/mongo-driver (v1) and its v2
	Boil            // github.com/volatiletech/sqlboiler/v4: the models it generates into the program
	Sync            // sync
	Distributed     // locks shared by every process: github.com/go-redsync/redsync/v4, github.com/bsm/redislock
)

// LibInfo is what the analysis needs to know of a library as a whole.
type LibInfo struct {
	// Name names the library in summaries: "gorm", "redis", …; "" for
	// database/sql, whose writes are plain SQL.
	Name string
	// Tables is how the library's models name their tables.
	Tables TableNaming
	// Models reports a library whose loads fill models: a destination's
	// fields are its columns and its primary key identifies the row read,
	// also for a struct that has no name.
	Models bool
	// GlobalDB names, in messages, the handle of the library's global
	// database: what GlobalDB returns and a call with no executor (Exec
	// -1) runs on.
	GlobalDB string
	// FieldNames reports a library whose writes to a model take the Go
	// name of one of its fields for the field's column (GORM's
	// Update("Uncertainty", v), Updates(map[string]any{"LabelSrc": s})).
	FieldNames bool
}

// TableNaming is how an ORM names the table of a model that says
// nothing of its own (no TableName method, no table tag).
type TableNaming int

// The namings.
const (
	PluralSnake TableNaming = iota // the plural of the snake-case type name (GORM, bun, ent): Account is accounts
	Snake                          // the snake-case type name (xorm): Account is account
	Generated                      // the table the generated package reads from, a fact of that package (sqlboiler), else as PluralSnake
)

// libs are the libraries' rows.
var libs = map[Lib]LibInfo{
	GORM:        {Name: "gorm", Models: true, FieldNames: true},
	GORMV1:      {Name: "gormv1", Models: true, FieldNames: true},
	PGX:         {Name: "pgx"},
	SQLX:        {Name: "sqlx"},
	Redis:       {Name: "redis"},
	RedisV7:     {Name: "redis7"},
	Memcache:    {Name: "memcache"},
	Redigo:      {Name: "redigo"},
	Bun:         {Name: "bun", Models: true},
	Xorm:        {Name: "xorm", Tables: Snake, Models: true},
	Ent:         {Name: "ent"},
	Mongo:       {Name: "mongo"},
	Boil:        {Name: "sqlboiler", Tables: Generated, GlobalDB: "the global database (boil.SetDB)"},
	Sync:        {Name: "sync"},
	Distributed: {Name: "distributed"},
}

// Info returns the library's row; the zero LibInfo for database/sql and
// NoLib.
func (l Lib) Info() LibInfo { return libs[l] }

// Name names the library in summaries (LibInfo.Name).
func (l Lib) Name() string { return libs[l].Name }

// LibNamed returns the library called name (see Name), or SQL.
func LibNamed(name string) Lib {
	for l, info := range libs {
		if info.Name == name && name != "" {
			return l
		}
	}
	return SQL
}
