package bank

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// serializableStore reads, decides and writes in a SERIALIZABLE transaction and lets
// the database detect the conflict: PostgreSQL aborts one of two concurrent requests
// on the account with 40001, MariaDB (whose SERIALIZABLE reads take shared locks)
// deadlocks one of them with 1213, SQLite refuses to upgrade a stale read
// transaction with SQLITE_BUSY. The loser is rolled back and the whole transaction
// runs again, a bounded number of times. It is the general tool for invariants over
// many rows (a transfer between two accounts); on one hot account every collision
// costs a retry.
type serializableStore struct{ sqlStore }

func openSerializable(_ context.Context, env *backend.Env, o Options) (Store, error) {
	return &serializableStore{newSQLStore(env, o)}, nil
}

func (s *serializableStore) Apply(ctx context.Context, req Request) (Receipt, error) {
	return s.run(ctx, req, dberr.Retryable, func(ctx context.Context) (Receipt, error) { return s.apply(ctx, req) })
}

func (s *serializableStore) apply(ctx context.Context, req Request) (Receipt, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (serializable, %s): begin: %w", req, s.dialect, err))
	}
	defer tx.Rollback()

	var balance int64
	switch s.dialect {
	case backend.Postgres:
		err = tx.QueryRowContext(ctx, `SELECT balance FROM accounts WHERE id = $1`, req.Account).Scan(&balance)
	default:
		err = tx.QueryRowContext(ctx, `SELECT balance FROM accounts WHERE id = ?`, req.Account).Scan(&balance)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Receipt{}, notFound(req.Account)
	}
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (serializable, %s): read balance: %w", req, s.dialect, err))
	}
	if _, decided, err := s.lookup(ctx, tx, req.RequestID); err != nil || decided {
		return Receipt{}, orDecided(err, decided)
	}
	next, err := nextBalance(req, balance)
	if errors.Is(err, ErrInsufficientFunds) {
		return s.refuse(ctx, tx, req, tx.Commit)
	}
	if err != nil {
		return Receipt{}, err
	}
	switch s.dialect {
	case backend.Postgres:
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET balance = $1 WHERE id = $2`, next, req.Account)
	default:
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET balance = ? WHERE id = ?`, next, req.Account)
	}
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (serializable, %s): write balance %d: %w", req, s.dialect, next, err))
	}
	if err := s.rememberAndBook(ctx, tx, req, next); err != nil {
		return Receipt{}, err
	}
	if err := tx.Commit(); err != nil {
		return Receipt{}, fmt.Errorf("%s (serializable, %s): commit: %w", req, s.dialect, err)
	}
	return receipt(req, next), nil
}
