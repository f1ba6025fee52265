package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
	"github.com/lostupdate/lostupdate/correct_fixtures/migrate"
	"github.com/lostupdate/lostupdate/correct_fixtures/retry"
)

// Migrations are the counter's tables. version is used only by the optimistic
// strategy. On SQLite the CHECK turns an overflowing n + by (which SQLite would
// silently make a float) into an error.
func Migrations() []migrate.Migration {
	return []migrate.Migration{{
		ID: "counter/1-create-counters",
		Postgres: []string{`CREATE TABLE IF NOT EXISTS counters (
			name    VARCHAR(64) PRIMARY KEY,
			n       BIGINT NOT NULL DEFAULT 0,
			version BIGINT NOT NULL DEFAULT 0)`},
		MariaDB: []string{`CREATE TABLE IF NOT EXISTS counters (
			name    VARCHAR(64) PRIMARY KEY,
			n       BIGINT NOT NULL DEFAULT 0,
			version BIGINT NOT NULL DEFAULT 0) ENGINE=InnoDB`},
		SQLite: []string{`CREATE TABLE IF NOT EXISTS counters (
			name    TEXT PRIMARY KEY,
			n       INTEGER NOT NULL DEFAULT 0 CHECK (typeof(n) = 'integer'),
			version INTEGER NOT NULL DEFAULT 0)`},
	}}
}

// Migrate creates the counter's tables in env's database if they are missing.
func Migrate(ctx context.Context, env *backend.Env) error {
	if env.DB == nil {
		return fmt.Errorf("counter: migrate: backend %s has no SQL database", env.Kind)
	}
	return migrate.Apply(ctx, env.DB, env.Dialect, Migrations())
}

// sqlStore holds what every SQL strategy needs, and the statements they share: create
// a missing row, read a counter.
type sqlStore struct {
	db      *sql.DB
	dialect backend.Kind
	policy  retry.Policy
}

func newSQLStore(env *backend.Env, o Options) sqlStore {
	return sqlStore{db: env.DB, dialect: env.Dialect, policy: o.RetryPolicy()}
}

func (s *sqlStore) Close() error { return nil }

// Get reads counter name.
func (s *sqlStore) Get(ctx context.Context, name string) (int64, error) {
	var n int64
	var err error
	switch s.dialect {
	case backend.Postgres:
		err = s.db.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = $1`, name).Scan(&n)
	default:
		err = s.db.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = ?`, name).Scan(&n)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("counter %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("read counter %q on %s: %w", name, s.dialect, err)
	}
	return n, nil
}

// orLostBeforeCommit extends retryable to the attempts that lost their connection
// before they could commit.
func orLostBeforeCommit(retryable func(error) bool) func(error) bool {
	return func(err error) bool {
		return retryable(err) || (errors.Is(err, ErrNotApplied) && dberr.ConnectionLost(err))
	}
}

// ensureRow creates counter name at 0 unless it exists. The strategies that lock or
// check a row call it when the row they looked for was missing, outside their
// transaction, so that the row exists for the next attempt; a counter is never deleted.
// The statement is idempotent, so it is retried when its connection breaks.
func (s *sqlStore) ensureRow(ctx context.Context, name string) error {
	return s.policy.Do(ctx, dberr.ConnectionLost, func(ctx context.Context) error { return s.insertRow(ctx, name) })
}

func (s *sqlStore) insertRow(ctx context.Context, name string) error {
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
		return notApplied(fmt.Errorf("create counter %q on %s: %w", name, s.dialect, err))
	}
	return nil
}

// errNoRow is what a transaction attempt returns when the counter's row does not
// exist yet; incrExisting creates it and tries again.
var errNoRow = errors.New("counter row missing")

// incrExisting runs attempt under the retry policy, retrying what retryable accepts
// and any attempt that lost its connection before it could commit (marked with
// notApplied): nothing of it was applied, so running it again is safe. If attempt
// reports errNoRow it creates the row and starts again.
func (s *sqlStore) incrExisting(ctx context.Context, name string, retryable func(error) bool, attempt func(context.Context) (int64, error)) (int64, error) {
	retryable = orLostBeforeCommit(retryable)
	var n int64
	run := func(ctx context.Context) error {
		var err error
		n, err = attempt(ctx)
		return err
	}
	err := s.policy.Do(ctx, retryable, run)
	if errors.Is(err, errNoRow) {
		if err := s.ensureRow(ctx, name); err != nil {
			return 0, err
		}
		err = s.policy.Do(ctx, retryable, run)
	}
	if err != nil {
		return 0, markRolledBack(err)
	}
	return n, nil
}

// markRolledBack marks as not applied the failures that say the database rolled the
// attempt back (a serialization failure, a deadlock, a busy database, a version
// conflict), even when they come from the commit.
func markRolledBack(err error) error {
	if err == nil || errors.Is(err, ErrNotApplied) {
		return err
	}
	if dberr.Retryable(err) || errors.Is(err, errVersionConflict) {
		return notApplied(err)
	}
	return err
}
