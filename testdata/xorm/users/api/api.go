// Package api changes users through the users package: the columns each // want package:`writes user\.hash; updates atomically user\.balance`
// call names are what it writes.
package api

import "example.com/xormcases/users"

// setAvatar changes the avatar and names it: the balance it read is not
// written, so a charge in between is kept.
func setAvatar(s *users.Store, owner, name, avatar string) error {
	u, err := s.GetUser(owner, name)
	if err != nil {
		return err
	}
	u.Avatar = avatar
	return s.UpdateUser(u, []string{"avatar"})
}

// setEmail names no column: UpdateUser writes its own list, which the
// caller cannot see, so no column is known to go back.
func setEmail(s *users.Store, owner, name, email string) error {
	u, err := s.GetUser(owner, name)
	if err != nil {
		return err
	}
	u.Email = email
	return s.UpdateUser(u, nil)
}

// countWrongSignin adds a failed sign-in in Go: two at once both read the
// same count and one is lost.
func countWrongSignin(s *users.Store, owner, name string) error {
	u, err := s.GetUser(owner, name)
	if err != nil {
		return err
	}
	u.SigninWrongTimes++
	return s.UpdateUser(u, []string{"signin_wrong_times"}) // want `^lost update: u.SigninWrongTimes is read at api.go:32 \(by Store.GetUser, at users.go:36\) and written back here by Store.UpdateUser outside a locking transaction`
}
