// Package users keeps users as Casdoor does, on xorm's fork: UpdateUser // want package:`writes user\.hash; updates atomically user\.balance`
// writes the columns its caller names in a []string (all of its own list
// when the caller names none), with an update time and a hash it computes
// itself.
package users

import (
	"crypto/sha256"
	"fmt"

	"github.com/xorm-io/xorm"
	"github.com/xorm-io/xorm/schemas"
)

// User is a row of the user table.
type User struct {
	Owner            string `xorm:"varchar(100) notnull pk"`
	Name             string `xorm:"varchar(100) notnull pk"`
	Avatar           string
	Email            string
	Password         string
	Hash             string
	Balance          float64
	SigninWrongTimes int
	UpdatedTime      string
}

// Store holds the engine.
type Store struct {
	Engine *xorm.Engine
}

// GetUser loads a user without a lock.
func (s *Store) GetUser(owner, name string) (*User, error) { // want GetUser:`loads result 0 on param 0.Engine \(pool\)`
	u := User{Owner: owner, Name: name}
	has, err := s.Engine.Get(&u)
	if err != nil {
		return nil, err
	}
	if !has {
		return nil, fmt.Errorf("user %s/%s not found", owner, name)
	}
	return &u, nil
}

// UpdateUser writes the columns named, or its own list when none are,
// keeping the stored password when the caller sends the placeholder.
func (s *Store) UpdateUser(user *User, columns []string) error { // want UpdateUser:`^loads into param 1.Password on param 0.Engine \(pool\); writes updated_time on param 0.Engine \(pool\); writes param 1.Avatar to avatar if param 2 names it on param 0.Engine \(pool\); writes param 1.Balance to balance if param 2 names it .*; writes param 1 \(the columns of param 2\) on param 0.Engine \(pool\)`
	old, err := s.GetUser(user.Owner, user.Name)
	if err != nil {
		return err
	}
	if user.Password == "***" {
		user.Password = old.Password
	}
	if len(columns) == 0 {
		columns = []string{"avatar", "email"}
	}
	columns = append(columns, "updated_time")
	user.UpdatedTime = "now"
	return s.updateUser(user, columns)
}

// updateUser refreshes the hash and writes the columns given.
func (s *Store) updateUser(user *User, columns []string) error {
	user.Hash = fmt.Sprintf("%x", sha256.Sum256([]byte(user.Name+user.Email)))
	if len(columns) > 0 {
		columns = append(columns, "hash")
	}
	_, err := s.Engine.ID(schemas.PK{user.Owner, user.Name}).Cols(columns...).Update(user)
	return err
}

// Charge takes from a user's balance in the database.
func (s *Store) Charge(owner, name string, amount float64) error { // want Charge:`^adds param 3 to balance on param 0\.Engine \(pool\)$`
	_, err := s.Engine.ID(schemas.PK{owner, name}).Decr("balance", amount).Update(new(User))
	return err
}
