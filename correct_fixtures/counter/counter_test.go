package counter_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/chaos"
	"github.com/lostupdate/lostupdate/correct_fixtures/counter"
	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
	"github.com/lostupdate/lostupdate/correct_fixtures/strategy/strategytest"
)

func TestStrategiesLoseNothing(t *testing.T) {
	strategytest.Each(t, counter.Strategies(), backend.Kinds(), func(t *testing.T, s counter.Strategy, k backend.Kind) {
		st, _ := strategytest.Open(t, s, k, counter.Options{})
		r, err := harness.Run(context.Background(), harness.Labels{Service: "counter", Strategy: s.Name, Backend: string(k)},
			counter.NewWorkload(st, "hot"), harness.Config{Workers: 16, Ops: 600})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("ops %d expected %d final %d errors %d retries %d (%.0f ops/s)", r.Ops, r.Expected, r.Final, r.Errors, r.Retries, r.OpsPerSec)
		if r.Succeeded == 0 {
			t.Fatalf("no operation succeeded; first error: %s", r.FirstError)
		}
		// Without chaos no failure may leave its outcome unknown, so the final value
		// must be exactly what the acknowledged increments add up to.
		if r.Final != r.Expected || r.Lost != 0 || r.UnsureLow != r.UnsureHigh {
			t.Errorf("final %d, expected %d, lost %d, unsure range [%d, %d]; first error: %s",
				r.Final, r.Expected, r.Lost, r.UnsureLow, r.UnsureHigh, r.FirstError)
		}
		if r.Violation != "" {
			t.Errorf("invariant violated: %s", r.Violation)
		}
	})
}

func TestStrategiesLoseNothingUnderChaos(t *testing.T) {
	kinds := []backend.Kind{backend.Postgres, backend.MariaDB, backend.Redis, backend.Memcached}
	strategytest.Each(t, counter.Strategies(), kinds, func(t *testing.T, s counter.Strategy, k backend.Kind) {
		st, m := strategytest.OpenUnderChaos(t, s, k, counter.Options{})
		r, err := harness.Run(context.Background(), harness.Labels{Service: "counter", Strategy: s.Name, Backend: string(k)},
			counter.NewWorkload(st, "hot"), harness.Config{Workers: 16, Duration: 600 * time.Millisecond, Chaos: m, ChaosEvery: 25 * time.Millisecond,
				MinKills: 1, MaxDuration: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("ops %d expected %d final %d (may be up to %d) errors %d retries %d killed %d",
			r.Ops, r.Expected, r.Final, r.UnsureHigh, r.Errors, r.Retries, r.Kills)
		if r.Kills == 0 {
			t.Fatalf("chaos killed no connection in %v: the test proves nothing", r.Elapsed)
		}
		if r.Succeeded == 0 {
			t.Fatalf("no operation succeeded; first error: %s", r.FirstError)
		}
		// Every acknowledged increment is in the final value, and nothing beyond the
		// increments whose connection died after they were sent.
		if r.Lost != 0 {
			t.Errorf("lost %d: final %d outside [%d, %d]", r.Lost, r.Final, r.UnsureLow, r.UnsureHigh)
		}
		if r.Violation != "" {
			t.Errorf("invariant violated: %s", r.Violation)
		}
	})
}

func TestIncrRefusesToOverflow(t *testing.T) {
	strategytest.Each(t, counter.Strategies(), []backend.Kind{backend.Postgres, backend.MariaDB, backend.SQLite}, func(t *testing.T, s counter.Strategy, k backend.Kind) {
		st, env := strategytest.Open(t, s, k, counter.Options{})
		ctx := context.Background()
		if _, err := st.Incr(ctx, "full", 1); err != nil {
			t.Fatal(err)
		}
		const near = math.MaxInt64 - 3
		setQuery := `UPDATE counters SET n = ? WHERE name = 'full'`
		if k == backend.Postgres {
			setQuery = `UPDATE counters SET n = $1 WHERE name = 'full'`
		}
		if _, err := env.DB.ExecContext(ctx, setQuery, int64(near)); err != nil {
			t.Fatal(err)
		}
		_, err := st.Incr(ctx, "full", 5)
		if !errors.Is(err, counter.ErrOverflow) {
			t.Errorf("Incr past MaxInt64 = %v, want ErrOverflow", err)
		}
		if n, err := st.Get(ctx, "full"); err != nil || n != near {
			t.Errorf("after a refused overflow Get = %d, %v; want %d unchanged", n, err, int64(near))
		}
		if n, err := st.Incr(ctx, "full", 3); err != nil || n != math.MaxInt64 {
			t.Errorf("Incr up to MaxInt64 = %d, %v; want %d", n, err, int64(math.MaxInt64))
		}
	})
}

func TestUnsupportedCombinationsAreRefused(t *testing.T) {
	strategytest.Refuses(t, counter.Lookup, []strategytest.Refusal{
		{Strategy: "advisory", Kind: backend.SQLite, Want: "SQLite has no advisory locks; use forupdate"},
		{Strategy: "forupdate", Kind: backend.Redis, Want: "a cache has no transactions or SQL; use strategy cache"},
		{Strategy: "atomic", Kind: backend.Memcached, Want: "a cache has no transactions or SQL"},
		{Strategy: "cache", Kind: backend.Postgres, Want: "the cache strategy runs on redis or memcached"},
		{Strategy: "cache", Kind: backend.SQLite, Want: "the cache strategy runs on redis or memcached"},
	})
	if _, err := counter.Lookup("pessimistic"); err == nil || !strings.Contains(err.Error(), "want one of forupdate, atomic") {
		t.Errorf("Lookup(pessimistic) = %v, want an error listing the strategies", err)
	}
	for _, k := range []backend.Kind{backend.SQLite, backend.Memcached} {
		if _, err := chaos.For(&backend.Env{Kind: k}); !errors.Is(err, backend.ErrUnsupported) {
			t.Errorf("chaos.For(%s) = %v, want ErrUnsupported", k, err)
		}
	}
}
