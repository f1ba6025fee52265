// Package counts recounts the likes of every photo from the likes table. // want package:`recounts photos\.like_count`
package counts

import (
	"context"
	"database/sql"
)

// Likes sets each photo's like count to the number of its likes.
func Likes(ctx context.Context, db *sql.DB) error { // want Likes:`writes like_count on param 1 \(pool\)`
	_, err := db.ExecContext(ctx, "UPDATE photos SET like_count = (SELECT COUNT(*) FROM likes WHERE likes.photo_id = photos.id)")
	return err
}
