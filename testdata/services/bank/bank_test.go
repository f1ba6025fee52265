package bank_test

import (
	"context"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/backend/backendtest"
	"github.com/lostupdate/lostupdate/correct_fixtures/bank"
	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
	racy "github.com/lostupdate/lostupdate/testdata/services/bank"
)

// TestRacyOriginalLosesMoney shows the bug the analyzer reports: under concurrent
// deposits and withdrawals the racy bank's balance drifts away from its own ledger
// and from what its clients saw accepted. It is a race, so a round may be lucky; a
// few rounds are allowed.
func TestRacyOriginalLosesMoney(t *testing.T) {
	for _, k := range []backend.Kind{backend.Postgres, backend.MariaDB} {
		t.Run(string(k), func(t *testing.T) {
			env := backendtest.Require(t, k, backend.Options{MaxConns: 16})
			st, err := racy.Strategy().Open(context.Background(), env, bank.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			for round := 1; round <= 3; round++ {
				w := bank.NewWorkload(st, "joint")
				r, err := harness.Run(ctx, harness.Labels{Service: "bank", Strategy: "racy", Backend: string(k)},
					w, harness.Config{Workers: 16, Ops: 600})
				if err != nil {
					t.Fatal(err)
				}
				if r.Errors != 0 {
					t.Fatalf("%d operations failed (first: %s): the race, not errors, must lose the money", r.Errors, r.FirstError)
				}
				s, err := st.Statement(ctx, "joint")
				if err != nil {
					t.Fatal(err)
				}
				var sum int64
				for _, e := range s.Ledger {
					sum += e.Amount
				}
				t.Logf("round %d: %d accepted, balance %d, sum of the ledger %d, expected %d, lost %d; check: %s",
					round, r.Succeeded, s.Balance, sum, r.Expected, r.Lost, r.Violation)
				if s.Balance != sum || r.Lost > 0 {
					if r.Violation == "" {
						t.Error("the workload's check did not report the broken invariant")
					}
					return
				}
			}
			t.Error("the racy bank kept balance == sum(ledger) and lost nothing in 3 rounds of 16 workers × 600 operations")
		})
	}
}

// TestRacyOriginalIsCorrectAlone shows that the racy bank is not simply broken: one
// client at a time gets every operation right, the floor included.
func TestRacyOriginalIsCorrectAlone(t *testing.T) {
	env := backendtest.Require(t, backend.SQLite, backend.Options{})
	st, err := racy.Strategy().Open(context.Background(), env, bank.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := harness.Run(context.Background(), harness.Labels{Service: "bank", Strategy: "racy", Backend: "sqlite"},
		bank.NewWorkload(st, "joint"), harness.Config{Workers: 1, Ops: 300})
	if err != nil {
		t.Fatal(err)
	}
	if r.Final != r.Expected || r.Lost != 0 || r.Violation != "" {
		t.Errorf("one client, 300 operations: final %d, expected %d, lost %d, check: %s", r.Final, r.Expected, r.Lost, r.Violation)
	}
}

func TestRacyOriginalRefusesCaches(t *testing.T) {
	for _, k := range []backend.Kind{backend.Redis, backend.Memcached} {
		if _, err := racy.Strategy().Open(context.Background(), &backend.Env{Kind: k}, bank.Options{}); err == nil {
			t.Errorf("racy strategy opened on %s", k)
		}
	}
}
