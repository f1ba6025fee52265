package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// serializableStore reads and writes in a SERIALIZABLE transaction and lets the
// database detect the conflict: PostgreSQL aborts one of two concurrent increments
// with 40001, MariaDB (whose SERIALIZABLE reads take shared locks) deadlocks one of
// them with 1213, SQLite refuses to upgrade a stale read transaction with
// SQLITE_BUSY. The loser is rolled back and the whole transaction runs again, a
// bounded number of times. It is the general tool for invariants over many rows;
// for one counter it is the slowest, because every collision costs a retry.
type serializableStore struct{ sqlStore }

func openSerializable(_ context.Context, env *backend.Env, o Options) (Store, error) {
	return &serializableStore{newSQLStore(env, o)}, nil
}

func (s *serializableStore) Incr(ctx context.Context, name string, by int64) (int64, error) {
	return s.incrExisting(ctx, name, dberr.Retryable, func(ctx context.Context) (int64, error) {
		tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
		if err != nil {
			return 0, notApplied(fmt.Errorf("incr %q (serializable, %s): begin: %w", name, s.dialect, err))
		}
		defer tx.Rollback()

		var n int64
		switch s.dialect {
		case backend.Postgres:
			err = tx.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = $1`, name).Scan(&n)
		default:
			err = tx.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = ?`, name).Scan(&n)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return 0, errNoRow
		}
		if err != nil {
			return 0, notApplied(fmt.Errorf("incr %q (serializable, %s): read: %w", name, s.dialect, err))
		}
		next, err := addChecked(name, n, by)
		if err != nil {
			return 0, err
		}
		switch s.dialect {
		case backend.Postgres:
			_, err = tx.ExecContext(ctx, `UPDATE counters SET n = $1 WHERE name = $2`, next, name)
		default:
			_, err = tx.ExecContext(ctx, `UPDATE counters SET n = ? WHERE name = ?`, next, name)
		}
		if err != nil {
			return 0, notApplied(fmt.Errorf("incr %q (serializable, %s): write: %w", name, s.dialect, err))
		}
		if err := tx.Commit(); err != nil {
			return 0, fmt.Errorf("incr %q (serializable, %s): commit: %w", name, s.dialect, err)
		}
		return next, nil
	})
}
