package bank_test

import (
	"context"
	"errors"
	"math"
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
	kinds := []backend.Kind{backend.Postgres, backend.MariaDB, backend.Redis, backend.Memcached}
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
		setBalance(t, env, "rich", near) // before the cache strategy first reads it
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
	strategytest.Refuses(t, bank.Lookup, []strategytest.Refusal{
		{Strategy: "advisory", Kind: backend.SQLite, Want: "SQLite has no advisory locks; use forupdate"},
		{Strategy: "forupdate", Kind: backend.Redis, Want: "a cache has no transactions or SQL; use strategy cache"},
		{Strategy: "atomic", Kind: backend.Memcached, Want: "a cache has no transactions or SQL"},
		{Strategy: "cache", Kind: backend.Postgres, Want: "the cache strategy runs on redis or memcached"},
		{Strategy: "cache", Kind: backend.SQLite, Want: "the cache strategy runs on redis or memcached"},
	})
	_, err := bank.Lookup("upsert")
	if !errors.Is(err, backend.ErrUnsupported) || !strings.Contains(err.Error(), "a deposit to an account nobody opened must be refused") {
		t.Errorf("Lookup(upsert) = %v, want ErrUnsupported saying why an upsert does not fit", err)
	}
	if _, err := bank.Lookup("pessimistic"); err == nil || !strings.Contains(err.Error(), "want one of forupdate, atomic") {
		t.Errorf("Lookup(pessimistic) = %v, want an error listing the strategies", err)
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
