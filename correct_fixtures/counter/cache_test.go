package counter_test

import (
	"context"
	"testing"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/counter"
	"github.com/lostupdate/lostupdate/correct_fixtures/strategy/strategytest"
)

// loseCache deletes what the cache holds for counter name in env, as a cache restart
// would (the keys are the ones documented on the cache strategy).
func loseCache(t *testing.T, env *backend.Env, name string) {
	t.Helper()
	prefix := env.KeyPrefix + "counter:"
	keys := []string{prefix + name + ":n", prefix + name + ":pending"}
	switch env.Kind {
	case backend.Redis:
		if err := env.Redis.Del(context.Background(), append(keys, prefix+"dirty")...).Err(); err != nil {
			t.Fatal(err)
		}
	case backend.Memcached:
		for _, k := range keys {
			if err := env.Memcache.Delete(k); err != nil {
				t.Fatalf("delete %s: %v", k, err)
			}
		}
	}
}

func TestCacheRestartLosesAtMostOneFlushInterval(t *testing.T) {
	for _, k := range []backend.Kind{backend.Redis, backend.Memcached} {
		t.Run(string(k), func(t *testing.T) {
			ctx := context.Background()
			s, _ := counter.Lookup("cache")
			// A flush interval longer than the test: only the explicit flushes run.
			st, env := strategytest.Open(t, s, k, counter.Options{FlushEvery: time.Hour})
			f := st.(counter.Flusher)
			incr := func(times int) {
				for range times {
					if _, err := st.Incr(ctx, "page", 1); err != nil {
						t.Fatal(err)
					}
				}
			}
			incr(100)
			if err := f.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			incr(30) // this interval is not flushed before the "restart"
			if n, err := st.Get(ctx, "page"); err != nil || n != 130 {
				t.Fatalf("Get before the restart = %d, %v; want 130", n, err)
			}
			loseCache(t, env, "page")

			// The total is seeded again from the database: the last interval is lost,
			// nothing before it.
			if n, err := st.Get(ctx, "page"); err != nil || n != 100 {
				t.Errorf("Get after the restart = %d, %v; want 100 (the flushed count)", n, err)
			}
			if n, err := st.Incr(ctx, "page", 5); err != nil || n != 105 {
				t.Errorf("Incr after the restart = %d, %v; want 105", n, err)
			}
			if err := st.Close(); err != nil { // the final flush
				t.Fatal(err)
			}
			if n, err := f.Durable(ctx, "page"); err != nil || n != 105 {
				t.Errorf("durable count after close = %d, %v; want 105", n, err)
			}
		})
	}
}

func TestCacheFlushesEveryInterval(t *testing.T) {
	for _, k := range []backend.Kind{backend.Redis, backend.Memcached} {
		t.Run(string(k), func(t *testing.T) {
			ctx := context.Background()
			s, _ := counter.Lookup("cache")
			st, _ := strategytest.Open(t, s, k, counter.Options{FlushEvery: 50 * time.Millisecond})
			for range 10 {
				if _, err := st.Incr(ctx, "page", 2); err != nil {
					t.Fatal(err)
				}
			}
			f := st.(counter.Flusher)
			deadline := time.Now().Add(5 * time.Second)
			for {
				n, err := f.Durable(ctx, "page")
				if err == nil && n == 20 {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("the database holds %d (%v) 5 s after 10 increments of 2 with a 50 ms flush interval; want 20", n, err)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}
