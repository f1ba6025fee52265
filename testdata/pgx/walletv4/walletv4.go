// Package walletv4 is the wallet service on pgx v4, which older services // want package:`writes wallets\.balance.*`
// still run on: the same pools, connections and transactions as v5, with
// BeginFunc as a method of the pool.
package walletv4

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v4"
	"github.com/jackc/pgx/v4/pgxpool"
)

// ErrInsufficient is returned when a wallet cannot cover a payment.
var ErrInsufficient = errors.New("insufficient balance")

// Service runs on a connection pool.
type Service struct {
	pool *pgxpool.Pool
}

// topUp reads the balance and writes the sum back on the pool.
func (s *Service) topUp(ctx context.Context, id, amount int64) error {
	var balance int64
	if err := s.pool.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance+amount, id) // want `^lost update: balance is read at walletv4\.go:\d+ and written back here outside a locking transaction; .* Use an atomic update \(SET balance = balance \+ \$1\)`
	return err
}

// topUpAtomic lets the database add.
func (s *Service) topUpAtomic(ctx context.Context, id, amount int64) error {
	_, err := s.pool.Exec(ctx, "UPDATE wallets SET balance = balance + $1 WHERE id = $2", amount, id)
	return err
}

// payLocked locks the row in the transaction that writes it.
func (s *Service) payLocked(ctx context.Context, id, amount int64) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var balance int64
	if err := tx.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1 FOR UPDATE", id).Scan(&balance); err != nil {
		return err
	}
	if balance < amount {
		return ErrInsufficient
	}
	if _, err := tx.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance-amount, id); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// payInPlainTx reads and writes in a transaction that takes no lock.
func (s *Service) payInPlainTx(ctx context.Context, id, amount int64) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var balance int64
	if err := tx.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance-amount, id); err != nil { // want `^lost update: balance is read at walletv4\.go:\d+ and written back here`
		return err
	}
	return tx.Commit(ctx)
}

// payInBeginFunc locks the row inside the pool's BeginFunc callback,
// which runs in one transaction.
func (s *Service) payInBeginFunc(ctx context.Context, id, amount int64) error {
	return s.pool.BeginFunc(ctx, func(tx pgx.Tx) error {
		var balance int64
		if err := tx.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1 FOR UPDATE", id).Scan(&balance); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance-amount, id)
		return err
	})
}

// lockOnPool takes the row lock on the pool: it ends with its statement.
func (s *Service) lockOnPool(ctx context.Context, id, amount int64) error {
	var balance int64
	if err := s.pool.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1 FOR UPDATE", id).Scan(&balance); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance+amount, id) // want `^lost update: balance is read with FOR UPDATE at walletv4\.go:\d+ outside a transaction`
	return err
}

// openOrTopUp creates the wallet on its first top-up: the lock covers a
// wallet that exists only.
func (s *Service) openOrTopUp(ctx context.Context, id, amount int64) error {
	return s.pool.BeginFunc(ctx, func(tx pgx.Tx) error {
		var balance int64
		err := tx.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1 FOR UPDATE", id).Scan(&balance)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO wallets (id, balance) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET balance = $2", id, balance+amount) // want `^lost update: balance is read with FOR UPDATE at walletv4\.go:\d+, but when no wallets row exists yet the lock holds nothing`
		return err
	})
}
