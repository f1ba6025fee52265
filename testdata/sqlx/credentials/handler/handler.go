// Package handler signs users in with the credentials of package store. // want package:`store\.Store implements store\.Provider`
// A sign-in that takes the authenticator's own sign count writes the
// other columns back as they were read: a stale write at most, not a lost
// update of the key the store opened and sealed. A sign-in that counts in
// Go from the count it read loses a concurrent sign-in's count.
package handler

import (
	"context"

	"example.com/sqlxcases/credentials/store"
)

// signIn records the count the authenticator reported.
func signIn(ctx context.Context, s *store.Store, username string, kid string, count uint32) error {
	creds, err := s.Credentials(ctx, username)
	if err != nil {
		return err
	}
	for _, c := range creds {
		if c.KID == kid {
			c.SignCount = count
			return s.UpdateSignIn(ctx, c)
		}
	}
	return nil
}

// countSignIn counts the sign-in in Go.
func countSignIn(ctx context.Context, s *store.Store, username string, kid string) error {
	creds, err := s.Credentials(ctx, username)
	if err != nil {
		return err
	}
	for _, c := range creds {
		if c.KID == kid {
			c.SignCount++
			return s.UpdateSignIn(ctx, c) // want `^lost update: c\.SignCount is read at handler\.go:\d+ .*and written back here by Store\.UpdateSignIn`
		}
	}
	return nil
}

// User is a user with the credentials the store keeps for it.
type User struct {
	Name        string
	Credentials []store.Credential
}

// loadUser loads a user's credentials through the store's interface.
func loadUser(ctx context.Context, p store.Provider, name string) (u *User, err error) {
	u = &User{Name: name}
	if u.Credentials, err = p.Credentials(ctx, name); err != nil {
		return nil, err
	}
	return u, nil
}

// signInUser records the count the authenticator reported, through a
// user that holds the credentials.
func signInUser(ctx context.Context, p store.Provider, name string, kid string, count uint32) error {
	u, err := loadUser(ctx, p, name)
	if err != nil {
		return err
	}
	for _, c := range u.Credentials {
		if c.KID == kid {
			c.SignCount = count
			return p.UpdateSignIn(ctx, c)
		}
	}
	return nil
}

// countSignInUser counts the sign-in in Go, through a user.
func countSignInUser(ctx context.Context, p store.Provider, name string, kid string) error {
	u, err := loadUser(ctx, p, name)
	if err != nil {
		return err
	}
	for _, c := range u.Credentials {
		if c.KID == kid {
			c.SignCount++
			return p.UpdateSignIn(ctx, c) // want `^lost update: c\.SignCount is read at handler\.go:\d+ .*and written back here by Provider\.UpdateSignIn`
		}
	}
	return nil
}
