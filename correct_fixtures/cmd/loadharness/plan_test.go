package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/backend/backendtest"
	"github.com/lostupdate/lostupdate/correct_fixtures/internal/registry"
)

// TestRunSkipsWhatCannotRunAndRunsTheRest lists strategies of both kinds together:
// each runs on the backends it supports, and the others are reported as skipped with
// the reason, in the table's notes and as JSON objects after the rows.
func TestRunSkipsWhatCannotRunAndRunsTheRest(t *testing.T) {
	tests := []struct {
		name        string
		needs       []backend.Kind // servers the test needs besides SQLite
		args        []string
		wantRows    []string          // strategy/backend, in order
		wantSkipped map[string]string // strategy/backend → part of the reason
	}{
		{
			name:     "cache strategies among SQL ones on SQLite",
			args:     []string{"-backend", "sqlite", "-strategy", "atomic,cache,racy-cache"},
			wantRows: []string{"atomic/sqlite"},
			wantSkipped: map[string]string{
				"cache/sqlite":      "the cache strategy runs on redis or memcached",
				"racy-cache/sqlite": "the racy cache original runs on redis or memcached",
			},
		},
		{
			name:        "advisory beside upsert on SQLite",
			args:        []string{"-backend", "sqlite", "-strategy", "advisory,upsert"},
			wantRows:    []string{"upsert/sqlite"},
			wantSkipped: map[string]string{"advisory/sqlite": "SQLite has no advisory locks; use forupdate"},
		},
		{
			name:        "a strategy the service refuses beside one it runs",
			args:        []string{"-service", "bank", "-backend", "sqlite", "-strategy", "upsert,atomic"},
			wantRows:    []string{"atomic/sqlite"},
			wantSkipped: map[string]string{"upsert/sqlite": "a deposit to an account nobody opened must be refused"},
		},
		{
			name:        "the bank's cache strategy beside one it runs",
			args:        []string{"-service", "bank", "-backend", "sqlite", "-strategy", "cache,atomic"},
			wantRows:    []string{"atomic/sqlite"},
			wantSkipped: map[string]string{"cache/sqlite": "the bank has no cache strategy: a cache that acknowledges a deposit before the database has it"},
		},
		{
			name:     "SQL and cache strategies on a SQL and a cache backend",
			needs:    []backend.Kind{backend.Redis},
			args:     []string{"-backend", "sqlite,redis", "-strategy", "atomic,cache"},
			wantRows: []string{"atomic/sqlite", "cache/redis"},
			wantSkipped: map[string]string{
				"cache/sqlite": "the cache strategy runs on redis or memcached",
				"atomic/redis": "a cache has no transactions or SQL; use strategy cache",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range tt.needs {
				backendtest.Require(t, k, backend.Options{}) // skip, or fail under CI=true, if the server is down
			}
			args := append(tt.args, "-workers", "4", "-ops", "60")

			// -json: the rows, then one object per skipped combination.
			var out, errOut bytes.Buffer
			if code := run(context.Background(), append(args, "-json"), &out, &errOut); code != 0 {
				t.Fatalf("-json: exit %d; stderr:\n%s", code, errOut.String())
			}
			var rows []string
			skipped := map[string]string{}
			for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
				var obj struct {
					Service, Strategy, Backend string
					Ops, Lost                  int64
					Skipped                    *string
				}
				if err := json.Unmarshal([]byte(line), &obj); err != nil {
					t.Fatalf("line %q: %v", line, err)
				}
				id := obj.Strategy + "/" + obj.Backend
				if obj.Skipped != nil {
					skipped[id] = *obj.Skipped
					if strings.Contains(line, `"ops"`) {
						t.Errorf("skipped line %q carries measurements", line)
					}
					continue
				}
				if len(skipped) > 0 {
					t.Errorf("row %q after a skipped line: the rows come first", line)
				}
				if obj.Ops != 60 || obj.Lost != 0 {
					t.Errorf("row %q: want 60 operations and nothing lost", line)
				}
				rows = append(rows, id)
			}
			if !slices.Equal(rows, tt.wantRows) {
				t.Errorf("-json rows %v, want %v", rows, tt.wantRows)
			}
			if len(skipped) != len(tt.wantSkipped) {
				t.Errorf("-json skipped %v, want %v", skipped, tt.wantSkipped)
			}
			for id, why := range tt.wantSkipped {
				if !strings.Contains(skipped[id], why) {
					t.Errorf("-json: %s skipped with %q, want it to say %q", id, skipped[id], why)
				}
			}

			// The table: the rows, then a note per skipped strategy and reason.
			out.Reset()
			errOut.Reset()
			if code := run(context.Background(), args, &out, &errOut); code != 0 {
				t.Fatalf("table: exit %d; stderr:\n%s", code, errOut.String())
			}
			text := out.String()
			for id, why := range tt.wantSkipped {
				strategy, kind, _ := strings.Cut(id, "/")
				svc := "counter"
				if slices.Contains(tt.args, "bank") {
					svc = "bank"
				}
				prefix := fmt.Sprintf("note: skipped %s/%s on ", svc, strategy)
				i := strings.Index(text, prefix)
				if i < 0 {
					t.Errorf("table output has no %q:\n%s", prefix, text)
					continue
				}
				line, _, _ := strings.Cut(text[i:], "\n")
				if !strings.Contains(line, kind) || !strings.Contains(line, why) {
					t.Errorf("note %q does not name %s and %q", line, kind, why)
				}
			}
			if strings.Contains(errOut.String(), "\r") {
				t.Errorf("stderr is not a terminal, yet it got a progress line: %q", errOut.String())
			}
		})
	}
}

// TestRunExitsTwoWhenNothingCanRun: when every combination is skipped, the exit
// status is 2 and stderr says why for each; under -json the skipped combinations are
// printed on stdout as well.
func TestRunExitsTwoWhenNothingCanRun(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantErr  []string
		wantJSON int // skipped objects on stdout under -json
	}{
		{"a cache strategy and advisory on SQLite", []string{"-backend", "sqlite", "-strategy", "cache,advisory"},
			[]string{"nothing to run", "skipped counter/cache on sqlite: the cache strategy runs on redis or memcached", "skipped counter/advisory on sqlite: SQLite has no advisory locks"}, 2},
		{"SQL strategies on a cache", []string{"-backend", "redis,memcached", "-strategy", "atomic,upsert"},
			[]string{"skipped counter/atomic on redis, memcached: a cache has no transactions or SQL", "skipped counter/upsert on redis, memcached"}, 4},
		{"the bank's cache strategy", []string{"-service", "bank", "-strategy", "cache"},
			[]string{"nothing to run: -service bank -strategy cache -backend all names no combination that can run here",
				"skipped bank/cache on postgres, mariadb, sqlite, redis, memcached: the bank has no cache strategy: a cache that acknowledges a deposit " +
					"before the database has it can lose acknowledged money when it restarts; use atomic (or forupdate, optimistic, serializable, advisory)"}, 5},
		{"the bank on a cache", []string{"-service", "bank", "-strategy", "atomic,forupdate", "-backend", "redis"},
			[]string{"skipped bank/atomic on redis: the bank runs on a SQL database only (postgres, mariadb or sqlite)",
				"skipped bank/forupdate on redis: the bank runs on a SQL database only"}, 2},
		{"chaos on SQLite", []string{"-backend", "sqlite", "-strategy", "atomic", "-chaos"},
			[]string{"skipped counter/atomic on sqlite: SQLite is embedded, there is no server connection to drop"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, jsonOut := range []bool{false, true} {
				args := append(tt.args, "-ops", "10")
				if jsonOut {
					args = append(args, "-json")
				}
				var out, errOut bytes.Buffer
				code := run(context.Background(), args, &out, &errOut)
				if code != 2 {
					t.Errorf("json %v: exit %d, want 2; stderr:\n%s", jsonOut, code, errOut.String())
				}
				for _, want := range tt.wantErr {
					if !strings.Contains(errOut.String(), want) {
						t.Errorf("json %v: stderr lacks %q:\n%s", jsonOut, want, errOut.String())
					}
				}
				lines := strings.Fields(strings.TrimSpace(out.String()))
				if jsonOut && (len(strings.Split(strings.TrimSpace(out.String()), "\n")) != tt.wantJSON || !strings.Contains(out.String(), `"skipped":`)) {
					t.Errorf("-json stdout = %q, want %d skipped objects", out.String(), tt.wantJSON)
				}
				if !jsonOut && len(lines) > 0 {
					t.Errorf("stdout = %q, want nothing: there is no table", out.String())
				}
			}
		})
	}
}

// TestPlanInProcess checks what -strategy all plans for each service: the bank has
// no cache strategy, so neither a run nor a skip of bank/cache is planned (every
// bank strategy is skipped on the caches, with the bank's reason), while the counter
// and the bookstore still run theirs on Redis and Memcached. Planning contacts no
// server.
func TestPlanInProcess(t *testing.T) {
	const bankOnCache = "the bank runs on a SQL database only (postgres, mariadb or sqlite): a cache has no transaction " +
		"that changes the balance, books the ledger entry and records the request_id together, and the bank has no cache strategy"
	tests := []struct {
		name string
		args []string
		// wantRuns and wantSkips list strategy/backend, in the plan's order.
		wantRuns, wantSkips []string
		// skipReason, if set, is the reason of every skip.
		skipReason string
	}{
		{
			name: "the bank, every strategy on every backend",
			args: []string{"-service", "bank", "-strategy", "all", "-backend", "all"},
			wantRuns: []string{
				"racy/postgres", "forupdate/postgres", "atomic/postgres", "optimistic/postgres", "serializable/postgres", "advisory/postgres",
				"racy/mariadb", "forupdate/mariadb", "atomic/mariadb", "optimistic/mariadb", "serializable/mariadb", "advisory/mariadb",
				"racy/sqlite", "forupdate/sqlite", "atomic/sqlite", "optimistic/sqlite", "serializable/sqlite",
			},
			wantSkips: []string{
				"advisory/sqlite",
				"racy/redis", "forupdate/redis", "atomic/redis", "optimistic/redis", "serializable/redis", "advisory/redis",
				"racy/memcached", "forupdate/memcached", "atomic/memcached", "optimistic/memcached", "serializable/memcached", "advisory/memcached",
			},
		},
		{
			name:       "the bank on the caches",
			args:       []string{"-service", "bank", "-strategy", "all", "-backend", "redis,memcached"},
			wantSkips:  []string{"racy/redis", "forupdate/redis", "atomic/redis", "optimistic/redis", "serializable/redis", "advisory/redis", "racy/memcached", "forupdate/memcached", "atomic/memcached", "optimistic/memcached", "serializable/memcached", "advisory/memcached"},
			skipReason: bankOnCache,
		},
		{
			name:      "the bank's cache strategy, named",
			args:      []string{"-service", "bank", "-strategy", "cache", "-backend", "postgres,redis"},
			wantSkips: []string{"cache/postgres", "cache/redis"},
			skipReason: "the bank has no cache strategy: a cache that acknowledges a deposit before the database has it can lose acknowledged money when it restarts; " +
				"use atomic (or forupdate, optimistic, serializable, advisory)",
		},
		{
			name:     "the counter keeps its cache strategy",
			args:     []string{"-service", "counter", "-strategy", "all", "-backend", "redis,memcached"},
			wantRuns: []string{"racy-cache/redis", "cache/redis", "racy-cache/memcached", "cache/memcached"},
			wantSkips: []string{
				"racy/redis", "forupdate/redis", "atomic/redis", "upsert/redis", "optimistic/redis", "serializable/redis", "advisory/redis",
				"racy/memcached", "forupdate/memcached", "atomic/memcached", "upsert/memcached", "optimistic/memcached", "serializable/memcached", "advisory/memcached",
			},
			skipReason: "a cache has no transactions or SQL; use strategy cache",
		},
		{
			name:     "the bookstore keeps its cache strategy",
			args:     []string{"-service", "bookstore", "-strategy", "cache", "-backend", "redis,memcached"},
			wantRuns: []string{"cache/redis", "cache/memcached"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseFlags(tt.args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			svc, err := registry.Lookup(c.service)
			if err != nil {
				t.Fatal(err)
			}
			p, err := planInProcess(context.Background(), c, svc)
			if err != nil {
				t.Fatal(err)
			}
			var runs, skips []string
			for _, r := range p.runs {
				runs = append(runs, r.st.Name+"/"+string(r.kind))
			}
			for _, s := range p.skips {
				skips = append(skips, s.Strategy+"/"+s.Backend)
				if s.Service != svc.Name || (tt.skipReason != "" && s.Skipped != tt.skipReason) {
					t.Errorf("skip %+v, want service %s and reason %q", s, svc.Name, tt.skipReason)
				}
			}
			if !slices.Equal(runs, tt.wantRuns) {
				t.Errorf("runs %v\nwant %v", runs, tt.wantRuns)
			}
			if !slices.Equal(skips, tt.wantSkips) {
				t.Errorf("skips %v\nwant %v", skips, tt.wantSkips)
			}
		})
	}
}

func TestReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("counter strategy %q on sqlite: %w: SQLite has no advisory locks", "advisory", backend.ErrUnsupported), "SQLite has no advisory locks"},
		{fmt.Errorf("chaos on sqlite: %w: SQLite is embedded", backend.ErrUnsupported), "SQLite is embedded"},
		{fmt.Errorf("open postgres: %w: connection refused", backend.ErrUnavailable), "open postgres: backend server unavailable: connection refused"},
		{errors.New("something else"), "something else"},
		{nil, "refused"},
	}
	for _, tt := range tests {
		if got := reason(tt.err); got != tt.want {
			t.Errorf("reason(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestSkipNotes(t *testing.T) {
	tests := []struct {
		name  string
		skips []skip
		want  []string
	}{
		{"none", nil, []string{}},
		{"one strategy and reason on two backends is one line", []skip{
			{"counter", "atomic", "redis", "a cache has no SQL"}, {"counter", "atomic", "memcached", "a cache has no SQL"},
		}, []string{"skipped counter/atomic on redis, memcached: a cache has no SQL"}},
		{"another reason is another line, in the order of first appearance", []skip{
			{"counter", "advisory", "redis", "a cache has no SQL"}, {"counter", "advisory", "sqlite", "SQLite has no advisory locks"},
			{"counter", "advisory", "memcached", "a cache has no SQL"},
		}, []string{"skipped counter/advisory on redis, memcached: a cache has no SQL", "skipped counter/advisory on sqlite: SQLite has no advisory locks"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := skipNotes(tt.skips); !slices.Equal(got, tt.want) {
				t.Errorf("skipNotes = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAddSkipKeepsOneEntryPerCombination(t *testing.T) {
	var skips []skip
	for range 3 { // three rounds of -repeat
		skips = addSkip(skips, skip{"counter", "atomic", "postgres", "PostgreSQL is down"})
		skips = addSkip(skips, skip{"counter", "upsert", "postgres", "PostgreSQL is down"})
	}
	if len(skips) != 2 {
		t.Errorf("after three rounds: %v, want two entries", skips)
	}
}
