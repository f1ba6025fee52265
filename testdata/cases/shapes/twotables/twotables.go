// Package twotables has a repository function that writes two tables // want package:`writes labels\.name, photos\.label_count`
// through one handle: a label's name and the photo's label count. A
// caller's change of the count it read is a lost update of photos, not a
// write of labels.
package twotables

import (
	"context"
	"database/sql"
)

// saveLabel renames a label and stores the photo's label count.
func saveLabel(ctx context.Context, db *sql.DB, labelID int64, name string, photoID int64, count int) error {
	if _, err := db.ExecContext(ctx, "UPDATE labels SET name = $1 WHERE id = $2", name, labelID); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE photos SET label_count = $1 WHERE id = $2", count, photoID)
	return err
}

// labelPhotoRacy counts the new label in Go from the count it read.
func labelPhotoRacy(ctx context.Context, db *sql.DB, labelID, photoID int64, name string) error {
	var n int
	if err := db.QueryRowContext(ctx, "SELECT label_count FROM photos WHERE id = $1", photoID).Scan(&n); err != nil {
		return err
	}
	return saveLabel(ctx, db, labelID, name, photoID, n+1) // want `^lost update: n is read at twotables\.go:\d+ and written back here by twotables\.saveLabel`
}

// renameLabel reads the label's name and writes a new one: the count it
// passes is not one it read.
func renameLabel(ctx context.Context, db *sql.DB, labelID, photoID int64, name string, count int) error {
	var old string
	if err := db.QueryRowContext(ctx, "SELECT name FROM labels WHERE id = $1", labelID).Scan(&old); err != nil {
		return err
	}
	if old == name {
		return nil
	}
	return saveLabel(ctx, db, labelID, name, photoID, count)
}
