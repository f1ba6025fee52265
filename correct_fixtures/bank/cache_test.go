package bank_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/bank"
	"github.com/lostupdate/lostupdate/correct_fixtures/httpjson/httpjsontest"
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

// deadRedis returns a Redis client for an address where nothing listens: a port
// reserved by listening on it and closing it again. Like the clients of package
// backend, it does not retry commands; it dials once per command, to fail fast.
func deadRedis(t *testing.T) *redis.Client {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { c.Close() })
	return c
}

func TestCacheRedisRefusedIs503AndChangesNothing(t *testing.T) {
	ctx := context.Background()
	s, _ := bank.Lookup("cache")
	// The working store: the account's state, read through the cache that is up.
	st, env := strategytest.Open(t, s, backend.Redis, bank.Options{FlushEvery: time.Hour})
	if _, err := st.CreateAccount(ctx, "joint"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, bank.Request{Account: "joint", Op: bank.Deposit, Amount: 100, RequestID: "seed"}); err != nil {
		t.Fatal(err)
	}

	// The same strategy on the same database and key prefix, with Redis refusing
	// every connection.
	down := &backend.Env{Kind: backend.Redis, Name: env.Name, DB: env.DB, Dialect: env.Dialect, DSN: env.DSN,
		Redis: deadRedis(t), KeyPrefix: env.KeyPrefix}
	down.CacheAddr = down.Redis.Options().Addr
	broken, err := s.Open(ctx, down, bank.Options{FlushEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { broken.Close() }) // its last flush fails: Redis is still down
	srv := httptest.NewServer(bank.NewHandler(broken))
	t.Cleanup(srv.Close)

	const js = "application/json"
	tests := []struct {
		name, method, path, body string
	}{
		{"deposit", "POST", "/accounts/joint/deposit", `{"amount": 50, "request_id": "r-down-1"}`},
		{"withdraw", "POST", "/accounts/joint/withdraw", `{"amount": 30, "request_id": "r-down-2"}`},
		{"balance", "GET", "/accounts/joint", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := js
			if tt.body == "" {
				ct = ""
			}
			a := httpjsontest.Call(t, tt.method, srv.URL+tt.path, ct, tt.body)
			msg, _ := a.Body["error"].(string)
			if a.Status != http.StatusServiceUnavailable || a.Body["code"] != bank.CodeUnavailable || len(a.Body) != 2 {
				t.Errorf("%s %s with Redis refusing connections: %d %s; want 503 with code %q", tt.method, tt.path, a.Status, a.Raw, bank.CodeUnavailable)
			}
			for _, want := range []string{"Redis is unavailable", "connection refused", "the request changed nothing and may be sent again"} {
				if !strings.Contains(msg, want) {
					t.Errorf("%s %s: error %q, want it to say %q", tt.method, tt.path, msg, want)
				}
			}
			if n, err := st.Balance(ctx, "joint"); err != nil || n != 100 {
				t.Errorf("after %s %s: balance %d, %v through the working store; want 100", tt.method, tt.path, n, err)
			}
		})
	}

	// The load harness's Client reads the code back as ErrUnavailable, which is also
	// ErrNotApplied: the workload counts the request as not done.
	client := bank.NewClient(srv.URL, srv.Client())
	_, err = client.Apply(ctx, bank.Request{Account: "joint", Op: bank.Deposit, Amount: 5, RequestID: "r-down-3"})
	if !errors.Is(err, bank.ErrUnavailable) || !errors.Is(err, bank.ErrNotApplied) {
		t.Errorf("Client.Apply with Redis refusing connections = %v; want an error wrapping ErrUnavailable and ErrNotApplied", err)
	}

	// Nothing was decided: the same requests sent again, once Redis answers, are
	// applied now, once.
	up := httptest.NewServer(bank.NewHandler(st))
	t.Cleanup(up.Close)
	for i, want := range []float64{150, 120} {
		tt := tests[i]
		a := httpjsontest.Call(t, tt.method, up.URL+tt.path, js, tt.body)
		if a.Status != http.StatusOK || replayed(a) != "false" || a.Body["balance"] != want {
			t.Errorf("%s sent again with Redis up: %d, replayed %q, %s; want 200, not replayed, balance %v", tt.name, a.Status, replayed(a), a.Raw, want)
		}
	}
	stmt, err := st.Statement(ctx, "joint")
	if err != nil || stmt.Balance != 120 || len(stmt.Ledger) != 3 {
		t.Errorf("statement = %+v, %v; want balance 120 in 3 entries (seed, r-down-1, r-down-2)", stmt, err)
	}
}
