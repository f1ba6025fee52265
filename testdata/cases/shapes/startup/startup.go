// Package startup has migrations beside request code: a function named as
// a migration runs once, before requests are served, and races with
// nothing; so does start-up code, which ends the process when a write
// fails. The same read and write in a request handler is reported.
package startup

import (
	"context"
	"database/sql"
)

// migrateSignCounts rewrites every credential's count in a new unit; it
// runs once, from the schema migration, before the server listens.
func migrateSignCounts(ctx context.Context, db *sql.DB, ids []int64) error {
	for _, id := range ids {
		var n int64
		if err := db.QueryRowContext(ctx, "SELECT sign_count FROM credentials WHERE id = $1", id).Scan(&n); err != nil {
			return err
		}
		if _, err := db.ExecContext(ctx, "UPDATE credentials SET sign_count = $1 WHERE id = $2", n*2, id); err != nil {
			return err
		}
	}
	return nil
}

// signIn counts a sign-in in Go on every request.
func signIn(ctx context.Context, db *sql.DB, id int64) error {
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT sign_count FROM credentials WHERE id = $1", id).Scan(&n); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE credentials SET sign_count = $1 WHERE id = $2", n+1, id) // want `^lost update: n is read at startup.go:\d+ and written back here`
	return err
}
