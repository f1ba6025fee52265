// Package web is the service's HTTP layer: it reaches users through the // want package:`\) 5 pending through interfaces}`
// store's wrappers, so neither it nor the store sees what the driver does;
// only app, which imports both web and sqlitedb, does.
package web

import (
	"context"

	"example.com/cases/ifaces/store"
)

// Handler serves requests.
type Handler struct{ store *store.Store }

// Charge takes credits from a user by writing back the user it read.
func (h *Handler) Charge(ctx context.Context, id, n int64) error {
	u, err := h.store.User(ctx, id)
	if err != nil {
		return err
	}
	u.Credits -= n
	return h.store.SaveUser(ctx, u) // want `^lost update: u.Credits is read at web.go:17 through store.Driver.GetUser \(sqlitedb.DB reads users.credits at db.go:\d+\) and written back here through store.Driver.UpdateUser`
}

// ChargeChecked does the same with a version check in the driver's write.
func (h *Handler) ChargeChecked(ctx context.Context, id, n int64) error {
	u, err := h.store.User(ctx, id)
	if err != nil {
		return err
	}
	u.Credits -= n
	return h.store.SaveUserChecked(ctx, u)
}
