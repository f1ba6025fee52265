package counter

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// upsertStore creates and increments in one statement: INSERT … ON CONFLICT (name)
// DO UPDATE SET n = counters.n + EXCLUDED.n (MariaDB: ON DUPLICATE KEY UPDATE
// n = n + VALUES(n)). The first hit on a new counter needs no separate INSERT, which
// makes it the natural choice for counters keyed by something open-ended (a URL, a
// post id). Like atomic, the database does the addition; nothing is read into Go.
//
// On MariaDB the new value comes back through LAST_INSERT_ID(expr) as in atomic: the
// reply says 1 row affected for an insert (the value is by) and 2 for an update.
type upsertStore struct{ sqlStore }

func openUpsert(_ context.Context, env *backend.Env, o Options) (Store, error) {
	return &upsertStore{newSQLStore(env, o)}, nil
}

func (s *upsertStore) Incr(ctx context.Context, name string, by int64) (int64, error) {
	var n int64
	var err error
	switch s.dialect {
	case backend.Postgres:
		err = s.db.QueryRowContext(ctx, `INSERT INTO counters (name, n) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET n = counters.n + EXCLUDED.n RETURNING n`, name, by).Scan(&n)
	case backend.SQLite:
		err = s.db.QueryRowContext(ctx, `INSERT INTO counters (name, n) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET n = counters.n + excluded.n RETURNING n`, name, by).Scan(&n)
	case backend.MariaDB:
		var res sql.Result
		res, err = s.db.ExecContext(ctx, `INSERT INTO counters (name, n) VALUES (?, ?)
			ON DUPLICATE KEY UPDATE n = LAST_INSERT_ID(n + VALUES(n))`, name, by)
		if err == nil {
			n, err = upsertedValue(res, by)
		}
	}
	switch {
	case dberr.OutOfRange(err):
		return 0, fmt.Errorf("incr %q by %d (upsert, %s): %w", name, by, s.dialect, ErrOverflow)
	case err != nil:
		return 0, fmt.Errorf("incr %q by %d (upsert, %s): %w", name, by, s.dialect, err)
	}
	return n, nil
}

// upsertedValue reads the result of MariaDB's INSERT … ON DUPLICATE KEY UPDATE
// n = LAST_INSERT_ID(n + VALUES(n)).
func upsertedValue(res sql.Result, by int64) (int64, error) {
	affected, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	switch affected {
	case 1: // inserted: the counter is by
		return by, nil
	case 2: // updated: the new value was passed through LAST_INSERT_ID
		return res.LastInsertId()
	}
	return 0, fmt.Errorf("INSERT … ON DUPLICATE KEY UPDATE affected %d rows, want 1 or 2", affected)
}
