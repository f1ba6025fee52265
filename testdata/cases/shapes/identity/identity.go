// Package identity is an account service whose writes reuse the keys it // want package:"writes .*users\\.email"
// found rows by: an id, a GORM primary key and the column a WHERE found
// the row by are the row's identity, not its state, so formatting them
// into a write loses no one's update. A counter of the same row is state.
package identity

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// Profile is keyed by its user, not by an ID field.
type Profile struct {
	UserID uint `gorm:"primaryKey"`
	Handle string
	Visits int
}

type Accounts struct {
	db  *sql.DB
	orm *gorm.DB
}

// tombstoneEmail frees an email address for reuse: the id found by it is
// formatted into the email it is replaced with.
func (a *Accounts) tombstoneEmail(ctx context.Context, email string) error {
	var id int64
	if err := a.db.QueryRowContext(ctx, "SELECT id FROM users WHERE email = $1", email).Scan(&id); err != nil {
		return fmt.Errorf("find user by email %q: %w", email, err)
	}
	_, err := a.db.ExecContext(ctx, "UPDATE users SET email = $1 WHERE id = $2", fmt.Sprintf("deleted-%d", id), id)
	return err
}

// countLoginByEmail is the racy twin: the row is found the same way, and
// its login counter is state.
func (a *Accounts) countLoginByEmail(ctx context.Context, email string) error {
	var id, logins int64
	if err := a.db.QueryRowContext(ctx, "SELECT id, logins FROM users WHERE email = $1", email).Scan(&id, &logins); err != nil {
		return fmt.Errorf("find user by email %q: %w", email, err)
	}
	_, err := a.db.ExecContext(ctx, "UPDATE users SET logins = $1 WHERE id = $2", logins+1, id) // want `^lost update: logins is read at identity.go:43 and written back here outside a locking transaction`
	return err
}

// anonymiseProfile replaces the handle with one built from the primary
// key of the loaded profile.
func (a *Accounts) anonymiseProfile(uid uint) error {
	var p Profile
	if err := a.orm.First(&p, uid).Error; err != nil {
		return err
	}
	return a.orm.Model(&p).Update("handle", fmt.Sprintf("user-%d", p.UserID)).Error
}

// countProfileVisit is the racy twin: the visit counter of the same
// profile is incremented in Go.
func (a *Accounts) countProfileVisit(uid uint) error {
	var p Profile
	if err := a.orm.First(&p, uid).Error; err != nil {
		return err
	}
	return a.orm.Model(&p).Update("visits", p.Visits+1).Error // want `^lost update: p.Visits is read at identity.go:64 and written back here`
}

// lowercaseEmail normalises the email the row was found by.
func (a *Accounts) lowercaseEmail(ctx context.Context, email string) error {
	var stored string
	if err := a.db.QueryRowContext(ctx, "SELECT email FROM users WHERE email = $1", email).Scan(&stored); err != nil {
		return err
	}
	_, err := a.db.ExecContext(ctx, "UPDATE users SET email = $1 WHERE email = $2", strings.ToLower(stored), email)
	return err
}

// lowercaseEmailAndStrike is the racy twin: the same write also counts a
// strike against the account, and only the strike is a lost update.
func (a *Accounts) lowercaseEmailAndStrike(ctx context.Context, email string) error {
	var stored string
	var strikes int
	if err := a.db.QueryRowContext(ctx, "SELECT email, strikes FROM users WHERE email = $1", email).Scan(&stored, &strikes); err != nil {
		return err
	}
	_, err := a.db.ExecContext(ctx, "UPDATE users SET email = $1, strikes = $2 WHERE email = $3", strings.ToLower(stored), strikes+1, email) // want `^lost update: strikes is read at identity.go:85 and written back here`
	return err
}
