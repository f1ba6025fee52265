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
)

func TestServeCounterAndShutDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	done := make(chan error, 1)
	dsn := filepath.Join(t.TempDir(), "counter.db")
	go func() {
		done <- run(ctx, []string{"-strategy", "upsert", "-backend", "sqlite", "-dsn", dsn, "-addr", addr}, &stderr)
	}()

	var resp *http.Response
	for deadline := time.Now().Add(10 * time.Second); ; {
		resp, err = http.Post("http://"+addr+"/counters/home/incr", "application/json", strings.NewReader(`{"by": 4}`))
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("server did not answer: %v; stderr: %s", err, stderr.String())
	}
	var got struct{ N int64 }
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 || got.N != 4 {
		t.Errorf("POST incr = %d, %+v, %v; want 200 with n = 4", resp.StatusCode, got, err)
	}
	resp.Body.Close()

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run after shutdown = %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not shut down")
	}
}

func TestRefusesAStrategyTheBackendCannotRun(t *testing.T) {
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"-strategy", "advisory", "-backend", "sqlite", "-dsn", filepath.Join(t.TempDir(), "x.db")}, &stderr)
	if err == nil || !strings.Contains(err.Error(), "SQLite has no advisory locks") {
		t.Errorf("run advisory on sqlite = %v, want a refusal", err)
	}
}
