package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
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

func TestRefusesAStrategyTheBackendCannotRun(t *testing.T) {
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"-strategy", "advisory", "-backend", "sqlite", "-dsn", filepath.Join(t.TempDir(), "x.db")}, &stderr)
	if err == nil || !strings.Contains(err.Error(), "SQLite has no advisory locks") {
		t.Errorf("run advisory on sqlite = %v, want a refusal", err)
	}
}
