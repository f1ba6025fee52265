package bank_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/bank"
	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
	"github.com/lostupdate/lostupdate/correct_fixtures/strategy/strategytest"
)

func TestStrategiesLoseNothing(t *testing.T) {
	strategytest.Each(t, bank.Strategies(), backend.Kinds(), func(t *testing.T, s bank.Strategy, k backend.Kind) {
		st, _ := strategytest.Open(t, s, k, bank.Options{})
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
	kinds := []backend.Kind{backend.Postgres, backend.MariaDB}
	strategytest.Each(t, bank.Strategies(), kinds, func(t *testing.T, s bank.Strategy, k backend.Kind) {
		st, m := strategytest.OpenUnderChaos(t, s, k, bank.Options{})
		r, err := harness.Run(context.Background(), harness.Labels{Service: "bank", Strategy: s.Name, Backend: string(k)},
			bank.NewWorkload(st, "joint"), harness.Config{Workers: 16, Duration: 600 * time.Millisecond, Chaos: m, ChaosEvery: 25 * time.Millisecond,
				MinKills: 1, MaxDuration: 10 * time.Second})
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

// setBalance sets account id's balance in the database behind the store, as an
// operator would, for tests that need a balance no request could reach quickly.
func setBalance(t *testing.T, env *backend.Env, id string, balance int64) {
	t.Helper()
	q := `UPDATE accounts SET balance = ? WHERE id = ?`
	if env.Dialect == backend.Postgres {
		q = `UPDATE accounts SET balance = $1 WHERE id = $2`
	}
	if _, err := env.DB.ExecContext(context.Background(), q, balance, id); err != nil {
		t.Fatal(err)
	}
}

func TestDepositRefusesToOverflow(t *testing.T) {
	strategytest.Each(t, bank.Strategies(), backend.Kinds(), func(t *testing.T, s bank.Strategy, k backend.Kind) {
		st, env := strategytest.Open(t, s, k, bank.Options{})
		ctx := context.Background()
		if _, err := st.CreateAccount(ctx, "rich"); err != nil {
			t.Fatal(err)
		}
		const near = math.MaxInt64 - 3
		setBalance(t, env, "rich", near)
		_, err := st.Apply(ctx, bank.Request{Account: "rich", Op: bank.Deposit, Amount: 5, RequestID: "too-much"})
		if !errors.Is(err, bank.ErrOverflow) {
			t.Errorf("deposit past MaxInt64 = %v, want ErrOverflow", err)
		}
		if n, err := st.Balance(ctx, "rich"); err != nil || n != near {
			t.Errorf("after a refused overflow the balance is %d, %v; want %d unchanged", n, err, int64(near))
		}
		rc, err := st.Apply(ctx, bank.Request{Account: "rich", Op: bank.Deposit, Amount: 3, RequestID: "just-enough"})
		if err != nil || rc.Balance != math.MaxInt64 {
			t.Errorf("deposit up to MaxInt64 = %+v, %v; want balance %d", rc, err, int64(math.MaxInt64))
		}
	})
}

func TestUnsupportedCombinationsAreRefused(t *testing.T) {
	// Every strategy is refused on a cache, with the bank's reason rather than the
	// shared one, which would send the client to a cache strategy the bank has not.
	const onCache = "the bank runs on a SQL database only (postgres, mariadb or sqlite): a cache has no transaction " +
		"that changes the balance, books the ledger entry and records the request_id together, and the bank has no cache strategy"
	refusals := []strategytest.Refusal{{Strategy: "advisory", Kind: backend.SQLite, Want: "SQLite has no advisory locks; use forupdate"}}
	for _, s := range bank.Strategies() {
		for _, k := range []backend.Kind{backend.Redis, backend.Memcached} {
			refusals = append(refusals, strategytest.Refusal{Strategy: s.Name, Kind: k, Want: onCache})
		}
	}
	strategytest.Refuses(t, bank.Lookup, refusals)
	for _, s := range bank.Strategies() {
		if slices.ContainsFunc(s.Backends, backend.Kind.IsCache) {
			t.Errorf("strategy %s runs on %v: no bank strategy may run on a cache", s.Name, s.Backends)
		}
	}
}

// TestLookupRefusesWhatDoesNotFitABank: the strategies of the other services that do
// not fit a bank are refused by name, on every backend, with the reason and what to
// use instead; an unknown name lists the strategies there are.
func TestLookupRefusesWhatDoesNotFitABank(t *testing.T) {
	tests := []struct {
		name        string
		want        string // the whole error
		unsupported bool
	}{
		{"cache", `bank strategy "cache": not supported on this backend: the bank has no cache strategy: ` +
			"a cache that acknowledges a deposit before the database has it can lose acknowledged money when it restarts; " +
			"use atomic (or forupdate, optimistic, serializable, advisory)", true},
		{"upsert", `bank strategy "upsert": not supported on this backend: an upsert (INSERT … ON CONFLICT DO UPDATE) ` +
			"creates the row it does not find, but a deposit to an account nobody opened must be refused (404), not open one; " +
			"and a withdrawal needs a floor and a ledger entry in the same transaction, " +
			"which is the atomic strategy: UPDATE … SET balance = balance - $1 WHERE id = $2 AND balance >= $1", true},
		{"pessimistic", `unknown bank strategy "pessimistic": want one of forupdate, atomic, optimistic, serializable, advisory`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := bank.Lookup(tt.name)
			if err == nil {
				t.Fatalf("Lookup(%s) = strategy %q, want an error", tt.name, s.Name)
			}
			if errors.Is(err, backend.ErrUnsupported) != tt.unsupported || err.Error() != tt.want {
				t.Errorf("Lookup(%s) = %v (ErrUnsupported %v)\nwant %s (ErrUnsupported %v)", tt.name, err, errors.Is(err, backend.ErrUnsupported), tt.want, tt.unsupported)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := bank.Request{Account: "joint", Op: bank.Deposit, Amount: 5, RequestID: "7f3c-1"}
	tests := []struct {
		name string
		edit func(*bank.Request)
		want string // "" means valid
	}{
		{"valid", func(*bank.Request) {}, ""},
		{"largest amount", func(r *bank.Request) { r.Amount = bank.MaxAmount }, ""},
		{"longest request id", func(r *bank.Request) { r.RequestID = strings.Repeat("x", 64) }, ""},
		{"punctuation in request id", func(r *bank.Request) { r.RequestID = "order:42/retry#1" }, ""},
		{"zero amount", func(r *bank.Request) { r.Amount = 0 }, "amount must be between 1 and 1000000000, got 0"},
		{"negative amount", func(r *bank.Request) { r.Amount = -1 }, "got -1"},
		{"amount too large", func(r *bank.Request) { r.Amount = bank.MaxAmount + 1 }, "got 1000000001"},
		{"no request id", func(r *bank.Request) { r.RequestID = "" }, "request_id is missing"},
		{"request id too long", func(r *bank.Request) { r.RequestID = strings.Repeat("x", 65) }, "65 bytes long"},
		{"request id with a tab", func(r *bank.Request) { r.RequestID = "a\tb" }, "visible ASCII"},
		{"request id not ASCII", func(r *bank.Request) { r.RequestID = "zählung" }, "visible ASCII"},
		{"empty account", func(r *bank.Request) { r.Account = "" }, `account id ""`},
		{"account with a slash", func(r *bank.Request) { r.Account = "a/b" }, `account id "a/b"`},
		{"unknown operation", func(r *bank.Request) { r.Op = "transfer" }, `operation "transfer" must be deposit or withdraw`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			tt.edit(&r)
			err := bank.Validate(r)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate(%+v) = %v, want nil", r, err)
			case tt.want != "" && (!errors.Is(err, bank.ErrInvalid) || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate(%+v) = %v, want ErrInvalid saying %q", r, err, tt.want)
			}
		})
	}
}
