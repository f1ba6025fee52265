package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// optimisticStore reads n and its version without a lock, computes n + by in Go and
// writes it only if the version is still the one it read:
//
//	UPDATE counters SET n = $1, version = version + 1 WHERE name = $2 AND version = $3
//
// If no row changed, someone else wrote first: it reads again and retries, a bounded
// number of times with jittered backoff (then the request fails; it never writes a
// stale value). No lock is held between the read and the write, so it suits rows that
// are rarely contended; on one hot counter it spends its time retrying.
type optimisticStore struct{ sqlStore }

func openOptimistic(_ context.Context, env *backend.Env, o Options) (Store, error) {
	return &optimisticStore{newSQLStore(env, o)}, nil
}

// errVersionConflict means the conditional UPDATE found a newer version.
var errVersionConflict = errors.New("version changed since read")

func (s *optimisticStore) Incr(ctx context.Context, name string, by int64) (int64, error) {
	retryable := func(err error) bool { return errors.Is(err, errVersionConflict) || dberr.Retryable(err) }
	return s.incrExisting(ctx, name, retryable, func(ctx context.Context) (int64, error) {
		var n, version int64
		var err error
		switch s.dialect {
		case backend.Postgres:
			err = s.db.QueryRowContext(ctx, `SELECT n, version FROM counters WHERE name = $1`, name).Scan(&n, &version)
		default:
			err = s.db.QueryRowContext(ctx, `SELECT n, version FROM counters WHERE name = ?`, name).Scan(&n, &version)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return 0, errNoRow
		}
		if err != nil {
			return 0, notApplied(fmt.Errorf("incr %q (optimistic, %s): read: %w", name, s.dialect, err))
		}
		next, err := addChecked(name, n, by)
		if err != nil {
			return 0, err
		}
		var res sql.Result
		switch s.dialect {
		case backend.Postgres:
			res, err = s.db.ExecContext(ctx, `UPDATE counters SET n = $1, version = version + 1 WHERE name = $2 AND version = $3`, next, name, version)
		default:
			res, err = s.db.ExecContext(ctx, `UPDATE counters SET n = ?, version = version + 1 WHERE name = ? AND version = ?`, next, name, version)
		}
		if err != nil {
			return 0, fmt.Errorf("incr %q (optimistic, %s): write version %d: %w", name, s.dialect, version, err)
		}
		changed, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("incr %q (optimistic, %s): rows affected: %w", name, s.dialect, err)
		}
		if changed == 0 {
			return 0, fmt.Errorf("incr %q (optimistic, %s): version %d: %w", name, s.dialect, version, errVersionConflict)
		}
		return next, nil
	})
}
