// Package rebase keeps a figure in step with an amount, as ezbookkeeping // want package:`writes entries\.amount, entries\.related`
// rebases a balance-modification's related amount: the figure is moved by
// the change of the amount, and both are written together. Two edits at
// once each leave the pair in step, as a serial run would; with no other
// writer of the figure alone, nothing is lost.
package rebase

import (
	"context"
	"database/sql"
)

// edit sets the amount and moves the related figure by its change.
func edit(ctx context.Context, db *sql.DB, id, amount int64) error {
	var oldAmount, oldRelated int64
	if err := db.QueryRowContext(ctx, "SELECT amount, related FROM entries WHERE id = $1", id).Scan(&oldAmount, &oldRelated); err != nil {
		return err
	}
	related := oldRelated + amount - oldAmount
	_, err := db.ExecContext(ctx, "UPDATE entries SET amount = $1, related = $2 WHERE id = $3", amount, related, id)
	return err
}

// addToTotal adds the amount to a running total of every amount set:
// the total is not in step with the amount but a sum, and two edits at
// once lose one's addition.
func addToTotal(ctx context.Context, db *sql.DB, id, amount int64) error {
	var oldRelated int64
	if err := db.QueryRowContext(ctx, "SELECT related FROM entries WHERE id = $1", id).Scan(&oldRelated); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE entries SET amount = $1, related = $2 WHERE id = $3", amount, oldRelated+amount, id) // want `^lost update: oldRelated is read at rebase\.go:29`
	return err
}
