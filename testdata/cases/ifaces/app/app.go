// Package app wires the store to its database: only here are both the // want package:`\) writes .*; 11 pending through interfaces; sqlitedb.DB implements store.Driver}`
// web layer's use of the store and the driver's implementation visible.
package app

import (
	"database/sql"

	"example.com/cases/ifaces/sqlitedb"
	"example.com/cases/ifaces/store"
	"example.com/cases/ifaces/web"
)

// Open returns the application's store.
func Open(db *sql.DB) *store.Store {
	return store.New(sqlitedb.New(db))
}

var _ = web.Handler{}
