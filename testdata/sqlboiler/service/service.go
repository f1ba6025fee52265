// Package service moves money through the store package: the finding is // want package:`updates atomically accounts\.balance`
// reported here, at the call that writes back what the store loaded.
package service

import (
	"context"
	"database/sql"
	"errors"

	"github.com/volatiletech/sqlboiler/v4/boil"

	"example.com/boilcases/store"
)

// Service serves deposits.
type Service struct{ db *sql.DB }

// Deposit reads the account through the store, adds in Go and saves it
// back.
func (s *Service) Deposit(ctx context.Context, id, amount int64) error { // want Deposit:`writes param 3 to balance on param 0\.db \(pool\)`
	a, err := store.Account(ctx, s.db, id)
	if err != nil {
		return err
	}
	a.Balance += amount
	return store.SaveAccount(ctx, s.db, a) // want `^lost update: a.Balance is read at service.go:21 \(by store.Account, at store.go:20\) and written back here by store.SaveAccount outside a locking transaction;`
}

// DepositAtomic lets the database add.
func (s *Service) DepositAtomic(ctx context.Context, id, amount int64) error { // want DepositAtomic:`^adds param 3 to balance on param 0\.db \(pool\)$`
	return store.AddBalance(ctx, s.db, id, amount)
}

// DepositLocked locks the account in a transaction and saves it there.
func (s *Service) DepositLocked(ctx context.Context, id, amount int64) error { // want DepositLocked:`writes param 3 to balance on own tx`
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	a, err := store.AccountForUpdate(ctx, tx, id)
	if err != nil {
		return errors.Join(err, tx.Rollback())
	}
	a.Balance += amount
	if err := store.SaveAccount(ctx, tx, a); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// Rename writes the owner the caller gave: the balance goes back as it
// was read, and the store's AddBalance changes it atomically.
func (s *Service) Rename(ctx context.Context, id int64, owner string) error { // want Rename:`writes param 3 to owner on param 0\.db \(pool\)`
	a, err := store.Account(ctx, s.db, id)
	if err != nil {
		return err
	}
	a.Owner = owner
	return store.SaveAccount(ctx, s.db, a) // want `^stale row: a is read at service.go:54 \(by store.Account, at store.go:20\) and written back whole here by store.SaveAccount with a new a.Owner; balance goes back as read.*\(store.AddBalance updates balance atomically at store.go:37\)`
}

// DepositInTx locks the account in the transaction store.InTx runs its
// callback in, and saves it there.
func (s *Service) DepositInTx(ctx context.Context, id, amount int64) error { // want DepositInTx:`writes param 3 to balance on own tx`
	return store.InTx(ctx, s.db, func(ctx context.Context, exec boil.ContextExecutor) error {
		a, err := store.AccountForUpdate(ctx, exec, id)
		if err != nil {
			return err
		}
		a.Balance += amount
		return store.SaveAccount(ctx, exec, a)
	})
}
