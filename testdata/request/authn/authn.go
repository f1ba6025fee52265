// Package authn keeps a user's WebAuthn credentials as JSON in one column, // want package:`writes users\.authn`
// encoded with json-iterator as alist does: a credential added to the
// list read is a change of the list, whichever encoder writes it.
package authn

import (
	"bytes"

	"github.com/gin-gonic/gin"
	jsoniter "github.com/json-iterator/go"
	"gorm.io/gorm"

	"example.com/request/model"
)

var json = jsoniter.ConfigCompatibleWithStandardLibrary

// Credentials decodes the user's list with the configured API.
func Credentials(u *model.User) []string { // want Credentials:`^result 0 from param 0\.Authn$`
	var out []string
	if err := json.UnmarshalFromString(u.Authn, &out); err != nil {
		return nil
	}
	return out
}

// decode decodes the user's list with the package's function.
func decode(u *model.User) []string {
	var out []string
	if err := jsoniter.Unmarshal([]byte(u.Authn), &out); err != nil {
		return nil
	}
	return out
}

// Register adds a credential to the list of the user the middleware
// kept, encoded with the configured API.
func Register(c *gin.Context, db *gorm.DB) error { // want Register:`^writes param 0 to authn on param 1$`
	user := c.MustGet("user").(*model.User)
	list := Credentials(user)
	list = append(list, c.Query("credential"))
	enc, err := json.MarshalToString(list)
	if err != nil {
		return err
	}
	return db.Model(user).Update("authn", enc).Error // want `^lost update: user\.Authn is read at authn\.go:\d+ \(kept for the request by a middleware, which read it before the handler ran\) and written back here`
}

// RegisterPlain encodes with the package's own function.
func RegisterPlain(c *gin.Context, db *gorm.DB) error { // want RegisterPlain:`^writes param 0 to authn on param 1$`
	user := c.MustGet("user").(*model.User)
	list := append(decode(user), c.Query("credential"))
	enc, err := jsoniter.Marshal(list)
	if err != nil {
		return err
	}
	return db.Model(user).Update("authn", string(enc)).Error // want `^lost update: user\.Authn is read at authn\.go:\d+ \(kept for the request by a middleware`
}

// save writes the user's encoded list.
func save(db *gorm.DB, id uint, enc string) error {
	return db.Model(&model.User{}).Where("id = ?", id).Update("authn", enc).Error
}

// add appends a credential the caller gives to the user's list and saves
// it, as alist's db.RegisterAuthn does: the list written is the user's
// changed, whoever read the user.
func add(db *gorm.DB, u *model.User, credential string) error {
	list := Credentials(u)
	list = append(list, credential)
	enc, err := json.MarshalToString(list)
	if err != nil {
		return err
	}
	return save(db, u.ID, enc)
}

// RegisterThrough adds a credential through the helper.
func RegisterThrough(c *gin.Context, db *gorm.DB) error { // want RegisterThrough:`^writes param 0 to authn on param 1$`
	user := c.MustGet("user").(*model.User)
	return add(db, user, c.Query("credential")) // want `^lost update: user\.Authn is read at authn\.go:80 \(kept for the request by a middleware, which read it before the handler ran\) and written back here by authn\.add outside a locking transaction`
}

// RegisterMade adds a credential made for the user by code the analysis
// cannot see into (as a WebAuthn library's FinishRegistration(user, …)
// makes one): a value of its own, new to the list, whatever it was made
// from.
func RegisterMade(c *gin.Context, db *gorm.DB) error { // want RegisterMade:`^writes param 0 to authn on param 1$`
	user := c.MustGet("user").(*model.User)
	cred := string(bytes.ReplaceAll([]byte(user.Name), []byte("-"), []byte(c.Query("n"))))
	return add(db, user, cred) // want `^lost update: user\.Authn is read at authn\.go:89 \(kept for the request by a middleware, which read it before the handler ran\) and written back here by authn\.add`
}
