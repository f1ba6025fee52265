package backend_test

import (
	"context"
	"errors"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/backend/backendtest"
)

func TestParseKind(t *testing.T) {
	tests := []struct {
		in   string
		want backend.Kind
	}{{"postgres", backend.Postgres}, {"PostgreSQL", backend.Postgres}, {"mysql", backend.MariaDB}, {"sqlite3", backend.SQLite}, {"memcache", backend.Memcached}}
	for _, tt := range tests {
		if got, err := backend.ParseKind(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseKind(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := backend.ParseKind("oracle"); err == nil {
		t.Error("ParseKind(oracle) succeeded")
	}
}

// TestProvisionIsolatesRuns checks that two runs on one server do not see each
// other's tables and that Close removes a run's database.
func TestProvisionIsolatesRuns(t *testing.T) {
	tests := []struct {
		kind   backend.Kind
		exists string // counts databases named $1 / ?
	}{
		{backend.Postgres, `SELECT count(*) FROM pg_database WHERE datname = $1`},
		{backend.MariaDB, `SELECT count(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?`},
		{backend.SQLite, ``},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			ctx := context.Background()
			a := backendtest.Require(t, tt.kind, backend.Options{})
			b, err := backend.Provision(ctx, tt.kind, backend.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if a.Name == b.Name || a.DSN == b.DSN {
				t.Fatalf("two runs share %q / %q", a.Name, a.DSN)
			}
			if _, err := a.DB.ExecContext(ctx, `CREATE TABLE only_in_a (id INTEGER PRIMARY KEY)`); err != nil {
				t.Fatal(err)
			}
			if _, err := b.DB.ExecContext(ctx, `SELECT count(*) FROM only_in_a`); err == nil {
				t.Error("run b sees run a's table")
			}
			if err := b.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if tt.exists == "" {
				return
			}
			var n int
			if err := a.DB.QueryRowContext(ctx, tt.exists, b.Name).Scan(&n); err != nil || n != 0 {
				t.Errorf("after Close, database %s still exists (%d, %v)", b.Name, n, err)
			}
		})
	}
}

func TestProvisionCacheGetsAKeyPrefixAndAFlushDatabase(t *testing.T) {
	for _, k := range []backend.Kind{backend.Redis, backend.Memcached} {
		t.Run(string(k), func(t *testing.T) {
			env := backendtest.Require(t, k, backend.Options{})
			if env.KeyPrefix == "" || env.DB == nil || env.Dialect != backend.SQLite {
				t.Errorf("cache env: prefix %q, DB %v, dialect %q; want a prefix and a SQLite database", env.KeyPrefix, env.DB, env.Dialect)
			}
		})
	}
}

func TestUnreachableServerIsReportedAsUnavailable(t *testing.T) {
	ctx := context.Background()
	// Port 1 on loopback: nothing listens there.
	for kind, dsn := range map[backend.Kind]string{
		backend.Postgres:  "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=2",
		backend.MariaDB:   "root@tcp(127.0.0.1:1)/test?timeout=2s",
		backend.Redis:     "redis://127.0.0.1:1/0",
		backend.Memcached: "127.0.0.1:1",
	} {
		_, err := backend.Provision(ctx, kind, backend.Options{DSN: dsn})
		if !errors.Is(err, backend.ErrUnavailable) {
			t.Errorf("Provision(%s at port 1) = %v, want ErrUnavailable", kind, err)
		}
	}
}
