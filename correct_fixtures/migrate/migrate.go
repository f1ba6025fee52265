// Package migrate creates a service's tables when the service starts. Each migration
// has an ID and one script per SQL dialect; Apply runs the ones this database has not
// recorded yet and records them in schema_migrations. Two processes starting at once
// take turns: Apply holds a lock for its whole run (PostgreSQL pg_advisory_lock,
// MariaDB GET_LOCK, SQLite's write lock through BEGIN IMMEDIATE), because even
// CREATE TABLE IF NOT EXISTS fails on PostgreSQL when two sessions run it at once. The
// statements should still be idempotent, so that a migration interrupted between
// its statements and its record can run again.
//
// A service keeps its migrations in a package-level function (not a variable), e.g.
// counter.Migrations(), and calls Apply from its constructor.
package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
)

// Migration is one schema change, written once per dialect.
type Migration struct {
	// ID is unique across all services, e.g. "counter/1-create-counters".
	ID string
	// Postgres, MariaDB and SQLite are the statements for each dialect, run in order.
	Postgres, MariaDB, SQLite []string
}

func (m Migration) statements(d backend.Kind) ([]string, error) {
	switch d {
	case backend.Postgres:
		return m.Postgres, nil
	case backend.MariaDB:
		return m.MariaDB, nil
	case backend.SQLite:
		return m.SQLite, nil
	}
	return nil, fmt.Errorf("migration %s: no SQL for dialect %q", m.ID, d)
}

// migrationLockKey is the PostgreSQL advisory lock key Apply holds.
const migrationLockKey = 0x6c75_6d69_6772 // "lumigr"

// Apply runs the migrations that db has not recorded yet, in order.
func Apply(ctx context.Context, db *sql.DB, dialect backend.Kind, ms []Migration) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: get a connection to %s: %w", dialect, err)
	}
	defer conn.Close()
	unlock, err := lock(ctx, conn, dialect)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, unlock()) }()
	return apply(ctx, conn, dialect, ms)
}

// lock takes the migration lock on conn and returns how to release it.
func lock(ctx context.Context, conn *sql.Conn, dialect backend.Kind) (func() error, error) {
	release := context.WithoutCancel(ctx)
	switch dialect {
	case backend.Postgres:
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
			return nil, fmt.Errorf("migrate: pg_advisory_lock: %w", err)
		}
		return func() error {
			_, err := conn.ExecContext(release, `SELECT pg_advisory_unlock($1)`, migrationLockKey)
			return err
		}, nil
	case backend.MariaDB:
		var got sql.NullInt64
		if err := conn.QueryRowContext(ctx, `SELECT GET_LOCK(CONCAT(DATABASE(), '/migrate'), 60)`).Scan(&got); err != nil || got.Int64 != 1 {
			return nil, fmt.Errorf("migrate: GET_LOCK (got %v): %w", got, err)
		}
		return func() error {
			_, err := conn.ExecContext(release, `DO RELEASE_LOCK(CONCAT(DATABASE(), '/migrate'))`)
			return err
		}, nil
	case backend.SQLite:
		if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			return nil, fmt.Errorf("migrate: BEGIN IMMEDIATE: %w", err)
		}
		return func() error {
			_, err := conn.ExecContext(release, "COMMIT")
			return err
		}, nil
	}
	return nil, fmt.Errorf("migrate: no SQL dialect %q", dialect)
}

// apply runs the migrations on conn, which holds the migration lock.
func apply(ctx context.Context, db *sql.Conn, dialect backend.Kind, ms []Migration) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (id VARCHAR(200) PRIMARY KEY)`); err != nil {
		return fmt.Errorf("migrate: create schema_migrations on %s: %w", dialect, err)
	}
	for _, m := range ms {
		stmts, err := m.statements(dialect)
		if err != nil {
			return err
		}
		done, err := applied(ctx, db, dialect, m.ID)
		if err != nil {
			return err
		}
		if done {
			continue
		}
		for _, s := range stmts {
			if _, err := db.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("migrate %s on %s: %q: %w", m.ID, dialect, s, err)
			}
		}
		if err := record(ctx, db, dialect, m.ID); err != nil {
			return err
		}
	}
	return nil
}

func applied(ctx context.Context, db *sql.Conn, dialect backend.Kind, id string) (bool, error) {
	var n int
	var err error
	switch dialect {
	case backend.Postgres:
		err = db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE id = $1`, id).Scan(&n)
	default:
		err = db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE id = ?`, id).Scan(&n)
	}
	if err != nil {
		return false, fmt.Errorf("migrate: look up %s on %s: %w", id, dialect, err)
	}
	return n > 0, nil
}

func record(ctx context.Context, db *sql.Conn, dialect backend.Kind, id string) error {
	var err error
	switch dialect {
	case backend.Postgres:
		_, err = db.ExecContext(ctx, `INSERT INTO schema_migrations (id) VALUES ($1) ON CONFLICT (id) DO NOTHING`, id)
	case backend.MariaDB:
		_, err = db.ExecContext(ctx, `INSERT IGNORE INTO schema_migrations (id) VALUES (?)`, id)
	default:
		_, err = db.ExecContext(ctx, `INSERT INTO schema_migrations (id) VALUES (?) ON CONFLICT (id) DO NOTHING`, id)
	}
	if err != nil {
		return fmt.Errorf("migrate: record %s on %s: %w", id, dialect, err)
	}
	return nil
}
