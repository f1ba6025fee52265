// Package rebasealone is package rebase with a writer of the figure // want package:`writes entries\.amount, entries\.related`
// alone: an adjustment made between the read and the rebase is written
// over, so the rebase is a lost update again.
package rebasealone

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
	_, err := db.ExecContext(ctx, "UPDATE entries SET amount = $1, related = $2 WHERE id = $3", amount, related, id) // want `^lost update: oldRelated is read at rebasealone\.go:14`
	return err
}

// adjust sets the related figure alone.
func adjust(ctx context.Context, db *sql.DB, id, related int64) error {
	_, err := db.ExecContext(ctx, "UPDATE entries SET related = $1 WHERE id = $2", related, id)
	return err
}
