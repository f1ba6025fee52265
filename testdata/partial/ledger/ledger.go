// Package ledger has a lost update: a run that cannot analyse another
// package of the module still reports it, and exits 3.
package ledger

import (
	"context"
	"database/sql"
)

// Deposit reads the balance and writes it back plus amount.
func Deposit(ctx context.Context, db *sql.DB, id, amount int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id)
	return err
}
