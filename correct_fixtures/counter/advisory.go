package counter

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// advisoryStore serialises the increments of one counter with a named lock that is
// not a row lock: read n, write n + by, both under the lock.
//
// On PostgreSQL, SELECT pg_advisory_xact_lock($1) inside the transaction: the lock is
// keyed by a hash of the counter's name (advisory locks are per database) and is
// released by COMMIT or ROLLBACK, or when the connection dies.
//
// On MariaDB, GET_LOCK(name, timeout) and RELEASE_LOCK(name) on one *sql.Conn (a named
// lock belongs to the session that took it, so the read and the write must use that
// same connection). Lock names are server-wide, so the name includes the database's.
// If the connection dies, the server releases the lock.
//
// SQLite has no advisory locks; the strategy refuses it (use forupdate).
type advisoryStore struct{ sqlStore }

func openAdvisory(_ context.Context, env *backend.Env, o Options) (Store, error) {
	return &advisoryStore{newSQLStore(env, o)}, nil
}

// lockWaitSeconds bounds how long MariaDB's GET_LOCK waits.
const lockWaitSeconds = 30

func (s *advisoryStore) Incr(ctx context.Context, name string, by int64) (int64, error) {
	return s.incrExisting(ctx, name, dberr.Retryable, func(ctx context.Context) (int64, error) {
		if s.dialect == backend.MariaDB {
			return s.incrNamedLock(ctx, name, by)
		}
		return s.incrXactLock(ctx, name, by)
	})
}

// advisoryKey is the PostgreSQL advisory lock key of counter name.
func advisoryKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("counter/" + name))
	return int64(h.Sum64())
}

func (s *advisoryStore) incrXactLock(ctx context.Context, name string, by int64) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, notApplied(fmt.Errorf("incr %q (advisory, postgres): begin: %w", name, err))
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, advisoryKey(name)); err != nil {
		return 0, notApplied(fmt.Errorf("incr %q (advisory, postgres): pg_advisory_xact_lock: %w", name, err))
	}
	var n int64
	err = tx.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = $1`, name).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errNoRow
	}
	if err != nil {
		return 0, notApplied(fmt.Errorf("incr %q (advisory, postgres): read: %w", name, err))
	}
	next, err := addChecked(name, n, by)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE counters SET n = $1 WHERE name = $2`, next, name); err != nil {
		return 0, notApplied(fmt.Errorf("incr %q (advisory, postgres): write: %w", name, err))
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("incr %q (advisory, postgres): commit: %w", name, err)
	}
	return next, nil
}

func (s *advisoryStore) incrNamedLock(ctx context.Context, name string, by int64) (int64, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, notApplied(fmt.Errorf("incr %q (advisory, mariadb): get connection: %w", name, err))
	}
	defer conn.Close()

	var got sql.NullInt64
	err = conn.QueryRowContext(ctx, `SELECT GET_LOCK(CONCAT('counter:', MD5(CONCAT(DATABASE(), '/', ?))), ?)`, name, lockWaitSeconds).Scan(&got)
	if err != nil {
		return 0, notApplied(fmt.Errorf("incr %q (advisory, mariadb): GET_LOCK: %w", name, err))
	}
	if !got.Valid || got.Int64 != 1 {
		return 0, notApplied(fmt.Errorf("incr %q (advisory, mariadb): GET_LOCK did not get the lock within %d s", name, lockWaitSeconds))
	}
	defer func() {
		_, err := conn.ExecContext(context.WithoutCancel(ctx), `DO RELEASE_LOCK(CONCAT('counter:', MD5(CONCAT(DATABASE(), '/', ?))))`, name)
		if err != nil {
			// The lock must not outlive this call: drop the connection, and the
			// server releases every lock the session held.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()

	var n int64
	err = conn.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = ?`, name).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errNoRow
	}
	if err != nil {
		return 0, notApplied(fmt.Errorf("incr %q (advisory, mariadb): read: %w", name, err))
	}
	next, err := addChecked(name, n, by)
	if err != nil {
		return 0, err
	}
	if _, err := conn.ExecContext(ctx, `UPDATE counters SET n = ? WHERE name = ?`, next, name); err != nil {
		return 0, fmt.Errorf("incr %q (advisory, mariadb): write: %w", name, err)
	}
	return next, nil
}
