// Package strategytest opens a fixture service's strategies on real backends for
// tests: [Open] provisions a private share of a backend with backendtest.Require and
// closes the store when the test ends, [Each] runs a subtest for every strategy on
// every backend it supports, [OpenUnderChaos] adds a chaos.Monkey that drops the
// store's connections, and [Refuses] checks that strategies are refused where they
// cannot run.
package strategytest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/backend/backendtest"
	"github.com/lostupdate/lostupdate/correct_fixtures/chaos"
	"github.com/lostupdate/lostupdate/correct_fixtures/strategy"
)

// Store is what the helpers need of a service's store: that it can be closed.
type Store interface{ Close() error }

// conns is the pool size of the backends Open provisions: the 16 workers of the
// tests' harness runs each get a connection.
const conns = 16

// Open provisions a private share of k (16 connections) and opens strategy s on it.
// The store is closed when t ends, and a failure to close fails t.
func Open[S Store, Svc strategy.Service](t *testing.T, s strategy.Strategy[S, Svc], k backend.Kind, o strategy.Options) (S, *backend.Env) {
	t.Helper()
	return OpenOn(t, s, k, backend.Options{MaxConns: conns}, o)
}

// OpenOn is Open with backend options.
func OpenOn[S Store, Svc strategy.Service](t *testing.T, s strategy.Strategy[S, Svc], k backend.Kind, bo backend.Options, o strategy.Options) (S, *backend.Env) {
	t.Helper()
	env := backendtest.Require(t, k, bo)
	st, err := s.Open(context.Background(), env, o)
	if err != nil {
		t.Fatalf("open %s on %s: %v", s.Name, k, err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close %s on %s: %v", s.Name, k, err)
		}
	})
	return st, env
}

// OpenUnderChaos is Open with a chaos.Monkey that drops the store's connections:
// on Memcached the store talks to the server through a proxy that drops them
// (chaos.Prepare), on the others the monkey kills them on the server (chaos.For).
// The monkey is closed when t ends, before the store.
func OpenUnderChaos[S Store, Svc strategy.Service](t *testing.T, s strategy.Strategy[S, Svc], k backend.Kind, o strategy.Options) (S, chaos.Monkey) {
	t.Helper()
	bo := backend.Options{MaxConns: conns}
	proxy, err := chaos.Prepare(k, &bo)
	if err != nil {
		t.Fatal(err)
	}
	st, env := OpenOn(t, s, k, bo, o)
	var m chaos.Monkey = proxy
	if proxy == nil {
		if m, err = chaos.For(env); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { m.Close() })
	return st, m
}

// Each runs f in a subtest named strategy/backend for every strategy of list on
// every backend of kinds it supports.
func Each[S any, Svc strategy.Service](t *testing.T, list []strategy.Strategy[S, Svc], kinds []backend.Kind, f func(t *testing.T, s strategy.Strategy[S, Svc], k backend.Kind)) {
	t.Helper()
	for _, s := range list {
		for _, k := range kinds {
			if !s.Supports(k) {
				continue
			}
			t.Run(s.Name+"/"+string(k), func(t *testing.T) { f(t, s, k) })
		}
	}
}

// Refusal is a backend a service must refuse a strategy on, and what the refusal
// must say.
type Refusal struct {
	Strategy string
	Kind     backend.Kind
	Want     string
}

// Refuses checks, in a subtest each, that opening every refusal's strategy (found
// with lookup) on its backend fails with an error wrapping backend.ErrUnsupported
// that says Want.
func Refuses[S any, Svc strategy.Service](t *testing.T, lookup func(name string) (strategy.Strategy[S, Svc], error), refusals []Refusal) {
	t.Helper()
	for _, r := range refusals {
		t.Run(r.Strategy+"/"+string(r.Kind), func(t *testing.T) {
			s, err := lookup(r.Strategy)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Open(context.Background(), &backend.Env{Kind: r.Kind}, strategy.Options{})
			if !errors.Is(err, backend.ErrUnsupported) || !strings.Contains(err.Error(), r.Want) {
				t.Errorf("Open = %v, want ErrUnsupported saying %q", err, r.Want)
			}
		})
	}
}
