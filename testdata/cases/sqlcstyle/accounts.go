package sqlcstyle // want package:`writes accounts\.balance.*updates atomically accounts\.balance`

import (
	"context"
	"database/sql"
)

// Store runs sqlc queries, alone or in a transaction, the way sqlc's
// documentation shows.
type Store struct {
	db *sql.DB
	*Queries
}

// execTx runs fn with queries bound to a transaction.
func (s *Store) execTx(ctx context.Context, fn func(*Queries) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(New(tx)); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (s *Store) depositRacy(ctx context.Context, id, amount int64) error {
	acc, err := s.GetAccount(ctx, id)
	if err != nil {
		return err
	}
	return s.UpdateBalance(ctx, UpdateBalanceParams{ID: id, Balance: acc.Balance + amount}) // want `lost update: acc.Balance is read at accounts.go:29 \(by Queries.GetAccount, at queries.sql.go:21\) and written back here by Queries.UpdateBalance`
}

func (s *Store) depositLocked(ctx context.Context, id, amount int64) error {
	return s.execTx(ctx, func(q *Queries) error {
		acc, err := q.GetAccountForUpdate(ctx, id)
		if err != nil {
			return err
		}
		return q.UpdateBalance(ctx, UpdateBalanceParams{ID: id, Balance: acc.Balance + amount})
	})
}

func (s *Store) depositAtomic(ctx context.Context, id, amount int64) error {
	return s.AddBalance(ctx, AddBalanceParams{ID: id, Amount: amount})
}

func (s *Store) depositInTxWithoutLock(ctx context.Context, id, amount int64) error {
	return s.execTx(ctx, func(q *Queries) error {
		acc, err := q.GetAccount(ctx, id)
		if err != nil {
			return err
		}
		return q.UpdateBalance(ctx, UpdateBalanceParams{ID: id, Balance: acc.Balance + amount}) // want `lost update: acc.Balance is read at accounts.go:52`
	})
}

func (s *Store) depositWithTx(ctx context.Context, id, amount int64) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	q := s.WithTx(tx)
	acc, err := q.GetAccountForUpdate(ctx, id)
	if err != nil {
		return err
	}
	if err := q.UpdateBalance(ctx, UpdateBalanceParams{ID: id, Balance: acc.Balance + amount}); err != nil {
		return err
	}
	return tx.Commit()
}
