// Package repo is a repository layer over database/sql: it hides loads and // want package:`writes accounts\.balance.*updates atomically accounts\.balance`
// saves behind methods, as real services do. Its facts let the analyzer see
// through it from other packages.
package repo

import (
	"context"
	"database/sql"
	"fmt"
)

// Account is a bank account row.
type Account struct {
	ID      int64
	Balance int64
}

// Deposit changes the balance in Go; the caller must save it.
func (a *Account) Deposit(amount int64) { // want Deposit:"changes param 0.Balance"
	a.Balance += amount
}

// Accounts reads and writes accounts.
type Accounts struct {
	DB *sql.DB
}

// Account loads an account without a lock.
func (r *Accounts) Account(ctx context.Context, id int64) (*Account, error) { // want Account:"loads result 0.Balance on param 0.DB \\(pool\\); result 0.ID from param 2"
	a := &Account{ID: id}
	if err := r.DB.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&a.Balance); err != nil {
		return nil, fmt.Errorf("load account %d: %w", id, err)
	}
	return a, nil
}

// AccountForUpdate loads an account with a row lock on the caller's
// transaction.
func (r *Accounts) AccountForUpdate(ctx context.Context, tx *sql.Tx, id int64) (*Account, error) { // want AccountForUpdate:"loads result 0.Balance FOR UPDATE on param 2 \\(tx\\); result 0.ID from param 3; locks param 2 \\(tx\\)"
	a := &Account{ID: id}
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", id).Scan(&a.Balance); err != nil {
		return nil, fmt.Errorf("lock account %d: %w", id, err)
	}
	return a, nil
}

// SaveAccount writes the balance back.
func (r *Accounts) SaveAccount(ctx context.Context, a *Account) error { // want SaveAccount:"writes param 2.Balance to balance on param 0.DB \\(pool\\)"
	_, err := r.DB.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", a.Balance, a.ID)
	return err
}

// SaveAccountTx writes the balance back on the caller's transaction.
func (r *Accounts) SaveAccountTx(ctx context.Context, tx *sql.Tx, a *Account) error { // want SaveAccountTx:"writes param 3.Balance to balance on param 2 \\(tx\\)"
	_, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", a.Balance, a.ID)
	return err
}

// AddBalance is atomic: its fact says only that it changes the database.
func (r *Accounts) AddBalance(ctx context.Context, id, delta int64) error { // want AddBalance:`^adds param 3 to balance on param 0\.DB \(pool\)$`
	_, err := r.DB.ExecContext(ctx, "UPDATE accounts SET balance = balance + $1 WHERE id = $2", delta, id)
	return err
}

// SetBalance writes an absolute balance.
func (r *Accounts) SetBalance(ctx context.Context, id, balance int64) error { // want SetBalance:"writes param 3 to balance on param 0.DB \\(pool\\)"
	_, err := r.DB.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance, id)
	return err
}

// InTx runs fn in a transaction.
func (r *Accounts) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error { // want InTx:"runs param 2 in a tx"
	tx, err := r.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// UpdateAccount is an "update with a mutator" API: it loads the account,
// lets fn change it and saves it, with no lock in between.
func (r *Accounts) UpdateAccount(ctx context.Context, id int64, fn func(*Account) error) error { // want UpdateAccount:`changes the database`
	a, err := r.Account(ctx, id)
	if err != nil {
		return err
	}
	if err := fn(a); err != nil {
		return err
	}
	return r.SaveAccount(ctx, a) // fn may change a.Balance, but the analysis cannot show it: no finding for one column
}

// UpdateAccountLocked is the same API done right: the load takes a row
// lock in the transaction that saves.
func (r *Accounts) UpdateAccountLocked(ctx context.Context, id int64, fn func(*Account) error) error { // want UpdateAccountLocked:`changes the database`
	return r.InTx(ctx, func(tx *sql.Tx) error {
		a, err := r.AccountForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := fn(a); err != nil {
			return err
		}
		return r.SaveAccountTx(ctx, tx, a)
	})
}
