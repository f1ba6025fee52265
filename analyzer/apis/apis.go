// Package apis is the table of database APIs that lostupdate understands,
// in the spirit of CodeQL's models-as-data. Each library function or
// method is a row, a Spec, that says:
//   - what the call does, whatever the library (its Op): run a statement
//     (Query, Exec), load into destinations or return what it read
//     (Load), write (Write), insert (Insert), begin, end or run a callback
//     in a transaction (Begin, BeginOn, End, RunInTx, …), lock a mutex;
//   - where its SQL text, arguments, destinations, values, key and
//     callback are (argument indexes);
//   - what a write writes (its Form): a whole model, a column's value,
//     the fields of a struct or the entries of a map, a builder's
//     setters, a document, a key;
//   - which adapter of the analysis reads what a row cannot say (its
//     Shape): SQL text, a GORM, bun or xorm chain, ent's builders,
//     sqlboiler's models, MongoDB documents, a cache key.
//
// What the analysis needs of a library as a whole (how its models name
// their tables, whether its loads fill models, whether its writes take
// a field's Go name for its column, its global database) is a row of
// the library table (LibInfo); how a library's struct tag maps a
// model's field (the column it names, the primary key, the version, a
// field the library does not write) is a row of the tag table
// (TagRule), which ReadTag applies; and the commands a library sends by
// name (redigo's Do("SET", …)) are rows too (CommandSpec). Libraries
// are recognised by package path and type name through go/types, never
// by local names or import aliases. The analysis (package flow)
// dispatches on the Op and the Shape, never on the library: a library
// whose shape is known is rows here, and a new shape is one adapter.
package apis

import (
	"go/types"
	"slices"
	"strings"
)

// Op is what a call does to data, in any library.
type Op int

// The operations. A "handle" is a value that runs statements: *sql.DB,
// *sql.Conn, *sql.Tx, *sql.Stmt, *gorm.DB, a cache client, a MongoDB
// operation's context.
const (
	None Op = iota

	// Statements.
	Query      // runs a query and returns what Scan or Collect reads: rows (QueryRow, Query, GORM's Row), a reply (go-redis Get), a result (MongoDB's FindOne); the Shape finds the query
	Exec       // runs a statement (Exec); with Form Fields, its :name placeholders bind the fields or map entries of Value (sqlx's NamedExec)
	Prepare    // returns a *sql.Stmt bound to the receiver with SQL text
	StmtOn     // (*sql.Tx).Stmt: rebinds a statement to a transaction
	Scan       // (*sql.Row).Scan, Decode: copies a row (or a reply, a document) into the destinations from Dest on; with Form Model, into the fields of the struct at Dest (sqlx's StructScan)
	Collect    // the result holds the rows of Value (pgx.CollectRows), or, when Value < 0, the reply of the receiver (go-redis cmd.Int64())
	Rebind     // returns the SQL text at SQL with its ? placeholders rewritten for the driver (sqlx)
	Load       // runs a query and fills Dest or returns what it read: GORM's First, sqlx's Get, bun's Scan, ent's Only, memcache's Get; the Shape finds the query
	Write      // writes what Form says (a model, a column's value, a map, setters, a document, a key); the Shape finds the statement
	Insert     // adds a row (GORM's Create): never a lost update
	Command    // a command named by the text at SQL, its arguments the variadic Value: the library's command table (CommandSpec) says what it does (redigo's Do and Send)
	Collection // names the collection (Column) that operations on its result run on (MongoDB's Database.Collection)
	Untracked  // runs a statement whose effect is not followed, and keeps no data of its arguments (sqlboiler's Insert, Delete, a relationship's setter)

	// Handles and transactions.
	Chain       // returns a handle or builder derived from the receiver (Where, Model, NewSelect, …)
	Begin       // starts a transaction and returns its handle
	BeginOn     // the receiver itself runs in a transaction from here until End (xorm's Session.Begin, redigo's WATCH)
	End         // Commit or Rollback (or what ends a WATCH)
	OpenConn    // reserves one connection ((*sql.DB).Conn, xorm's NewSession)
	RunInTx     // runs Callback with a transaction handle (its parameter TxParam)
	RunOnConn   // runs Callback with a handle bound to one connection
	RunOnHandle // runs Callback with the receiver's own handle (go-redis's TxPipelined)
	GlobalDB    // the pool a package-level setter set (boil.GetDB)

	// Locks.
	MutexLock    // takes a lock of this process (sync.Mutex): it keeps out no other server process
	MutexUnlock  // releases it
	SharedLock   // takes a lock every process that names it shares (redsync's Mutex.Lock, redislock's Obtain), held until SharedUnlock
	SharedUnlock // releases the shared locks held (Mutex.Unlock, Lock.Release)

	// Requests.
	RequestValue // returns what a middleware kept for the request (context.Context's Value, gin's Get and MustGet, echo's Get): a record of a table found there was read before the handler ran
)

// Shape is how a call's statement is found beyond its arguments: which
// adapter of the analysis reads it. A library with a shape that exists
// is rows; a new shape is a new adapter.
type Shape int

// The shapes.
const (
	SQLText       Shape = iota // SQL text in an argument (or prepared, or the elements of a Packed variadic), run on the receiver
	GormChain                  // a *gorm.DB method chain (Where, Model, Clauses, Raw) that the call finishes
	BunChain                   // a bun query chain started by NewSelect or NewUpdate
	XormSession                // an xorm engine or session's builder calls (ID, Cols, Incr, ForUpdate, SQL)
	EntBuilder                 // ent's generated clients and builders (Query, UpdateOne, SetX, AddX, ForUpdate)
	BoilGenerated              // sqlboiler's generated models, queries (with their query mods) and slices, run on the executor at Exec
	BoilRaw                    // a queries.Raw query of sqlboiler, whose text its finishers run on the executor at Exec
	Document                   // MongoDB's filter and update documents, on the receiver's collection, through the session of the context at Ctx
	KeyValue                   // a cache key (Column) read or written whole: go-redis, gomemcache, redigo's commands
)

// Form is what a Write writes; for Exec and Scan, how values meet
// columns.
type Form int

// The forms.
const (
	Positional Form = iota // values by position: placeholders, Scan's destinations
	Model                  // the model at Value, whole (GORM's Save); for Scan, the struct at Dest, its fields the columns
	Column                 // the value at Value, to the column named at Column (GORM's Update)
	Fields                 // the fields of the struct, or the entries of the map, at Value (GORM's Updates, sqlx's NamedExec)
	Setters                // what the builder's setters and Set expressions set (bun's Set, xorm's Incr and SetExpr, ent's SetX and AddX), and the model's fields or the bean's at Value
	Columns                // the model's columns that the boil.Columns at Value names (sqlboiler's Update)
	Upsert                 // inserts the model, or on conflict writes the columns that the boil.Columns at Value names over the row (sqlboiler's Upsert)
	UpdateAll              // the entries of the map at Value, to every row the query or the slice finds (sqlboiler's UpdateAll)
	UpdateDoc              // what the update document at Value sets ($set, $inc) in what Filter (or the _id at Column) finds (MongoDB)
	Replace                // the document at Value, whole (MongoDB's ReplaceOne)
	Key                    // the value at Value to the key at Column; with Packed, the elements of the variadic at Value (go-redis's HSet); with Stride, every Stride-th argument from Value on (redigo's HSET)
)

// Spec describes one API. Argument indexes do not count the receiver; -1
// means the API has no such argument.
type Spec struct {
	Op    Op
	Lib   Lib
	Shape Shape
	Form  Form
	// SQL is the index of the SQL text argument (for a GORM v1 Set, of
	// the text it appends to the SELECT; for a Command, of its name).
	SQL int
	// Args is the index of the first argument bound to placeholders (the
	// rest are variadic).
	Args int
	// Dest is the index of the first destination of a load.
	Dest int
	// Column is the index of a column-name argument (or of the key of a
	// cache, the id of a row).
	Column int
	// Value is the index of the value a write stores.
	Value int
	// Stride is, for a Key write of several values, the distance between
	// them from Value on.
	Stride int
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
	// of one map or struct, which writes as Updates(m); for a Key write,
	// that the values are the elements of the variadic argument at Value.
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

func (s Spec) in(sh Shape) Spec    { s.Shape = sh; return s }
func (s Spec) form(f Form) Spec    { s.Form = f; return s }
func (s Spec) sql(i int) Spec      { s.SQL, s.Args = i, i+1; return s }
func (s Spec) args(i int) Spec     { s.Args = i; return s }
func (s Spec) dest(i int) Spec     { s.Dest = i; return s }
func (s Spec) column(i int) Spec   { s.Column = i; return s }
func (s Spec) value(i int) Spec    { s.Value = i; return s }
func (s Spec) stride(n int) Spec   { s.Stride = n; return s }
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
	// Distributed locks.
	redsyncPkg   = "github.com/go-redsync/redsync/v4"
	redislockPkg = "github.com/bsm/redislock"
	syncPkg      = "sync"
	// Web frameworks' request contexts.
	ginPkg  = "github.com/gin-gonic/gin"
	echoPkg = "github.com/labstack/echo/v4"
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

// xormPkgs are xorm's package at its three paths, one API: xorm.io/xorm,
// the path it had before (github.com/go-xorm/xorm) and the fork Casdoor
// runs on (github.com/xorm-io/xorm).
var xormPkgs = []string{"xorm.io/xorm", "github.com/go-xorm/xorm", "github.com/xorm-io/xorm"}

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
// their *gorm.DB h: raw SQL (Exec runs it on the chain's handle), the
// loads, the rows of the chain's query, Save and Updates.
func gormRows(add func(recv, names string, s Spec), h string, lib Lib) {
	g := func(op Op) Spec { return spec(op, lib).in(GormChain) }
	add(h, "Raw", g(Chain).sql(0))
	add(h, "Exec", g(Exec).sql(0))
	add(h, "First Take Last Find FirstOrInit FirstOrCreate Scan Count", g(Load).dest(0))
	add(h, "Pluck", g(Load).dest(1).column(0))
	add(h, "Row Rows", g(Query))
	add(h, "Save", g(Write).form(Model).value(0))
	add(h, "Updates UpdateColumns", g(Write).form(Fields).value(0))
}

// redisRows adds the commands of go-redis at pkg, whose arguments start
// at ctx (1 after a context, 0 in v7), declared on its cmdable and
// Cmdable and the interfaces ifaces: gets read the key, whose reply the
// command's accessors (Int64, Result, Val, Scan) load; sets and HSet
// write it; Watch runs its callback under WATCH, and TxPipelined runs it
// on the transaction.
func redisRows(add func(recv, names string, s Spec), pkg string, lib Lib, ctx int, gets, sets string, ifaces ...string) {
	redis := func(op Op) Spec { return spec(op, lib).in(KeyValue) }
	for _, h := range append([]string{"cmdable", "Cmdable"}, ifaces...) {
		add(pkg+"."+h, gets, redis(Query).column(ctx))
		add(pkg+"."+h, sets, redis(Write).form(Key).column(ctx).value(ctx+1))
		add(pkg+"."+h, "HSet HMSet", redis(Write).form(Key).column(ctx).value(ctx+1).packed())
	}
	add("*"+pkg+".StringCmd", "Val Result Int Int64 Uint64 Float32 Float64 Bytes Bool", redis(Collect))
	add("*"+pkg+".StringCmd", "Scan", redis(Scan).dest(0))
	add("*"+pkg+".Client", "Watch", redis(RunInTx).callback(ctx))
	add("*"+pkg+".ClusterClient", "Watch", redis(RunInTx).callback(ctx))
	add("*"+pkg+".Tx", "TxPipelined Pipelined", redis(RunOnHandle).callback(ctx))
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
	gorm := func(op Op) Spec { return spec(op, GORM).in(GormChain) }
	add(g, "Assign Attrs Debug Distinct Group Having InnerJoins Joins Limit MapColumns Model Not Offset Omit Or Order Preload Select Session Table Unscoped Where WithContext Clauses Set InstanceSet Scopes", gorm(Chain))
	gormRows(add, g, GORM)
	add(g, "Update UpdateColumn", gorm(Write).form(Column).column(0).value(1))
	add(g, "Create CreateInBatches", gorm(Insert).value(0))
	add(g, "Begin", gorm(Begin).opts(0))
	add(g, "Commit Rollback", gorm(End))
	add(g, "Transaction", gorm(RunInTx).callback(0).opts(1))
	add(g, "Connection", gorm(RunOnConn).callback(0))

	// GORM v1: the same model as v2 on *gorm.DB of github.com/jinzhu/gorm.
	// Update and UpdateColumn take (attrs ...any); Begin takes no options
	// (BeginTx does); Set("gorm:query_option", "FOR UPDATE") appends its
	// text (argument 1, at SQL) to the SELECT and so locks, where v2's
	// Set, with no SQL, locks nothing.
	const g1 = "*" + gormV1Pk + ".DB"
	gorm1 := func(op Op) Spec { return spec(op, GORMV1).in(GormChain) }
	add(g1, "Assign Attrs Debug Group Having Joins Limit Model New Not Offset Omit Or Order Preload Select Table Unscoped Where Scopes LogMode BlockGlobalUpdate", gorm1(Chain))
	add(g1, "Set InstantSet", gorm1(Chain).sql(1))
	gormRows(add, g1, GORMV1)
	add(g1, "Update UpdateColumn", gorm1(Write).form(Column).column(0).value(1).packed())
	add(g1, "Create", gorm1(Insert).value(0))
	add(g1, "Begin", gorm1(Begin))
	add(g1, "BeginTx", gorm1(Begin).opts(1))
	add(g1, "Commit Rollback RollbackUnlessCommitted", gorm1(End))
	add(g1, "Transaction", gorm1(RunInTx).callback(0))

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
			add(h, "Get Select", spec(Load, SQLX).dest(0).sql(1))
			add(h, "GetContext SelectContext", spec(Load, SQLX).dest(1).sql(2))
			add(h, "Queryx QueryRowx", spec(Query, SQLX).sql(0))
			add(h, "QueryxContext QueryRowxContext", spec(Query, SQLX).sql(1))
			add(h, "MustExec", spec(Exec, SQLX).sql(0))
			add(h, "MustExecContext", spec(Exec, SQLX).sql(1))
		}
		for _, h := range []string{"*" + pkg + ".DB", "*" + pkg + ".Tx"} {
			add(h, "NamedExec", spec(Exec, SQLX).form(Fields).sql(0).args(-1).value(1))
			add(h, "NamedExecContext", spec(Exec, SQLX).form(Fields).sql(1).args(-1).value(2))
		}
		add("*"+pkg+".DB", "Beginx MustBegin", spec(Begin, SQLX))
		add("*"+pkg+".DB", "BeginTxx MustBeginTx", spec(Begin, SQLX).opts(1))
		add("*"+pkg+".Conn", "BeginTxx", spec(Begin, SQLX).opts(1))
		add("*"+pkg+".Row", "Scan", spec(Scan, SQLX).dest(0))
		add("*"+pkg+".Row", "StructScan", spec(Scan, SQLX).form(Model).dest(0))
		add("*"+pkg+".Rows", "StructScan", spec(Scan, SQLX).form(Model).dest(0))
		for _, h := range []string{"*" + pkg + ".DB", "*" + pkg + ".Tx", "*" + pkg + ".Conn"} {
			add(h, "Rebind", spec(Rebind, SQLX).sql(0))
		}
		t[pkg+".Rebind"] = spec(Rebind, SQLX).sql(1)
	}

	// go-redis v9 and v8 (the same API at another path): the commands
	// are methods of the unexported cmdable, which every client,
	// transaction and pipeline embeds, and of the interfaces that
	// declare them (v8's Cmdable, v9's StringCmdable and HashCmdable).
	// v7 has the same, each argument one place earlier (no ctx).
	for _, pkg := range redisCtxPkgs {
		redisRows(add, pkg, Redis, 1, "Get GetEx GetSet HGet", "Set SetEx SetXX", "StringCmdable", "HashCmdable")
	}
	redisRows(add, redisV7Pkg, RedisV7, 0, "Get GetSet HGet", "Set SetXX")

	// gomemcache: Get returns the item, whose value it loads; Set and
	// Replace overwrite the item (the key is the item's own);
	// CompareAndSwap (which fails if the item changed since Get), Add
	// (only if missing) and Increment are safe and not listed.
	add("*"+mcPkg+".Client", "Get", spec(Load, Memcache).in(KeyValue).column(0))
	add("*"+mcPkg+".Client", "Set Replace", spec(Write, Memcache).in(KeyValue).form(Key).value(0))

	// redigo: every command goes through Do or Send on a connection (a
	// redis.Conn from Pool.Get), named by its first argument
	// (CommandSpec); the reply converters (redis.Int, redis.String, …)
	// pass the reply on.
	for _, pkg := range redigoPkgs {
		redigo := func(op Op) Spec { return spec(op, Redigo).in(KeyValue) }
		add(pkg+".Conn", "Do Send", redigo(Command).sql(0).value(1))
		add(pkg+".ConnWithContext", "DoContext", redigo(Command).sql(1).value(2))
		add(pkg+".ConnWithContext", "Do Send", redigo(Command).sql(0).value(1))
	}

	// bun: queries built on a handle and run by Scan or Exec; its
	// handles also run SQL directly, like database/sql's.
	bun := func(op Op) Spec { return spec(op, Bun).in(BunChain) }
	for _, h := range []string{"*" + bunPkg + ".DB", bunPkg + ".Tx", bunPkg + ".Conn", bunPkg + ".IDB", bunPkg + ".IConn"} {
		add(h, "Query QueryRow", spec(Query, SQL).sql(0))
		add(h, "QueryContext QueryRowContext", spec(Query, SQL).sql(1))
		add(h, "Exec", spec(Exec, SQL).sql(0))
		add(h, "ExecContext", spec(Exec, SQL).sql(1))
		add(h, "NewSelect NewUpdate", bun(Chain)) // a query on the receiver's handle
		add(h, "RunInTx", bun(RunInTx).opts(1).callback(2).txParam(1))
		add(h, "BeginTx", bun(Begin).opts(1))
		add(h, "Begin", bun(Begin))
	}
	add(bunPkg+".Tx", "Commit Rollback", bun(End))
	for _, q := range []string{"*" + bunPkg + ".SelectQuery", "*" + bunPkg + ".UpdateQuery"} {
		add(q, "Model Where WhereOr WherePK WhereGroup Column ExcludeColumn Table TableExpr ModelTableExpr For Set SetColumn Value Limit Order OrderExpr Relation Join Apply Conn", bun(Chain))
	}
	add("*"+bunPkg+".SelectQuery", "Scan", bun(Load).dest(1))        // the model, or the destinations given
	add("*"+bunPkg+".UpdateQuery", "Exec", bun(Write).form(Setters)) // its Set expressions, or the model's columns

	// xorm: each builder call of an Engine (ID, Where, Cols, …) starts a
	// session that runs one statement in autocommit; a Session's builder
	// calls return the session itself. Get and Find load, Update writes,
	// Exec runs SQL. NewSession reserves a session that Begin turns into
	// a transaction until Commit, Rollback or Close; Transaction runs its
	// callback in one. The interfaces Engine and Session implement
	// (Interface, EngineInterface) carry the same methods.
	xormChain := "Where And Or ID In NotIn Cols AllCols MustCols Omit Nullable UseBool Select Distinct Table Alias Join GroupBy Having Limit OrderBy Asc Desc " +
		"Incr Decr SetExpr SQL ForUpdate NoVersionCheck NoAutoCondition NoAutoTime NoCache NoCascade Cascade Unscoped Context ContextCache Prepare BufferSize Charset StoreEngine Before After IndexHint MustLogSQL"
	xorm := func(op Op) Spec { return spec(op, Xorm).in(XormSession) }
	for _, pkg := range xormPkgs {
		for _, h := range []string{"*" + pkg + ".Engine", "*" + pkg + ".Session", pkg + ".Interface", pkg + ".EngineInterface"} {
			add(h, xormChain, xorm(Chain))
			add(h, "SQL", xorm(Chain).sql(0))
			add(h, "Get GetOrError Find", xorm(Load).dest(0))            // a model, models, or the columns of Cols
			add(h, "Update", xorm(Write).form(Setters).value(0))         // Incr, Decr and SetExpr, then the bean's fields or entries
			add(h, "Exec", spec(Exec, Xorm).in(SQLText).sql(0).packed()) // SQL text, on the session's handle
		}
		for _, h := range []string{"*" + pkg + ".Engine", "*" + pkg + ".EngineGroup", pkg + ".EngineInterface"} {
			add(h, "NewSession", xorm(OpenConn))
		}
		add("*"+pkg+".EngineGroup", "Context", xorm(Chain))
		add("*"+pkg+".Engine", "Transaction", xorm(RunInTx).callback(0))
		add("*"+pkg+".Session", "Begin", xorm(BeginOn))
		add("*"+pkg+".Session", "BeginTx", xorm(BeginOn).opts(0))
		add("*"+pkg+".Session", "Commit Rollback Close", xorm(End))
	}

	mongoRows(add)
	boilLibRows(t, add)

	// sync: a mutex held around load and save protects one process only.
	for _, m := range []string{"*sync.Mutex", "*sync.RWMutex"} {
		add(m, "Lock TryLock", spec(MutexLock, Sync))
		add(m, "Unlock", spec(MutexUnlock, Sync))
	}
	add("*sync.RWMutex", "RLock TryRLock", spec(MutexLock, Sync))
	add("*sync.RWMutex", "RUnlock", spec(MutexUnlock, Sync))
	// A lock per key (go-mutexes' MutexMap, as gotosocial takes one per
	// URI): its unlock is the function Lock returns, which is not
	// followed, so it is held to the end of the function.
	add("*codeberg.org/gruf/go-mutexes.MutexMap", "Lock RLock", spec(MutexLock, Sync))

	// Distributed locks on Redis: a mutex for every server process that
	// takes the same name, as an advisory lock is.
	add("*"+redsyncPkg+".Mutex", "Lock LockContext TryLock TryLockContext", spec(SharedLock, Distributed))
	add("*"+redsyncPkg+".Mutex", "Unlock UnlockContext", spec(SharedUnlock, Distributed))
	add("*"+redislockPkg+".Client", "Obtain", spec(SharedLock, Distributed))
	t[redislockPkg+".Obtain"] = spec(SharedLock, Distributed)
	add("*"+redislockPkg+".Lock", "Release", spec(SharedUnlock, Distributed))

	// What a middleware kept for the request: the signed-in user that an
	// authentication middleware loaded, which the handler changes and
	// saves.
	add("context.Context", "Value", spec(RequestValue, NoLib))
	add("*"+ginPkg+".Context", "Get MustGet Value", spec(RequestValue, NoLib))
	add(echoPkg+".Context", "Get", spec(RequestValue, NoLib))
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

// commands are what the commands of a library that names them by text do
// (redigo's Do("SET", key, v)), by library and upper-case name. The
// indexes count the command's own arguments: Column is the key, Value
// the value written. GET and HGET return the value; WATCH makes the
// connection watch what it reads until EXEC, DISCARD or UNWATCH (a read
// there fails the EXEC if the key changed, as a row lock would make it
// wait). Atomic commands (INCRBY, HINCRBY, a script) read nothing back
// into Go and are not listed.
var commands = map[Lib]map[string]Spec{Redigo: redisCommands(Redigo)}

// redisCommands are the Redis commands, for a library that sends them by
// name.
func redisCommands(lib Lib) map[string]Spec {
	t := make(map[string]Spec)
	add := func(names string, s Spec) {
		for _, n := range strings.Fields(names) {
			t[n] = s
		}
	}
	kv := func(op Op) Spec { return spec(op, lib).in(KeyValue) }
	add("GET GETEX HGET HGETALL HMGET", kv(Load).column(0))
	add("SET SETNX GETSET", kv(Write).form(Key).column(0).value(1))
	add("SETEX PSETEX", kv(Write).form(Key).column(0).value(2))
	add("HSET HMSET", kv(Write).form(Key).column(0).value(2).stride(2)) // HSET key field value field value …
	add("WATCH", kv(BeginOn))
	add("EXEC DISCARD UNWATCH", kv(End))
	return t
}

// CommandSpec returns what the command called name does, in the library
// of a Command call's Spec s.
func CommandSpec(s Spec, name string) (Spec, bool) {
	c, ok := commands[s.Lib][strings.ToUpper(name)]
	return c, ok
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
			return spec(Load, SQLX).dest(ctx).sql(ctx + 1), true
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
			return spec(Exec, SQLX).form(Fields).sql(ctx).args(-1).value(ctx + 1), true
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
	ByOrigin             // *gorm.DB: a pool or a transaction, depending on where it came from (see OpensPool)
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
		return ByOrigin
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
	case slices.ContainsFunc(xormPkgs, func(pkg string) bool {
		return isPtrTo(t, pkg, "Engine") || isPtrTo(t, pkg, "EngineGroup") || IsNamed(t, pkg, "EngineInterface")
	}):
		return Pool
	case slices.ContainsFunc(xormPkgs, func(pkg string) bool { return isPtrTo(t, pkg, "Session") || IsNamed(t, pkg, "Interface") }):
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

// IsSQLExpr reports whether t is a library's SQL expression, a value the
// library writes as SQL text rather than as a value, so that
// Update("n", gorm.Expr("n + ?", 1)) is an atomic update: GORM's
// clause.Expr (what gorm.Expr returns) and clause.NamedExpr, GORM v1's
// *gorm.SqlExpr.
func IsSQLExpr(t types.Type) bool {
	return IsNamed(t, clausePk, "Expr") || IsNamed(t, clausePk, "NamedExpr") || IsNamed(t, gormV1Pk, "SqlExpr")
}

// GormPath is the import path of a GORM version, whose package name is
// gorm in both: gorm.io/gorm, or github.com/jinzhu/gorm for GORMV1.
func GormPath(l Lib) string {
	if l == GORMV1 {
		return gormV1Pk
	}
	return gormPkg
}

// OpensPool reports whether fn returns a new pool of a handle type
// whose kind is ByOrigin: gorm.Open, of either version.
func OpensPool(fn *types.Func) bool {
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
var Libraries = slices.Concat([]string{sqlPkg, gormPkg, gormV1Pk, pgxPkg, pgx4Pkg, mcPkg, bunPkg, entPkg, redsyncPkg, redislockPkg}, sqlxPkgs, xormPkgs, redisPkgs, redigoPkgs, mongoPkgs, boilModules)

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

// IsStmt reports whether t, or what t points to, is database/sql's Stmt:
// a prepared statement.
func IsStmt(t types.Type) bool { return IsNamed(t, sqlPkg, "Stmt") }

// IsNamedArg reports whether fn is sql.Named, whose value binds the
// placeholder its name names.
func IsNamedArg(fn *types.Func) bool { return fn != nil && fn.FullName() == sqlPkg+".Named" }

// notFoundErrors are the package-level errors that say a query found no
// row, by package path.
var notFoundErrors = map[string]string{
	sqlPkg:  "ErrNoRows", // sqlx and bun return it too
	pgxPkg:  "ErrNoRows",
	pgx4Pkg: "ErrNoRows",
}

// IsNotFoundError reports whether the package-level variable name of the
// package at path is an error that says a query found no row
// (sql.ErrNoRows, pgx.ErrNoRows).
func IsNotFoundError(path, name string) bool { return notFoundErrors[path] == name }

// IsValueStructPkg reports whether the structs of the package at path are
// values a driver stores in one column (time.Time, sql.NullString,
// gorm.DeletedAt), not records of columns of their own.
func IsValueStructPkg(path string) bool {
	return path == "time" || path == sqlPkg || path == gormPkg
}

// ReplyConverter reports whether fn is one of redigo's reply converters,
// whose result is the reply they are given (redis.Int(conn.Do("GET",
// key)) is the value read), and whether it decodes the reply into the
// struct its second argument points to (ScanStruct).
func ReplyConverter(fn *types.Func) (ok, decode bool) {
	if fn == nil || fn.Pkg() == nil || !slices.Contains(redigoPkgs, fn.Pkg().Path()) {
		return false, false
	}
	if sig, isSig := fn.Type().(*types.Signature); !isSig || sig.Recv() != nil {
		return false, false
	}
	switch fn.Name() {
	case "Int", "Int64", "Uint64", "Float64", "String", "Bytes", "Bool", "Values", "Strings", "ByteSlices",
		"Ints", "Int64s", "Uint64s", "Float64s", "StringMap", "IntMap", "Int64Map", "Uint64Map", "Float64Map":
		return true, false
	case "ScanStruct":
		return true, true
	}
	return false, false
}

// IsBunIdent reports whether t is bun's Ident (of bun or its schema
// package): an identifier a query's placeholder stands for.
func IsBunIdent(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Name() == "Ident" && n.Obj().Pkg() != nil && strings.HasPrefix(n.Obj().Pkg().Path(), bunPkg)
}
