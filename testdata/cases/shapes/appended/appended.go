// Package appended appends to lists through helpers, as alist's // want package:`writes posts\.tags`
// db.RegisterAuthn does: whether the list changed depends on what the
// caller appends, which the helper cannot know, so its summary names the
// parameter appended and the caller judges it.
package appended

import (
	"context"
	"database/sql"
	"strings"
)

// With returns list with elem appended.
func With(list []string, elem string) []string { // want With:`^result 0 from param 0 with param 1 appended, param 1$`
	return append(list, elem)
}

// addTag adds the tag the request names to a post's tags: the list
// written is the one read with a new element, and a tag another request
// added in between is lost.
func addTag(ctx context.Context, db *sql.DB, id int64, tag string) error {
	var tags string
	if err := db.QueryRowContext(ctx, "SELECT tags FROM posts WHERE id = $1", id).Scan(&tags); err != nil {
		return err
	}
	list := With(strings.Split(tags, ","), tag)
	_, err := db.ExecContext(ctx, "UPDATE posts SET tags = $1 WHERE id = $2", strings.Join(list, ","), id) // want `^lost update: tags is read at appended\.go:23`
	return err
}

// copyTags rebuilds a post's list from its own elements, one at a time:
// what is appended is the list's own data, and nothing changes.
func copyTags(ctx context.Context, db *sql.DB, id int64) error {
	var tags string
	if err := db.QueryRowContext(ctx, "SELECT tags FROM posts WHERE id = $1", id).Scan(&tags); err != nil {
		return err
	}
	var list []string
	for _, t := range strings.Split(tags, ",") {
		list = With(list, t)
	}
	_, err := db.ExecContext(ctx, "UPDATE posts SET tags = $1 WHERE id = $2", strings.Join(list, ","), id)
	return err
}
