// Package builtsql is a job queue written the way older services write // want package:`writes jobs\.attempts.*updates atomically jobs\.attempts`
// SQL: statements built with fmt.Sprintf and string concatenation, values
// spliced into the text instead of passed as arguments. A value computed
// from a load is written back just the same.
package builtsql

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// retryJob counts an attempt with the new count formatted into the SQL.
func retryJob(ctx context.Context, db *sql.DB, id int64) error {
	var attempts int
	if err := db.QueryRowContext(ctx, fmt.Sprintf("SELECT attempts FROM jobs WHERE id = %d", id)).Scan(&attempts); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, fmt.Sprintf("UPDATE jobs SET attempts = %d WHERE id = %d", attempts+1, id)) // want `^lost update: attempts is read at builtsql.go:17 and written back here .*Use an atomic update \(SET attempts = attempts \+ \$1\)`
	return err
}

// retryJobConcat builds the same statement with +, in MySQL style.
func retryJobConcat(ctx context.Context, db *sql.DB, id int64) error {
	var attempts int
	if err := db.QueryRowContext(ctx, "SELECT attempts FROM jobs WHERE id = ?", id).Scan(&attempts); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE jobs SET attempts = "+strconv.Itoa(attempts+1)+" WHERE id = ?", id) // want `^lost update: attempts is read at builtsql.go:27 .*Use an atomic update \(SET attempts = attempts \+ \?\)`
	return err
}

// retryJobTable formats the table name only; the value is an argument.
func retryJobTable(ctx context.Context, db *sql.DB, table string, id int64) error {
	var attempts int
	if err := db.QueryRowContext(ctx, "SELECT attempts FROM "+table+" WHERE id = $1", id).Scan(&attempts); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE "+table+" SET attempts = $1 WHERE id = $2", attempts+1, id) // want `^lost update: attempts is read at builtsql.go:37`
	return err
}

// retryJobVersioned checks the version it read, spliced in like the rest:
// the update changes nothing if another request came first.
func retryJobVersioned(ctx context.Context, db *sql.DB, id int64) (bool, error) {
	var attempts, version int
	if err := db.QueryRowContext(ctx, "SELECT attempts, version FROM jobs WHERE id = $1", id).Scan(&attempts, &version); err != nil {
		return false, err
	}
	res, err := db.ExecContext(ctx, fmt.Sprintf("UPDATE jobs SET attempts = %d, version = version + 1 WHERE id = %d AND version = %d", attempts+1, id, version))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// retryJobAtomic splices only the increment: the database adds it.
func retryJobAtomic(ctx context.Context, db *sql.DB, id int64, by int) error {
	_, err := db.ExecContext(ctx, fmt.Sprintf("UPDATE jobs SET attempts = attempts + %d WHERE id = %d", by, id))
	return err
}

// retryJobLocked formats a locking read and the write in one transaction.
func retryJobLocked(ctx context.Context, db *sql.DB, id int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var attempts int
	if err := tx.QueryRowContext(ctx, fmt.Sprintf("SELECT attempts FROM jobs WHERE id = %d FOR UPDATE", id)).Scan(&attempts); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("UPDATE jobs SET attempts = %d WHERE id = %d", attempts+1, id)); err != nil {
		return err
	}
	return tx.Commit()
}

// renameJob writes a value that does not come from the load.
func renameJob(ctx context.Context, db *sql.DB, id int64, name string) error {
	var attempts int
	if err := db.QueryRowContext(ctx, "SELECT attempts FROM jobs WHERE id = $1", id).Scan(&attempts); err != nil {
		return err
	}
	if attempts > 3 {
		return fmt.Errorf("job %d: gave up after %d attempts", id, attempts)
	}
	_, err := db.ExecContext(ctx, "UPDATE jobs SET name = '"+name+"' WHERE id = "+strconv.FormatInt(id, 10))
	return err
}

// tagJob appends to the tags it read, with MySQL placeholders: a string
// cannot be added atomically, so the fix is a version check, written with
// the statement's own placeholders.
func tagJob(ctx context.Context, db *sql.DB, id int64, tag string) error {
	var tags string
	if err := db.QueryRowContext(ctx, "SELECT tags FROM jobs WHERE id = ?", id).Scan(&tags); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE jobs SET tags = ? WHERE id = ?", tags+","+tag, id) // want `lost update: tags is read at builtsql.go:\d+ .* Use a version check \(UPDATE … SET tags = \?, version = version \+ 1 WHERE … AND version = \?, retried while no row changes\)`
	return err
}
