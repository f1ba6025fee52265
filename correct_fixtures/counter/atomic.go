package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// atomicStore lets the database add: UPDATE counters SET n = n + $1 … RETURNING n.
// The read and the write are one statement, so there is nothing to lose and nothing
// to retry; it is the fastest safe strategy and the one to prefer whenever the new
// value is a function of the old one.
//
// MariaDB has INSERT … RETURNING but no UPDATE … RETURNING. Instead of reading the
// row again in a transaction, the statement passes the new value through
// LAST_INSERT_ID(expr), which the server returns in the same reply (the classic
// MySQL sequence idiom): one round trip, as on the other databases.
type atomicStore struct{ sqlStore }

func openAtomic(_ context.Context, env *backend.Env, o Options) (Store, error) {
	return &atomicStore{newSQLStore(env, o)}, nil
}

func (s *atomicStore) Incr(ctx context.Context, name string, by int64) (int64, error) {
	n, err := s.add(ctx, name, by)
	if errors.Is(err, errNoRow) {
		if err := s.ensureRow(ctx, name); err != nil {
			return 0, err
		}
		n, err = s.add(ctx, name, by)
	}
	return n, err
}

func (s *atomicStore) add(ctx context.Context, name string, by int64) (int64, error) {
	var n int64
	var err error
	switch s.dialect {
	case backend.Postgres:
		err = s.db.QueryRowContext(ctx, `UPDATE counters SET n = n + $1 WHERE name = $2 RETURNING n`, by, name).Scan(&n)
	case backend.SQLite:
		err = s.db.QueryRowContext(ctx, `UPDATE counters SET n = n + ? WHERE name = ? RETURNING n`, by, name).Scan(&n)
	case backend.MariaDB:
		var res sql.Result
		res, err = s.db.ExecContext(ctx, `UPDATE counters SET n = LAST_INSERT_ID(n + ?) WHERE name = ?`, by, name)
		if err == nil {
			n, err = lastInsertIDIfChanged(res)
		}
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, errNoRow
	case dberr.OutOfRange(err):
		return 0, fmt.Errorf("incr %q by %d (atomic, %s): %w", name, by, s.dialect, ErrOverflow)
	case err != nil:
		return 0, fmt.Errorf("incr %q by %d (atomic, %s): %w", name, by, s.dialect, err)
	}
	return n, nil
}

// lastInsertIDIfChanged returns the value an UPDATE passed through LAST_INSERT_ID(expr),
// or sql.ErrNoRows if it changed no row.
func lastInsertIDIfChanged(res sql.Result) (int64, error) {
	changed, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if changed == 0 {
		return 0, sql.ErrNoRows
	}
	return res.LastInsertId()
}
