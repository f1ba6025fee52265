// Package ignore shows how a //lostupdate:ignore directive silences a // want package:`writes stats\.n.*updates atomically stats\.n`
// finding, and that it needs a reason.
package ignore

import (
	"context"
	"database/sql"
)

// nightlyRecount is the only writer of the row: the team decided so.
func nightlyRecount(ctx context.Context, db *sql.DB, id int64) error {
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT n FROM stats WHERE id = $1", id).Scan(&n); err != nil {
		return err
	}
	//lostupdate:ignore the nightly job is the only writer of stats
	_, err := db.ExecContext(ctx, "UPDATE stats SET n = $1 WHERE id = $2", n+1, id)
	return err
}

func sameLine(ctx context.Context, db *sql.DB, id int64) error {
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT n FROM stats WHERE id = $1", id).Scan(&n); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE stats SET n = $1 WHERE id = $2", n+1, id) //lostupdate:ignore single writer, see ADR-12
	return err
}

// wholeFunction is silenced in its doc comment.
//
//lostupdate:ignore approximate counter, a lost view is acceptable
func wholeFunction(ctx context.Context, db *sql.DB, id int64) error {
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT n FROM stats WHERE id = $1", id).Scan(&n); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE stats SET n = $1 WHERE id = $2", n+1, id)
	return err
}

func noReason(ctx context.Context, db *sql.DB, id int64) error {
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT n FROM stats WHERE id = $1", id).Scan(&n); err != nil {
		return err
	}
	//lostupdate:ignore // want `lostupdate:ignore needs a reason`
	_, err := db.ExecContext(ctx, "UPDATE stats SET n = $1 WHERE id = $2", n+1, id) // want `lost update: n is read`
	return err
}

// notSilenced: a directive two lines above does not count.
func notSilenced(ctx context.Context, db *sql.DB, id int64) error {
	var n int64
	//lostupdate:ignore too far away to apply // want `lostupdate:ignore silences nothing here`
	if err := db.QueryRowContext(ctx, "SELECT n FROM stats WHERE id = $1", id).Scan(&n); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE stats SET n = $1 WHERE id = $2", n+1, id) // want `lost update: n is read`
	return err
}

// atomic needs no directive: the one here is reported as unused.
func atomic(ctx context.Context, db *sql.DB, id int64) error {
	//lostupdate:ignore left over from before the fix // want `lostupdate:ignore silences nothing here`
	_, err := db.ExecContext(ctx, "UPDATE stats SET n = n + 1 WHERE id = $1", id)
	return err
}
