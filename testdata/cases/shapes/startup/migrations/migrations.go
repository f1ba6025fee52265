// Package migrations holds data migrations, which run once at deployment: // want package:`writes credentials\.sign_count`
// nothing here is reported.
package migrations

import (
	"context"
	"database/sql"
)

// Up0042 doubles every count.
func Up0042(ctx context.Context, db *sql.DB, id int64) error { // want Up0042:`changes the database`
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT sign_count FROM credentials WHERE id = $1", id).Scan(&n); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE credentials SET sign_count = $1 WHERE id = $2", n*2, id)
	return err
}
