// Package rotate binds a user to an anonymous session at sign-in, as // want package:`writes sessions\.id, sessions\.user_id`
// miniflux does: a session whose id the write rotates (SET id = $2 …
// WHERE id = $1) can be bound once, since the second sign-in finds no row
// by the id it read; one that keeps its id can be bound twice.
package rotate

import (
	"context"
	"database/sql"
	"errors"
)

// Session is a row of sessions.
type Session struct {
	ID     string
	UserID sql.NullInt64
}

// ErrGone says that another request rotated the session first.
var ErrGone = errors.New("session rotated by another request")

func load(ctx context.Context, db *sql.DB, id string) (*Session, error) {
	var s Session
	err := db.QueryRowContext(ctx, "SELECT id, user_id FROM sessions WHERE id = $1", id).Scan(&s.ID, &s.UserID)
	return &s, err
}

// rotate binds the user and gives the session a new id, in one statement
// found by the old id.
func rotate(ctx context.Context, db *sql.DB, oldID, newID string, uid int64) error {
	res, err := db.ExecContext(ctx, "UPDATE sessions SET id = $2, user_id = $3 WHERE id = $1", oldID, newID, uid)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrGone
	}
	return nil
}

// SignIn binds an anonymous session and rotates its id: of two sign-ins
// that both see no user, one finds no row.
func SignIn(ctx context.Context, db *sql.DB, id, newID string, uid int64) error { // want SignIn:`^writes param 3 to id on param 1 \(pool\) moving id; writes param 4 to user_id on param 1 \(pool\) moving id$`
	s, err := load(ctx, db, id)
	if err != nil {
		return err
	}
	if s.UserID.Valid {
		return nil
	}
	return rotate(ctx, db, s.ID, newID, uid)
}

// SignInKeepingID binds the session under the id it had: two sign-ins
// that both see no user both bind theirs.
func SignInKeepingID(ctx context.Context, db *sql.DB, id string, uid int64) error { // want SignInKeepingID:`^writes param 3 to user_id on param 1 \(pool\)$`
	s, err := load(ctx, db, id)
	if err != nil {
		return err
	}
	if s.UserID.Valid {
		return nil
	}
	_, err = db.ExecContext(ctx, "UPDATE sessions SET user_id = $2 WHERE id = $1", s.ID, uid) // want `^check then write: s\.UserID\.Valid is read at rotate\.go:\d+ \(by rotate\.load, at rotate\.go:\d+\) and checked at rotate\.go:\d+, but the write here does not check it again`
	return err
}
