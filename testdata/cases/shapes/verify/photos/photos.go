// Package photos saves a user's profile form whole, in a method that also // want package:`writes users\.auth_id`
// takes the user's identity from any other user that holds it. That
// clearing is a write of the method's own: the caller's whole-row write
// keeps its own position, so the clearing, which another user's login
// runs too, is a writer the stale write of auth_id undoes.
package photos

import (
	"gorm.io/gorm"
)

// save saves any record: the table is its caller's.
func save(db *gorm.DB, v any) error {
	return db.Save(v).Error
}

// User is an account, with the identity of its single sign-on.
type User struct {
	ID     uint
	Name   string
	AuthID string
}

// takeIdentity takes an identity from every user but one (a login runs
// this for the user who signs in).
func takeIdentity(db *gorm.DB, authID string, except uint) error {
	return db.Exec("UPDATE users SET auth_id = '' WHERE auth_id = ? AND id <> ?", authID, except).Error
}

// SaveForm saves a profile form, making sure that no other user holds
// this user's identity.
func (u *User) SaveForm(db *gorm.DB, name string) error { // want SaveForm:`^writes auth_id on param 1 moving auth_id; writes param 0 \(whole\) on param 1`
	u.Name = name
	if err := takeIdentity(db, u.AuthID, u.ID); err != nil {
		return err
	}
	return save(db, u)
}

// UpdateProfile saves a user's form: the identity goes back as read, and
// a login that took it from this user in between is undone. The clearing
// in SaveForm's call of takeIdentity is a write of its own: it does not
// give the save takeIdentity's position, which would hide that very
// writer.
func UpdateProfile(db *gorm.DB, id uint, name string) error { // want UpdateProfile:`^writes auth_id on param 0 moving auth_id; writes param 2 to name on param 0$`
	var u User
	if err := db.First(&u, id).Error; err != nil {
		return err
	}
	return u.SaveForm(db, name) // want `^stale row: u is read at photos\.go:\d+ and written back whole here by User\.SaveForm .*auth_id goes back as read.*takeIdentity writes auth_id at photos\.go:\d+`
}
