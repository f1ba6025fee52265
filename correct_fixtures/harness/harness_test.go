package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestLostOutside(t *testing.T) {
	tests := []struct {
		name          string
		final, lo, hi int64
		want          int64
	}{
		{name: "exact", final: 100, lo: 100, hi: 100, want: 0},
		{name: "updates lost", final: 60, lo: 100, hi: 100, want: 40},
		{name: "applied twice", final: 103, lo: 100, hi: 100, want: 3},
		{name: "unsure failures applied", final: 102, lo: 100, hi: 105, want: 0},
		{name: "lost despite unsure failures", final: 98, lo: 100, hi: 105, want: 2},
		{name: "more than even the failures explain", final: 107, lo: 100, hi: 105, want: 2},
		{name: "negative deltas (sales)", final: 7, lo: 5, hi: 10, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lostOutside(tt.final, tt.lo, tt.hi); got != tt.want {
				t.Errorf("lostOutside(%d, %d, %d) = %d, want %d", tt.final, tt.lo, tt.hi, got, tt.want)
			}
		})
	}
}

func TestPercentileMs(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	tests := []struct {
		p    float64
		want float64
	}{{0.50, 50}, {0.99, 99}, {1, 100}, {0, 1}}
	for _, tt := range tests {
		if got := percentileMs(slices.Clone(ds), tt.p); got != tt.want {
			t.Errorf("percentileMs(1..100 ms, %v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := percentileMs(nil, 0.5); got != 0 {
		t.Errorf("percentileMs(nil) = %v, want 0", got)
	}
}

func TestWriteJSONHasExactlyTheDocumentedFields(t *testing.T) {
	var b bytes.Buffer
	r := Result{Service: "counter", Strategy: "atomic", Backend: "postgres", Workers: 4, Ops: 10, Expected: 10, Final: 10,
		Succeeded: 10, Kills: 3, Violation: "x", FirstError: "y"}
	if err := WriteJSON(&b, []Result{r, r}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("WriteJSON wrote %d lines for 2 results: %q", len(lines), b.String())
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &obj); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"backend", "errors", "expected", "final", "lost", "ops", "ops_per_sec", "p50_ms", "p99_ms", "retries", "service", "strategy", "workers"}
	if !slices.Equal(keys, want) {
		t.Errorf("JSON fields = %v, want %v", keys, want)
	}
}

func TestWriteTableHeader(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, []Result{{Service: "counter", Strategy: "racy", Backend: "mariadb", Lost: 7}}); err != nil {
		t.Fatal(err)
	}
	header := strings.Fields(strings.Split(b.String(), "\n")[0])
	want := []string{"service", "strategy", "backend", "workers", "ops", "expected", "final", "lost", "errors", "retries", "ops/s", "p50", "ms", "p99", "ms"}
	if !slices.Equal(header, want) {
		t.Errorf("table header = %v, want %v", header, want)
	}
}

// countWorkload adds 1 per operation to a number that Final reads.
type countWorkload struct{ n atomic.Int64 }

func (w *countWorkload) Setup(context.Context) (int64, error) { return 0, nil }
func (w *countWorkload) Do(context.Context, Op) (Outcome, error) {
	time.Sleep(time.Millisecond)
	w.n.Add(1)
	return Outcome{Delta: 1}, nil
}
func (w *countWorkload) Final(context.Context) (int64, error) { return w.n.Load(), nil }
func (w *countWorkload) Check(context.Context, Result) error  { return nil }

// lateChaos drops nothing before its first kill is due, then one connection a call.
type lateChaos struct{ due time.Time }

func (c lateChaos) Kill(context.Context) (int, error) {
	if time.Now().Before(c.due) {
		return 0, nil
	}
	return 1, nil
}

func TestMinKillsKeepsAChaosRunGoing(t *testing.T) {
	tests := []struct {
		name        string
		firstKill   time.Duration // after the start
		minKills    int
		maxDuration time.Duration
		wantKills   bool
		atLeast     time.Duration
		below       time.Duration
	}{
		{name: "kills in time: ends at Duration", firstKill: 0, minKills: 1, maxDuration: 5 * time.Second, wantKills: true, atLeast: 50 * time.Millisecond, below: 2 * time.Second},
		{name: "late kill: goes on until it", firstKill: 300 * time.Millisecond, minKills: 1, maxDuration: 5 * time.Second, wantKills: true, atLeast: 300 * time.Millisecond, below: 4 * time.Second},
		{name: "no MinKills: ends at Duration", firstKill: time.Hour, minKills: 0, maxDuration: 5 * time.Second, wantKills: false, atLeast: 50 * time.Millisecond, below: 2 * time.Second},
		{name: "never kills: ends at MaxDuration", firstKill: time.Hour, minKills: 1, maxDuration: 400 * time.Millisecond, wantKills: false, atLeast: 350 * time.Millisecond, below: 4 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &countWorkload{}
			cfg := Config{Workers: 2, Duration: 50 * time.Millisecond, Chaos: lateChaos{due: time.Now().Add(tt.firstKill)},
				ChaosEvery: 10 * time.Millisecond, MinKills: tt.minKills, MaxDuration: tt.maxDuration}
			r, err := Run(context.Background(), Labels{Service: "test"}, w, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if (r.Kills > 0) != tt.wantKills {
				t.Errorf("kills %d, want some: %v", r.Kills, tt.wantKills)
			}
			if r.Elapsed < tt.atLeast || r.Elapsed >= tt.below {
				t.Errorf("the run took %v, want [%v, %v)", r.Elapsed, tt.atLeast, tt.below)
			}
			if r.Lost != 0 || r.Final != r.Expected {
				t.Errorf("final %d, expected %d, lost %d", r.Final, r.Expected, r.Lost)
			}
		})
	}
}

// flakyWorkload adds 1 per operation and fails every third one before applying it.
type flakyWorkload struct{ countWorkload }

func (w *flakyWorkload) Do(ctx context.Context, op Op) (Outcome, error) {
	if op.Seq%3 == 0 {
		time.Sleep(time.Millisecond)
		return Outcome{Delta: 1}, errors.New("refused for the test")
	}
	return w.countWorkload.Do(ctx, op)
}

func TestProgressReportsRunningCountsThenTheFinalOnes(t *testing.T) {
	tests := []struct {
		name      string
		w         Workload
		cfg       Config
		wantCalls int // at least
	}{
		{"bounded by ops", &countWorkload{}, Config{Workers: 4, Ops: 300, ProgressEvery: 5 * time.Millisecond}, 2},
		{"bounded by time", &countWorkload{}, Config{Workers: 2, Duration: 150 * time.Millisecond, ProgressEvery: 10 * time.Millisecond}, 5},
		{"failures are counted", &flakyWorkload{}, Config{Workers: 3, Ops: 90, ProgressEvery: 5 * time.Millisecond}, 1},
		{"default interval: only the final call in a short run", &countWorkload{}, Config{Workers: 1, Ops: 5}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls []Progress
			var inCall atomic.Bool
			tt.cfg.Progress = func(p Progress) {
				if !inCall.CompareAndSwap(false, true) {
					t.Error("Progress called while a call was still running")
				}
				calls = append(calls, p)
				inCall.Store(false)
			}
			r, err := Run(context.Background(), Labels{Service: "test"}, tt.w, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(calls) < tt.wantCalls {
				t.Fatalf("Progress called %d times, want at least %d", len(calls), tt.wantCalls)
			}
			for i, p := range calls {
				if p.Failed > p.Done {
					t.Errorf("call %d: %d failed of %d done", i, p.Failed, p.Done)
				}
				if i > 0 && (p.Done < calls[i-1].Done || p.Failed < calls[i-1].Failed || p.Elapsed < calls[i-1].Elapsed) {
					t.Errorf("call %d %+v goes back from call %d %+v", i, p, i-1, calls[i-1])
				}
			}
			last := calls[len(calls)-1]
			if last.Done != r.Ops || last.Failed != r.Errors || last.Elapsed != r.Elapsed {
				t.Errorf("last call %+v, want the result's ops %d, errors %d, elapsed %v", last, r.Ops, r.Errors, r.Elapsed)
			}
			if _, flaky := tt.w.(*flakyWorkload); flaky && (r.Errors != 30 || r.Lost != 0) {
				t.Errorf("flaky run: %d errors, lost %d; want 30 errors (every third of 90), nothing lost", r.Errors, r.Lost)
			}
		})
	}
}
