// Package echoapi changes records that a middleware kept for the request, // want package:`writes users.credits, users.pins; updates atomically users.credits`
// with echo's Get and with context.Context's Value.
package echoapi

import (
	"context"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"example.com/request/model"
)

// API is the service's handlers.
type API struct{ DB *gorm.DB }

// Unpin removes a pin from the user echo's middleware kept: a pin added
// in between is lost when the list read before goes back.
func (a *API) Unpin(c echo.Context) error { // want Unpin:`^changes the database$`
	user := c.Get("user").(*model.User)
	kept := user.Pins[:0]
	for _, p := range user.Pins {
		if p != c.QueryParam("uri") {
			kept = append(kept, p)
		}
	}
	user.Pins = kept
	return a.DB.Model(user).Update("pins", user.Pins).Error // want `lost update: user.Pins is read at echoapi.go:\d+ \(kept for the request`
}

type userKey struct{}

// Reward adds credits to the user kept in the context.
func (a *API) Reward(ctx context.Context, n int) error { // want Reward:`^writes param 2 to credits on param 0.DB \(pool\)$`
	u, ok := ctx.Value(userKey{}).(*model.User)
	if !ok {
		return nil
	}
	return a.DB.Model(u).Update("credits", u.Credits+n).Error // want `lost update: u.Credits is read at echoapi.go:\d+ \(kept for the request`
}

// RewardAtomic adds in the database.
func (a *API) RewardAtomic(ctx context.Context, n int) error { // want RewardAtomic:`^adds param 2 to credits on param 0\.DB \(pool\)$`
	u := ctx.Value(userKey{}).(*model.User)
	return a.DB.Model(u).Update("credits", gorm.Expr("credits + ?", n)).Error
}
