// Package strategy is the shape the fixture services give their strategies: a
// [Strategy] has a name, a one-line summary, the backends it runs on and a
// constructor, and [Strategy.Open] refuses a backend the strategy cannot run on (with
// the reason) before it creates the service's tables and builds the store. [Options]
// tune every service's strategies the same way.
//
// A service instantiates Strategy with its Store interface and a [Service], a
// zero-size type of its own that names the service, migrates its tables and says why
// a strategy is refused:
//
//	type Strategy = strategy.Strategy[Store, service]
//
// The service type is a type argument rather than a field so that a strategy is
// written as a plain literal (name, summary, backends, constructor), in the service
// and in the racy originals outside it.
package strategy

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/retry"
)

// Options tune a service's strategies.
type Options struct {
	// Retry bounds the retries of optimistic, serializable and of every transaction
	// that the database rolled back because of a concurrent one or that lost its
	// connection before it could commit; zero means retry.Default().
	Retry retry.Policy
	// FlushEvery is how often the cache strategy writes what is pending through to
	// the database; 0 means one second.
	FlushEvery time.Duration
	// OnFlushError receives the errors of background flushes (what was pending stays
	// in the cache and is tried again); nil drops them.
	OnFlushError func(error)
}

// RetryPolicy returns o.Retry, or retry.Default() if o.Retry is the zero policy.
func (o Options) RetryPolicy() retry.Policy {
	if o.Retry.Attempts == 0 {
		return retry.Default()
	}
	return o.Retry
}

// FlushInterval returns o.FlushEvery, or one second if it is not positive.
func (o Options) FlushInterval() time.Duration {
	if o.FlushEvery > 0 {
		return o.FlushEvery
	}
	return time.Second
}

// Service is what Open and Lookup need to know about the service a strategy belongs
// to. Each service implements it on a zero-size type of its own.
type Service interface {
	// Name names the service in errors: "counter".
	Name() string
	// Migrate creates the service's tables in env's database if they are missing.
	Migrate(ctx context.Context, env *backend.Env) error
	// Refusal says why strategy does not run on backend k, and what to use instead.
	// [Refusal] gives the reasons every service shares.
	Refusal(strategy string, k backend.Kind) string
}

// Strategy is one way of making a service safe, building stores of type S.
type Strategy[S any, Svc Service] struct {
	// Name is how the harness and the server select it.
	Name string
	// Summary says in a line what it does.
	Summary string
	// Backends are the backends it runs on; Open refuses the others.
	Backends []backend.Kind
	// New builds the store on env once Open has checked the backend and created the
	// schema.
	New func(ctx context.Context, env *backend.Env, o Options) (S, error)
}

// Supports reports whether s runs on k.
func (s Strategy[S, Svc]) Supports(k backend.Kind) bool { return slices.Contains(s.Backends, k) }

// Open builds s on env after creating the service's schema. It refuses a backend s
// cannot run on with an error wrapping backend.ErrUnsupported that says why and
// what to use.
func (s Strategy[S, Svc]) Open(ctx context.Context, env *backend.Env, o Options) (S, error) {
	var svc Svc
	if !s.Supports(env.Kind) {
		var none S
		return none, fmt.Errorf("%s strategy %q on %s: %w: %s", svc.Name(), s.Name, env.Kind, backend.ErrUnsupported, svc.Refusal(s.Name, env.Kind))
	}
	if err := svc.Migrate(ctx, env); err != nil {
		var none S
		return none, err
	}
	return s.New(ctx, env, o)
}

// Lookup returns the strategy in list called name, or an error naming those there are.
func Lookup[S any, Svc Service](list []Strategy[S, Svc], name string) (Strategy[S, Svc], error) {
	var names []string
	for _, s := range list {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	var svc Svc
	return Strategy[S, Svc]{}, fmt.Errorf("unknown %s strategy %q: want one of %s", svc.Name(), name, strings.Join(names, ", "))
}

// Refusal says why a strategy of any service does not run on backend k, and what to
// use instead: SQL strategies need a SQL database, the cache strategy a cache, the
// advisory strategy advisory locks.
func Refusal(strategy string, k backend.Kind) string {
	switch {
	case k.IsCache():
		return "a cache has no transactions or SQL; use strategy cache"
	case strategy == "cache":
		return "the cache strategy runs on redis or memcached (it flushes to a SQL database)"
	case strategy == "racy-cache":
		return "the racy cache original runs on redis or memcached"
	case strategy == "advisory" && k == backend.SQLite:
		return "SQLite has no advisory locks; use forupdate, which takes SQLite's write lock with BEGIN IMMEDIATE"
	}
	return "not implemented for this backend"
}
