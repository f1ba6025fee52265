package bookstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// serializableStore reads and writes in a SERIALIZABLE transaction and lets the
// database detect the conflict: PostgreSQL aborts one of two concurrent sales with
// 40001, MariaDB (whose SERIALIZABLE reads take shared locks) deadlocks one of them
// with 1213, SQLite refuses to upgrade a stale read transaction with SQLITE_BUSY. The
// loser is rolled back and the whole transaction runs again, a bounded number of
// times. It is the general tool for invariants over many rows (an order of several
// books); for one hot book it is the slowest, because every collision costs a retry.
type serializableStore struct{ sqlStore }

func openSerializable(_ context.Context, env *backend.Env, o Options) (Store, error) {
	return &serializableStore{newSQLStore(env, o)}, nil
}

func (s *serializableStore) Buy(ctx context.Context, id, qty int64) (Book, error) {
	return retried(ctx, s.policy, dberr.Retryable, func(ctx context.Context) (Book, error) {
		tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
		if err != nil {
			return Book{}, notApplied(fmt.Errorf("buy %d of book %d (serializable, %s): begin: %w", qty, id, s.dialect, err))
		}
		defer tx.Rollback()

		b := Book{ID: id}
		switch s.dialect {
		case backend.Postgres:
			err = tx.QueryRowContext(ctx, `SELECT title, stock, sold FROM books WHERE id = $1`, id).Scan(&b.Title, &b.Stock, &b.Sold)
		default:
			err = tx.QueryRowContext(ctx, `SELECT title, stock, sold FROM books WHERE id = ?`, id).Scan(&b.Title, &b.Stock, &b.Sold)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return Book{}, fmt.Errorf("book %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return Book{}, notApplied(fmt.Errorf("buy %d of book %d (serializable, %s): read: %w", qty, id, s.dialect, err))
		}
		if b, err = sell(b, qty); err != nil {
			return Book{}, err
		}
		switch s.dialect {
		case backend.Postgres:
			_, err = tx.ExecContext(ctx, `UPDATE books SET stock = $1, sold = $2 WHERE id = $3`, b.Stock, b.Sold, id)
		default:
			_, err = tx.ExecContext(ctx, `UPDATE books SET stock = ?, sold = ? WHERE id = ?`, b.Stock, b.Sold, id)
		}
		if err != nil {
			return Book{}, notApplied(fmt.Errorf("buy %d of book %d (serializable, %s): write: %w", qty, id, s.dialect, err))
		}
		if err := tx.Commit(); err != nil {
			return Book{}, fmt.Errorf("buy %d of book %d (serializable, %s): commit: %w", qty, id, s.dialect, err)
		}
		return b, nil
	})
}
