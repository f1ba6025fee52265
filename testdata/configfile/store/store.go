// Package store is a wallet store that adopted lostupdate with a baseline:
// the lost update in deposit was there when the baseline was written, the
// one in withdraw came later.
package store

import (
	"context"
	"database/sql"
	"sync"
)

// Store keeps wallets in a SQL database.
type Store struct {
	db *sql.DB
	mu sync.Mutex
}

// deposit's lost update is in the baseline: not reported.
func (s *Store) deposit(ctx context.Context, id, amount int64) error {
	var balance int64
	if err := s.db.QueryRowContext(ctx, "SELECT balance FROM wallets WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance+amount, id)
	return err
}

// withdraw's lost update is new: reported.
func (s *Store) withdraw(ctx context.Context, id, amount int64) error {
	var balance int64
	if err := s.db.QueryRowContext(ctx, "SELECT balance FROM wallets WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance-amount, id) // want `lost update: balance is read at store.go:31`
	return err
}

// bonus holds its lost update under a process-local mutex: the
// configuration disables that category.
func (s *Store) bonus(ctx context.Context, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var balance int64
	if err := s.db.QueryRowContext(ctx, "SELECT balance FROM wallets WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance+10, id)
	return err
}
