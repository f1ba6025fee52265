// Package model holds the GORM models of the request cases. // want package:`analysed`
package model

// User is a signed-in user, as the authentication middleware loads it.
type User struct {
	ID      uint
	Name    string
	Credits int
	Pins    []string `gorm:"serializer:json"`
	Authn   string
}

// Claims are what a token says; no row of any table.
type Claims struct {
	UserID uint
	Scope  string
}
