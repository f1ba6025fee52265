// Package handlers changes the signed-in user that a middleware kept for // want package:`writes users.credits, users.name, users.pins; updates atomically users.credits`
// the request (gin), and writes it back.
package handlers

import (
	"sync"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"example.com/request/auth"
	"example.com/request/model"
)

// Spend takes credits from the user the middleware read before the
// handler ran: two purchases at once both start from the same balance.
func Spend(c *gin.Context) { // want Spend:`^changes the database$`
	db := c.MustGet("db").(*gorm.DB) // a handle, not a record
	user := c.MustGet("user").(*model.User)
	user.Credits -= 10
	db.Save(user) // want `lost update: user.Credits is read at handlers.go:\d+ \(kept for the request by a middleware, which read it before the handler ran\) and written back here`
}

// SpendAtomic lets the database subtract: nothing read is written back.
func SpendAtomic(c *gin.Context) { // want SpendAtomic:`^changes the database$`
	db := c.MustGet("db").(*gorm.DB)
	user := c.MustGet("user").(*model.User)
	db.Model(user).Update("credits", gorm.Expr("credits - ?", 10))
}

// Pin appends to the user's pins with gin's comma-ok Get: a pin added by
// another request in between is lost.
func Pin(c *gin.Context) { // want Pin:`^writes param 0 to pins on own handle$`
	db := c.MustGet("db").(*gorm.DB)
	v, found := c.Get("user")
	user, ok := v.(*model.User)
	if !found || !ok {
		return
	}
	user.Pins = append(user.Pins, c.Query("uri"))
	db.Model(user).Update("pins", user.Pins) // want `lost update: user.Pins is read at handlers.go:\d+ \(kept for the request by a middleware`
}

// Rename writes what the request says: nothing read goes back.
func Rename(c *gin.Context) { // want Rename:`^writes param 0 to name on own handle$`
	db := c.MustGet("db").(*gorm.DB)
	user := c.MustGet("user").(*model.User)
	db.Model(user).Update("name", c.Query("name"))
}

// SpendThroughHelper takes the user from a helper of another package.
func SpendThroughHelper(c *gin.Context) { // want SpendThroughHelper:`^changes the database$`
	db := c.MustGet("db").(*gorm.DB)
	user := auth.CurrentUser(c)
	user.Credits--
	db.Model(user).Update("credits", user.Credits) // want `lost update: user.Credits is read at handlers.go:\d+ \(by auth.CurrentUser, at auth.go:\d+, kept for the request`
}

var mu sync.Mutex

// SpendLocked holds a mutex of this process, and a row lock on a fresh
// read, but writes the copy the middleware read before either.
func SpendLocked(c *gin.Context) { // want SpendLocked:`^changes the database$`
	db := c.MustGet("db").(*gorm.DB)
	mu.Lock()
	defer mu.Unlock()
	user := c.MustGet("user").(*model.User)
	db.Transaction(func(tx *gorm.DB) error {
		var fresh model.User
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&fresh, user.ID).Error; err != nil {
			return err
		}
		user.Credits -= 10
		return tx.Save(user).Error // want `lost update: user.Credits is read at handlers.go:\d+ \(kept for the request`
	})
}

// SpendFresh reads the row again, locked, in the transaction that
// writes it: the request's copy only names it.
func SpendFresh(c *gin.Context) { // want SpendFresh:`^changes the database$`
	db := c.MustGet("db").(*gorm.DB)
	user := c.MustGet("user").(*model.User)
	db.Transaction(func(tx *gorm.DB) error {
		var fresh model.User
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&fresh, user.ID).Error; err != nil {
			return err
		}
		fresh.Credits -= 10
		return tx.Save(&fresh).Error
	})
}

// GrantFromClaims writes what a token says to the user it names: claims
// are no row, and the credits written are not read from the table.
func GrantFromClaims(c *gin.Context) { // want GrantFromClaims:`^changes the database$`
	db := c.MustGet("db").(*gorm.DB)
	claims := c.MustGet("claims").(*model.Claims)
	db.Model(&model.User{ID: claims.UserID}).Update("name", claims.Scope)
}
