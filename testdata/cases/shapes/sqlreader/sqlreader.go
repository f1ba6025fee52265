// Package sqlreader holds SQL whose protection is not what it looks like // want package:`writes accounts\.balance; updates atomically accounts\.version`
// at a glance: a lock on another table of a join or of a subquery, a
// version test that an OR makes optional, and a lock clause in a comment;
// and SQL that does lock although a careless reader would miss it.
package sqlreader

import (
	"context"
	"database/sql"
)

// captureHoldRacy locks only the holds row of the join (FOR UPDATE OF h):
// the account's balance is read without a lock.
func captureHoldRacy(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var balance int64
	if err := tx.QueryRowContext(ctx, "SELECT a.balance FROM accounts a JOIN holds h ON h.account_id = a.id WHERE a.id = $1 FOR UPDATE OF h", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance-amount, id); err != nil { // want `^lost update: balance is read at sqlreader.go:21 and written back here`
		return err
	}
	return tx.Commit()
}

// chargeCardRacy locks the card in a subquery; the account row the outer
// query reads is not locked.
func chargeCardRacy(ctx context.Context, db *sql.DB, number string, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var id, balance int64
	if err := tx.QueryRowContext(ctx, "SELECT id, balance FROM accounts WHERE id = (SELECT account_id FROM cards WHERE number = $1 FOR UPDATE)", number).Scan(&id, &balance); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance-amount, id); err != nil { // want `^lost update: balance is read at sqlreader.go:39 and written back here`
		return err
	}
	return tx.Commit()
}

// withdrawVersionOr tests the version with OR: the id alone matches the
// row, so the write goes through whatever the version is.
func withdrawVersionOr(ctx context.Context, db *sql.DB, id, amount int64) error {
	var balance, version int64
	if err := db.QueryRowContext(ctx, "SELECT balance, version FROM accounts WHERE id = $1", id).Scan(&balance, &version); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1, version = version + 1 WHERE id = $2 OR version = $3", balance-amount, id, version) // want `^lost update: balance is read at sqlreader.go:52 and written back here`
	return err
}

// withdrawCommentedLock has FOR UPDATE in a plain comment, which the
// database skips.
func withdrawCommentedLock(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var balance int64
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1 /* FOR UPDATE */", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance-amount, id); err != nil { // want `^lost update: balance is read at sqlreader.go:68 and written back here`
		return err
	}
	return tx.Commit()
}

// withdrawDollarQuoted locks; the quote inside the dollar-quoted string
// does not start a string literal that would hide FOR UPDATE.
func withdrawDollarQuoted(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var balance int64
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1 AND memo <> $$it's frozen$$ FOR UPDATE", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance-amount, id); err != nil {
		return err
	}
	return tx.Commit()
}

// withdrawVersionedComment locks in MySQL: a /*!40000 … */ comment is
// executed by every server from 4.0 on.
func withdrawVersionedComment(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var balance int64
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = ? /*!40000 FOR UPDATE */", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = ? WHERE id = ?", balance-amount, id); err != nil {
		return err
	}
	return tx.Commit()
}
