// Package web is the service's HTTP layer: it reaches users through the // want package:`\) 11 pending through interfaces}`
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
	return h.store.SaveUser(ctx, u) // want `^lost update: u\.Credits is read at web\.go:17 through store\.Driver\.GetUser and written back here through store\.Driver\.UpdateUser outside a locking transaction; a concurrent request can change users\.credits in between\. Give store\.Driver a method that makes the change in one statement \(UPDATE users SET credits = credits \+ \?\) or in one transaction that reads the row with SELECT … FOR UPDATE, or check a version in the write\.\n\tsqlitedb.DB implements store.Driver: its GetUser reads users.credits at db.go:\d+ without a lock, and its UpdateUser writes it at db.go:\d+ whatever the row holds$`
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
