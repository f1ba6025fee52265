package bookstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/bookstore"
	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
	"github.com/lostupdate/lostupdate/correct_fixtures/strategy/strategytest"
)

// The matrix runs sell a book of 800 copies to 16 clients asking for 1 to 3 copies,
// 600 times: about 1200 copies are asked for, so the book sells out half-way and the
// floor is contended as much as the stock.
const (
	initialStock = 800
	matrixOps    = 600
)

func TestStrategiesLoseNothing(t *testing.T) {
	strategytest.Each(t, bookstore.Strategies(), backend.Kinds(), func(t *testing.T, s bookstore.Strategy, k backend.Kind) {
		st, _ := strategytest.Open(t, s, k, bookstore.Options{})
		w := bookstore.NewWorkload(st, "Dune", initialStock)
		r, err := harness.Run(context.Background(), harness.Labels{Service: "bookstore", Strategy: s.Name, Backend: string(k)},
			w, harness.Config{Workers: 16, Ops: matrixOps})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("ops %d expected %d final %d errors %d retries %d (%.0f ops/s)", r.Ops, r.Expected, r.Final, r.Errors, r.Retries, r.OpsPerSec)
		if r.Succeeded == 0 {
			t.Fatalf("no operation succeeded; first error: %s", r.FirstError)
		}
		// Without chaos no failure may leave its outcome unknown, so the final stock
		// must be exactly what the acknowledged sales leave.
		if r.Final != r.Expected || r.Lost != 0 || r.UnsureLow != r.UnsureHigh {
			t.Errorf("final %d, expected %d, lost %d, unsure range [%d, %d]; first error: %s",
				r.Final, r.Expected, r.Lost, r.UnsureLow, r.UnsureHigh, r.FirstError)
		}
		// A bounded retry loop may give up under this contention (and say that it
		// changed nothing); more than a few such failures is a bug.
		if r.Errors > r.Ops/20 {
			t.Errorf("%d of %d sales failed; first error: %s", r.Errors, r.Ops, r.FirstError)
		}
		if r.Violation != "" {
			t.Errorf("invariant violated: %s", r.Violation)
		}
		// The demand exceeds the stock: the book must have sold out, to the last
		// copy that a sale of 1 to 3 could take.
		if r.Final > 2 {
			t.Errorf("final stock %d: the floor was not reached, the test proves less than it should", r.Final)
		}
	})
}

func TestStrategiesLoseNothingUnderChaos(t *testing.T) {
	kinds := []backend.Kind{backend.Postgres, backend.MariaDB, backend.Redis, backend.Memcached}
	strategytest.Each(t, bookstore.Strategies(), kinds, func(t *testing.T, s bookstore.Strategy, k backend.Kind) {
		st, m := strategytest.OpenUnderChaos(t, s, k, bookstore.Options{})
		w := bookstore.NewWorkload(st, "Dune", 1_000_000)
		r, err := harness.Run(context.Background(), harness.Labels{Service: "bookstore", Strategy: s.Name, Backend: string(k)},
			w, harness.Config{Workers: 16, Duration: 500 * time.Millisecond, Chaos: m, ChaosEvery: 25 * time.Millisecond,
				MinKills: 1, MaxDuration: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("ops %d expected %d final %d (may be down to %d) errors %d retries %d killed %d",
			r.Ops, r.Expected, r.Final, r.UnsureLow, r.Errors, r.Retries, r.Kills)
		if r.Kills == 0 {
			t.Fatalf("chaos killed no connection in %v: the test proves nothing", r.Elapsed)
		}
		if r.Succeeded == 0 {
			t.Fatalf("no operation succeeded; first error: %s", r.FirstError)
		}
		// Every acknowledged sale is in the final stock, and nothing beyond the sales
		// whose connection died after they were sent.
		if r.Lost != 0 {
			t.Errorf("lost %d: final %d outside [%d, %d]", r.Lost, r.Final, r.UnsureLow, r.UnsureHigh)
		}
		if r.Violation != "" {
			t.Errorf("invariant violated: %s", r.Violation)
		}
	})
}

// TestFloor sells a book of 5 copies one request at a time: exactly the stock can be
// sold, a sale of more is refused with ErrSoldOut and changes nothing, an unknown id
// is ErrNotFound.
func TestFloor(t *testing.T) {
	strategytest.Each(t, bookstore.Strategies(), backend.Kinds(), func(t *testing.T, s bookstore.Strategy, k backend.Kind) {
		ctx := context.Background()
		st, _ := strategytest.Open(t, s, k, bookstore.Options{})
		b, err := st.Add(ctx, "Emma", 5)
		if err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			qty       int64
			wantErr   error
			wantStock int64
		}{
			{3, nil, 2},
			{3, bookstore.ErrSoldOut, 2},
			{2, nil, 0},
			{1, bookstore.ErrSoldOut, 0},
		}
		for i, step := range steps {
			got, err := st.Buy(ctx, b.ID, step.qty)
			if !errors.Is(err, step.wantErr) || (err != nil) != (step.wantErr != nil) {
				t.Fatalf("step %d: Buy(%d) = %v, want %v", i, step.qty, err, step.wantErr)
			}
			if err == nil && (got.Stock != step.wantStock || got.Sold != 5-step.wantStock || got.Title != "Emma" || got.ID != b.ID) {
				t.Errorf("step %d: Buy(%d) returned %+v, want stock %d, sold %d", i, step.qty, got, step.wantStock, 5-step.wantStock)
			}
			if now, err := st.Get(ctx, b.ID); err != nil || now.Stock != step.wantStock || now.Sold != 5-step.wantStock {
				t.Errorf("step %d: Get = %+v, %v; want stock %d, sold %d", i, now, err, step.wantStock, 5-step.wantStock)
			}
		}
		if _, err := st.Buy(ctx, b.ID+1000, 1); !errors.Is(err, bookstore.ErrNotFound) {
			t.Errorf("Buy of an unknown id = %v, want ErrNotFound", err)
		}
		if _, err := st.Get(ctx, b.ID+1000); !errors.Is(err, bookstore.ErrNotFound) {
			t.Errorf("Get of an unknown id = %v, want ErrNotFound", err)
		}
	})
}

func TestUnsupportedCombinationsAreRefused(t *testing.T) {
	strategytest.Refuses(t, bookstore.Lookup, []strategytest.Refusal{
		{Strategy: "advisory", Kind: backend.SQLite, Want: "SQLite has no advisory locks; use forupdate"},
		{Strategy: "forupdate", Kind: backend.Redis, Want: "a cache has no transactions or SQL; use strategy cache"},
		{Strategy: "gorm-atomic", Kind: backend.Memcached, Want: "a cache has no transactions or SQL"},
		{Strategy: "cache", Kind: backend.Postgres, Want: "the cache strategy runs on redis or memcached"},
		{Strategy: "cache", Kind: backend.SQLite, Want: "the cache strategy runs on redis or memcached"},
	})
	lookups := []struct{ name, want string }{
		{"upsert", "a sale must never create a book; use atomic"},
		{"pessimistic", "want one of forupdate, atomic"},
	}
	for _, l := range lookups {
		if _, err := bookstore.Lookup(l.name); err == nil || !strings.Contains(err.Error(), l.want) {
			t.Errorf("Lookup(%s) = %v, want an error saying %q", l.name, err, l.want)
		}
	}
}
