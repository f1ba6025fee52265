package bookstore_test

import (
	"context"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/backend/backendtest"
	"github.com/lostupdate/lostupdate/correct_fixtures/bookstore"
	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
	racy "github.com/lostupdate/lostupdate/testdata/services/bookstore"
)

// racyStrategies are the two racy originals.
func racyStrategies() []bookstore.Strategy {
	return []bookstore.Strategy{racy.Strategy(), racy.GormStrategy()}
}

// TestRacyOriginalsOversell shows the bug the analyzer reports: under contention the
// racy bookstores record fewer sales than their clients were told succeeded, so the
// stock ends above what those sales leave (the copies were sold twice), or sold +
// stock no longer equals the initial stock. It is a race, so a round may be lucky;
// a few rounds are allowed.
func TestRacyOriginalsOversell(t *testing.T) {
	for _, s := range racyStrategies() {
		for _, k := range []backend.Kind{backend.Postgres, backend.MariaDB} {
			t.Run(s.Name+"/"+string(k), func(t *testing.T) {
				env := backendtest.Require(t, k, backend.Options{MaxConns: 16})
				st, err := s.Open(context.Background(), env, bookstore.Options{})
				if err != nil {
					t.Fatal(err)
				}
				for round := 1; round <= 3; round++ {
					w := bookstore.NewWorkload(st, "Dune", 1_000_000)
					r, err := harness.Run(context.Background(), harness.Labels{Service: "bookstore", Strategy: s.Name, Backend: string(k)},
						w, harness.Config{Workers: 16, Ops: 1000})
					if err != nil {
						t.Fatal(err)
					}
					t.Logf("round %d: %d sales succeeded taking %d copies, stock moved by %d, lost %d; invariant: %q",
						round, r.Succeeded, 1_000_000-r.Expected, 1_000_000-r.Final, r.Lost, r.Violation)
					if r.Errors != 0 {
						t.Fatalf("%d sales failed (first: %s): the race, not errors, must lose the updates", r.Errors, r.FirstError)
					}
					if r.Lost > 0 || r.Violation != "" {
						return
					}
				}
				t.Error("the racy bookstore lost no sale in 3 rounds of 16 workers × 1000 sales")
			})
		}
	}
}

// TestRacyOriginalsAreCorrectAlone shows that the racy bookstores are not simply
// broken: one client at a time gets every sale counted and the floor respected.
func TestRacyOriginalsAreCorrectAlone(t *testing.T) {
	for _, s := range racyStrategies() {
		t.Run(s.Name, func(t *testing.T) {
			env := backendtest.Require(t, backend.SQLite, backend.Options{})
			st, err := s.Open(context.Background(), env, bookstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			r, err := harness.Run(context.Background(), harness.Labels{Service: "bookstore", Strategy: s.Name, Backend: "sqlite"},
				bookstore.NewWorkload(st, "Emma", 300), harness.Config{Workers: 1, Ops: 200})
			if err != nil {
				t.Fatal(err)
			}
			if r.Final != r.Expected || r.Final != 0 || r.Lost != 0 || r.Violation != "" {
				t.Errorf("one client, 200 sales of 1 to 3 copies out of 300: final %d, expected 0, lost %d, invariant %q", r.Final, r.Lost, r.Violation)
			}
		})
	}
}

func TestRacyOriginalsRefuseCaches(t *testing.T) {
	for _, s := range racyStrategies() {
		for _, k := range []backend.Kind{backend.Redis, backend.Memcached} {
			if _, err := s.Open(context.Background(), &backend.Env{Kind: k}, bookstore.Options{}); err == nil {
				t.Errorf("%s opened on %s", s.Name, k)
			}
		}
	}
}
