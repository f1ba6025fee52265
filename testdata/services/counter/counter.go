// Package counter is the racy original of the counter fixture service, written the
// way a naive service writes it: read the count, add in Go, write the sum back, with
// plain database/sql and no transaction. Two requests that read the same n both write
// n + 1, and one page view is lost. The load harness shows it losing updates; the
// lostupdate analyzer must report the write (the `want` comments mark where).
//
// The correct strategies are in github.com/lostupdate/lostupdate/correct_fixtures/counter,
// whose HTTP handler, schema and harness workload this package reuses.
package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/counter"
)

// Strategy returns the racy original as a counter strategy named "racy", so that the
// harness and the server can select it like the correct ones.
func Strategy() counter.Strategy {
	return counter.Strategy{
		Name:     "racy",
		Summary:  "the racy original: SELECT n, n + by in Go, UPDATE SET n = $1, no transaction",
		Backends: []backend.Kind{backend.Postgres, backend.MariaDB, backend.SQLite},
		New: func(_ context.Context, env *backend.Env, _ counter.Options) (counter.Store, error) {
			return &Store{db: env.DB, dialect: env.Dialect}, nil
		},
	}
}

// Store is the racy counter store.
type Store struct {
	db      *sql.DB
	dialect backend.Kind
}

// Incr reads the counter, adds by and writes the sum back.
func (s *Store) Incr(ctx context.Context, name string, by int64) (int64, error) {
	n, err := s.Get(ctx, name)
	if errors.Is(err, counter.ErrNotFound) {
		if err := s.create(ctx, name); err != nil {
			return 0, err
		}
	} else if err != nil {
		return 0, err
	}
	n += by
	switch s.dialect {
	case backend.Postgres:
		_, err = s.db.ExecContext(ctx, `UPDATE counters SET n = $1 WHERE name = $2`, n, name) // want "lost update"
	default:
		_, err = s.db.ExecContext(ctx, `UPDATE counters SET n = ? WHERE name = ?`, n, name) // want "lost update"
	}
	if err != nil {
		return 0, fmt.Errorf("incr %q (racy, %s): write %d: %w", name, s.dialect, n, err)
	}
	return n, nil
}

// Get reads the counter.
func (s *Store) Get(ctx context.Context, name string) (int64, error) {
	var n int64
	var err error
	switch s.dialect {
	case backend.Postgres:
		err = s.db.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = $1`, name).Scan(&n)
	default:
		err = s.db.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = ?`, name).Scan(&n)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("counter %q: %w", name, counter.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("read counter %q (racy, %s): %w", name, s.dialect, err)
	}
	return n, nil
}

func (s *Store) create(ctx context.Context, name string) error {
	var err error
	switch s.dialect {
	case backend.Postgres:
		_, err = s.db.ExecContext(ctx, `INSERT INTO counters (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, name)
	case backend.MariaDB:
		_, err = s.db.ExecContext(ctx, `INSERT IGNORE INTO counters (name) VALUES (?)`, name)
	default:
		_, err = s.db.ExecContext(ctx, `INSERT INTO counters (name) VALUES (?) ON CONFLICT (name) DO NOTHING`, name)
	}
	if err != nil {
		return fmt.Errorf("create counter %q (racy, %s): %w", name, s.dialect, err)
	}
	return nil
}

// Close does nothing; the database belongs to the caller.
func (s *Store) Close() error { return nil }
