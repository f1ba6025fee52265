package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestRunPrintsOneJSONRowPerStrategy(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-backend", "sqlite", "-strategy", "racy,atomic,forupdate", "-workers", "8", "-ops", "400", "-json"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d rows, want 3:\n%s", len(lines), out.String())
	}
	for _, line := range lines {
		var row struct {
			Service, Strategy, Backend string
			Workers                    int
			Ops, Expected, Final, Lost int64
		}
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatalf("row %q: %v", line, err)
		}
		if row.Service != "counter" || row.Backend != "sqlite" || row.Workers != 8 || row.Ops != 400 {
			t.Errorf("row %q: unexpected labels or counts", line)
		}
		if row.Strategy != "racy" && (row.Lost != 0 || row.Final != row.Expected) {
			t.Errorf("correct strategy %s lost %d (final %d, expected %d)", row.Strategy, row.Lost, row.Final, row.Expected)
		}
	}
}

func TestRunTableAndSweep(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-backend", "sqlite", "-strategy", "upsert", "-workers", "1,4", "-ops", "100"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "ops/s") {
		t.Fatalf("want a header and two rows (workers 1 and 4):\n%s", out.String())
	}
}

func TestRunRefusesWhatCannotRun(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-backend", "sqlite", "-strategy", "advisory"}, "SQLite has no advisory locks"},
		{[]string{"-backend", "sqlite", "-strategy", "atomic", "-chaos"}, "no server connection to drop"},
		{[]string{"-backend", "oracle"}, `unknown name "oracle"`},
		{[]string{"-strategy", "pessimistic"}, `unknown name "pessimistic"`},
		{[]string{"-service", "library"}, `unknown service "library"`},
		{[]string{"-workers", "0"}, "not a positive number"},
		{[]string{"-url", "http://127.0.0.1:1", "-chaos"}, "-chaos needs the in-process mode"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append(tt.args, "-ops", "10"), &out, &errOut)
		if code != 2 || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("run %v = exit %d, stderr %q; want exit 2 mentioning %q", tt.args, code, errOut.String(), tt.want)
		}
	}
}
