// Package sqlitedb implements store.Driver with database/sql. // want package:`\) writes pages.views, user_settings.value, users.credits, users.name; updates atomically users.credits, users.version; 9 pending through interfaces; sqlitedb.DB implements store.Driver}`
package sqlitedb

import (
	"context"
	"database/sql"

	"example.com/cases/ifaces/store"
)

// DB is the driver.
type DB struct{ db *sql.DB }

// New returns a driver on db.
func New(db *sql.DB) *DB { return &DB{db: db} }

// GetSetting loads a setting, without a lock.
func (d *DB) GetSetting(ctx context.Context, userID int64, key string) (*store.Setting, error) {
	s := &store.Setting{UserID: userID, Key: key}
	err := d.db.QueryRowContext(ctx, "SELECT value FROM user_settings WHERE user_id = ? AND key = ?", userID, key).Scan(&s.Value)
	return s, err
}

// UpsertSetting writes a setting's value, whatever the row holds.
func (d *DB) UpsertSetting(ctx context.Context, s *store.Setting) error {
	_, err := d.db.ExecContext(ctx, "INSERT INTO user_settings (user_id, key, value) VALUES (?, ?, ?) ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value", s.UserID, s.Key, s.Value)
	return err
}

// AddCredits adds to a balance in the database.
func (d *DB) AddCredits(ctx context.Context, userID, n int64) error {
	_, err := d.db.ExecContext(ctx, "UPDATE users SET credits = credits + ? WHERE id = ?", n, userID)
	return err
}

// Views returns a page's view count.
func (d *DB) Views(ctx context.Context, pageID int64) (int64, error) {
	var n int64
	err := d.db.QueryRowContext(ctx, "SELECT views FROM pages WHERE id = ?", pageID).Scan(&n)
	return n, err
}

// SetViews sets a page's view count.
func (d *DB) SetViews(ctx context.Context, pageID, n int64) error {
	_, err := d.db.ExecContext(ctx, "UPDATE pages SET views = ? WHERE id = ?", n, pageID)
	return err
}

// GetUser loads a user.
func (d *DB) GetUser(ctx context.Context, id int64) (*store.User, error) {
	u := &store.User{ID: id}
	err := d.db.QueryRowContext(ctx, "SELECT name, credits, version FROM users WHERE id = ?", id).Scan(&u.Name, &u.Credits, &u.Version)
	return u, err
}

// UpdateUser writes a user's columns, whatever the row holds.
func (d *DB) UpdateUser(ctx context.Context, u *store.User) error {
	_, err := d.db.ExecContext(ctx, "UPDATE users SET name = ?, credits = ? WHERE id = ?", u.Name, u.Credits, u.ID)
	return err
}

// UpdateUserColumns writes the columns named of a user.
func (d *DB) UpdateUserColumns(ctx context.Context, u *store.User, columns ...string) error {
	for _, col := range columns {
		switch col {
		case "name":
			if _, err := d.db.ExecContext(ctx, "UPDATE users SET name = ? WHERE id = ?", u.Name, u.ID); err != nil {
				return err
			}
		case "credits":
			if _, err := d.db.ExecContext(ctx, "UPDATE users SET credits = ? WHERE id = ?", u.Credits, u.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// UpdateUserChecked writes a user's columns if the row's version is the
// one read.
func (d *DB) UpdateUserChecked(ctx context.Context, u *store.User) error {
	_, err := d.db.ExecContext(ctx, "UPDATE users SET name = ?, credits = ?, version = version + 1 WHERE id = ? AND version = ?", u.Name, u.Credits, u.ID, u.Version)
	return err
}

// ListSettings loads the settings find selects, without a lock.
func (d *DB) ListSettings(ctx context.Context, find *store.FindSetting) ([]*store.Setting, error) {
	rows, err := d.db.QueryContext(ctx, "SELECT user_id, key, value FROM user_settings WHERE user_id = ? AND key = ?", find.UserID, find.Key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*store.Setting
	for rows.Next() {
		s := &store.Setting{}
		if err := rows.Scan(&s.UserID, &s.Key, &s.Value); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// PutSetting writes a setting's value, whatever the row holds, and
// returns the row stored.
func (d *DB) PutSetting(ctx context.Context, s *store.Setting) (*store.Setting, error) {
	out := &store.Setting{}
	err := d.db.QueryRowContext(ctx, "INSERT INTO user_settings (user_id, key, value) VALUES (?, ?, ?) ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value RETURNING user_id, key, value", s.UserID, s.Key, s.Value).Scan(&out.UserID, &out.Key, &out.Value)
	return out, err
}

// DeleteSettings deletes the settings find selects.
func (d *DB) DeleteSettings(ctx context.Context, find *store.FindSetting) error {
	_, err := d.db.ExecContext(ctx, "DELETE FROM user_settings WHERE user_id = ? AND key = ?", find.UserID, find.Key)
	return err
}
