// Package store keeps sign-in credentials with their public keys sealed: // want package:`store\.Store implements store\.Provider`
// a load opens each key in place, in the slice sqlx's Select filled, with
// the credential's id as associated data, and a save seals it again. The
// other fields of each credential go back as they were read.
package store

import (
	"context"
	"crypto/cipher"

	"github.com/jmoiron/sqlx"
)

// Credential is one registered authenticator.
type Credential struct {
	ID           int64  `db:"id"`
	KID          string `db:"kid"`
	PublicKey    []byte `db:"public_key"`
	SignCount    uint32 `db:"sign_count"`
	Discoverable bool   `db:"discoverable"`
	Description  string `db:"description"`
}

// Provider is what the handlers use of the store.
type Provider interface {
	Credentials(ctx context.Context, username string) ([]Credential, error)
	UpdateSignIn(ctx context.Context, c Credential) error
}

// Store reads and writes credentials.
type Store struct {
	db   *sqlx.DB
	aead cipher.AEAD
}

func (s *Store) open(sealed []byte, aad string) ([]byte, error) {
	return s.aead.Open(nil, sealed[:12], sealed[12:], []byte(aad))
}

func (s *Store) seal(plain []byte, aad string) []byte {
	nonce := make([]byte, 12)
	return append(nonce, s.aead.Seal(nil, nonce, plain, []byte(aad))...)
}

// Credentials loads a user's credentials and opens their keys.
func (s *Store) Credentials(ctx context.Context, username string) (creds []Credential, err error) { // want Credentials:`^loads result 0\[\]\.PublicKey on param 0\.db \(pool\) \(made\); .*loads result 0\[\] on param 0\.db \(pool\);`
	if err = s.db.SelectContext(ctx, &creds, "SELECT id, kid, public_key, sign_count, discoverable, description FROM credentials WHERE username = $1", username); err != nil {
		return nil, err
	}
	for i, c := range creds {
		if creds[i].PublicKey, err = s.open(c.PublicKey, "credentials:public_key:"+c.KID); err != nil {
			return nil, err
		}
	}
	return creds, nil
}

// UpdateSignIn writes a credential back after a sign-in.
func (s *Store) UpdateSignIn(ctx context.Context, c Credential) error { // want UpdateSignIn:`writes param 2\.SignCount to sign_count on param 0\.db \(pool\)`
	c.PublicKey = s.seal(c.PublicKey, "credentials:public_key:"+c.KID)
	_, err := s.db.ExecContext(ctx, "UPDATE credentials SET sign_count = $1, discoverable = $2, public_key = $3, description = $4 WHERE id = $5",
		c.SignCount, c.Discoverable, c.PublicKey, c.Description, c.ID)
	return err
}
