package bookstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// optimisticStore reads the book and its version without a lock, checks and
// subtracts in Go and writes only if the version is still the one it read:
//
//	UPDATE books SET stock = $1, sold = $2, version = version + 1 WHERE id = $3 AND version = $4
//
// If no row changed, another sale came first: it reads again and retries, a bounded
// number of times with jittered backoff (then the request fails; it never writes a
// stale stock). No lock is held between the read and the write, so it suits books
// that are rarely bought at the same moment; on one hot book it spends its time
// retrying.
type optimisticStore struct{ sqlStore }

func openOptimistic(_ context.Context, env *backend.Env, o Options) (Store, error) {
	return &optimisticStore{newSQLStore(env, o)}, nil
}

// errVersionConflict means the conditional UPDATE found a newer version.
var errVersionConflict = errors.New("version changed since read")

// retryOptimistic accepts what an optimistic attempt may be retried after.
func retryOptimistic(err error) bool {
	return errors.Is(err, errVersionConflict) || dberr.Retryable(err)
}

func (s *optimisticStore) Buy(ctx context.Context, id, qty int64) (Book, error) {
	return retried(ctx, s.policy, retryOptimistic, func(ctx context.Context) (Book, error) {
		b := Book{ID: id}
		var version int64
		var err error
		switch s.dialect {
		case backend.Postgres:
			err = s.db.QueryRowContext(ctx, `SELECT title, stock, sold, version FROM books WHERE id = $1`, id).Scan(&b.Title, &b.Stock, &b.Sold, &version)
		default:
			err = s.db.QueryRowContext(ctx, `SELECT title, stock, sold, version FROM books WHERE id = ?`, id).Scan(&b.Title, &b.Stock, &b.Sold, &version)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return Book{}, fmt.Errorf("book %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return Book{}, notApplied(fmt.Errorf("buy %d of book %d (optimistic, %s): read: %w", qty, id, s.dialect, err))
		}
		if b, err = sell(b, qty); err != nil {
			return Book{}, err
		}
		var res sql.Result
		switch s.dialect {
		case backend.Postgres:
			res, err = s.db.ExecContext(ctx, `UPDATE books SET stock = $1, sold = $2, version = version + 1 WHERE id = $3 AND version = $4`, b.Stock, b.Sold, id, version)
		default:
			res, err = s.db.ExecContext(ctx, `UPDATE books SET stock = ?, sold = ?, version = version + 1 WHERE id = ? AND version = ?`, b.Stock, b.Sold, id, version)
		}
		if err != nil {
			return Book{}, fmt.Errorf("buy %d of book %d (optimistic, %s): write version %d: %w", qty, id, s.dialect, version, err)
		}
		changed, err := res.RowsAffected()
		if err != nil {
			return Book{}, fmt.Errorf("buy %d of book %d (optimistic, %s): rows affected: %w", qty, id, s.dialect, err)
		}
		if changed == 0 {
			return Book{}, fmt.Errorf("buy %d of book %d (optimistic, %s): version %d: %w", qty, id, s.dialect, version, errVersionConflict)
		}
		return b, nil
	})
}
