// Package counter is the page-view counter fixture service: POST
// /counters/{name}/incr adds `by` (default 1) to a named counter and returns its new
// value; GET /counters/{name} reads it. It is the simplest lost update there is: read
// n, add one in Go, write n back, and two requests that read the same n count once.
//
// Every strategy that makes the increment safe is a [Store] built by [Strategy.Open]; the
// strategies are listed by [Strategies]:
//
//   - forupdate: SELECT … FOR UPDATE in a transaction (BEGIN IMMEDIATE on SQLite);
//   - atomic: UPDATE … SET n = n + $1 … RETURNING n;
//   - upsert: INSERT … ON CONFLICT DO UPDATE SET n = counters.n + EXCLUDED.n;
//   - optimistic: a version column and a conditional UPDATE, retried;
//   - serializable: a SERIALIZABLE transaction, retried on serialization failures;
//   - advisory: pg_advisory_xact_lock / GET_LOCK around the read and the write;
//   - cache: Redis INCRBY or Memcached Increment, flushed to the database periodically.
//
// The racy original, the one a static analyzer must flag, lives in the module
// github.com/lostupdate/lostupdate/testdata/services (package counter there); it
// implements the same Store so that it is served by [NewHandler] and driven by the
// same harness workload ([NewWorkload]).
//
// # The shape a fixture service has
//
// bookstore and bank follow the same shape: a Store interface for the service's
// operations; Migrations for its tables (package migrate); one file per strategy,
// each a Store built from a *backend.Env, refusing with backend.ErrUnsupported a
// backend it cannot run on; a Strategies list; NewHandler on package httpjson;
// a Client that is the same Store over HTTP; and a harness.Workload (NewWorkload) that
// says what one operation is, what it changes and which invariants must hold.
package counter

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/strategy"
)

// Store increments and reads named counters. Implementations are safe for concurrent
// use (except the racy original, which is the point).
type Store interface {
	// Incr adds by (> 0) to counter name, creating it at 0 if it does not exist, and
	// returns the new value.
	Incr(ctx context.Context, name string, by int64) (int64, error)
	// Get returns counter name's value, or an error wrapping ErrNotFound.
	Get(ctx context.Context, name string) (int64, error)
	// Close stops any background work (the cache strategy's flusher); it does not
	// close the backend, which belongs to the caller.
	Close() error
}

// Flusher is implemented by stores that keep counts in a cache and write them
// through to the database later: Flush writes what is pending now, Durable reads
// what the database holds.
type Flusher interface {
	Flush(ctx context.Context) error
	Durable(ctx context.Context, name string) (int64, error)
}

var (
	// ErrNotFound is returned (wrapped) by Get for a counter that was never incremented.
	ErrNotFound = errors.New("counter not found")
	// ErrOverflow is returned (wrapped) when an increment would take a counter past
	// the largest int64.
	ErrOverflow = errors.New("counter would overflow int64")
	// ErrInvalid is returned (wrapped) for a bad name or amount.
	ErrInvalid = errors.New("invalid counter request")
	// ErrNotApplied marks (wrapped) a failed increment that certainly changed nothing:
	// it failed before its transaction could commit. A failed increment without it may
	// or may not have been applied (its connection died after the write was sent).
	ErrNotApplied = errors.New("not applied")
)

// notApplied marks err as a failure that changed nothing.
func notApplied(err error) error { return fmt.Errorf("%w (%w)", err, ErrNotApplied) }

// MaxBy is the largest amount one request may add.
const MaxBy = 1_000_000_000

var namePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// ValidateName reports whether name can name a counter: 1 to 64 letters, digits,
// '_', '.' or '-'.
func ValidateName(name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("%w: name %q must be 1 to 64 letters, digits, '_', '.' or '-'", ErrInvalid, name)
	}
	return nil
}

// ValidateBy reports whether by is an amount one request may add.
func ValidateBy(by int64) error {
	if by < 1 || by > MaxBy {
		return fmt.Errorf("%w: by must be between 1 and %d, got %d", ErrInvalid, MaxBy, by)
	}
	return nil
}

// addChecked returns n + by, or ErrOverflow; strategies that compute the new value in
// Go use it where the database would have refused the overflow itself.
func addChecked(name string, n, by int64) (int64, error) {
	if n > math.MaxInt64-by {
		return 0, fmt.Errorf("counter %q at %d plus %d: %w", name, n, by, ErrOverflow)
	}
	return n + by, nil
}

// Options tune the strategies.
type Options = strategy.Options

// Strategy is one way of making the counter safe.
type Strategy = strategy.Strategy[Store, service]

// service tells package strategy how to open the counter's strategies.
type service struct{}

func (service) Name() string                                        { return "counter" }
func (service) Migrate(ctx context.Context, env *backend.Env) error { return Migrate(ctx, env) }
func (service) Refusal(name string, k backend.Kind) string          { return strategy.Refusal(name, k) }

var sqlKinds = []backend.Kind{backend.Postgres, backend.MariaDB, backend.SQLite}

// Strategies returns every correct strategy, in the order the harness runs them.
func Strategies() []Strategy {
	return []Strategy{
		{Name: "forupdate", Summary: "SELECT … FOR UPDATE in a transaction (SQLite: BEGIN IMMEDIATE), new value computed in Go", Backends: sqlKinds, New: openForUpdate},
		{Name: "atomic", Summary: "UPDATE … SET n = n + $1 … RETURNING n (MariaDB: LAST_INSERT_ID(n + ?))", Backends: sqlKinds, New: openAtomic},
		{Name: "upsert", Summary: "INSERT … ON CONFLICT DO UPDATE SET n = counters.n + EXCLUDED.n / ON DUPLICATE KEY UPDATE", Backends: sqlKinds, New: openUpsert},
		{Name: "optimistic", Summary: "version column; UPDATE … WHERE version = $3, retried with jitter when no row changed", Backends: sqlKinds, New: openOptimistic},
		{Name: "serializable", Summary: "SERIALIZABLE transaction, retried on 40001 / 1213 / 1205 / SQLITE_BUSY", Backends: sqlKinds, New: openSerializable},
		{Name: "advisory", Summary: "pg_advisory_xact_lock in the transaction / GET_LOCK on one connection", Backends: []backend.Kind{backend.Postgres, backend.MariaDB}, New: openAdvisory},
		{Name: "cache", Summary: "Redis INCRBY / Memcached Increment, flushed to the database every interval", Backends: []backend.Kind{backend.Redis, backend.Memcached}, New: openCache},
	}
}

// Lookup returns the strategy called name.
func Lookup(name string) (Strategy, error) { return strategy.Lookup(Strategies(), name) }
