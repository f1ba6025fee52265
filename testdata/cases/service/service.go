// Package service moves money through the repo package: the loads and // want package:`\) writes accounts\.balance; updates atomically accounts\.balance}`
// saves happen in another package, known here only through facts.
package service

import (
	"context"
	"database/sql"

	"example.com/cases/repo"
)

type Service struct {
	accounts *repo.Accounts
}

// depositThroughRepo is the lost update a repository layer hides.
func (s *Service) depositThroughRepo(ctx context.Context, id, amount int64) error {
	acc, err := s.accounts.Account(ctx, id)
	if err != nil {
		return err
	}
	acc.Balance += amount
	return s.accounts.SaveAccount(ctx, acc) // want `lost update: acc.Balance is read at service.go:18 \(by Accounts.Account, at repo.go:31\) and written back here by Accounts.SaveAccount outside a locking transaction`
}

// depositWithModelMethod changes the balance through a method of the
// model, declared in the repo package.
func (s *Service) depositWithModelMethod(ctx context.Context, id, amount int64) error {
	acc, err := s.accounts.Account(ctx, id)
	if err != nil {
		return err
	}
	acc.Deposit(amount)
	return s.accounts.SaveAccount(ctx, acc) // want `lost update: acc.Balance is read at service.go:29`
}

// depositSetBalance computes the new balance and passes it as a value.
func (s *Service) depositSetBalance(ctx context.Context, id, amount int64) error {
	acc, err := s.accounts.Account(ctx, id)
	if err != nil {
		return err
	}
	return s.accounts.SetBalance(ctx, id, acc.Balance+amount) // want `lost update: acc.Balance is read at service.go:39`
}

// depositLocked locks on the transaction the repository runs it in and
// saves on the same transaction.
func (s *Service) depositLocked(ctx context.Context, id, amount int64) error {
	return s.accounts.InTx(ctx, func(tx *sql.Tx) error {
		acc, err := s.accounts.AccountForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		acc.Balance += amount
		return s.accounts.SaveAccountTx(ctx, tx, acc)
	})
}

// depositLockedSavedOnPool locks on the transaction but saves through the
// pool.
func (s *Service) depositLockedSavedOnPool(ctx context.Context, id, amount int64) error {
	return s.accounts.InTx(ctx, func(tx *sql.Tx) error {
		acc, err := s.accounts.AccountForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		acc.Balance += amount
		return s.accounts.SaveAccount(ctx, acc) // want `lost update: acc.Balance is locked at service.go:63 \(by Accounts.AccountForUpdate, at repo.go:41\) through tx but written back here by Accounts.SaveAccount through s.accounts.DB`
	})
}

// depositAtomic uses the atomic repository method.
func (s *Service) depositAtomic(ctx context.Context, id, amount int64) error {
	if _, err := s.accounts.Account(ctx, id); err != nil {
		return err
	}
	return s.accounts.AddBalance(ctx, id, amount)
}

// renameOnly saves an account it did not change from the load.
func (s *Service) touch(ctx context.Context, id int64) error {
	acc, err := s.accounts.Account(ctx, id)
	if err != nil {
		return err
	}
	return s.accounts.SaveAccount(ctx, acc)
}

// accountStore is the repository as the service sees it: an interface,
// implemented by *repo.Accounts.
type accountStore interface {
	Account(ctx context.Context, id int64) (*repo.Account, error)
	SaveAccount(ctx context.Context, a *repo.Account) error
}

type InterfaceService struct {
	store accountStore
}

// depositThroughInterface is the lost update behind an interface.
func (s *InterfaceService) depositThroughInterface(ctx context.Context, id, amount int64) error {
	acc, err := s.store.Account(ctx, id)
	if err != nil {
		return err
	}
	acc.Balance += amount
	return s.store.SaveAccount(ctx, acc) // want `lost update: acc.Balance is read at service.go:102 \(by accountStore.Account, at repo.go:31\)`
}
