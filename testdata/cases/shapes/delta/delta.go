// Package delta edits the entries of a ledger as ezbookkeeping does: an // want package:`writes entries\.amount; updates atomically accounts\.balance`
// entry's amount is set anew and its account's balance moved atomically by
// the difference from the amount read. The balance's update is atomic, but
// its delta is only as fresh as the read it was computed from.
package delta

import (
	"context"
	"database/sql"
	"errors"

	"gorm.io/gorm"
)

// ErrChanged is returned when an entry changed since it was read.
var ErrChanged = errors.New("entry changed since it was read")

// edit reads an entry's amount in a transaction without a lock, sets the
// new one and moves the balance by the difference: two edits both move it
// from the same old amount, and the balance no longer sums the entries.
func edit(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var account, old int64
	if err := tx.QueryRowContext(ctx, "SELECT account_id, amount FROM entries WHERE id = $1", id).Scan(&account, &old); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE entries SET amount = $1 WHERE id = $2", amount, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance + $1 WHERE id = $2", amount-old, account); err != nil { // want `^lost update: the change added here to accounts\.balance is computed from old, read at delta\.go:28 without a lock, while amount is set anew at delta\.go:31; two requests that change amount at once both compute their change from the same old value, so balance moves by both, though only one new value of amount stands\. Check the old value where amount is written \(UPDATE … WHERE … AND amount = \$n with the value read, then check RowsAffected, and retry\), or read it with SELECT … FOR UPDATE in the transaction that writes it\.$`
		return err
	}
	return tx.Commit()
}

// editLocked reads the entry with FOR UPDATE: a second edit waits, then
// computes its difference from the first one's amount.
func editLocked(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var account, old int64
	if err := tx.QueryRowContext(ctx, "SELECT account_id, amount FROM entries WHERE id = $1 FOR UPDATE", id).Scan(&account, &old); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE entries SET amount = $1 WHERE id = $2", amount, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance + $1 WHERE id = $2", amount-old, account); err != nil {
		return err
	}
	return tx.Commit()
}

// editChecked sets the new amount only where the old one is still there,
// and moves the balance only when it did.
func editChecked(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var account, old int64
	if err := tx.QueryRowContext(ctx, "SELECT account_id, amount FROM entries WHERE id = $1", id).Scan(&account, &old); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, "UPDATE entries SET amount = $1 WHERE id = $2 AND amount = $3", amount, id, old)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return ErrChanged
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance + $1 WHERE id = $2", amount-old, account); err != nil {
		return err
	}
	return tx.Commit()
}

// Account and Entry are GORM models of the same tables.
type Account struct {
	ID      uint
	Balance int64
}

// Entry is an amount booked to an account.
type Entry struct {
	ID        uint
	AccountID uint
	Amount    int64
}

// editGorm is edit with GORM: gorm.Expr adds the difference.
func editGorm(db *gorm.DB, id uint, amount int64) error {
	return db.Transaction(func(tx *gorm.DB) error {
		var e Entry
		if err := tx.First(&e, id).Error; err != nil {
			return err
		}
		delta := amount - e.Amount
		if err := tx.Model(&e).Update("amount", amount).Error; err != nil {
			return err
		}
		return tx.Model(&Account{}).Where("id = ?", e.AccountID).Update("balance", gorm.Expr("balance + ?", delta)).Error // want `^lost update: the change added here to accounts\.balance is computed from e\.Amount, read at delta\.go:103 without a lock, while amount is set anew at delta\.go:107;`
	})
}

// pay credits an account with an entry's amount as read: the amount is
// not set anew, so there is no change of it to account for.
func pay(ctx context.Context, db *sql.DB, id int64) error {
	var account, amount int64
	if err := db.QueryRowContext(ctx, "SELECT account_id, amount FROM entries WHERE id = $1", id).Scan(&account, &amount); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = balance + $1 WHERE id = $2", amount, account)
	return err
}

// editGormMap is editGorm with the balance moved by an entry of an
// Updates map.
func editGormMap(db *gorm.DB, id uint, amount int64) error {
	return db.Transaction(func(tx *gorm.DB) error {
		var e Entry
		if err := tx.First(&e, id).Error; err != nil {
			return err
		}
		if err := tx.Model(&e).Update("amount", amount).Error; err != nil {
			return err
		}
		return tx.Model(&Account{}).Where("id = ?", e.AccountID).Updates(map[string]any{"balance": gorm.Expr("balance + ?", amount-e.Amount)}).Error // want `^lost update: the change added here to accounts\.balance is computed from e\.Amount, read at delta\.go:130 without a lock, while amount is set anew at delta\.go:133;`
	})
}
