package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
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
		{[]string{"-service", "bank", "-strategy", "upsert"}, "a deposit to an account nobody opened must be refused"},
		{[]string{"-service", "bank", "-strategy", "cache"}, "skipped bank/cache on postgres, mariadb, sqlite, redis, memcached: " +
			"the bank has no cache strategy: a cache that acknowledges a deposit before the database has it can lose acknowledged money when it restarts; " +
			"use atomic (or forupdate, optimistic, serializable, advisory)"},
		{[]string{"-service", "bank", "-strategy", "cache", "-backend", "redis"}, "skipped bank/cache on redis: the bank has no cache strategy"},
		{[]string{"-service", "bank", "-strategy", "atomic", "-backend", "redis,memcached"}, "skipped bank/atomic on redis, memcached: " +
			"the bank runs on a SQL database only (postgres, mariadb or sqlite)"},
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

func TestRunWritesTheChart(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name      string
		args      []string
		wantCode  int
		wantInSVG []string
		wantErr   string
	}{
		{
			name: "sweep with the detected machine",
			args: []string{"-backend", "sqlite", "-strategy", "racy,atomic", "-workers", "1,4", "-ops", "200", "-svg", filepath.Join(dir, "a.svg")},
			wantInSVG: []string{"counter: throughput, updates lost and p99 latency against concurrency", "measured on " + detectMachine(),
				">sqlite: throughput<", ">sqlite: updates lost<", ">sqlite: p99 latency<", `data-metric="ops_per_sec"`, `data-metric="lost"`, `data-metric="p99_ms"`,
				`data-strategy="racy"`, `data-strategy="atomic"`, "atomic, 4 workers:", "atomic, 4 workers: 0 lost", "atomic, 4 workers: p99 ",
				"loadharness -backend sqlite -ops 200 -strategy racy,atomic -workers 1,4",
				`stroke-dasharray="5 4"`}, // the racy original's line
		},
		{
			name: "machine named on the command line",
			args: []string{"-backend", "sqlite", "-strategy", "upsert", "-workers", "2", "-ops", "50", "-machine", "a laptop", "-svg", filepath.Join(dir, "b.svg")},
			wantInSVG: []string{"measured on a laptop", "upsert, 2 workers:",
				`fill="none" stroke="#e15759"`}, // upsert's colour from the registry's order, as in a chart of every strategy
		},
		{
			name:     "unwritable file",
			args:     []string{"-backend", "sqlite", "-strategy", "upsert", "-workers", "1", "-ops", "10", "-svg", filepath.Join(dir, "missing", "c.svg")},
			wantCode: 2,
			wantErr:  "-svg: open " + filepath.Join(dir, "missing", "c.svg"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tt.args, &out, &errOut)
			if code != tt.wantCode || !strings.Contains(errOut.String(), tt.wantErr) {
				t.Fatalf("exit %d, stderr %q; want exit %d mentioning %q", code, errOut.String(), tt.wantCode, tt.wantErr)
			}
			if tt.wantCode != 0 {
				return
			}
			svg, err := os.ReadFile(tt.args[len(tt.args)-1])
			if err != nil {
				t.Fatal(err)
			}
			if err := xml.Unmarshal(svg, new(struct{})); err != nil {
				t.Errorf("the chart is not well-formed XML: %v", err)
			}
			for _, want := range tt.wantInSVG {
				if !strings.Contains(string(svg), want) {
					t.Errorf("chart lacks %q:\n%s", want, svg)
				}
			}
		})
	}
}

func TestDetectMachine(t *testing.T) {
	m := detectMachine()
	if !strings.Contains(m, fmt.Sprintf("%d CPUs", runtime.NumCPU())) || !strings.HasSuffix(m, runtime.GOOS+"/"+runtime.GOARCH) {
		t.Errorf("detectMachine() = %q; want the CPU count and the platform", m)
	}
}

// TestBookstoreRunsAndItsRacyOriginalsDoNotFail drives the bookstore: both racy
// originals (database/sql and GORM) may lose sales without failing the run, a correct
// strategy may not.
func TestBookstoreRunsAndItsRacyOriginalsDoNotFail(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-service", "bookstore", "-backend", "sqlite", "-strategy", "racy,racy-gorm,gorm-atomic", "-workers", "8", "-ops", "400", "-json"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut.String())
	}
	var strategies []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var row struct {
			Service, Strategy string
			Ops, Lost         int64
		}
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatalf("row %q: %v", line, err)
		}
		if row.Service != "bookstore" || row.Ops != 400 {
			t.Errorf("row %q: want 400 bookstore operations", line)
		}
		if row.Strategy == "gorm-atomic" && row.Lost != 0 {
			t.Errorf("gorm-atomic lost %d", row.Lost)
		}
		strategies = append(strategies, row.Strategy)
	}
	if strings.Join(strategies, ",") != "racy,racy-gorm,gorm-atomic" {
		t.Errorf("rows for %v, want racy, racy-gorm, gorm-atomic", strategies)
	}
}

func TestMedianRuns(t *testing.T) {
	r := func(strategy string, workers int, ops float64) harness.Result {
		return harness.Result{Service: "counter", Strategy: strategy, Backend: "postgres", Workers: workers, OpsPerSec: ops}
	}
	tests := []struct {
		name string
		all  []harness.Result
		want []harness.Result
	}{
		{"one round is kept as it is", []harness.Result{r("atomic", 1, 5), r("atomic", 4, 9)}, []harness.Result{r("atomic", 1, 5), r("atomic", 4, 9)}},
		{"three rounds keep the middle run", []harness.Result{
			r("atomic", 1, 5), r("racy", 1, 7),
			r("atomic", 1, 50), r("racy", 1, 1),
			r("atomic", 1, 6), r("racy", 1, 3),
		}, []harness.Result{r("atomic", 1, 6), r("racy", 1, 3)}},
		{"two rounds keep the slower run", []harness.Result{r("atomic", 1, 8), r("atomic", 1, 4)}, []harness.Result{r("atomic", 1, 4)}},
		{"a row missing from a round (skipped) takes what there is", []harness.Result{r("atomic", 1, 8), r("atomic", 4, 2), r("atomic", 1, 6)}, []harness.Result{r("atomic", 1, 6), r("atomic", 4, 2)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := medianRuns(tt.all); !slices.Equal(got, tt.want) {
				t.Errorf("medianRuns = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRunRepeatPrintsOneRowPerPoint(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-backend", "sqlite", "-strategy", "atomic", "-workers", "1,2", "-ops", "50", "-repeat", "3", "-json"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut.String())
	}
	if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != 2 {
		t.Errorf("-repeat 3 over two worker counts printed %d rows, want 2:\n%s", len(lines), out.String())
	}
	if code := run(context.Background(), []string{"-repeat", "0"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "-repeat: 0 is not a positive number") {
		t.Errorf("-repeat 0: exit %d, stderr %q; want exit 2 and a message", code, errOut.String())
	}
}
