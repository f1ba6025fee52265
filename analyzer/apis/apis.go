// Package apis is the table of database APIs that lostupdate understands:
// for each library function or method, what it does to data (load, write,
// lock, begin or end a transaction) and where its SQL text, arguments and
// destinations are. Libraries are recognised by package path and type name
// through go/types, never by local names or import aliases, and the whole
// table lives here so that adding a library is one edit.
package apis

import (
	"go/types"
	"slices"
	"strings"
)

// Op is what a call does.
type Op int

// The operations. A "handle" is a value that runs statements: *sql.DB,
// *sql.Conn, *sql.Tx, *sql.Stmt or *gorm.DB.
const (
	None Op = iota

	// database/sql
	Query    // runs SQL and returns *sql.Row or *sql.Rows to scan (QueryRow, Query)
	Exec     // runs SQL and returns sql.Result (Exec)
	Prepare  // returns a *sql.Stmt bound to the receiver with SQL text
	StmtOn   // (*sql.Tx).Stmt: rebinds a statement to a transaction
	Scan     // (*sql.Row).Scan, (*sql.Rows).Scan: copies a row into destinations
	Begin    // starts a transaction and returns its handle
	End      // Commit or Rollback
	OpenConn // (*sql.DB).Conn: reserves one connection

	// GORM
	Chain       // returns a *gorm.DB derived from the receiver (Where, Model, Clauses, …)
	GormLoad    // First, Take, Last, Find, Scan, Pluck, Count: fills Dest
	GormSave    // Save: writes every field of Value
	GormUpdate  // Update, UpdateColumn: writes Value to the column named by Column
	GormUpdates // Updates, UpdateColumns: writes the fields or map entries of Value
	GormCreate  // Create: inserts; never a lost update
	GormRow     // Row, Rows: runs the chain's query and returns *sql.Row/*sql.Rows
	RunInTx     // Transaction: runs Callback with a transaction handle
	RunOnConn   // Connection: runs Callback with a handle bound to one connection

	// pgx
	Collect // pgx.CollectRows, CollectOneRow, CollectExactlyOneRow: load the rows of Value into the result

	// sqlx
	QueryInto  // Get, Select: run SQL and load the rows into Dest
	ScanStruct // StructScan: copy a row into the fields of the struct at Dest
	NamedExec  // NamedExec: run SQL whose :name placeholders bind the fields (or map entries) of Value
	Rebind     // Rebind: returns the SQL text at SQL with its ? placeholders rewritten for the driver

	// go-redis
	CacheRead   // Get, HGet: a command whose reply Collect-like accessors (Int64, Result, Val, Scan) load; Column is the key
	CacheWrite  // Set, HSet: writes Value (HSet: every value after the key) to the key at Column
	RunOnHandle // (*redis.Tx).TxPipelined: runs Callback with the receiver's own handle

	// gomemcache
	CacheGet // Get: loads the item it returns; Column is the key

	// redigo
	CacheCommand // Do, Send: a command named by the text at SQL, its arguments the variadic Value (the key first): GET and HGET read, SET and HSET write, WATCH … EXEC is a transaction

	// bun
	BunNew    // NewSelect, NewUpdate: starts a query on the receiver's handle
	BunSelect // (*SelectQuery).Scan: runs the query and loads the model (or Dest)
	BunUpdate // (*UpdateQuery).Exec: writes its Set expressions, or the model's columns

	// xorm
	XormLoad   // Get, Find: runs the session's query and loads the rows into Dest (a model, models, or the columns of Cols)
	XormUpdate // Update: writes the session's Incr, Decr and SetExpr columns and the fields (or map entries) of Value
	BeginOn    // Session.Begin, BeginTx: the receiver itself runs in a transaction from here until Commit or Rollback

	// ent (generated code, recognised by shape: see EntRoleOf)
	EntLoad // <T>Client.Get, <T>Query.Only, First, All: runs the builder's query and returns the entities; Column is Get's id
	EntSave // <T>Update(One).Save, Exec: writes the fields the builder's setters set

	// MongoDB (see mongo.go)
	DocFind       // FindOne, Find: runs the Filter document on the receiver's collection; Decode and All of the result load
	DocUpdate     // UpdateOne, UpdateMany, UpdateByID, FindOneAndUpdate: writes the update document at Value to what Filter (UpdateByID: the _id at Column) finds
	DocReplace    // ReplaceOne, FindOneAndReplace: writes the document at Value whole
	DocCollection // (*Database).Collection: the collection named at Column

	// sqlboiler (generated models, recognised by shape: see BoilRoleOf)
	BoilLoad      // Find<T>, query One and All, Reload, ReloadAll: run on the executor at Exec and load the models they return (or the receiver); Column is Find's first key argument
	BoilUpdate    // <T>.Update: writes the model's columns that the boil.Columns at Value names
	BoilUpsert    // <T>.Upsert: inserts the model, or on conflict writes the columns of the boil.Columns at Value over the row
	BoilUpdateAll // query or slice UpdateAll: writes the entries of the map at Value to the rows the query's mods (or the slice) find
	BoilRaw       // (*queries.Query).Exec, QueryRow, Query: runs the SQL of the queries.Raw that built the receiver on the executor at Exec
	BoilBind      // (*queries.Query).Bind: runs it like BoilRaw and loads the rows into Dest
	GlobalDB      // boil.GetDB, GetContextDB: the pool boil.SetDB set
	BoilOther     // another generated method that runs a statement on its executor (Insert, Delete, Exists, a relationship's setter or loader): what it does is not followed, and it keeps no data of its arguments in the model

	// sync
	MutexLock
	MutexUnlock
)

// Lib is the library an API belongs to.
type Lib int

// The libraries.
const (
	NoLib    Lib = iota
	SQL          // database/sql
	GORM         // gorm.io/gorm
	GORMV1       // github.com/jinzhu/gorm: GORM v1, the same model with its own locking and expressions
	PGX          // github.com/jackc/pgx/v5 and v4 (and pgxpool)
	SQLX         // github.com/jmoiron/sqlx (or its fork github.com/rpadovani/sqlx-v2), over database/sql
	Redis        // github.com/redis/go-redis/v9, github.com/go-redis/redis/v8
	RedisV7      // github.com/go-redis/redis/v7: the same commands without a context argument
	Memcache     // github.com/bradfitz/gomemcache/memcache
	Redigo       // github.com/gomodule/redigo/redis (and github.com/garyburd/redigo/redis)
	Bun          // github.com/uptrace/bun
	Xorm         // xorm.io/xorm
	Ent          // entgo.io/ent: the code it generates into the program
	Mongo        // go.mongodb.org/mongo-driver (v1) and its v2
	Boil         // github.com/volatiletech/sqlboiler/v4: the models it generates into the program
	Sync         // sync
)

// Name names the library in summaries: "gorm", "redis", …; "" for
// database/sql and NoLib, whose writes are plain SQL.
func (l Lib) Name() string {
	switch l {
	case GORM:
		return "gorm"
	case GORMV1:
		return "gormv1"
	case PGX:
		return "pgx"
	case SQLX:
		return "sqlx"
	case Redis:
		return "redis"
	case RedisV7:
		return "redis7"
	case Memcache:
		return "memcache"
	case Redigo:
		return "redigo"
	case Bun:
		return "bun"
	case Xorm:
		return "xorm"
	case Ent:
		return "ent"
	case Mongo:
		return "mongo"
	case Boil:
		return "sqlboiler"
	case Sync:
		return "sync"
	}
	return ""
}

// LibNamed returns the library called name (see Name), or SQL.
func LibNamed(name string) Lib {
	for _, l := range []Lib{GORM, GORMV1, PGX, SQLX, Redis, RedisV7, Memcache, Redigo, Bun, Xorm, Ent, Mongo, Boil, Sync} {
		if l.Name() == name {
			return l
		}
	}
	return SQL
}

// IsGorm reports whether l is GORM, v2 or v1: the same chains, loads
// and writes.
func (l Lib) IsGorm() bool { return l == GORM || l == GORMV1 }

// Spec describes one API. Argument indexes do not count the receiver; -1
// means the API has no such argument.
type Spec struct {
	Op  Op
	Lib Lib
	// SQL is the index of the SQL text argument.
	SQL int
	// Args is the index of the first argument bound to placeholders (the
	// rest are variadic).
	Args int
	// Dest is the index of the first destination of a load.
	Dest int
	// Column is the index of a column-name argument.
	Column int
	// Value is the index of the value a GORM write stores.
	Value int
	// Opts is the index of the *sql.TxOptions argument.
	Opts int
	// Callback is the index of the function run in a transaction, and
	// TxParam the index of the callback's parameter that receives the
	// transaction.
	Callback int
	TxParam  int
	// Packed reports SQL text that is the first element of the variadic
	// argument at SQL, the values bound to its placeholders the elements
	// after it (xorm's Exec(sqlOrArgs ...any)); for a GORM v1 Update or
	// UpdateColumn (attrs ...any), that Column and Value index the
	// elements of its variadic argument: Update("n", v), or Update(m)
	// of one map or struct, which writes as Updates(m).
	Packed bool
	// Ctx is the index of the context argument that is the operation's
	// handle (MongoDB's, which carries the session), and Filter that of
	// the filter document that finds what it reads or writes.
	Ctx    int
	Filter int
	// Conflicts reports a transaction that fails a write to what another
	// changed since it began (MongoDB's snapshot isolation): what it
	// reads and writes is protected, as under SERIALIZABLE.
	Conflicts bool
	// Exec is the index of the executor argument a sqlboiler method runs
	// on; -1 for a G variant, which runs on the global database.
	Exec int
}

func spec(op Op, lib Lib) Spec {
	return Spec{Op: op, Lib: lib, SQL: -1, Args: -1, Dest: -1, Column: -1, Value: -1, Opts: -1, Callback: -1, Ctx: -1, Filter: -1, Exec: -1}
}

func (s Spec) sql(i int) Spec      { s.SQL, s.Args = i, i+1; return s }
func (s Spec) args(i int) Spec     { s.Args = i; return s }
func (s Spec) dest(i int) Spec     { s.Dest = i; return s }
func (s Spec) column(i int) Spec   { s.Column = i; return s }
func (s Spec) value(i int) Spec    { s.Value = i; return s }
func (s Spec) opts(i int) Spec     { s.Opts = i; return s }
func (s Spec) callback(i int) Spec { s.Callback = i; return s }
func (s Spec) txParam(i int) Spec  { s.TxParam = i; return s }
func (s Spec) packed() Spec        { s.Packed = true; return s }
func (s Spec) ctx(i int) Spec      { s.Ctx = i; return s }
func (s Spec) filter(i int) Spec   { s.Filter = i; return s }
func (s Spec) conflicts() Spec     { s.Conflicts = true; return s }
func (s Spec) exec(i int) Spec     { s.Exec = i; return s }

const (
	sqlPkg   = "database/sql"
	gormPkg  = "gorm.io/gorm"
	gormV1Pk = "github.com/jinzhu/gorm"
	clausePk = "gorm.io/gorm/clause"
	pgxPkg   = "github.com/jackc/pgx/v5"
	poolPkg  = "github.com/jackc/pgx/v5/pgxpool"
	pgconnPk = "github.com/jackc/pgx/v5/pgconn"
	pgx4Pkg  = "github.com/jackc/pgx/v4"
	pool4Pkg = "github.com/jackc/pgx/v4/pgxpool"
	pgconn4  = "github.com/jackc/pgconn" // pgx v4's connection layer, a module of its own
	mcPkg    = "github.com/bradfitz/gomemcache/memcache"
	bunPkg   = "github.com/uptrace/bun"
	xormPkg  = "xorm.io/xorm"
	syncPkg  = "sync"
)

// The import paths of the go-redis versions modelled: v9 and v8, whose
// commands take a context first, and v7, whose commands take none.
var (
	redisCtxPkgs = []string{"github.com/redis/go-redis/v9", "github.com/go-redis/redis/v8"}
	redisPkgs    = append(slices.Clone(redisCtxPkgs), redisV7Pkg)
)

const redisV7Pkg = "github.com/go-redis/redis/v7"

// sqlxPkgs are sqlx and its API-compatible fork (authelia's), whose handles
// embed database/sql's at either path.
var sqlxPkgs = []string{"github.com/jmoiron/sqlx", "github.com/rpadovani/sqlx-v2"}

// redigoPkgs are redigo's package at its two paths: the module's, and the
// one it had before it moved.
var redigoPkgs = []string{"github.com/gomodule/redigo/redis", "github.com/garyburd/redigo/redis"}

// redisHandle reports whether t is a pointer to one of the named go-redis
// types, in any modelled version.
func redisHandle(t types.Type, names ...string) bool { return redisType(t, isPtrTo, names) }

// redisNamed reports whether t is one of the named go-redis types (an
// interface), in any modelled version.
func redisNamed(t types.Type, names ...string) bool { return redisType(t, IsNamed, names) }

// redisType reports whether is(t, pkg, name) holds for one of the names in
// one of the modelled go-redis packages.
func redisType(t types.Type, is func(types.Type, string, string) bool, names []string) bool {
	for _, pkg := range redisPkgs {
		for _, n := range names {
			if is(t, pkg, n) {
				return true
			}
		}
	}
	return false
}

// table maps types.Func.FullName() of a library function to its Spec.
var table = buildTable()

// gormRows adds the loads and writes that GORM v2 and v1 declare alike on
// their *gorm.DB h: raw SQL, the loads, Save and Updates.
func gormRows(add func(recv, names string, s Spec), h string, lib Lib) {
	add(h, "Raw", spec(Chain, lib).sql(0))
	add(h, "Exec", spec(Exec, lib).sql(0))
	add(h, "First Take Last Find FirstOrInit FirstOrCreate Scan Count", spec(GormLoad, lib).dest(0))
	add(h, "Pluck", spec(GormLoad, lib).dest(1).column(0))
	add(h, "Row Rows", spec(GormRow, lib))
	add(h, "Save", spec(GormSave, lib).value(0))
	add(h, "Updates UpdateColumns", spec(GormUpdates, lib).value(0))
}

func buildTable() map[string]Spec {
	t := make(map[string]Spec)
	add := func(recv string, names string, s Spec) {
		for _, n := range strings.Fields(names) {
			t["("+recv+")."+n] = s
		}
	}
	// database/sql handles: the same methods on *DB, *Tx and *Conn.
	for _, h := range []string{"*database/sql.DB", "*database/sql.Tx", "*database/sql.Conn"} {
		add(h, "Query QueryRow", spec(Query, SQL).sql(0))
		add(h, "QueryContext QueryRowContext", spec(Query, SQL).sql(1))
		add(h, "Exec", spec(Exec, SQL).sql(0))
		add(h, "ExecContext", spec(Exec, SQL).sql(1))
		add(h, "Prepare", spec(Prepare, SQL).sql(0))
		add(h, "PrepareContext", spec(Prepare, SQL).sql(1))
	}
	add("*database/sql.Stmt", "Query QueryRow", spec(Query, SQL).args(0))
	add("*database/sql.Stmt", "QueryContext QueryRowContext", spec(Query, SQL).args(1))
	add("*database/sql.Stmt", "Exec", spec(Exec, SQL).args(0))
	add("*database/sql.Stmt", "ExecContext", spec(Exec, SQL).args(1))
	add("*database/sql.Tx", "Stmt", spec(StmtOn, SQL).value(0))
	add("*database/sql.Tx", "StmtContext", spec(StmtOn, SQL).value(1))
	add("*database/sql.Row", "Scan", spec(Scan, SQL).dest(0))
	add("*database/sql.Rows", "Scan", spec(Scan, SQL).dest(0))
	add("*database/sql.DB", "Begin", spec(Begin, SQL))
	add("*database/sql.DB", "BeginTx", spec(Begin, SQL).opts(1))
	add("*database/sql.Conn", "BeginTx", spec(Begin, SQL).opts(1))
	add("*database/sql.Tx", "Commit Rollback", spec(End, SQL))
	add("*database/sql.DB", "Conn", spec(OpenConn, SQL))

	// GORM v2.
	const g = "*gorm.io/gorm.DB"
	add(g, "Assign Attrs Debug Distinct Group Having InnerJoins Joins Limit MapColumns Model Not Offset Omit Or Order Preload Select Session Table Unscoped Where WithContext Clauses Set InstanceSet Scopes", spec(Chain, GORM))
	gormRows(add, g, GORM)
	add(g, "Update UpdateColumn", spec(GormUpdate, GORM).column(0).value(1))
	add(g, "Create CreateInBatches", spec(GormCreate, GORM).value(0))
	add(g, "Begin", spec(Begin, GORM).opts(0))
	add(g, "Commit Rollback", spec(End, GORM))
	add(g, "Transaction", spec(RunInTx, GORM).callback(0).opts(1))
	add(g, "Connection", spec(RunOnConn, GORM).callback(0))

	// GORM v1: the same model as v2 on *gorm.DB of github.com/jinzhu/gorm.
	// Update and UpdateColumn take (attrs ...any); Begin takes no options
	// (BeginTx does); Set("gorm:query_option", "FOR UPDATE") appends its
	// text to the SELECT and so locks (flow reads it as a lock clause).
	const g1 = "*" + gormV1Pk + ".DB"
	add(g1, "Assign Attrs Debug Group Having Joins Limit Model New Not Offset Omit Or Order Preload Select Table Unscoped Where Set InstantSet Scopes LogMode BlockGlobalUpdate", spec(Chain, GORMV1))
	gormRows(add, g1, GORMV1)
	add(g1, "Update UpdateColumn", spec(GormUpdate, GORMV1).column(0).value(1).packed())
	add(g1, "Create", spec(GormCreate, GORMV1).value(0))
	add(g1, "Begin", spec(Begin, GORMV1))
	add(g1, "BeginTx", spec(Begin, GORMV1).opts(1))
	add(g1, "Commit Rollback RollbackUnlessCommitted", spec(End, GORMV1))
	add(g1, "Transaction", spec(RunInTx, GORMV1).callback(0))

	// pgx v5 and v4: the same methods on connections, pools and
	// transactions, with the context first.
	for _, p := range [][2]string{{pgxPkg, poolPkg}, {pgx4Pkg, pool4Pkg}} {
		pgx, pool := p[0], p[1]
		for _, h := range []string{"*" + pgx + ".Conn", "*" + pool + ".Pool", "*" + pool + ".Conn", "*" + pool + ".Tx", pgx + ".Tx"} {
			add(h, "Query QueryRow", spec(Query, PGX).sql(1))
			add(h, "Exec", spec(Exec, PGX).sql(1))
		}
		for _, h := range []string{"*" + pgx + ".Conn", "*" + pool + ".Pool", "*" + pool + ".Conn"} {
			add(h, "Begin", spec(Begin, PGX))
			add(h, "BeginTx", spec(Begin, PGX).opts(1))
		}
		for _, h := range []string{pgx + ".Tx", "*" + pool + ".Tx"} {
			add(h, "Begin", spec(Chain, PGX)) // a savepoint: the same transaction
			add(h, "Commit Rollback", spec(End, PGX))
		}
		add(pgx+".Row", "Scan", spec(Scan, PGX).dest(0))
		add(pgx+".Rows", "Scan", spec(Scan, PGX).dest(0))
	}
	t[pgxPkg+".BeginFunc"] = spec(RunInTx, PGX).callback(2)
	t[pgxPkg+".BeginTxFunc"] = spec(RunInTx, PGX).callback(3).opts(2)
	// pgx v4 has them as methods of its connections and pools.
	for _, h := range []string{"*" + pgx4Pkg + ".Conn", "*" + pool4Pkg + ".Pool", "*" + pool4Pkg + ".Conn"} {
		add(h, "BeginFunc", spec(RunInTx, PGX).callback(1))
		add(h, "BeginTxFunc", spec(RunInTx, PGX).callback(2).opts(1))
	}
	for _, n := range []string{"CollectRows", "CollectOneRow", "CollectExactlyOneRow"} {
		t[pgxPkg+"."+n] = spec(Collect, PGX).value(0)
	}

	// sqlx: its handles embed database/sql's, whose promoted methods
	// (Exec, QueryRow, Commit, …) the database/sql entries cover.
	for _, pkg := range sqlxPkgs {
		for _, h := range []string{"*" + pkg + ".DB", "*" + pkg + ".Tx", "*" + pkg + ".Conn"} {
			add(h, "Get Select", spec(QueryInto, SQLX).dest(0).sql(1))
			add(h, "GetContext SelectContext", spec(QueryInto, SQLX).dest(1).sql(2))
			add(h, "Queryx QueryRowx", spec(Query, SQLX).sql(0))
			add(h, "QueryxContext QueryRowxContext", spec(Query, SQLX).sql(1))
			add(h, "MustExec", spec(Exec, SQLX).sql(0))
			add(h, "MustExecContext", spec(Exec, SQLX).sql(1))
		}
		for _, h := range []string{"*" + pkg + ".DB", "*" + pkg + ".Tx"} {
			add(h, "NamedExec", spec(NamedExec, SQLX).sql(0).args(-1).value(1))
			add(h, "NamedExecContext", spec(NamedExec, SQLX).sql(1).args(-1).value(2))
		}
		add("*"+pkg+".DB", "Beginx MustBegin", spec(Begin, SQLX))
		add("*"+pkg+".DB", "BeginTxx MustBeginTx", spec(Begin, SQLX).opts(1))
		add("*"+pkg+".Conn", "BeginTxx", spec(Begin, SQLX).opts(1))
		add("*"+pkg+".Row", "Scan", spec(Scan, SQLX).dest(0))
		add("*"+pkg+".Row", "StructScan", spec(ScanStruct, SQLX).dest(0))
		add("*"+pkg+".Rows", "StructScan", spec(ScanStruct, SQLX).dest(0))
		for _, h := range []string{"*" + pkg + ".DB", "*" + pkg + ".Tx", "*" + pkg + ".Conn"} {
			add(h, "Rebind", spec(Rebind, SQLX).sql(0))
		}
		t[pkg+".Rebind"] = spec(Rebind, SQLX).sql(1)
	}

	// go-redis v9 and v8 (the same API at another path): the commands
	// are methods of the unexported cmdable, which every client,
	// transaction and pipeline embeds, and of the interfaces that
	// declare them (v8's Cmdable, v9's StringCmdable and HashCmdable).
	for _, pkg := range redisCtxPkgs {
		for _, h := range []string{pkg + ".cmdable", pkg + ".Cmdable", pkg + ".StringCmdable", pkg + ".HashCmdable"} {
			add(h, "Get GetEx GetSet", spec(CacheRead, Redis).column(1))
			add(h, "HGet", spec(CacheRead, Redis).column(1))
			add(h, "Set SetEx SetXX", spec(CacheWrite, Redis).column(1).value(2))
			add(h, "HSet HMSet", spec(CacheWrite, Redis).column(1).value(2))
		}
		add("*"+pkg+".StringCmd", "Val Result Int Int64 Uint64 Float32 Float64 Bytes Bool", spec(Collect, Redis))
		add("*"+pkg+".StringCmd", "Scan", spec(Scan, Redis).dest(0))
		add("*"+pkg+".Client", "Watch", spec(RunInTx, Redis).callback(1))
		add("*"+pkg+".ClusterClient", "Watch", spec(RunInTx, Redis).callback(1))
		add("*"+pkg+".Tx", "TxPipelined Pipelined", spec(RunOnHandle, Redis).callback(1))
	}
	// go-redis v7: the same, each argument one place earlier (no ctx).
	for _, h := range []string{redisV7Pkg + ".cmdable", redisV7Pkg + ".Cmdable"} {
		add(h, "Get GetSet HGet", spec(CacheRead, RedisV7).column(0))
		add(h, "Set SetXX HSet HMSet", spec(CacheWrite, RedisV7).column(0).value(1))
	}
	add("*"+redisV7Pkg+".StringCmd", "Val Result Int Int64 Uint64 Float32 Float64 Bytes Bool", spec(Collect, RedisV7))
	add("*"+redisV7Pkg+".StringCmd", "Scan", spec(Scan, RedisV7).dest(0))
	add("*"+redisV7Pkg+".Client", "Watch", spec(RunInTx, RedisV7).callback(0))
	add("*"+redisV7Pkg+".ClusterClient", "Watch", spec(RunInTx, RedisV7).callback(0))
	add("*"+redisV7Pkg+".Tx", "TxPipelined Pipelined", spec(RunOnHandle, RedisV7).callback(0))

	// gomemcache: Set and Replace overwrite the item; CompareAndSwap
	// (which fails if the item changed since Get), Add (only if missing)
	// and Increment are safe and not listed.
	add("*"+mcPkg+".Client", "Get", spec(CacheGet, Memcache).column(0))
	add("*"+mcPkg+".Client", "Set Replace", spec(CacheWrite, Memcache).value(0))

	// redigo: every command goes through Do or Send on a connection (a
	// redis.Conn from Pool.Get), named by its first argument; the reply
	// converters (redis.Int, redis.String, …) pass the reply on.
	for _, pkg := range redigoPkgs {
		add(pkg+".Conn", "Do Send", spec(CacheCommand, Redigo).sql(0).value(1))
		add(pkg+".ConnWithContext", "DoContext", spec(CacheCommand, Redigo).sql(1).value(2))
		add(pkg+".ConnWithContext", "Do Send", spec(CacheCommand, Redigo).sql(0).value(1))
	}

	// bun: queries built on a handle and run by Scan or Exec; its
	// handles also run SQL directly, like database/sql's.
	for _, h := range []string{"*" + bunPkg + ".DB", bunPkg + ".Tx", bunPkg + ".Conn", bunPkg + ".IDB", bunPkg + ".IConn"} {
		add(h, "Query QueryRow", spec(Query, SQL).sql(0))
		add(h, "QueryContext QueryRowContext", spec(Query, SQL).sql(1))
		add(h, "Exec", spec(Exec, SQL).sql(0))
		add(h, "ExecContext", spec(Exec, SQL).sql(1))
		add(h, "NewSelect NewUpdate", spec(BunNew, Bun))
		add(h, "RunInTx", spec(RunInTx, Bun).opts(1).callback(2).txParam(1))
		add(h, "BeginTx", spec(Begin, Bun).opts(1))
		add(h, "Begin", spec(Begin, Bun))
	}
	add(bunPkg+".Tx", "Commit Rollback", spec(End, Bun))
	for _, q := range []string{"*" + bunPkg + ".SelectQuery", "*" + bunPkg + ".UpdateQuery"} {
		add(q, "Model Where WhereOr WherePK WhereGroup Column ExcludeColumn Table TableExpr ModelTableExpr For Set SetColumn Value Limit Order OrderExpr Relation Join Apply Conn", spec(Chain, Bun))
	}
	add("*"+bunPkg+".SelectQuery", "Scan", spec(BunSelect, Bun).dest(1))
	add("*"+bunPkg+".UpdateQuery", "Exec", spec(BunUpdate, Bun))

	// xorm: each builder call of an Engine (ID, Where, Cols, …) starts a
	// session that runs one statement in autocommit; a Session's builder
	// calls return the session itself. Get and Find load, Update writes,
	// Exec runs SQL. NewSession reserves a session that Begin turns into
	// a transaction until Commit, Rollback or Close; Transaction runs its
	// callback in one. The interfaces Engine and Session implement
	// (Interface, EngineInterface) carry the same methods.
	xormChain := "Where And Or ID In NotIn Cols AllCols MustCols Omit Nullable UseBool Select Distinct Table Alias Join GroupBy Having Limit OrderBy Asc Desc " +
		"Incr Decr SetExpr SQL ForUpdate NoVersionCheck NoAutoCondition NoAutoTime NoCache NoCascade Cascade Unscoped Context ContextCache Prepare BufferSize Charset StoreEngine Before After IndexHint MustLogSQL"
	for _, h := range []string{"*" + xormPkg + ".Engine", "*" + xormPkg + ".Session", xormPkg + ".Interface", xormPkg + ".EngineInterface"} {
		add(h, xormChain, spec(Chain, Xorm))
		add(h, "SQL", spec(Chain, Xorm).sql(0))
		add(h, "Get GetOrError Find", spec(XormLoad, Xorm).dest(0))
		add(h, "Update", spec(XormUpdate, Xorm).value(0))
		add(h, "Exec", spec(Exec, Xorm).sql(0).packed())
	}
	for _, h := range []string{"*" + xormPkg + ".Engine", "*" + xormPkg + ".EngineGroup", xormPkg + ".EngineInterface"} {
		add(h, "NewSession", spec(OpenConn, Xorm))
	}
	add("*"+xormPkg+".EngineGroup", "Context", spec(Chain, Xorm))
	add("*"+xormPkg+".Engine", "Transaction", spec(RunInTx, Xorm).callback(0))
	add("*"+xormPkg+".Session", "Begin", spec(BeginOn, Xorm))
	add("*"+xormPkg+".Session", "BeginTx", spec(BeginOn, Xorm).opts(0))
	add("*"+xormPkg+".Session", "Commit Rollback Close", spec(End, Xorm))

	mongoRows(add)
	boilLibRows(t, add)

	// sync: a mutex held around load and save protects one process only.
	for _, m := range []string{"*sync.Mutex", "*sync.RWMutex"} {
		add(m, "Lock TryLock", spec(MutexLock, Sync))
		add(m, "Unlock", spec(MutexUnlock, Sync))
	}
	add("*sync.RWMutex", "RLock TryRLock", spec(MutexLock, Sync))
	add("*sync.RWMutex", "RUnlock", spec(MutexUnlock, Sync))
	return t
}

// Lookup returns the Spec of a function or method, and whether it is a
// known API. Methods of an interface whose method set mirrors a database/sql
// handle (a "DBTX" interface, as written by hand or by sqlc) are recognised
// by name and result type.
func Lookup(fn *types.Func) (Spec, bool) {
	if fn == nil {
		return Spec{}, false
	}
	fn = fn.Origin()
	if s, ok := table[fn.FullName()]; ok {
		return s, true
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok {
		return Spec{}, false
	}
	if sig.Recv() == nil {
		return lookupBoil(fn, sig)
	}
	if !types.IsInterface(sig.Recv().Type()) {
		if s, ok := lookupBoil(fn, sig); ok {
			return s, true
		}
		return lookupEnt(fn, sig)
	}
	return lookupInterface(fn.Name(), sig)
}

// lookupInterface recognises QueryRowContext & co. declared on an interface
// by their result types.
func lookupInterface(name string, sig *types.Signature) (Spec, bool) {
	if name == "Scan" && isScanSignature(sig) {
		// type row interface{ Scan(dest ...any) error }: a *sql.Row or
		// *sql.Rows behind a small interface of the program's own.
		return spec(Scan, SQL).dest(0), true
	}
	if name == "Rebind" && sig.Params().Len() == 1 && isString(sig.Params().At(0).Type()) && sig.Results().Len() == 1 && isString(sig.Results().At(0).Type()) {
		return spec(Rebind, SQLX).sql(0), true // sqlx's Rebind, behind the program's interface
	}
	ctx := 0
	base := name
	if b, ok := strings.CutSuffix(name, "Context"); ok {
		base, ctx = b, 1
	} else if sig.Params().Len() > 0 && IsNamed(sig.Params().At(0).Type(), "context", "Context") {
		base, ctx = name, 1 // pgx: Query(ctx, sql, args...)
	}
	if s, ok := lookupSQLXInterface(base, ctx, sig); ok {
		return s, true
	}
	if sig.Params().Len() <= ctx || !isString(sig.Params().At(ctx).Type()) || sig.Results().Len() == 0 {
		return Spec{}, false
	}
	res := sig.Results().At(0).Type()
	switch base {
	case "QueryRow", "Query":
		if IsNamed(res, sqlPkg, "Row") || IsNamed(res, sqlPkg, "Rows") {
			return spec(Query, SQL).sql(ctx), true
		}
		if IsNamed(res, pgxPkg, "Row") || IsNamed(res, pgxPkg, "Rows") || IsNamed(res, pgx4Pkg, "Row") || IsNamed(res, pgx4Pkg, "Rows") {
			return spec(Query, PGX).sql(ctx), true
		}
	case "Exec":
		if IsNamed(res, sqlPkg, "Result") {
			return spec(Exec, SQL).sql(ctx), true
		}
		if IsNamed(res, pgconnPk, "CommandTag") || IsNamed(res, pgconn4, "CommandTag") {
			return spec(Exec, PGX).sql(ctx), true
		}
	case "Prepare":
		if IsNamed(res, sqlPkg, "Stmt") {
			return spec(Prepare, SQL).sql(ctx), true
		}
	}
	return Spec{}, false
}

// lookupSQLXInterface recognises sqlx's methods declared on an interface
// of the program's own (type SQLXConnection interface { GetContext(…);
// QueryRowxContext(…) … }, implemented by a wrapper of *sqlx.DB) by their
// parameters and results; ctx is 1 when the first parameter is a context.
func lookupSQLXInterface(base string, ctx int, sig *types.Signature) (Spec, bool) {
	params := sig.Params()
	isAny := func(i int) bool {
		if i >= params.Len() {
			return false
		}
		it, ok := params.At(i).Type().Underlying().(*types.Interface)
		return ok && it.NumMethods() == 0
	}
	sqlAt := func(i int) bool { return i < params.Len() && isString(params.At(i).Type()) }
	result := func(pkg, name string) bool {
		return sig.Results().Len() > 0 && IsNamed(sig.Results().At(0).Type(), pkg, name)
	}
	fromSQLX := func(name string) bool {
		return slices.ContainsFunc(sqlxPkgs, func(pkg string) bool { return result(pkg, name) })
	}
	switch base {
	case "Get", "Select":
		// Get(dest any, query string, args ...any) error
		if isAny(ctx) && sqlAt(ctx+1) && sig.Results().Len() == 1 {
			return spec(QueryInto, SQLX).dest(ctx).sql(ctx + 1), true
		}
	case "Queryx", "QueryRowx":
		if sqlAt(ctx) && (fromSQLX("Row") || fromSQLX("Rows")) {
			return spec(Query, SQLX).sql(ctx), true
		}
	case "MustExec":
		if sqlAt(ctx) && result(sqlPkg, "Result") {
			return spec(Exec, SQLX).sql(ctx), true
		}
	case "NamedExec":
		if sqlAt(ctx) && isAny(ctx+1) && result(sqlPkg, "Result") {
			return spec(NamedExec, SQLX).sql(ctx).args(-1).value(ctx + 1), true
		}
	}
	return Spec{}, false
}

// isScanSignature reports whether sig is that of (*sql.Row).Scan:
// func(dest ...any) error.
func isScanSignature(sig *types.Signature) bool {
	if !sig.Variadic() || sig.Params().Len() != 1 || sig.Results().Len() != 1 {
		return false
	}
	sl, ok := sig.Params().At(0).Type().(*types.Slice)
	if !ok || !types.IsInterface(sl.Elem()) || sl.Elem().Underlying().(*types.Interface).NumMethods() != 0 {
		return false
	}
	return types.Identical(sig.Results().At(0).Type(), types.Universe.Lookup("error").Type())
}

func isString(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Kind() == types.String
}

// IsNamed reports whether t, or what t points to, is the named type
// pkg.name.
func IsNamed(t types.Type, pkg, name string) bool {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	obj := n.Obj()
	return obj.Name() == name && obj.Pkg() != nil && obj.Pkg().Path() == pkg
}

// HandleKind is what a handle type says about transactions.
type HandleKind int

// The handle kinds.
const (
	NotHandle HandleKind = iota
	Pool                 // *sql.DB, *pgxpool.Pool: each statement may run on another connection, in autocommit
	Conn                 // *sql.Conn, *pgx.Conn, *pgxpool.Conn: one connection, autocommit unless BEGIN was run on it
	Tx                   // *sql.Tx, pgx.Tx: a transaction
	Stmt                 // *sql.Stmt: runs on the handle it was prepared on
	GormDB               // *gorm.DB: a pool or a transaction, depending on where it came from
	Interface            // an interface with database/sql methods (DBTX): a pool or a transaction
)

// HandleKindOf classifies a type as a database handle.
func HandleKindOf(t types.Type) HandleKind {
	switch {
	case isPtrTo(t, sqlPkg, "DB"):
		return Pool
	case isPtrTo(t, sqlPkg, "Conn"):
		return Conn
	case isPtrTo(t, sqlPkg, "Tx"):
		return Tx
	case isPtrTo(t, sqlPkg, "Stmt"):
		return Stmt
	case isPtrTo(t, gormPkg, "DB"), isPtrTo(t, gormV1Pk, "DB"):
		return GormDB
	case isPtrTo(t, poolPkg, "Pool"), isPtrTo(t, pool4Pkg, "Pool"):
		return Pool
	case isPtrTo(t, pgxPkg, "Conn"), isPtrTo(t, poolPkg, "Conn"), isPtrTo(t, pgx4Pkg, "Conn"), isPtrTo(t, pool4Pkg, "Conn"):
		return Conn
	case IsNamed(t, pgxPkg, "Tx"), isPtrTo(t, poolPkg, "Tx"), IsNamed(t, pgx4Pkg, "Tx"), isPtrTo(t, pool4Pkg, "Tx"):
		return Tx
	case slices.ContainsFunc(sqlxPkgs, func(pkg string) bool { return isPtrTo(t, pkg, "DB") }):
		return Pool
	case slices.ContainsFunc(sqlxPkgs, func(pkg string) bool { return isPtrTo(t, pkg, "Conn") }):
		return Conn
	case slices.ContainsFunc(sqlxPkgs, func(pkg string) bool { return isPtrTo(t, pkg, "Tx") }):
		return Tx
	case redisHandle(t, "Client", "ClusterClient", "Ring") || redisNamed(t, "UniversalClient", "Cmdable"):
		return Pool
	case redisHandle(t, "Tx"):
		return Tx
	case redisNamed(t, "Pipeliner") || redisHandle(t, "Pipeline"):
		return Conn
	case isPtrTo(t, mcPkg, "Client"):
		return Pool
	case slices.ContainsFunc(redigoPkgs, func(pkg string) bool { return IsNamed(t, pkg, "Conn") || IsNamed(t, pkg, "ConnWithContext") }):
		return Conn // one connection: WATCH, MULTI and EXEC on it are one transaction
	case isPtrTo(t, bunPkg, "DB"):
		return Pool
	case IsNamed(t, bunPkg, "Conn"):
		return Conn
	case IsNamed(t, bunPkg, "Tx"):
		return Tx
	case IsNamed(t, bunPkg, "IDB"), IsNamed(t, bunPkg, "IConn"):
		return Interface
	case isPtrTo(t, xormPkg, "Engine"), isPtrTo(t, xormPkg, "EngineGroup"), IsNamed(t, xormPkg, "EngineInterface"):
		return Pool
	case isPtrTo(t, xormPkg, "Session"), IsNamed(t, xormPkg, "Interface"):
		// A session is a transaction after Begin, and a session or an
		// engine reached through a parameter is what the caller passes.
		return Interface
	}
	switch {
	case isBoilNamed(t, "boil", "Transactor"), isBoilNamed(t, "boil", "ContextTransactor"):
		return Tx
	case IsBoilExecutor(t):
		// The executor a generated method is given: a pool or a
		// transaction, the caller's.
		return Interface
	}
	switch role, _ := EntRoleOf(t); role {
	case EntClient:
		return Pool
	case EntTx:
		return Tx
	case EntEntClient:
		// client.Post or tx.Post, kept in a field or passed in: the
		// caller's.
		return Interface
	}
	if iface, ok := t.Underlying().(*types.Interface); ok && iface.NumMethods() > 0 && !isLibraryInterface(t) {
		for i := 0; i < iface.NumMethods(); i++ {
			m := iface.Method(i)
			if s, ok := lookupInterface(m.Name(), m.Type().(*types.Signature)); ok && (s.Op == Query || s.Op == Exec) {
				return Interface
			}
		}
	}
	return NotHandle
}

// isLibraryInterface excludes the libraries' own interfaces
// (database/sql/driver's, pgx's), which the table lists where they matter.
func isLibraryInterface(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && IsLibrary(n.Obj().Pkg().Path())
}

func isPtrTo(t types.Type, pkg, name string) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	return ok && IsNamed(p.Elem(), pkg, name)
}

// IsTxOptions reports whether t is *sql.TxOptions.
func IsTxOptions(t types.Type) bool { return isPtrTo(t, sqlPkg, "TxOptions") }

// IsTxOptionsStruct reports whether t is sql.TxOptions.
func IsTxOptionsStruct(t types.Type) bool { return IsNamed(t, sqlPkg, "TxOptions") }

// IsGormExpr reports whether t is a GORM SQL expression (gorm.Expr's
// clause.Expr, or clause.NamedExpr; GORM v1's *gorm.SqlExpr): a value
// GORM writes as SQL, so that Update("n", gorm.Expr("n + ?", 1)) is an
// atomic update.
func IsGormExpr(t types.Type) bool {
	return IsNamed(t, clausePk, "Expr") || IsNamed(t, clausePk, "NamedExpr") || IsNamed(t, gormV1Pk, "SqlExpr")
}

// GormLibOf returns the GORM version whose *gorm.DB t is: GORMV1 for
// github.com/jinzhu/gorm, else GORM.
func GormLibOf(t types.Type) Lib {
	if isPtrTo(t, gormV1Pk, "DB") {
		return GORMV1
	}
	return GORM
}

// GormPath is the import path of a GORM version, whose package name is
// gorm in both: gorm.io/gorm, or github.com/jinzhu/gorm for GORMV1.
func GormPath(l Lib) string {
	if l == GORMV1 {
		return gormV1Pk
	}
	return gormPkg
}

// IsGormOpen reports whether fn is gorm.Open, of either version: the
// handle it returns is a pool.
func IsGormOpen(fn *types.Func) bool {
	return fn != nil && fn.Name() == "Open" && fn.Pkg() != nil && (fn.Pkg().Path() == gormPkg || fn.Pkg().Path() == gormV1Pk)
}

// IsGormLocking reports whether t is clause.Locking.
func IsGormLocking(t types.Type) bool { return IsNamed(t, clausePk, "Locking") }

// IsGormOptimisticVersion reports whether t is the version field type of
// the gorm.io/plugin/optimisticlock plugin, which makes every update of
// the model conditional on the version it read.
func IsGormOptimisticVersion(t types.Type) bool {
	return IsNamed(t, "gorm.io/plugin/optimisticlock", "Version")
}

// IsSerializable reports whether an isolation level constant (the value of
// sql.IsolationLevel) prevents lost updates by itself.
func IsSerializable(level int64) bool {
	const levelSerializable, levelLinearizable = 6, 7 // database/sql constants
	return level == levelSerializable || level == levelLinearizable
}

// IsSerializableName reports whether pgx's isolation level text
// (pgx.TxIsoLevel) prevents lost updates by itself.
func IsSerializableName(level string) bool { return level == "serializable" }

// IsolationField reports whether a field of a transaction options struct
// holds its isolation level: sql.TxOptions.Isolation, pgx.TxOptions.IsoLevel.
func IsolationField(name string) bool { return name == "Isolation" || name == "IsoLevel" }

// GormQueryOption is the GORM v1 setting key whose text GORM v1 appends
// to a SELECT (a lock clause when it is FOR UPDATE) and GORM v2 ignores.
const GormQueryOption = "gorm:query_option"

// Libraries are the package paths whose import makes a package worth
// analysing.
var Libraries = slices.Concat([]string{sqlPkg, gormPkg, gormV1Pk, pgxPkg, pgx4Pkg, mcPkg, bunPkg, xormPkg, entPkg}, sqlxPkgs, redisPkgs, redigoPkgs, mongoPkgs, boilModules)

// IsLibrary reports whether path is one of the libraries themselves (their
// own code is not analysed).
func IsLibrary(path string) bool {
	for _, l := range Libraries {
		if path == l || strings.HasPrefix(path, l+"/") {
			return true
		}
	}
	return false
}
