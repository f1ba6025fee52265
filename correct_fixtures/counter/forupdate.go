package counter

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// forUpdateStore increments under a row lock: in one transaction it reads n with
// SELECT … FOR UPDATE, computes n + by in Go and writes it back on the same
// transaction. A concurrent increment blocks on the lock until the commit and then
// reads the new n. This is the pattern to use when the new value needs logic SQL
// cannot express.
//
// SQLite has no FOR UPDATE (the clause is a syntax error there) and no row
// locks. There the transaction is begun with BEGIN IMMEDIATE, explicitly, on one
// *sql.Conn: IMMEDIATE takes the database's write lock before the read, so no other
// writer can come between the read and the write (a plain BEGIN would take it only
// at the write, after the value was read).
type forUpdateStore struct{ sqlStore }

func openForUpdate(_ context.Context, env *backend.Env, o Options) (Store, error) {
	return &forUpdateStore{newSQLStore(env, o)}, nil
}

func (s *forUpdateStore) Incr(ctx context.Context, name string, by int64) (int64, error) {
	if s.dialect == backend.SQLite {
		return s.incrImmediate(ctx, name, by)
	}
	return s.incrExisting(ctx, name, dberr.Retryable, func(ctx context.Context) (int64, error) {
		return s.incrLocked(ctx, name, by)
	})
}

// incrLocked is one attempt on PostgreSQL or MariaDB.
func (s *forUpdateStore) incrLocked(ctx context.Context, name string, by int64) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, notApplied(fmt.Errorf("incr %q (forupdate, %s): begin: %w", name, s.dialect, err))
	}
	defer tx.Rollback()

	var n int64
	switch s.dialect {
	case backend.Postgres:
		err = tx.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = $1 FOR UPDATE`, name).Scan(&n)
	default:
		err = tx.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = ? FOR UPDATE`, name).Scan(&n)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errNoRow
	}
	if err != nil {
		return 0, notApplied(fmt.Errorf("incr %q (forupdate, %s): lock row: %w", name, s.dialect, err))
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
		return 0, notApplied(fmt.Errorf("incr %q (forupdate, %s): write: %w", name, s.dialect, err))
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("incr %q (forupdate, %s): commit: %w", name, s.dialect, err)
	}
	return next, nil
}

// incrImmediate is the SQLite version: BEGIN IMMEDIATE on a dedicated connection,
// read, write, COMMIT. The busy timeout makes a second writer wait for the lock; if it
// still times out (SQLITE_BUSY) the whole transaction is retried.
func (s *forUpdateStore) incrImmediate(ctx context.Context, name string, by int64) (int64, error) {
	var next int64
	err := s.policy.Do(ctx, dberr.Retryable, func(ctx context.Context) error {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return notApplied(fmt.Errorf("incr %q (forupdate, sqlite): get connection: %w", name, err))
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			return notApplied(fmt.Errorf("incr %q (forupdate, sqlite): BEGIN IMMEDIATE: %w", name, err))
		}
		committed := false
		defer func() {
			if !committed {
				rollbackConn(conn)
			}
		}()
		var n int64
		err = conn.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = ?`, name).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			// We hold the write lock: create the row in this transaction.
			if _, err := conn.ExecContext(ctx, `INSERT INTO counters (name, n) VALUES (?, 0)`, name); err != nil {
				return notApplied(fmt.Errorf("incr %q (forupdate, sqlite): create: %w", name, err))
			}
		} else if err != nil {
			return notApplied(fmt.Errorf("incr %q (forupdate, sqlite): read: %w", name, err))
		}
		if next, err = addChecked(name, n, by); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, `UPDATE counters SET n = ? WHERE name = ?`, next, name); err != nil {
			return notApplied(fmt.Errorf("incr %q (forupdate, sqlite): write: %w", name, err))
		}
		if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
			return fmt.Errorf("incr %q (forupdate, sqlite): COMMIT: %w", name, err)
		}
		committed = true
		return nil
	})
	return next, markRolledBack(err)
}

// rollbackConn ends a transaction begun by hand on conn. If the ROLLBACK fails the
// connection's state is unknown, so it is discarded instead of going back to the pool.
func rollbackConn(conn *sql.Conn) {
	ctx := context.Background()
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}
