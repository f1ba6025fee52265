package counter_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/backend/backendtest"
	"github.com/lostupdate/lostupdate/correct_fixtures/counter"
	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
	racy "github.com/lostupdate/lostupdate/testdata/services/counter"
)

// TestRacyOriginalLosesUpdates shows the bug the analyzer reports: under contention
// the racy counter ends below the number of increments its clients saw succeed. It is
// a race, so a round may be lucky; a few rounds are allowed.
func TestRacyOriginalLosesUpdates(t *testing.T) {
	losesUpdates(t, racy.Strategy(), []backend.Kind{backend.Postgres, backend.MariaDB}, 1000)
}

// TestRacyCacheLosesUpdates shows the same bug on a cache: GET, add, SET.
func TestRacyCacheLosesUpdates(t *testing.T) {
	losesUpdates(t, racy.CacheStrategy(), []backend.Kind{backend.Redis, backend.Memcached}, 2000)
}

// losesUpdates runs s on each backend, 16 workers × ops increments of a fresh counter
// a round, and fails unless a round of at most three loses an update.
func losesUpdates(t *testing.T, s counter.Strategy, kinds []backend.Kind, ops int64) {
	for _, k := range kinds {
		t.Run(string(k), func(t *testing.T) {
			env := backendtest.Require(t, k, backend.Options{MaxConns: 16})
			st, err := s.Open(context.Background(), env, counter.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for round := 1; round <= 3; round++ {
				r, err := harness.Run(context.Background(), harness.Labels{Service: "counter", Strategy: s.Name, Backend: string(k)},
					counter.NewWorkload(st, fmt.Sprintf("hot%d", round)), harness.Config{Workers: 16, Ops: ops})
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("round %d: %d increments succeeded, counter moved by %d, lost %d", round, r.Succeeded, r.Final-(r.Expected-r.Succeeded), r.Lost)
				if r.Errors != 0 {
					t.Fatalf("%d increments failed (first: %s): the race, not errors, must lose the updates", r.Errors, r.FirstError)
				}
				if r.Lost > 0 {
					return
				}
			}
			t.Errorf("%s lost no update in 3 rounds of 16 workers × %d increments", s.Name, ops)
		})
	}
}

// TestRacyOriginalIsCorrectAlone shows that the racy counter is not simply broken:
// one client at a time gets every increment counted.
func TestRacyOriginalIsCorrectAlone(t *testing.T) {
	env := backendtest.Require(t, backend.SQLite, backend.Options{})
	st, err := racy.Strategy().Open(context.Background(), env, counter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := harness.Run(context.Background(), harness.Labels{Service: "counter", Strategy: "racy", Backend: "sqlite"},
		counter.NewWorkload(st, "page"), harness.Config{Workers: 1, Ops: 200})
	if err != nil {
		t.Fatal(err)
	}
	if r.Final != 200 || r.Lost != 0 {
		t.Errorf("one client, 200 increments: final %d, lost %d", r.Final, r.Lost)
	}
}

func TestRacyOriginalsRefuseTheOtherKind(t *testing.T) {
	for _, k := range []backend.Kind{backend.Postgres, backend.MariaDB, backend.SQLite} {
		if _, err := racy.CacheStrategy().Open(context.Background(), &backend.Env{Kind: k}, counter.Options{}); err == nil {
			t.Errorf("racy-cache strategy opened on %s", k)
		}
	}
}

func TestRacyOriginalRefusesCaches(t *testing.T) {
	for _, k := range []backend.Kind{backend.Redis, backend.Memcached} {
		if _, err := racy.Strategy().Open(context.Background(), &backend.Env{Kind: k}, counter.Options{}); err == nil {
			t.Errorf("racy strategy opened on %s", k)
		}
	}
}
