// Package sqlmath does its arithmetic in SQL, but on values read into Go // want package:`writes accounts\.balance, jobs\.attempts, page_views\.n; updates atomically accounts\.balance, page_views\.n`
// first: $1 + $2 adds the balance the request read, not the one in the
// row, and COALESCE or CASE … ELSE col only fall back to the row's value.
package sqlmath

import (
	"context"
	"database/sql"
)

// depositAddInSQL passes the balance it read as $1 and lets the database
// add the amount to it.
func depositAddInSQL(ctx context.Context, db *sql.DB, id, amount int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 + $2 WHERE id = $3", balance, amount, id) // want `^lost update: balance is read at sqlmath.go:15 and written back here outside a locking transaction`
	return err
}

// countViewPlusOne adds one in SQL to the count it read.
func countViewPlusOne(ctx context.Context, db *sql.DB, page string) error {
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT n FROM page_views WHERE page = $1", page).Scan(&n); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE page_views SET n = $1 + 1 WHERE page = $2", n, page) // want `^lost update: n is read at sqlmath.go:25 and written back here`
	return err
}

// chargeFeeCoalesce falls back to the stored balance only when $1 is
// NULL; otherwise it writes the balance computed in Go.
func chargeFeeCoalesce(ctx context.Context, db *sql.DB, id, fee int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	next := sql.NullInt64{Int64: balance - fee, Valid: balance >= fee}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = COALESCE($1, balance) WHERE id = $2", next, id) // want `^lost update: balance is read at sqlmath.go:36 and written back here`
	return err
}

// failJobCase writes the attempt count computed in Go when the job
// failed, and leaves it alone otherwise.
func failJobCase(ctx context.Context, db *sql.DB, id int64, failed bool) error {
	var attempts int
	if err := db.QueryRowContext(ctx, "SELECT attempts FROM jobs WHERE id = $1", id).Scan(&attempts); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE jobs SET attempts = CASE WHEN $2 THEN $1 ELSE attempts END WHERE id = $3", attempts+1, failed, id) // want `^lost update: attempts is read at sqlmath.go:48 and written back here`
	return err
}

// countViewAtomic reads the count for the response and adds in the
// database.
func countViewAtomic(ctx context.Context, db *sql.DB, page string) (int64, error) {
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT n FROM page_views WHERE page = $1", page).Scan(&n); err != nil {
		return 0, err
	}
	_, err := db.ExecContext(ctx, "UPDATE page_views SET n = n + $1 WHERE page = $2", 1, page)
	return n + 1, err
}

// chargeFeeFloored subtracts in the database with a floor at zero; the
// balance read only decides whether to warn the customer.
func chargeFeeFloored(ctx context.Context, db *sql.DB, id, fee int64) (bool, error) {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return false, err
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = GREATEST(balance - $1, 0) WHERE id = $2", fee, id)
	return balance < fee, err
}
