package strategy_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/retry"
	"github.com/lostupdate/lostupdate/correct_fixtures/strategy"
)

// shop is a service whose Migrate fails on a run named "broken".
type shop struct{}

func (shop) Name() string { return "shop" }
func (shop) Migrate(_ context.Context, env *backend.Env) error {
	if env.Name == "broken" {
		return errors.New("shop: migrate: broken")
	}
	return nil
}
func (shop) Refusal(name string, k backend.Kind) string { return strategy.Refusal(name, k) }

func strategies() []strategy.Strategy[string, shop] {
	build := func(_ context.Context, env *backend.Env, _ strategy.Options) (string, error) {
		return "store on " + string(env.Kind), nil
	}
	return []strategy.Strategy[string, shop]{
		{Name: "advisory", Backends: []backend.Kind{backend.Postgres, backend.MariaDB}, New: build},
		{Name: "cache", Backends: []backend.Kind{backend.Redis}, New: build},
		{Name: "racy-cache", Backends: []backend.Kind{backend.Redis, backend.Memcached}, New: build},
	}
}

func TestOpen(t *testing.T) {
	tests := []struct {
		strategy    string
		kind        backend.Kind
		run         string
		want        string // the store, or what the error says
		unsupported bool
	}{
		{"advisory", backend.SQLite, "", `shop strategy "advisory" on sqlite: not supported on this backend: SQLite has no advisory locks`, true},
		{"advisory", backend.Redis, "", "a cache has no transactions or SQL; use strategy cache", true},
		{"cache", backend.Postgres, "", "the cache strategy runs on redis or memcached", true},
		{"racy-cache", backend.Postgres, "", "the racy cache original runs on redis or memcached", true},
		{"advisory", backend.Postgres, "broken", "shop: migrate: broken", false}, // Migrate runs before New
		{"advisory", backend.MariaDB, "", "store on mariadb", false},
		{"cache", backend.Redis, "", "store on redis", false},
	}
	for _, tt := range tests {
		t.Run(tt.strategy+"/"+string(tt.kind), func(t *testing.T) {
			s, err := strategy.Lookup(strategies(), tt.strategy)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Open(context.Background(), &backend.Env{Kind: tt.kind, Name: tt.run}, strategy.Options{})
			if errors.Is(err, backend.ErrUnsupported) != tt.unsupported {
				t.Errorf("Open = %v, want ErrUnsupported %v", err, tt.unsupported)
			}
			if msg := got + errString(err); !strings.Contains(msg, tt.want) {
				t.Errorf("Open = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// vault is a service with no cache strategy, like the bank: its Refusal replaces the
// shared reason for a cache, which would send the client to a cache strategy it has
// not, and keeps the shared reasons for the rest.
type vault struct{}

func (vault) Name() string                                { return "vault" }
func (vault) Migrate(context.Context, *backend.Env) error { return nil }
func (vault) Refusal(name string, k backend.Kind) string {
	if k.IsCache() {
		return "the vault runs on a SQL database only, and has no cache strategy"
	}
	return strategy.Refusal(name, k)
}

func TestOpenGivesTheServicesOwnReason(t *testing.T) {
	build := func(_ context.Context, env *backend.Env, _ strategy.Options) (string, error) {
		return "store on " + string(env.Kind), nil
	}
	list := []strategy.Strategy[string, vault]{
		{Name: "atomic", Backends: []backend.Kind{backend.Postgres, backend.SQLite}, New: build},
		{Name: "advisory", Backends: []backend.Kind{backend.Postgres}, New: build},
	}
	tests := []struct {
		strategy string
		kind     backend.Kind
		want     string // the whole error
	}{
		{"atomic", backend.Redis, `vault strategy "atomic" on redis: not supported on this backend: the vault runs on a SQL database only, and has no cache strategy`},
		{"advisory", backend.Memcached, `vault strategy "advisory" on memcached: not supported on this backend: the vault runs on a SQL database only, and has no cache strategy`},
		{"advisory", backend.SQLite, `vault strategy "advisory" on sqlite: not supported on this backend: SQLite has no advisory locks; use forupdate, which takes SQLite's write lock with BEGIN IMMEDIATE`},
	}
	for _, tt := range tests {
		t.Run(tt.strategy+"/"+string(tt.kind), func(t *testing.T) {
			s, err := strategy.Lookup(list, tt.strategy)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Open(context.Background(), &backend.Env{Kind: tt.kind}, strategy.Options{})
			if !errors.Is(err, backend.ErrUnsupported) || err.Error() != tt.want {
				t.Errorf("Open = %q, %v\nwant ErrUnsupported: %s", got, err, tt.want)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestLookupUnknown(t *testing.T) {
	_, err := strategy.Lookup(strategies(), "pessimistic")
	if want := `unknown shop strategy "pessimistic": want one of advisory, cache, racy-cache`; err == nil || err.Error() != want {
		t.Errorf("Lookup(pessimistic) = %v, want %q", err, want)
	}
}

func TestOptionsDefaults(t *testing.T) {
	tests := []struct {
		name      string
		o         strategy.Options
		wantRetry retry.Policy
		wantFlush time.Duration
	}{
		{"zero", strategy.Options{}, retry.Default(), time.Second},
		{"set", strategy.Options{Retry: retry.Policy{Attempts: 3}, FlushEvery: time.Millisecond}, retry.Policy{Attempts: 3}, time.Millisecond},
		{"negative interval", strategy.Options{FlushEvery: -time.Second}, retry.Default(), time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.o.RetryPolicy(); got != tt.wantRetry {
				t.Errorf("RetryPolicy() = %+v, want %+v", got, tt.wantRetry)
			}
			if got := tt.o.FlushInterval(); got != tt.wantFlush {
				t.Errorf("FlushInterval() = %v, want %v", got, tt.wantFlush)
			}
		})
	}
}
