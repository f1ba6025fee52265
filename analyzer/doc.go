// Package analyzer defines the lostupdate analyzer.
//
// # Analyzer lostupdate
//
// lostupdate: report database writes that can lose a concurrent update
//
// A lost update happens when code loads a row, changes a value it read in
// Go, and writes it back: two requests that do it at once both read 1000,
// one writes 1100, the other 900, and one update is gone. PostgreSQL's
// READ COMMITTED and MySQL's REPEATABLE READ both allow it, so a plain
// transaction does not help.
//
// The analyzer follows values from a load (QueryRow(…).Scan, rows.Scan in
// database/sql or pgx, pgx.CollectRows, sqlx Get/Select/StructScan, GORM
// (v2, and v1 at github.com/jinzhu/gorm) First/Take/Find/Scan, bun
// NewSelect, xorm Get/Find, ent Get/Only/First/All, sqlboiler FindX and
// X(mods...).One/All, MongoDB FindOne/Find with Decode or All,
// go-redis Get/HGet, redigo Do("GET"), or a function whose
// summary says it loads) through variables, struct fields, pointers, arithmetic, conversions and calls to a write (Exec with
// UPDATE or an upsert, sqlx NamedExec, GORM Save, Update, Updates,
// UpdateColumn(s), bun NewUpdate, xorm Update, ent UpdateOne/Update with
// SetX, sqlboiler Update (boil.Infer writes the row whole), UpdateAll and
// Upsert, MongoDB UpdateOne/UpdateMany with $set or ReplaceOne, go-redis
// Set/HSet, redigo
// Do("SET"), or a
// function whose summary says it saves). A value computed from the load (arithmetic, concatenation,
// append, a part of a decoded document changed) and written back to the
// column it was read from is reported unless the load took a row lock (FOR
// UPDATE, FOR NO KEY UPDATE, clause.Locking{Strength: "UPDATE"}, GORM v1's
// Set("gorm:query_option", "FOR UPDATE"), bun For("UPDATE"), xorm
// ForUpdate(), ent ForUpdate() inside client.Tx, sqlboiler qm.For("update")
// on the transaction it is given, a Redis WATCH) on the same transaction,
// the load and the write run in one MongoDB session.WithTransaction, the
// write is atomic (SET n = n + $1, gorm.Expr, xorm Incr, ent AddX, MongoDB
// $inc, INCRBY) or
// checks a version or the old value, or the transaction is SERIALIZABLE. The row's key, a value
// read from another table and a value passed through unchanged are not.
//
// Two more shapes lose data: a record read without a lock and written
// back whole, whose unchanged columns undo another writer's change
// (stale-row), and a value read without a lock that decides a write that
// does not check it again (check-then-write).
//
// It also reports the traps that look like protection: a row lock outside
// a transaction, a lock taken after the value was read, a lock on one
// handle and the write on another, GORM v1's gorm:query_option under
// GORM v2 (which ignores it), a shared
// lock, and a sync.Mutex, which does not span server processes.
//
// A //lostupdate:ignore comment with a reason, on the write's line, the
// line above it, or in the doc comment of the function, silences it.
package analyzer
