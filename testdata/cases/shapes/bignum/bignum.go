// Package bignum adds amounts as ezbookkeeping does, through a helper // want package:`writes accounts\.balance`
// that cannot overflow (math/big): a balance read and moved by an amount
// is a balance changed, and written back it loses a concurrent change.
package bignum

import (
	"context"
	"database/sql"
	"errors"
	"math/big"

	"github.com/shopspring/decimal"
)

var errRange = errors.New("amount out of range")

// addInt64 adds two amounts, or reports that the sum does not fit.
func addInt64(a, b int64) (int64, bool) {
	sum := new(big.Int).Add(big.NewInt(a), big.NewInt(b))
	if !sum.IsInt64() {
		return 0, false
	}
	return sum.Int64(), true
}

// merge moves one balance onto another, through the helper: two merges
// into one account at once both read its old balance, and one is lost.
func merge(ctx context.Context, db *sql.DB, fromID, intoID int64) error {
	var from, into int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", fromID).Scan(&from); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", intoID).Scan(&into); err != nil {
		return err
	}
	sum, ok := addInt64(into, from)
	if !ok {
		return errRange
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", sum, intoID) // want `^lost update: into is read at bignum\.go:33`
	return err
}

// copyBalance writes back the balance it read, carried through a big
// number: not a change of it.
func copyBalance(ctx context.Context, db *sql.DB, id int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	n := big.NewInt(balance)
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", n.Int64(), id)
	return err
}

// credit adds to a balance kept as a decimal, in Go: two credits at once
// both read the old balance, and one is lost.
func credit(ctx context.Context, db *sql.DB, id int64, amount decimal.Decimal) error {
	var s string
	if err := db.QueryRowContext(ctx, "SELECT balance FROM wallets WHERE id = $1", id).Scan(&s); err != nil {
		return err
	}
	balance, err := decimal.NewFromString(s)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance.Add(amount).String(), id) // want `^lost update: s is read at bignum\.go:60`
	return err
}
