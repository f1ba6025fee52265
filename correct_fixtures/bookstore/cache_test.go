package bookstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/bookstore"
	"github.com/lostupdate/lostupdate/correct_fixtures/strategy/strategytest"
)

// loseCache deletes what the cache holds for book id in env, as a cache restart
// would (the key is the one documented on the cache strategy).
func loseCache(t *testing.T, env *backend.Env, id int64) {
	t.Helper()
	prefix := env.KeyPrefix + "bookstore:"
	key := prefix + "book:" + strconv.FormatInt(id, 10)
	switch env.Kind {
	case backend.Redis:
		if err := env.Redis.Del(context.Background(), key, prefix+"dirty").Err(); err != nil {
			t.Fatal(err)
		}
	case backend.Memcached:
		if err := env.Memcache.Delete(key); err != nil {
			t.Fatalf("delete %s: %v", key, err)
		}
	}
}

func TestCacheRestartLosesAtMostOneFlushInterval(t *testing.T) {
	for _, k := range []backend.Kind{backend.Redis, backend.Memcached} {
		t.Run(string(k), func(t *testing.T) {
			ctx := context.Background()
			s, _ := bookstore.Lookup("cache")
			// A flush interval longer than the test: only the explicit flushes run.
			st, env := strategytest.Open(t, s, k, bookstore.Options{FlushEvery: time.Hour})
			f := st.(bookstore.Flusher)
			b, err := st.Add(ctx, "Dune", 1000)
			if err != nil {
				t.Fatal(err)
			}
			sell := func(times int) {
				for range times {
					if _, err := st.Buy(ctx, b.ID, 1); err != nil {
						t.Fatal(err)
					}
				}
			}
			sell(100)
			if err := f.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			sell(30) // these sales are not flushed before the "restart"
			if got, err := st.Get(ctx, b.ID); err != nil || got.Stock != 870 || got.Sold != 130 {
				t.Fatalf("Get before the restart = %+v, %v; want stock 870, sold 130", got, err)
			}
			if got, err := f.Durable(ctx, b.ID); err != nil || got.Stock != 900 || got.Sold != 100 {
				t.Fatalf("database before the restart = %+v, %v; want stock 900, sold 100 (one flush)", got, err)
			}
			loseCache(t, env, b.ID)

			// The book is seeded again from the database: the last interval's sales
			// are lost (and those 30 copies are on offer again), nothing before it.
			if got, err := st.Get(ctx, b.ID); err != nil || got.Stock != 900 || got.Sold != 100 {
				t.Errorf("Get after the restart = %+v, %v; want stock 900, sold 100 (the flushed sales)", got, err)
			}
			if got, err := st.Buy(ctx, b.ID, 5); err != nil || got.Stock != 895 || got.Sold != 105 {
				t.Errorf("Buy after the restart = %+v, %v; want stock 895, sold 105", got, err)
			}
			if err := st.Close(); err != nil { // the final flush
				t.Fatal(err)
			}
			if got, err := f.Durable(ctx, b.ID); err != nil || got.Stock != 895 || got.Sold != 105 {
				t.Errorf("database after close = %+v, %v; want stock 895, sold 105", got, err)
			}
		})
	}
}

func TestCacheFlushesEveryInterval(t *testing.T) {
	for _, k := range []backend.Kind{backend.Redis, backend.Memcached} {
		t.Run(string(k), func(t *testing.T) {
			ctx := context.Background()
			s, _ := bookstore.Lookup("cache")
			st, _ := strategytest.Open(t, s, k, bookstore.Options{FlushEvery: 50 * time.Millisecond})
			b, err := st.Add(ctx, "Emma", 50)
			if err != nil {
				t.Fatal(err)
			}
			for range 10 {
				if _, err := st.Buy(ctx, b.ID, 2); err != nil {
					t.Fatal(err)
				}
			}
			f := st.(bookstore.Flusher)
			deadline := time.Now().Add(5 * time.Second)
			for {
				got, err := f.Durable(ctx, b.ID)
				if err == nil && got.Stock == 30 && got.Sold == 20 {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("the database holds %+v (%v) 5 s after 10 sales of 2 with a 50 ms flush interval; want stock 30, sold 20", got, err)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

// TestCacheSharedByTwoProcesses runs two cache stores, as two server processes
// would, on one cache and one database: their sales of one book add up, in the
// cache and, after both have flushed, in the database.
func TestCacheSharedByTwoProcesses(t *testing.T) {
	for _, k := range []backend.Kind{backend.Redis, backend.Memcached} {
		t.Run(string(k), func(t *testing.T) {
			ctx := context.Background()
			s, _ := bookstore.Lookup("cache")
			one, env := strategytest.Open(t, s, k, bookstore.Options{FlushEvery: time.Hour})
			two, err := s.Open(ctx, env, bookstore.Options{FlushEvery: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			defer two.Close()
			b, err := one.Add(ctx, "Dune", 100)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 40 {
				st := one
				if i%2 == 1 {
					st = two
				}
				if _, err := st.Buy(ctx, b.ID, 2); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := two.Buy(ctx, b.ID, 21); err == nil {
				t.Error("a sale of 21 with 20 in stock succeeded")
			}
			for _, st := range []bookstore.Store{one, two} {
				if err := st.(bookstore.Flusher).Flush(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if got, err := one.(bookstore.Flusher).Durable(ctx, b.ID); err != nil || got.Stock != 20 || got.Sold != 80 {
				t.Errorf("database after both flushed = %+v, %v; want stock 20, sold 80", got, err)
			}
		})
	}
}
