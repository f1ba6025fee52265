package chaos_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/backend/backendtest"
	"github.com/lostupdate/lostupdate/correct_fixtures/chaos"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// TestKillHitsOnlyTheRun checks that the monkey drops the run's connections and
// leaves another run on the same server alone.
func TestKillHitsOnlyTheRun(t *testing.T) {
	for _, k := range []backend.Kind{backend.Postgres, backend.MariaDB, backend.Redis} {
		t.Run(string(k), func(t *testing.T) {
			ctx := context.Background()
			victim := backendtest.Require(t, k, backend.Options{})
			bystander := backendtest.Require(t, k, backend.Options{})
			ping := func(e *backend.Env) error {
				if k == backend.Redis {
					return e.Redis.Ping(ctx).Err()
				}
				_, err := e.DB.ExecContext(ctx, "SELECT 1")
				return err
			}
			for _, e := range []*backend.Env{victim, bystander} {
				if err := ping(e); err != nil {
					t.Fatal(err)
				}
			}
			m, err := chaos.For(victim)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			n, err := m.Kill(ctx)
			if err != nil || n < 1 {
				t.Fatalf("Kill = %d, %v; want at least the victim's pooled connection", n, err)
			}
			// The server has none of the victim's connections left, for a moment, but the
			// monkey's own (on SQL servers it connects to the victim's database).
			own := 0
			if k != backend.Redis {
				own = 1
			}
			if left := waitForConnections(t, k, bystander, victim.Name, own); left != own {
				t.Errorf("after Kill the server has %d connections to the victim's database, want %d (the monkey's)", left, own)
			}
			// The victim's next statement either notices and reconnects (go-sql-driver/mysql
			// and go-redis check idle connections) or fails as a lost connection (pgx).
			if err := ping(victim); err != nil && !dberr.ConnectionLost(err) {
				t.Errorf("victim's next statement = %v, want success or a lost connection", err)
			}
			if err := ping(bystander); err != nil {
				t.Errorf("bystander's next statement = %v, want no error", err)
			}
		})
	}
}

// waitForConnections polls, through observer, how many connections run name has on
// the server, until there are want or two seconds have passed.
func waitForConnections(t *testing.T, k backend.Kind, observer *backend.Env, name string, want int) int {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(2 * time.Second)
	for {
		n := 0
		var err error
		switch k {
		case backend.Postgres:
			err = observer.DB.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = $1`, name).Scan(&n)
		case backend.MariaDB:
			err = observer.DB.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.PROCESSLIST WHERE db = ?`, name).Scan(&n)
		case backend.Redis:
			var list string
			list, err = observer.Redis.ClientList(ctx).Result()
			n = strings.Count(list, " name="+name+" ")
		}
		if err != nil {
			t.Fatal(err)
		}
		if n == want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestProxyDropsConnectionsAndAcceptsNewOnes(t *testing.T) {
	bo := backend.Options{}
	proxy, err := chaos.Prepare(backend.Memcached, &bo)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	if bo.DSN != proxy.Addr() {
		t.Fatalf("Prepare left the DSN at %q, want the proxy's %q", bo.DSN, proxy.Addr())
	}
	env := backendtest.Require(t, backend.Memcached, bo)
	if err := env.Memcache.Ping(); err != nil {
		t.Fatal(err)
	}
	n, err := proxy.Kill(context.Background())
	if err != nil || n < 1 {
		t.Fatalf("Kill = %d, %v; want the client's idle connection", n, err)
	}
	// gomemcache does not notice a dropped idle connection: the next command fails
	// once, and the one after it connects again.
	first := env.Memcache.Ping()
	if err := env.Memcache.Ping(); err != nil {
		t.Errorf("ping after the dropped connection was replaced = %v (the first one said %v)", err, first)
	}
	if p, _ := chaos.Prepare(backend.Postgres, &bo); p != nil {
		t.Error("Prepare made a proxy for PostgreSQL, which has pg_terminate_backend")
	}
}
