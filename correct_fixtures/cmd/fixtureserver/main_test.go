package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/internal/fixtureid"
)

// TestServeCounterAndShutDown serves the counter, increments it over HTTP,
// and (in serve's cleanup) shuts the server down, which must stop cleanly.
func TestServeCounterAndShutDown(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "counter.db")
	base := serve(t, "-strategy", "upsert", "-backend", "sqlite", "-dsn", dsn)
	resp, err := http.Post(base+"/counters/home/incr", "application/json", strings.NewReader(`{"by": 4}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct{ N int64 }
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 || got.N != 4 {
		t.Errorf("POST incr = %d, %+v, %v; want 200 with n = 4", resp.StatusCode, got, err)
	}
}

// serve starts run with args on a free loopback port and returns its base URL once
// it answers; the server is shut down, and must stop cleanly, when the test ends.
func serve(t *testing.T, args ...string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, append(args, "-addr", addr), &stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run after shutdown = %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("server did not shut down")
		}
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("server stopped: %v; stderr: %s", err, stderr.String())
		default:
		}
		resp, err := http.Get("http://" + addr + fixtureid.Path)
		if err == nil {
			resp.Body.Close()
			return "http://" + addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not answer: %v; stderr: %s", err, stderr.String())
		}
	}
}

// TestSaysWhatItRuns checks GET /_fixture for each service: the service, strategy and
// backend the server was started with; the service's own routes are still served
// beside it.
func TestSaysWhatItRuns(t *testing.T) {
	tests := []struct {
		args      []string
		want      fixtureid.Identity
		routePath string // a GET route of the service, answered by the service
	}{
		{[]string{"-service", "counter", "-strategy", "upsert"}, fixtureid.Identity{Service: "counter", Strategy: "upsert", Backend: "sqlite"}, "/counters/nobody"},
		{[]string{"-service", "counter", "-strategy", "racy"}, fixtureid.Identity{Service: "counter", Strategy: "racy", Backend: "sqlite"}, "/counters/nobody"},
		{[]string{"-service", "bank", "-strategy", "forupdate"}, fixtureid.Identity{Service: "bank", Strategy: "forupdate", Backend: "sqlite"}, "/accounts/nobody"},
		{[]string{"-service", "bookstore", "-strategy", "gorm-atomic"}, fixtureid.Identity{Service: "bookstore", Strategy: "gorm-atomic", Backend: "sqlite"}, "/books/424242"},
	}
	for _, tt := range tests {
		t.Run(tt.want.String(), func(t *testing.T) {
			base := serve(t, append(tt.args, "-backend", "sqlite", "-dsn", filepath.Join(t.TempDir(), "x.db"))...)
			got, err := fixtureid.Fetch(context.Background(), http.DefaultClient, base)
			if err != nil || got != tt.want {
				t.Errorf("GET /_fixture = %+v, %v; want %+v", got, err, tt.want)
			}
			resp, err := http.Post(base+fixtureid.Path, "application/json", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("POST /_fixture = %d, Allow %q; want 405, Allow \"GET, HEAD\"", resp.StatusCode, resp.Header.Get("Allow"))
			}
			resp, err = http.Get(base + tt.routePath)
			if err != nil {
				t.Fatal(err)
			}
			var body struct{ Error string }
			err = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound || err != nil || body.Error == "" || strings.Contains(body.Error, "no route") {
				t.Errorf("GET %s = %d, %+v, %v; want the service's own 404 for a missing record", tt.routePath, resp.StatusCode, body, err)
			}
		})
	}
}

// TestRefusesWhatItCannotServe: a strategy the service does not have, or one that
// does not run on the backend, is refused with the reason before any server is
// contacted (the DSN names a port nothing listens on, and no SQLite file appears).
func TestRefusesWhatItCannotServe(t *testing.T) {
	const noCache = `service bank refuses strategy "cache": not supported on this backend: the bank has no cache strategy: ` +
		"a cache that acknowledges a deposit before the database has it can lose acknowledged money when it restarts; " +
		"use atomic (or forupdate, optimistic, serializable, advisory)"
	tests := []struct {
		name string
		args []string
		want string // the whole error
	}{
		{"advisory on SQLite", []string{"-strategy", "advisory", "-backend", "sqlite"},
			`counter strategy "advisory" on sqlite: not supported on this backend: SQLite has no advisory locks; use forupdate, which takes SQLite's write lock with BEGIN IMMEDIATE`},
		{"the bank's cache strategy on SQLite", []string{"-service", "bank", "-strategy", "cache", "-backend", "sqlite"}, noCache},
		{"the bank's cache strategy on Redis", []string{"-service", "bank", "-strategy", "cache", "-backend", "redis"}, noCache},
		{"the bank's cache strategy on Memcached", []string{"-service", "bank", "-strategy", "cache", "-backend", "memcached"}, noCache},
		{"the bank's upsert", []string{"-service", "bank", "-strategy", "upsert", "-backend", "postgres"},
			`service bank refuses strategy "upsert": not supported on this backend: an upsert (INSERT … ON CONFLICT DO UPDATE) creates the row it does not find, ` +
				"but a deposit to an account nobody opened must be refused (404), not open one; and a withdrawal needs a floor and a ledger entry in the same transaction, " +
				"which is the atomic strategy: UPDATE … SET balance = balance - $1 WHERE id = $2 AND balance >= $1"},
		{"a bank strategy on Redis", []string{"-service", "bank", "-strategy", "atomic", "-backend", "redis"},
			`bank strategy "atomic" on redis: not supported on this backend: the bank runs on a SQL database only (postgres, mariadb or sqlite): ` +
				"a cache has no transaction that changes the balance, books the ledger entry and records the request_id together, and the bank has no cache strategy"},
		{"the bank's racy original on Memcached", []string{"-service", "bank", "-strategy", "racy", "-backend", "memcached"},
			`bank strategy "racy" on memcached: not supported on this backend: the bank runs on a SQL database only`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir) // where a SQLite database would be created by default
			var stderr bytes.Buffer
			err := run(context.Background(), append(tt.args, "-dsn", "127.0.0.1:1", "-flush-dsn", "127.0.0.1:1"), &stderr)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("run %v = %v\nwant %s", tt.args, err, tt.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("run %v created %v: it touched a backend before refusing", tt.args, entries)
			}
		})
	}
}
