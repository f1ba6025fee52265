// Package store is a repository of accounts over sqlboiler's models: it // want package:`updates atomically accounts\.balance`
// hides the loads and updates behind functions, and its facts let the
// analyzer see through it from other packages.
package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/volatiletech/sqlboiler/v4/boil"
	"github.com/volatiletech/sqlboiler/v4/queries"
	"github.com/volatiletech/sqlboiler/v4/queries/qm"

	"example.com/boilcases/models"
)

// Account loads an account without a lock.
func Account(ctx context.Context, exec boil.ContextExecutor, id int64) (*models.Account, error) { // want Account:`loads result 0 on param 1$`
	return models.FindAccount(ctx, exec, id)
}

// AccountForUpdate loads an account with a row lock on the executor,
// which must be the transaction that writes it.
func AccountForUpdate(ctx context.Context, exec boil.ContextExecutor, id int64) (*models.Account, error) { // want AccountForUpdate:`loads result 0 FOR UPDATE on param 1; locks param 1`
	return models.Accounts(models.AccountWhere.ID.EQ(id), qm.For("update")).One(ctx, exec)
}

// SaveAccount writes every column of the account.
func SaveAccount(ctx context.Context, exec boil.ContextExecutor, a *models.Account) error { // want SaveAccount:`writes param 2 \(whole\) on param 1`
	_, err := a.Update(ctx, exec, boil.Infer())
	return err
}

// AddBalance adds to the balance in the database.
func AddBalance(ctx context.Context, exec boil.ContextExecutor, id, delta int64) error { // want AddBalance:`^adds param 3 to balance on param 1$`
	_, err := queries.Raw("UPDATE accounts SET balance = balance + $1 WHERE id = $2", delta, id).ExecContext(ctx, exec)
	return err
}

// DepositIn adds to the balance of an account it locks on the caller's
// transaction.
func DepositIn(ctx context.Context, tx boil.ContextTransactor, id, amount int64) error { // want DepositIn:`writes param 3 to balance on param 1 \(tx\); locks param 1 \(tx\)`
	a, err := models.Accounts(models.AccountWhere.ID.EQ(id), qm.For("update")).One(ctx, tx)
	if err != nil {
		return err
	}
	a.Balance += amount
	_, err = a.Update(ctx, tx, boil.Infer())
	return err
}

// InTx runs fn in a transaction begun on db, with the transaction as
// its executor, and commits it when fn succeeds.
func InTx(ctx context.Context, db *sql.DB, fn func(ctx context.Context, exec boil.ContextExecutor) error) error { // want InTx:`runs param 2 in a tx`
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(ctx, tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// Archive copies the account's balance into an archived row and deletes
// it: the context and the executor the generated Delete is given are not
// data the account keeps.
func Archive(ctx context.Context, exec boil.ContextExecutor, a *models.Account) error { // want Archive:`^changes param 2\.Status \(maybe\)$`
	if _, err := a.Delete(ctx, exec); err != nil {
		return err
	}
	a.Status = "archived"
	return a.Insert(ctx, exec, boil.Infer())
}
