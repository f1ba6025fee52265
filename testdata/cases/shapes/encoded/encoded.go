// Package encoded keeps a user's preferences in one JSON column. The // want package:`writes users\.limits, users\.prefs; updates atomically users\.prefs`
// services decode it, change it in Go and encode it back: the new
// document is computed from the one read, and writing it back loses a
// concurrent change as surely as balance+amount does.
package encoded

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
)

type Prefs struct {
	Theme string   `json:"theme"`
	Tags  []string `json:"tags"`
}

// addTagRacy decodes the preferences, appends a tag and writes the
// document back: a tag another request added in between is gone.
func addTagRacy(ctx context.Context, db *sql.DB, id int64, tag string) error {
	var raw []byte
	if err := db.QueryRowContext(ctx, "SELECT prefs FROM users WHERE id = $1", id).Scan(&raw); err != nil {
		return err
	}
	var p Prefs
	if err := json.Unmarshal(raw, &p); err != nil {
		return err
	}
	p.Tags = append(p.Tags, tag)
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "UPDATE users SET prefs = $1 WHERE id = $2", b, id) // want `^lost update: (raw|p\.Tags) is read at encoded.go:23 and written back here outside a locking transaction`
	return err
}

// setLimitRacy keeps per-feature limits in a JSON object and sets one
// entry of the decoded map.
func setLimitRacy(ctx context.Context, db *sql.DB, id int64, feature string, limit int) error {
	var raw []byte
	if err := db.QueryRowContext(ctx, "SELECT limits FROM users WHERE id = $1", id).Scan(&raw); err != nil {
		return err
	}
	var m map[string]int
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	m[feature] = limit
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "UPDATE users SET limits = $1 WHERE id = $2", b, id) // want `^lost update: (raw|m) is read at encoded.go:43 and written back here`
	return err
}

// setThemeRacy reads the document as text, converts it to bytes and back:
// the other keys of the document go back as read, with the new theme.
func setThemeRacy(ctx context.Context, db *sql.DB, id int64, theme string) error {
	var s string
	if err := db.QueryRowContext(ctx, "SELECT prefs FROM users WHERE id = $1", id).Scan(&s); err != nil {
		return err
	}
	var p Prefs
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return err
	}
	p.Theme = theme
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "UPDATE users SET prefs = $1 WHERE id = $2", string(b), id) // want `^lost update: (s|p\.Theme) is read at encoded.go:63 and written back here`
	return err
}

// addTagLocked does the same under a row lock in the transaction that
// writes.
func addTagLocked(ctx context.Context, db *sql.DB, id int64, tag string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var raw []byte
	if err := tx.QueryRowContext(ctx, "SELECT prefs FROM users WHERE id = $1 FOR UPDATE", id).Scan(&raw); err != nil {
		return err
	}
	var p Prefs
	if err := json.Unmarshal(raw, &p); err != nil {
		return err
	}
	p.Tags = append(p.Tags, tag)
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE users SET prefs = $1 WHERE id = $2", b, id); err != nil {
		return err
	}
	return tx.Commit()
}

// setThemeMerged lets PostgreSQL merge the new theme into the stored
// document (jsonb ||); the preferences read first only go back to the
// caller for its undo button.
func setThemeMerged(ctx context.Context, db *sql.DB, id int64, theme string) (Prefs, error) {
	var old Prefs
	var raw []byte
	if err := db.QueryRowContext(ctx, "SELECT prefs FROM users WHERE id = $1", id).Scan(&raw); err != nil {
		return old, err
	}
	if err := json.Unmarshal(raw, &old); err != nil {
		return old, err
	}
	patch, err := json.Marshal(map[string]string{"theme": theme})
	if err != nil {
		return old, err
	}
	_, err = db.ExecContext(ctx, "UPDATE users SET prefs = prefs || $1 WHERE id = $2", patch, id)
	return old, err
}

// addTagAtomic skips the write when the tag is already there, and
// appends in the database, repeating that check in the WHERE: prefs is
// computed from its own old value.
func addTagAtomic(ctx context.Context, db *sql.DB, id int64, tag string) error {
	var raw []byte
	if err := db.QueryRowContext(ctx, "SELECT prefs FROM users WHERE id = $1", id).Scan(&raw); err != nil {
		return err
	}
	var p Prefs
	if err := json.Unmarshal(raw, &p); err != nil {
		return err
	}
	if slices.Contains(p.Tags, tag) {
		return nil
	}
	add, err := json.Marshal([]string{tag})
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `UPDATE users SET prefs = jsonb_set(prefs, '{tags}', COALESCE(prefs->'tags', '[]') || $1)
		WHERE id = $2 AND NOT COALESCE(prefs->'tags', '[]') @> $1`, add, id)
	return err
}
