// Package migrate creates a service's tables when the service starts. Each migration
// has an ID and one script per SQL dialect; Apply runs the ones this database has not
// recorded yet and records them in schema_migrations. The statements themselves are
// idempotent (CREATE TABLE IF NOT EXISTS …), so two processes starting at once cannot
// break each other: the loser of the race re-runs harmless statements.
//
// A service keeps its migrations in a package-level function (not a variable), e.g.
// counter.Migrations(), and calls Apply from its constructor.
package migrate

import (
	"context"
	"database/sql"
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

// Apply runs the migrations that db has not recorded yet, in order.
func Apply(ctx context.Context, db *sql.DB, dialect backend.Kind, ms []Migration) error {
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

func applied(ctx context.Context, db *sql.DB, dialect backend.Kind, id string) (bool, error) {
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

func record(ctx context.Context, db *sql.DB, dialect backend.Kind, id string) error {
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
