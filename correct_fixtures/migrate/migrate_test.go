package migrate_test

import (
	"context"
	"sync"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/backend/backendtest"
	"github.com/lostupdate/lostupdate/correct_fixtures/migrate"
)

func testMigrations() []migrate.Migration {
	return []migrate.Migration{{
		ID:       "test/1-create-things",
		Postgres: []string{`CREATE TABLE IF NOT EXISTS things (id BIGINT PRIMARY KEY)`},
		MariaDB:  []string{`CREATE TABLE IF NOT EXISTS things (id BIGINT PRIMARY KEY)`},
		SQLite:   []string{`CREATE TABLE IF NOT EXISTS things (id INTEGER PRIMARY KEY)`},
	}, {
		ID:       "test/2-seed",
		Postgres: []string{`INSERT INTO things (id) VALUES (1) ON CONFLICT DO NOTHING`},
		MariaDB:  []string{`INSERT IGNORE INTO things (id) VALUES (1)`},
		SQLite:   []string{`INSERT OR IGNORE INTO things (id) VALUES (1)`},
	}}
}

func TestApplyIsIdempotentAndSafeConcurrently(t *testing.T) {
	for _, k := range []backend.Kind{backend.Postgres, backend.MariaDB, backend.SQLite} {
		t.Run(string(k), func(t *testing.T) {
			env := backendtest.Require(t, k, backend.Options{})
			ctx := context.Background()
			var wg sync.WaitGroup
			errs := make([]error, 4)
			for i := range errs {
				wg.Go(func() { errs[i] = migrate.Apply(ctx, env.DB, env.Dialect, testMigrations()) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("concurrent Apply %d: %v", i, err)
				}
			}
			if err := migrate.Apply(ctx, env.DB, env.Dialect, testMigrations()); err != nil {
				t.Errorf("second Apply: %v", err)
			}
			var things, recorded int
			if err := env.DB.QueryRowContext(ctx, `SELECT count(*) FROM things`).Scan(&things); err != nil || things != 1 {
				t.Errorf("things = %d, %v; want 1", things, err)
			}
			if err := env.DB.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&recorded); err != nil || recorded != 2 {
				t.Errorf("recorded migrations = %d, %v; want 2", recorded, err)
			}
		})
	}
}

func TestApplyRefusesAnUnknownDialect(t *testing.T) {
	env := backendtest.Require(t, backend.SQLite, backend.Options{})
	if err := migrate.Apply(context.Background(), env.DB, backend.Redis, testMigrations()); err == nil {
		t.Error("Apply with dialect redis succeeded")
	}
}
