// Package testfiles is analysed with Tests set: findings in _test.go // want package:`writes jobs\.attempts; updates atomically jobs\.attempts`
// files are reported too, such as a fixture helper that bumps a counter
// the way the racy production code used to.
package testfiles

import (
	"context"
	"database/sql"
)

// retryJobRacy counts an attempt in Go.
func retryJobRacy(ctx context.Context, db *sql.DB, id int64) error {
	var attempts int
	if err := db.QueryRowContext(ctx, "SELECT attempts FROM jobs WHERE id = $1", id).Scan(&attempts); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE jobs SET attempts = $1 WHERE id = $2", attempts+1, id) // want `^lost update: attempts is read at jobs.go:14 and written back here`
	return err
}

// retryJobAtomic counts it in the database.
func retryJobAtomic(ctx context.Context, db *sql.DB, id int64) error {
	_, err := db.ExecContext(ctx, "UPDATE jobs SET attempts = attempts + 1 WHERE id = $1", id)
	return err
}
