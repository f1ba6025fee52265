// Package verify uses the tokens of package store. A token checked by a // want package:`writes users\.password, verifications\.consumed, verifications\.kind, verifications\.revoked`
// store method that answers only found, then consumed by another that sets
// the time itself, is used twice by two requests that both pass the check;
// so is a token checked in the caller and then revoked. Consuming with the
// check in the WHERE, and a password compared by a helper of the caller's
// own, are not races on the row.
package verify

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"

	"example.com/cases/shapes/verify/store"
)

// useToken is the middleware: check, then consume, then act.
func useToken(ctx context.Context, s *store.Store, jti string, next func()) error {
	found, err := s.FindVerification(ctx, jti)
	if err != nil {
		return err
	}
	if !found {
		return errors.New("the token was not found or was already used")
	}
	if err := s.ConsumeVerification(ctx, jti); err != nil { // want `^check then write: found, which Store\.FindVerification answers from consumed \(read at store\.go:\d+\), is checked at verify\.go:\d+, but the write here by Store\.ConsumeVerification does not check consumed again`
		return err
	}
	next()
	return nil
}

// revokeToken checks the loaded token, then revokes it.
func revokeToken(ctx context.Context, s *store.Store, jti string) error {
	v, err := s.LoadVerification(ctx, jti)
	if err != nil {
		return err
	}
	if v.RevokedAt.Valid {
		return errors.New("already revoked")
	}
	return s.RevokeVerification(ctx, jti) // want `^check then write: v\.RevokedAt\.Valid is read at verify\.go:\d+ \(by Store\.LoadVerification, at store\.go:\d+\) .*AND revoked IS NULL`
}

// useTokenOnce lets the write decide.
func useTokenOnce(ctx context.Context, s *store.Store, jti string, next func()) error {
	found, err := s.FindVerification(ctx, jti)
	if err != nil || !found {
		return errors.New("the token was not found or was already used")
	}
	if err := s.ConsumeVerificationOnce(ctx, jti); err != nil {
		return err
	}
	next()
	return nil
}

// verifyPassword compares a password with a stored hash.
func verifyPassword(hash, password string) (bool, error) {
	if subtle.ConstantTimeCompare([]byte(hash), []byte(password)) != 1 {
		return false, nil
	}
	return true, nil
}

// changePassword checks the old password, then stores the new one: two
// changes at once both pass and the last wins, as it would one after the
// other.
func changePassword(ctx context.Context, s *store.Store, id int64, old, hash string) error {
	stored, err := s.PasswordHash(ctx, id)
	if err != nil {
		return err
	}
	ok, err := verifyPassword(stored, old)
	if err != nil || !ok {
		return errors.New("wrong password")
	}
	return s.SetPassword(ctx, id, hash)
}

// reindex refuses sidecar tokens, then reindexes: the kind the reindex
// writes comes from elsewhere, and two reindexes write the same.
func reindex(ctx context.Context, s *store.Store, jti string) error {
	kind, err := s.Kind(ctx, jti)
	if err != nil {
		return err
	}
	if kind == "sidecar" {
		return errors.New("cannot reindex a sidecar")
	}
	return s.Reindex(ctx, jti)
}

// closeToken checks, then closes the token with one call that writes a
// time of its own and a value it is given: one finding for the call.
func closeToken(ctx context.Context, s *store.Store, jti string) error {
	found, err := s.FindVerification(ctx, jti)
	if err != nil || !found {
		return errors.New("the token was not found or was already used")
	}
	return s.Close(ctx, jti, sql.NullTime{}) // want `^check then write: found, which Store\.FindVerification answers from`
}

// signOutEverywhere refuses a revoked token, then revokes every token of
// its user: rows found by the user, not the token the check read.
func signOutEverywhere(ctx context.Context, s *store.Store, jti, username string) error {
	v, err := s.LoadVerification(ctx, jti)
	if err != nil {
		return err
	}
	if v.RevokedAt.Valid {
		return errors.New("already revoked")
	}
	return s.RevokeAll(ctx, username)
}
