// Package auth is an authentication middleware that loads the signed-in // want package:`analysed`
// user and keeps it for the request, as alist and pufferpanel do.
package auth

import (
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"example.com/request/model"
)

// Middleware loads the user the request names and keeps it for the
// handlers.
func Middleware(db *gorm.DB) gin.HandlerFunc {
	return func(c *gin.Context) {
		var u model.User
		if err := db.First(&u, c.GetHeader("X-User")).Error; err != nil {
			c.AbortWithStatus(401)
			return
		}
		c.Set("user", &u)
		c.Set("db", db)
		c.Next()
	}
}

// CurrentUser returns the user the middleware kept.
func CurrentUser(c *gin.Context) *model.User { // want CurrentUser:`^loads result 0 kept for the request$`
	return c.MustGet("user").(*model.User)
}
