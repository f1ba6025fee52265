package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/backend/backendtest"
	"github.com/lostupdate/lostupdate/correct_fixtures/internal/fixtureid"
	"github.com/lostupdate/lostupdate/correct_fixtures/internal/registry"
)

// serveCounter serves the counter with strategy on a private SQLite database, as
// fixtureserver does: with GET /_fixture if declare is set, and without it (as a
// server from before that endpoint) if not. It returns the base URL.
func serveCounter(t *testing.T, strategy string, declare bool) string {
	t.Helper()
	svc, err := registry.Lookup("counter")
	if err != nil {
		t.Fatal(err)
	}
	st, err := svc.Strategy(strategy)
	if err != nil {
		t.Fatal(err)
	}
	env := backendtest.Require(t, backend.SQLite, backend.Options{})
	inst, err := st.Open(context.Background(), env, registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Close() })
	var h http.Handler = inst.Handler
	if declare {
		h = fixtureid.Handler(fixtureid.Identity{Service: svc.Name, Strategy: st.Name, Backend: string(env.Kind)}, h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestURLChecksWhatTheServerRuns drives running servers with -url: the rows carry
// what the server says it runs, and a run whose flags name something else is
// refused, as is a server that does not say, unless -trust-labels.
func TestURLChecksWhatTheServerRuns(t *testing.T) {
	servers := map[string]string{
		"upsert":        serveCounter(t, "upsert", true),
		"racy":          serveCounter(t, "racy", true),
		"silent upsert": serveCounter(t, "upsert", false),
	}
	tests := []struct {
		name     string
		server   string
		args     []string
		wantCode int
		wantErr  []string // on stderr
		wantRows []string // strategy/backend of the JSON rows
	}{
		{
			name: "racy asked of an upsert server is refused", server: "upsert", args: []string{"-strategy", "racy"}, wantCode: 2,
			wantErr: []string{"runs counter/upsert on sqlite, but -strategy asks for racy", "Pass -strategy upsert, or restart the server with -strategy racy"},
		},
		{
			name: "another service is refused", server: "upsert", args: []string{"-service", "bank", "-strategy", "upsert"}, wantCode: 2,
			wantErr: []string{"runs counter/upsert on sqlite, but -service asks for bank", "Pass -service counter"},
		},
		{
			name: "another backend is refused", server: "upsert", args: []string{"-strategy", "upsert", "-backend", "postgres"}, wantCode: 2,
			wantErr: []string{"but -backend asks for postgres", "Pass -backend sqlite"},
		},
		{
			name: "lists that name it run it", server: "upsert", args: []string{"-strategy", "racy,upsert", "-backend", "postgres,sqlite"},
			wantRows: []string{"upsert/sqlite", "upsert/sqlite"},
		},
		{
			name: "the defaults (all) run it, labelled with what it runs", server: "upsert",
			wantRows: []string{"upsert/sqlite", "upsert/sqlite"},
		},
		{
			name: "the racy server labelled racy: its losses do not fail the run", server: "racy", args: []string{"-strategy", "racy", "-backend", "sqlite"},
			wantRows: []string{"racy/sqlite", "racy/sqlite"},
		},
		{
			name: "a server that does not say is refused", server: "silent upsert", args: []string{"-strategy", "upsert"}, wantCode: 2,
			wantErr: []string{"does not say what it runs (GET /_fixture is 404)", "pass -trust-labels"},
		},
		{
			name: "unless -trust-labels: the rows carry the flags", server: "silent upsert", args: []string{"-trust-labels", "-strategy", "upsert", "-backend", "sqlite"},
			wantErr:  []string{"note: the server at", "does not say what it runs; the rows carry -service counter -strategy upsert -backend sqlite as given (-trust-labels)"},
			wantRows: []string{"upsert/sqlite", "upsert/sqlite"},
		},
		{
			name: "-trust-labels with lists labels the rows remote", server: "silent upsert", args: []string{"-trust-labels"},
			wantRows: []string{"remote/remote", "remote/remote"},
		},
		{
			name: "-trust-labels does not let a run contradict a server that says", server: "upsert", args: []string{"-trust-labels", "-strategy", "racy"}, wantCode: 2,
			wantErr: []string{"runs counter/upsert on sqlite, but -strategy asks for racy"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			args := append([]string{"-url", servers[tt.server], "-workers", "1,4", "-ops", "80", "-json"}, tt.args...)
			code := run(context.Background(), args, &out, &errOut)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.wantCode, errOut.String())
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(errOut.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
				}
			}
			if tt.wantCode != 0 {
				if out.Len() > 0 {
					t.Errorf("a refused run printed rows:\n%s", out.String())
				}
				return
			}
			var rows []string
			for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
				var row struct {
					Strategy, Backend string
					Ops, Lost         int64
				}
				if err := json.Unmarshal([]byte(line), &row); err != nil {
					t.Fatalf("row %q: %v", line, err)
				}
				if row.Ops != 80 || (row.Strategy == "upsert" && row.Lost != 0) {
					t.Errorf("row %q: want 80 operations, and nothing lost by upsert", line)
				}
				rows = append(rows, row.Strategy+"/"+row.Backend)
			}
			if !slices.Equal(rows, tt.wantRows) {
				t.Errorf("rows %v, want %v", rows, tt.wantRows)
			}
		})
	}
}

func TestNamedAndRemoteLabel(t *testing.T) {
	tests := []struct {
		list, name string
		named      bool
		label      string
	}{
		{"all", "upsert", true, "remote"},
		{"upsert", "upsert", true, "upsert"},
		{"racy, upsert", "upsert", true, "remote"},
		{"racy", "upsert", false, "racy"},
		{"racy,upsert-ish", "upsert", false, "remote"},
	}
	for _, tt := range tests {
		if got := named(tt.list, tt.name); got != tt.named {
			t.Errorf("named(%q, %q) = %v, want %v", tt.list, tt.name, got, tt.named)
		}
		if got := remoteLabel(tt.list); got != tt.label {
			t.Errorf("remoteLabel(%q) = %q, want %q", tt.list, got, tt.label)
		}
	}
}
