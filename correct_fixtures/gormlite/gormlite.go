// Package gormlite is a GORM dialector for a SQLite database that is already open
// through modernc.org/sqlite, the pure-Go driver the fixture services use.
//
// GORM's own SQLite dialector (gorm.io/driver/sqlite) imports the cgo driver
// mattn/go-sqlite3, and the pure-Go github.com/glebarez/sqlite brings a second SQLite
// engine whose driver registers the name "sqlite" again, which panics next to
// modernc.org/sqlite. This dialector runs GORM on the *sql.DB the service was given,
// so the GORM strategies and the database/sql ones share one driver and one file.
//
// It does what the GORM code here needs: queries, RETURNING on INSERT, UPDATE and
// DELETE (SQLite 3.35 and later), savepoints for nested transactions. SQLite has no
// FOR UPDATE, so a clause.Locking is left out of the SQL, as GORM's SQLite dialects do;
// the write lock is taken by opening the database with _txlock=immediate, which makes
// every transaction begin with BEGIN IMMEDIATE. Schemas are created by package
// migrate, not by AutoMigrate: Migrator is GORM's generic one.
package gormlite

import (
	"database/sql"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/callbacks"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"
	"gorm.io/gorm/migrator"
	"gorm.io/gorm/schema"
)

// Dialector runs GORM on an open modernc.org/sqlite database.
type Dialector struct {
	// Conn is the database GORM uses.
	Conn *sql.DB
}

// New returns a Dialector on db.
func New(db *sql.DB) *Dialector { return &Dialector{Conn: db} }

// Name is "sqlite", the name GORM's SQLite dialects use.
func (Dialector) Name() string { return "sqlite" }

// Initialize sets db's connection pool and registers GORM's callbacks with the
// clauses SQLite understands.
func (d Dialector) Initialize(db *gorm.DB) error {
	db.ConnPool = d.Conn
	callbacks.RegisterDefaultCallbacks(db, &callbacks.Config{
		CreateClauses:        []string{"INSERT", "VALUES", "ON CONFLICT", "RETURNING"},
		UpdateClauses:        []string{"UPDATE", "SET", "FROM", "WHERE", "RETURNING"},
		DeleteClauses:        []string{"DELETE", "FROM", "WHERE", "RETURNING"},
		LastInsertIDReversed: true,
	})
	db.ClauseBuilders["FOR"] = func(c clause.Clause, b clause.Builder) {
		if _, ok := c.Expression.(clause.Locking); ok {
			return // SQLite has no row locks; BEGIN IMMEDIATE takes the write lock
		}
		c.Build(b)
	}
	return nil
}

// Migrator returns GORM's generic migrator.
func (d Dialector) Migrator(db *gorm.DB) gorm.Migrator {
	return migrator.Migrator{Config: migrator.Config{DB: db, Dialector: d, CreateIndexAfterCreateTable: true}}
}

// DataTypeOf returns the SQLite column type of a field (SQLite's type affinities).
func (Dialector) DataTypeOf(f *schema.Field) string {
	switch f.DataType {
	case schema.Bool, schema.Int, schema.Uint:
		if f.AutoIncrement && f.PrimaryKey {
			return "integer PRIMARY KEY AUTOINCREMENT"
		}
		return "integer"
	case schema.Float:
		return "real"
	case schema.String:
		return "text"
	case schema.Time:
		return "datetime"
	case schema.Bytes:
		return "blob"
	}
	return string(f.DataType)
}

// DefaultValueOf is NULL for an auto-increment key (SQLite then assigns one).
func (Dialector) DefaultValueOf(f *schema.Field) clause.Expression {
	if f.AutoIncrement {
		return clause.Expr{SQL: "NULL"}
	}
	return clause.Expr{SQL: "DEFAULT"}
}

// BindVarTo writes a placeholder.
func (Dialector) BindVarTo(w clause.Writer, _ *gorm.Statement, _ any) { w.WriteByte('?') }

// QuoteTo writes an identifier in double quotes, each part of a dotted name on its
// own ("books"."stock"), doubling any quote inside it.
func (Dialector) QuoteTo(w clause.Writer, name string) {
	for i, part := range strings.Split(name, ".") {
		if i > 0 {
			w.WriteByte('.')
		}
		w.WriteByte('"')
		w.WriteString(strings.ReplaceAll(part, `"`, `""`))
		w.WriteByte('"')
	}
}

// Explain renders a statement with its arguments for GORM's logger.
func (Dialector) Explain(sql string, vars ...any) string {
	return logger.ExplainSQL(sql, nil, `'`, vars...)
}

// SavePoint creates a savepoint, for transactions nested in transactions.
func (Dialector) SavePoint(tx *gorm.DB, name string) error {
	return tx.Exec("SAVEPOINT " + name).Error
}

// RollbackTo rolls back to a savepoint.
func (Dialector) RollbackTo(tx *gorm.DB, name string) error {
	return tx.Exec("ROLLBACK TO SAVEPOINT " + name).Error
}
