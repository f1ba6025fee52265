package bank_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/bank"
	"github.com/lostupdate/lostupdate/correct_fixtures/strategy/strategytest"
)

// restartCache deletes what the cache holds for the run, as a cache restart would:
// every key under the run's prefix on Redis; on Memcached, which cannot list keys,
// the account's item and the claims of the given request IDs (the keys documented
// on the cache strategy).
func restartCache(t *testing.T, env *backend.Env, account string, requestIDs []string) {
	t.Helper()
	ctx := context.Background()
	switch env.Kind {
	case backend.Redis:
		keys, err := env.Redis.Keys(ctx, env.KeyPrefix+"*").Result()
		if err != nil {
			t.Fatal(err)
		}
		if err := env.Redis.Del(ctx, keys...).Err(); err != nil {
			t.Fatal(err)
		}
	case backend.Memcached:
		keys := []string{env.KeyPrefix + "bank:acct:" + account}
		for _, id := range requestIDs {
			keys = append(keys, env.KeyPrefix+"bank:req:"+id)
		}
		for _, k := range keys {
			if err := env.Memcache.Delete(k); err != nil {
				t.Fatalf("delete %s: %v", k, err)
			}
		}
	}
}

// durableBalance reads the balance the database holds, bypassing the cache.
func durableBalance(t *testing.T, env *backend.Env, id string) int64 {
	t.Helper()
	var n int64
	if err := env.DB.QueryRowContext(context.Background(), `SELECT balance FROM accounts WHERE id = ?`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCacheRestartLosesAtMostOneFlushIntervalAndNoRequestID(t *testing.T) {
	for _, k := range []backend.Kind{backend.Redis, backend.Memcached} {
		t.Run(string(k), func(t *testing.T) {
			ctx := context.Background()
			s, _ := bank.Lookup("cache")
			// A flush interval longer than the test: only the explicit flushes run.
			st, env := strategytest.Open(t, s, k, bank.Options{FlushEvery: time.Hour})
			if _, err := st.CreateAccount(ctx, "joint"); err != nil {
				t.Fatal(err)
			}
			var ids []string
			deposit := func(id string) bank.Receipt {
				t.Helper()
				ids = append(ids, id)
				rc, err := st.Apply(ctx, bank.Request{Account: "joint", Op: bank.Deposit, Amount: 10, RequestID: id})
				if err != nil {
					t.Fatal(err)
				}
				return rc
			}
			var r5 bank.Receipt
			for i := 1; i <= 10; i++ {
				if rc := deposit(fmt.Sprintf("r%d", i)); i == 5 {
					r5 = rc
				}
			}
			flusher := st.(interface{ Flush(context.Context) error })
			if err := flusher.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			for i := 11; i <= 13; i++ { // this interval is not flushed before the "restart"
				deposit(fmt.Sprintf("r%d", i))
			}
			if n, err := st.Balance(ctx, "joint"); err != nil || n != 130 {
				t.Fatalf("balance before the restart = %d, %v; want 130", n, err)
			}
			restartCache(t, env, "joint", ids)

			// The balance is seeded again from the database: the last interval is
			// lost, nothing before it.
			if n, err := st.Balance(ctx, "joint"); err != nil || n != 100 {
				t.Errorf("balance after the restart = %d, %v; want 100 (what was flushed)", n, err)
			}
			// A retry of a request that was flushed is answered from the database,
			// not applied again, though the cache forgot its request ID.
			rc, err := st.Apply(ctx, bank.Request{Account: "joint", Op: bank.Deposit, Amount: 10, RequestID: "r5"})
			if err != nil || !rc.Replayed || rc.Balance != r5.Balance {
				t.Errorf("r5 again after the restart = %+v, %v; want the first receipt %+v, replayed", rc, err, r5)
			}
			// A retry of a request lost in the restart is applied: once, now.
			if rc := deposit("r12"); rc.Replayed || rc.Balance != 110 {
				t.Errorf("r12 again after the restart = %+v; want applied now, balance 110", rc)
			}
			if err := st.Close(); err != nil { // the final flush
				t.Fatal(err)
			}
			stmt, err := st.Statement(ctx, "joint")
			if err != nil {
				t.Fatal(err)
			}
			var sum int64
			for _, e := range stmt.Ledger {
				sum += e.Amount
			}
			if stmt.Balance != 110 || sum != 110 || len(stmt.Ledger) != 11 {
				t.Errorf("after close the database holds balance %d, ledger sum %d in %d entries; want 110 in 11 (r1…r10, r12)", stmt.Balance, sum, len(stmt.Ledger))
			}
		})
	}
}

func TestCacheFlushesEveryInterval(t *testing.T) {
	for _, k := range []backend.Kind{backend.Redis, backend.Memcached} {
		t.Run(string(k), func(t *testing.T) {
			ctx := context.Background()
			s, _ := bank.Lookup("cache")
			st, env := strategytest.Open(t, s, k, bank.Options{FlushEvery: 50 * time.Millisecond})
			if _, err := st.CreateAccount(ctx, "joint"); err != nil {
				t.Fatal(err)
			}
			for i := range 10 {
				op := bank.Deposit
				if i%3 == 2 {
					op = bank.Withdraw
				}
				if _, err := st.Apply(ctx, bank.Request{Account: "joint", Op: op, Amount: 5, RequestID: fmt.Sprint("f", i)}); err != nil {
					t.Fatal(err)
				}
			}
			deadline := time.Now().Add(5 * time.Second)
			for n := durableBalance(t, env, "joint"); n != 20; n = durableBalance(t, env, "joint") {
				if time.Now().After(deadline) {
					t.Fatalf("the database holds %d 5 s after 7 deposits and 3 withdrawals of 5 with a 50 ms flush interval; want 20", n)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

// TestMemcachedFlushesAFullItem shows that the Memcached item, rewritten whole by
// every decision, does not grow past its bound between two flushes: a full item is
// written through at once.
func TestMemcachedFlushesAFullItem(t *testing.T) {
	ctx := context.Background()
	s, _ := bank.Lookup("cache")
	st, env := strategytest.Open(t, s, backend.Memcached, bank.Options{FlushEvery: time.Hour})
	if _, err := st.CreateAccount(ctx, "joint"); err != nil {
		t.Fatal(err)
	}
	for i := range 450 {
		if _, err := st.Apply(ctx, bank.Request{Account: "joint", Op: bank.Deposit, Amount: 1, RequestID: fmt.Sprint("m", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if n := durableBalance(t, env, "joint"); n < 400 {
		t.Errorf("the database holds %d after 450 deposits of 1 and no timed flush; want at least 400 written through by full items", n)
	}
	if n, err := st.Balance(ctx, "joint"); err != nil || n != 450 {
		t.Errorf("balance = %d, %v; want 450", n, err)
	}
}
