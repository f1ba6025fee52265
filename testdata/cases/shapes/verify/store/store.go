// Package store keeps one-time verification tokens. FindVerification // want package:`writes users\.password, verifications\.consumed, verifications\.kind, verifications\.revoked`
// checks a token itself and answers only found; ConsumeVerification and
// RevokeVerification mark it with a time of their own. Their summaries
// carry both: the answer is computed from the columns it checked, and the
// writes name the columns they set.
package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"time"
)

// Verification is one token.
type Verification struct {
	JTI        string
	ExpiresAt  time.Time
	ConsumedAt sql.NullTime
	RevokedAt  sql.NullTime
}

// Store reads and writes tokens.
type Store struct {
	db *sql.DB
}

// FindVerification reports whether the token is there, unused, unrevoked
// and unexpired.
func (s *Store) FindVerification(ctx context.Context, jti string) (found bool, err error) { // want FindVerification:`^loads result 0 on param 0\.db \(pool\) \(computed\); loads result 0 on param 0\.db \(pool\) \(computed\)$`
	var v Verification
	if err = s.db.QueryRowContext(ctx, "SELECT jti, exp, consumed, revoked FROM verifications WHERE jti = $1", jti).Scan(&v.JTI, &v.ExpiresAt, &v.ConsumedAt, &v.RevokedAt); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return false, err
	}
	switch {
	case v.RevokedAt.Valid:
		return false, errors.New("the token has been revoked")
	case v.ConsumedAt.Valid:
		return false, errors.New("the token has already been used")
	case v.ExpiresAt.Before(time.Now()):
		return false, errors.New("the token has expired")
	default:
		return true, nil
	}
}

// LoadVerification loads a token without checking it.
func (s *Store) LoadVerification(ctx context.Context, jti string) (*Verification, error) { // want LoadVerification:`loads result 0\.ConsumedAt`
	v := &Verification{}
	err := s.db.QueryRowContext(ctx, "SELECT jti, exp, consumed, revoked FROM verifications WHERE jti = $1", jti).Scan(&v.JTI, &v.ExpiresAt, &v.ConsumedAt, &v.RevokedAt)
	return v, err
}

// ConsumeVerification marks the token used.
func (s *Store) ConsumeVerification(ctx context.Context, jti string) error { // want ConsumeVerification:`^writes consumed on param 0\.db \(pool\)$`
	_, err := s.db.ExecContext(ctx, "UPDATE verifications SET consumed = $1 WHERE jti = $2", time.Now(), jti)
	return err
}

// RevokeVerification marks the token revoked.
func (s *Store) RevokeVerification(ctx context.Context, jti string) error { // want RevokeVerification:`^writes revoked on param 0\.db \(pool\)$`
	_, err := s.db.ExecContext(ctx, "UPDATE verifications SET revoked = $1 WHERE jti = $2", time.Now(), jti)
	return err
}

// ConsumeVerificationOnce marks the token used unless it already is, and
// says which.
func (s *Store) ConsumeVerificationOnce(ctx context.Context, jti string) error { // want ConsumeVerificationOnce:`^writes consumed on param 0\.db \(pool\)$`
	res, err := s.db.ExecContext(ctx, "UPDATE verifications SET consumed = $1 WHERE jti = $2 AND consumed IS NULL", time.Now(), jti)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.New("the token has already been used")
	}
	return nil
}

// Reindex records the kind of the token's file, as the disk says: a value
// of the method's own, but not a mark of an act.
func (s *Store) Reindex(ctx context.Context, jti string) error { // want Reindex:`^changes the database$`
	_, err := s.db.ExecContext(ctx, "UPDATE verifications SET kind = $1 WHERE jti = $2", os.Getenv("TOKEN_KIND"), jti)
	return err
}

// Kind loads the kind of a token.
func (s *Store) Kind(ctx context.Context, jti string) (kind string, err error) { // want Kind:`loads result 0`
	err = s.db.QueryRowContext(ctx, "SELECT kind FROM verifications WHERE jti = $1", jti).Scan(&kind)
	return kind, err
}

// Close marks the token used at this time and sets its revocation.
func (s *Store) Close(ctx context.Context, jti string, revoked sql.NullTime) error { // want Close:`^writes consumed on param 0\.db \(pool\); writes param 3 to revoked on param 0\.db \(pool\)$`
	_, err := s.db.ExecContext(ctx, "UPDATE verifications SET consumed = $1, revoked = $2 WHERE jti = $3", time.Now(), revoked, jti)
	return err
}

// RevokeAll revokes every token of a user.
func (s *Store) RevokeAll(ctx context.Context, username string) error { // want RevokeAll:`^writes revoked on param 0\.db \(pool\)$`
	_, err := s.db.ExecContext(ctx, "UPDATE verifications SET revoked = $1 WHERE username = $2", time.Now(), username)
	return err
}

// SetPassword stores a user's new password hash.
func (s *Store) SetPassword(ctx context.Context, id int64, hash string) error { // want SetPassword:`writes param 3 to password`
	_, err := s.db.ExecContext(ctx, "UPDATE users SET password = $1 WHERE id = $2", hash, id)
	return err
}

// PasswordHash loads a user's password hash.
func (s *Store) PasswordHash(ctx context.Context, id int64) (hash string, err error) { // want PasswordHash:`loads result 0`
	err = s.db.QueryRowContext(ctx, "SELECT password FROM users WHERE id = $1", id).Scan(&hash)
	return hash, err
}
