package bank_test

import (
	"context"
	"testing"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/backend/backendtest"
	"github.com/lostupdate/lostupdate/correct_fixtures/bank"
	"github.com/lostupdate/lostupdate/correct_fixtures/chaos"
	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
)

// open provisions a private share of k and opens strategy s on it.
func open(t *testing.T, s bank.Strategy, k backend.Kind, o bank.Options) (bank.Store, *backend.Env) {
	t.Helper()
	return openOn(t, s, k, backend.Options{MaxConns: 16}, o)
}

// openOn is open with backend options.
func openOn(t *testing.T, s bank.Strategy, k backend.Kind, bo backend.Options, o bank.Options) (bank.Store, *backend.Env) {
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

// eachStrategyAndBackend runs f, in parallel subtests, for every strategy on every
// backend of kinds it supports.
func eachStrategyAndBackend(t *testing.T, kinds []backend.Kind, f func(t *testing.T, s bank.Strategy, k backend.Kind)) {
	for _, s := range bank.Strategies() {
		for _, k := range kinds {
			if !s.Supports(k) {
				continue
			}
			t.Run(s.Name+"/"+string(k), func(t *testing.T) { f(t, s, k) })
		}
	}
}

func TestStrategiesLoseNothing(t *testing.T) {
	eachStrategyAndBackend(t, backend.Kinds(), func(t *testing.T, s bank.Strategy, k backend.Kind) {
		st, _ := open(t, s, k, bank.Options{})
		r, err := harness.Run(context.Background(), harness.Labels{Service: "bank", Strategy: s.Name, Backend: string(k)},
			bank.NewWorkload(st, "joint"), harness.Config{Workers: 16, Ops: 400})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("ops %d expected %d final %d errors %d retries %d (%.0f ops/s)", r.Ops, r.Expected, r.Final, r.Errors, r.Retries, r.OpsPerSec)
		if r.Errors != 0 {
			t.Errorf("%d operations failed; first: %s", r.Errors, r.FirstError)
		}
		if r.Final != r.Expected || r.Lost != 0 {
			t.Errorf("final %d, expected %d, lost %d", r.Final, r.Expected, r.Lost)
		}
		if r.Violation != "" {
			t.Errorf("invariant violated: %s", r.Violation)
		}
	})
}

func TestStrategiesLoseNothingUnderChaos(t *testing.T) {
	kinds := []backend.Kind{backend.Postgres, backend.MariaDB, backend.Redis, backend.Memcached}
	eachStrategyAndBackend(t, kinds, func(t *testing.T, s bank.Strategy, k backend.Kind) {
		bo := backend.Options{MaxConns: 16}
		proxy, err := chaos.Prepare(k, &bo) // Memcached: through a proxy that drops connections
		if err != nil {
			t.Fatal(err)
		}
		st, env := openOn(t, s, k, bo, bank.Options{})
		var m chaos.Monkey = proxy
		if proxy == nil {
			if m, err = chaos.For(env); err != nil {
				t.Fatal(err)
			}
		}
		defer m.Close()
		r, err := harness.Run(context.Background(), harness.Labels{Service: "bank", Strategy: s.Name, Backend: string(k)},
			bank.NewWorkload(st, "joint"), harness.Config{Workers: 16, Duration: 600 * time.Millisecond, Chaos: m, ChaosEvery: 25 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("ops %d expected %d final %d errors %d retries %d killed %d", r.Ops, r.Expected, r.Final, r.Errors, r.Retries, r.Kills)
		if r.Kills == 0 {
			t.Fatalf("chaos killed no connection in %v: the test proves nothing", r.Elapsed)
		}
		if r.Succeeded == 0 {
			t.Fatalf("no operation succeeded; first error: %s", r.FirstError)
		}
		// The client sent every request whose outcome it did not know again, with
		// the same request_id, until it knew: nothing is left unsure, and the final
		// balance is exactly what the accepted requests add up to.
		if r.Errors != 0 {
			t.Errorf("%d operations still failed after the client's retries; first: %s", r.Errors, r.FirstError)
		}
		if r.Final != r.Expected || r.Lost != 0 {
			t.Errorf("final %d, expected %d, lost %d (unsure range [%d, %d])", r.Final, r.Expected, r.Lost, r.UnsureLow, r.UnsureHigh)
		}
		if r.Violation != "" {
			t.Errorf("invariant violated: %s", r.Violation)
		}
	})
}
