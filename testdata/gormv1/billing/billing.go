// Package billing charges accounts through the repository in package // want package:`writes accounts\.balance; updates atomically accounts\.balance`
// repo.
package billing

import (
	"errors"

	"example.com/gormv1cases/repo"
	"github.com/jinzhu/gorm"
)

// ErrInsufficient is returned when the balance does not cover a charge.
var ErrInsufficient = errors.New("insufficient funds")

// Service charges and credits accounts.
type Service struct {
	DB       *gorm.DB
	Accounts *repo.Accounts
}

// Charge reads through the repository and writes the balance back through
// it: the balance a concurrent deposit wrote is lost.
func (s *Service) Charge(id uint, amount int64) error { // want Charge:`writes param 2 to balance on param 0\.Accounts\*\.DB \(pool\)`
	a, err := s.Accounts.Get(id)
	if err != nil {
		return err
	}
	if a.Balance < amount {
		return ErrInsufficient
	}
	a.Balance -= amount
	return s.Accounts.SaveBalance(a) // want `^lost update: a\.Balance is read at billing\.go:24 \(by Accounts\.Get, at repo\.go:23\) and written back here by Accounts\.SaveBalance outside a locking transaction`
}

// Deposit adds through the repository's atomic update.
func (s *Service) Deposit(id uint, amount int64) error { // want Deposit:`^adds param 2 to balance on param 0\.Accounts\*\.DB \(pool\)$`
	return s.Accounts.Add(id, amount)
}

// ChargeLocked loads with the v1 row lock inside the repository's
// transaction and writes on the same handle.
func (s *Service) ChargeLocked(id uint, amount int64) error { // want ChargeLocked:`writes param 2 to balance on own tx`
	return s.Accounts.InTx(func(tx *gorm.DB) error {
		a, err := repo.GetForUpdate(tx, id)
		if err != nil {
			return err
		}
		if a.Balance < amount {
			return ErrInsufficient
		}
		a.Balance -= amount
		return repo.SaveBalanceIn(tx, a)
	})
}

// ChargeLockedOutsideTx takes the lock through the repository on the pool:
// autocommit releases it before the write.
func (s *Service) ChargeLockedOutsideTx(id uint, amount int64) error { // want ChargeLockedOutsideTx:`writes param 2 to balance on param 0\.DB \(pool\)`
	a, err := repo.GetForUpdate(s.DB, id)
	if err != nil {
		return err
	}
	a.Balance -= amount
	return repo.SaveBalanceIn(s.DB, a) // want `^lost update: a\.Balance is read with FOR UPDATE at billing\.go:59 \(by repo\.GetForUpdate, at repo\.go:33\) outside a transaction`
}
