package bank

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// optimisticStore reads the balance and its version without a lock, checks the
// floor and computes the new balance in Go, and writes it only if the version is
// still the one it read:
//
//	UPDATE accounts SET balance = $1, version = version + 1 WHERE id = $2 AND version = $3
//
// in a transaction with the ledger entry and the request's record. If no row
// changed, someone else wrote first: it reads again and retries, a bounded number of
// times with jittered backoff (then the request fails with nothing applied; it never
// writes a stale balance). A refusal needs no version check: it changes no balance,
// and the balance it saw was the account's at the moment it read it.
type optimisticStore struct{ sqlStore }

func openOptimistic(_ context.Context, env *backend.Env, o Options) (Store, error) {
	return &optimisticStore{newSQLStore(env, o)}, nil
}

func (s *optimisticStore) Apply(ctx context.Context, req Request) (Receipt, error) {
	retryable := func(err error) bool { return errors.Is(err, errVersionConflict) || dberr.Retryable(err) }
	return s.run(ctx, req, retryable, func(ctx context.Context) (Receipt, error) { return s.apply(ctx, req) })
}

func (s *optimisticStore) apply(ctx context.Context, req Request) (Receipt, error) {
	var balance, version int64
	var err error
	switch s.dialect {
	case backend.Postgres:
		err = s.db.QueryRowContext(ctx, `SELECT balance, version FROM accounts WHERE id = $1`, req.Account).Scan(&balance, &version)
	default:
		err = s.db.QueryRowContext(ctx, `SELECT balance, version FROM accounts WHERE id = ?`, req.Account).Scan(&balance, &version)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Receipt{}, notFound(req.Account)
	}
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (optimistic, %s): read balance: %w", req, s.dialect, err))
	}
	if _, decided, err := s.lookup(ctx, s.db, req.RequestID); err != nil || decided {
		return Receipt{}, orDecided(err, decided)
	}
	next, err := nextBalance(req, balance)
	if err != nil && !errors.Is(err, ErrInsufficientFunds) {
		return Receipt{}, err
	}

	tx, txErr := s.db.BeginTx(ctx, nil)
	if txErr != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (optimistic, %s): begin: %w", req, s.dialect, txErr))
	}
	defer tx.Rollback()
	if errors.Is(err, ErrInsufficientFunds) {
		return s.refuse(ctx, tx, req, tx.Commit)
	}
	var res sql.Result
	switch s.dialect {
	case backend.Postgres:
		res, err = tx.ExecContext(ctx, `UPDATE accounts SET balance = $1, version = version + 1 WHERE id = $2 AND version = $3`, next, req.Account, version)
	default:
		res, err = tx.ExecContext(ctx, `UPDATE accounts SET balance = ?, version = version + 1 WHERE id = ? AND version = ?`, next, req.Account, version)
	}
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (optimistic, %s): write balance %d at version %d: %w", req, s.dialect, next, version, err))
	}
	changed, err := res.RowsAffected()
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (optimistic, %s): rows affected: %w", req, s.dialect, err))
	}
	if changed == 0 {
		return Receipt{}, fmt.Errorf("%s (optimistic, %s): version %d: %w", req, s.dialect, version, errVersionConflict)
	}
	if err := s.rememberAndBook(ctx, tx, req, next); err != nil {
		return Receipt{}, err
	}
	if err := tx.Commit(); err != nil {
		return Receipt{}, fmt.Errorf("%s (optimistic, %s): commit: %w", req, s.dialect, err)
	}
	return receipt(req, next), nil
}
