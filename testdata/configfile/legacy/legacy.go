// Package legacy is code the configuration excludes. // want package:`writes posts\.likes`
package legacy

import (
	"context"
	"database/sql"
)

// Like adds a like the old way; the configuration excludes this package.
func Like(ctx context.Context, db *sql.DB, id int64) error { // want Like:"changes the database"
	var likes int64
	if err := db.QueryRowContext(ctx, "SELECT likes FROM posts WHERE id = $1", id).Scan(&likes); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE posts SET likes = $1 WHERE id = $2", likes+1, id)
	return err
}
