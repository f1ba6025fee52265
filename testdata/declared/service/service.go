// Package service moves money through package store, whose functions // want package:`analysed`
// .lostupdate.yml declares.
package service

import (
	"context"
	"errors"

	"example.com/declared/store"
)

// ErrInsufficient is returned when a balance does not cover a withdrawal.
var ErrInsufficient = errors.New("insufficient funds")

// Withdraw reads the balance and writes it back less the amount: a
// deposit in between is lost.
func Withdraw(ctx context.Context, c *store.Client, account string, amount int64) error { // want Withdraw:`writes param 3 to balance on param 1`
	b, err := store.Balance(ctx, c, account)
	if err != nil {
		return err
	}
	return store.SetBalance(ctx, c, account, b-amount) // want `^lost update: b is read at service\.go:18 \(by store\.Balance, at \.lostupdate\.yml:5\) and written back here by store\.SetBalance outside a locking transaction; .*Use an atomic update \(SET balance = balance - \$1 in store\.SetBalance\)`
}

// WithdrawLocked locks the account in a transaction before it reads.
func WithdrawLocked(ctx context.Context, c *store.Client, account string, amount int64) error { // want WithdrawLocked:`writes param 3 to balance on own tx`
	return c.InTx(ctx, func(tx *store.Tx) error {
		if err := store.LockAccount(ctx, tx, account); err != nil {
			return err
		}
		b, err := store.Balance(ctx, tx, account)
		if err != nil {
			return err
		}
		if b < amount {
			return ErrInsufficient
		}
		return store.SetBalance(ctx, tx, account, b-amount)
	})
}

// WithdrawLockedLate locks the account after it read the balance: the
// lock protects nothing.
func WithdrawLockedLate(ctx context.Context, c *store.Client, account string, amount int64) error { // want WithdrawLockedLate:`writes param 3 to balance on own tx`
	return c.InTx(ctx, func(tx *store.Tx) error {
		b, err := store.Balance(ctx, tx, account)
		if err != nil {
			return err
		}
		if err := store.LockAccount(ctx, tx, account); err != nil {
			return err
		}
		return store.SetBalance(ctx, tx, account, b-amount) // want `^lost update: b is read at service\.go:46 \(by store\.Balance, at \.lostupdate\.yml:5\), before the lock taken at service\.go:50`
	})
}

// WithdrawSerialized holds the ledger's own lock on the account, which
// the configuration declares, around the read and the write.
func WithdrawSerialized(ctx context.Context, c *store.Client, account string, amount int64) error { // want WithdrawSerialized:`writes param 3 to balance on param 1`
	release, err := store.Acquire(ctx, c, account)
	if err != nil {
		return err
	}
	defer release()
	b, err := store.Balance(ctx, c, account)
	if err != nil {
		return err
	}
	return store.SetBalance(ctx, c, account, b-amount)
}

// WithdrawSerializedLate takes the lock after it read the balance.
func WithdrawSerializedLate(ctx context.Context, c *store.Client, account string, amount int64) error { // want WithdrawSerializedLate:`writes param 3 to balance on param 1`
	b, err := store.Balance(ctx, c, account)
	if err != nil {
		return err
	}
	release, err := store.Acquire(ctx, c, account)
	if err != nil {
		return err
	}
	defer release()
	return store.SetBalance(ctx, c, account, b-amount) // want `^lost update: b is read at service\.go:\d+ \(by store\.Balance, at \.lostupdate\.yml:5\), before the lock taken at service\.go:\d+`
}
