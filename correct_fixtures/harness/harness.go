// Package harness drives a fixture service with concurrent clients and measures what
// happened: how many operations the clients saw succeed, whether the final state is
// what those operations imply (and if not, how much was lost), errors, retries,
// throughput and latency percentiles.
//
// # Plugging in a service
//
// A service (counter, bookstore, bank) plugs in by implementing [Workload] for one
// strategy on one backend: Setup prepares the state and returns the measured value at
// the start (a counter's count, a book's stock, an account's balance); Do performs one
// client operation and returns the change it makes to that value (+by for an
// increment, −qty for a sale, ±amount for a deposit or withdrawal; 0 for a request
// the service rightly refused, such as a sale with too little stock); Final reads the
// value after the run; Check verifies the service's own invariants (cache and
// database agree; sold + stock == initial; balance == sum(ledger)).
//
// The harness adds the changes of the operations the clients saw succeed to the
// starting value: that is Result.Expected. An operation that failed may or may not
// have taken effect (its connection can die after the commit and before the reply),
// so its change widens the range of final values that are consistent with what the
// clients saw rather than counting either way. Result.Lost is how far Final lies
// outside that range: updates lost below it, or changes applied twice above it. For a
// correct strategy Lost is 0 whatever the failures; the bank closes the range to a
// point with idempotency keys, the counter (which has none) reports it.
//
// # Results and reports
//
// [Run] returns one [Result]; [WriteTable] and [WriteJSON] print a list of them. A
// sweep over Config.Workers gives the points of a throughput-against-concurrency
// chart: package chart draws one as SVG from the same []Result and needs nothing
// else from this package. While a run is under way, Config.Progress receives the
// operations done and failed so far a few times a second, for a display.
package harness

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/retry"
)

// Op identifies one client operation: the worker that performs it and its sequence
// number in the run (0, 1, 2 … across all workers).
type Op struct {
	Worker int
	Seq    int64
}

// Outcome is what one operation changes.
type Outcome struct {
	// Delta is the change the operation makes to the measured value when it takes
	// effect. Set it also when Do returns an error: it is what a failed operation
	// may have changed. A request the service rightly refused has Delta 0.
	Delta int64
}

// Workload is one service under one strategy on one backend, as the harness drives it.
// Its methods are called concurrently from the workers (Do) and once each before and
// after the run (Setup, Final, Check).
type Workload interface {
	// Setup prepares the state the run starts from and returns the measured value then.
	Setup(ctx context.Context) (int64, error)
	// Do performs one client operation.
	Do(ctx context.Context, op Op) (Outcome, error)
	// Final reads the measured value after the run. It must only read: after a
	// failure (chaos leaves dead connections behind) the harness calls it again.
	Final(ctx context.Context) (int64, error)
	// Check verifies the service's invariants after the run; a violation is an error
	// that says which invariant and by how much. Like Final it may be called again
	// after a failure, so it must be safe to repeat.
	Check(ctx context.Context, r Result) error
}

// Chaos disturbs the backend during a run; see package chaos.
type Chaos interface {
	// Kill drops the run's connections to the backend and returns how many it dropped.
	Kill(ctx context.Context) (int, error)
}

// Config says how hard and how long to drive a Workload.
type Config struct {
	// Workers is the number of concurrent clients; 0 means 32.
	Workers int
	// Ops is the total number of operations across all workers. If Duration is set
	// the run also stops when it has passed; if Ops is 0 only Duration counts.
	Ops int64
	// Duration bounds the run's time.
	Duration time.Duration
	// OpTimeout bounds each operation; 0 means 30 s.
	OpTimeout time.Duration
	// Chaos, if set, is called every ChaosEvery (0 means 100 ms) during the run.
	Chaos      Chaos
	ChaosEvery time.Duration
	// MinKills keeps a run with Chaos going past Duration until the monkey has
	// dropped at least this many connections, so that a run slowed down by a busy
	// machine still proves something; it ends at MaxDuration (0 means 10 × Duration)
	// whatever the count, and Result.Kills says what was reached. A run bounded by
	// Ops alone ends when the operations are done.
	MinKills    int
	MaxDuration time.Duration
	// Progress, if set, is called every ProgressEvery (0 means 250 ms) while the
	// operations run, and once more, with the final counts, when they have ended
	// (before Final and Check). The calls come one at a time from a goroutine of the
	// harness's own; each must return quickly, or it delays the next.
	Progress      func(Progress)
	ProgressEvery time.Duration
}

// Progress is a snapshot of a run whose operations are under way, for a display.
type Progress struct {
	// Done is the number of operations finished so far, successful or not.
	Done int64
	// Failed is how many of them failed.
	Failed int64
	// Elapsed is the time since the operations began.
	Elapsed time.Duration
}

// Labels name what a Result measured.
type Labels struct {
	Service, Strategy, Backend string
}

// Result is the measurement of one run. The JSON fields are the ones the harness
// command prints with -json; the others are kept for tests and notes.
type Result struct {
	Service  string `json:"service"`
	Strategy string `json:"strategy"`
	Backend  string `json:"backend"`
	Workers  int    `json:"workers"`
	// Ops is the number of operations attempted.
	Ops int64 `json:"ops"`
	// Expected is the starting value plus the changes of the operations that succeeded.
	Expected int64 `json:"expected"`
	// Final is the value read after the run.
	Final int64 `json:"final"`
	// Lost is how far Final lies outside the values consistent with what the clients
	// saw (see the package doc): 0 means nothing was lost or applied twice.
	Lost int64 `json:"lost"`
	// Errors is the number of operations that failed.
	Errors int64 `json:"errors"`
	// Retries is the number of times strategies ran a transaction or a write again.
	Retries int64 `json:"retries"`
	// OpsPerSec is successful operations per second of wall time.
	OpsPerSec float64 `json:"ops_per_sec"`
	P50Ms     float64 `json:"p50_ms"`
	P99Ms     float64 `json:"p99_ms"`

	// Succeeded is the number of operations that succeeded.
	Succeeded int64 `json:"-"`
	// UnsureLow and UnsureHigh bound the final value given the failed operations:
	// [Expected+sum of their negative deltas, Expected+sum of their positive deltas].
	UnsureLow  int64 `json:"-"`
	UnsureHigh int64 `json:"-"`
	// Kills is the number of connections the chaos monkey dropped.
	Kills int `json:"-"`
	// Elapsed is the wall time of the operations.
	Elapsed time.Duration `json:"-"`
	// FirstError is the text of the first failed operation's error, for the notes.
	FirstError string `json:"-"`
	// Violation is the error Check returned, if any.
	Violation string `json:"-"`
}

// workerTally is what one worker counted; merged after the run.
type workerTally struct {
	ok, failed        int64
	sum, unsLo, unsHi int64
	latencies         []time.Duration
	firstErr          error
}

// Run drives w with cfg and measures the result. It returns an error only when the
// run could not be measured (Setup or Final failed, or the chaos monkey failed); a
// lost update or a violated invariant is reported in the Result.
func Run(ctx context.Context, l Labels, w Workload, cfg Config) (Result, error) {
	workers := cfg.Workers
	if workers <= 0 {
		workers = 32
	}
	if cfg.Ops <= 0 && cfg.Duration <= 0 {
		return Result{}, fmt.Errorf("harness: %s/%s/%s: set Ops or Duration", l.Service, l.Strategy, l.Backend)
	}
	opTimeout := orDefault(cfg.OpTimeout, 30*time.Second)
	start, err := w.Setup(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("harness: set up %s/%s on %s: %w", l.Service, l.Strategy, l.Backend, err)
	}

	var retries retry.Counter
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	opCtx := retry.WithCounter(ctx, &retries)

	var (
		next     atomic.Int64
		tallies  = make([]workerTally, workers)
		wg       sync.WaitGroup
		began    = time.Now()
		chaosErr error
		kills    atomic.Int64
		chaosWG  sync.WaitGroup
		// done and failed count finished operations for cfg.Progress; opsOver is set
		// when the last one has finished.
		done, failed atomic.Int64
		opsOver      atomic.Bool
		progressWG   sync.WaitGroup
		stopProgress = make(chan struct{})
	)
	if cfg.Progress != nil {
		progressWG.Go(func() {
			reportProgress(stopProgress, cfg.Progress, orDefault(cfg.ProgressEvery, 250*time.Millisecond), began, &done, &failed, &opsOver)
		})
	}
	if cfg.Duration > 0 {
		chaosWG.Go(func() { endRun(runCtx, stop, cfg, &kills) })
	}
	if cfg.Chaos != nil {
		chaosWG.Go(func() {
			chaosErr = runChaos(runCtx, cfg.Chaos, orDefault(cfg.ChaosEvery, 100*time.Millisecond), &kills)
		})
	}
	for i := range workers {
		wg.Go(func() {
			t := &tallies[i]
			for runCtx.Err() == nil {
				seq := next.Add(1) - 1
				if cfg.Ops > 0 && seq >= cfg.Ops {
					return
				}
				// Operations run on a context of their own, not runCtx: the end of
				// the run must not cancel an operation half-way and leave it unsure.
				octx, cancel := context.WithTimeout(opCtx, opTimeout)
				t0 := time.Now()
				out, err := w.Do(octx, Op{Worker: i, Seq: seq})
				t.latencies = append(t.latencies, time.Since(t0))
				cancel()
				done.Add(1)
				if err != nil {
					failed.Add(1)
					t.failed++
					if t.firstErr == nil {
						t.firstErr = err
					}
					if out.Delta < 0 {
						t.unsLo += out.Delta
					} else {
						t.unsHi += out.Delta
					}
					continue
				}
				t.ok++
				t.sum += out.Delta
			}
		})
	}
	wg.Wait()
	opsOver.Store(true) // before elapsed is read: no report after this has a later time
	elapsed := time.Since(began)
	close(stopProgress)
	progressWG.Wait()
	if cfg.Progress != nil {
		cfg.Progress(Progress{Done: done.Load(), Failed: failed.Load(), Elapsed: elapsed})
	}
	stop()
	chaosWG.Wait()
	if chaosErr != nil {
		return Result{}, fmt.Errorf("harness: chaos during %s/%s on %s: %w", l.Service, l.Strategy, l.Backend, chaosErr)
	}

	r := Result{Service: l.Service, Strategy: l.Strategy, Backend: l.Backend, Workers: workers, Kills: int(kills.Load()), Elapsed: elapsed}
	var lat []time.Duration
	r.Expected = start
	for _, t := range tallies {
		r.Succeeded += t.ok
		r.Errors += t.failed
		r.Expected += t.sum
		r.UnsureLow += t.unsLo
		r.UnsureHigh += t.unsHi
		lat = append(lat, t.latencies...)
		if t.firstErr != nil && r.FirstError == "" {
			r.FirstError = t.firstErr.Error()
		}
	}
	r.UnsureLow += r.Expected
	r.UnsureHigh += r.Expected
	r.Ops = r.Succeeded + r.Errors
	r.Retries = retries.Load()
	if elapsed > 0 {
		r.OpsPerSec = float64(r.Succeeded) / elapsed.Seconds()
	}
	r.P50Ms, r.P99Ms = percentileMs(lat, 0.50), percentileMs(lat, 0.99)

	// Chaos may have left dead connections in the pools; the first use of each fails.
	// Final is a read and Check only reads or flushes, so both are tried again.
	err = afterRun.Do(ctx, anyError, func(ctx context.Context) (err error) {
		r.Final, err = w.Final(ctx)
		return err
	})
	if err != nil {
		return r, fmt.Errorf("harness: read final value of %s/%s on %s: %w", l.Service, l.Strategy, l.Backend, err)
	}
	r.Lost = lostOutside(r.Final, r.UnsureLow, r.UnsureHigh)
	if err := afterRun.Do(ctx, anyError, func(ctx context.Context) error { return w.Check(ctx, r) }); err != nil {
		r.Violation = err.Error()
	}
	return r, nil
}

// afterRun bounds the attempts at reading the final state.
var afterRun = retry.Policy{Attempts: 5, Base: 10 * time.Millisecond, Max: 100 * time.Millisecond}

func anyError(error) bool { return true }

// lostOutside returns how far final lies outside [lo, hi].
func lostOutside(final, lo, hi int64) int64 {
	switch {
	case final < lo:
		return lo - final
	case final > hi:
		return final - hi
	}
	return 0
}

// percentileMs returns the p-quantile of ds in milliseconds (nearest rank); ds is sorted in place.
func percentileMs(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := int(p*float64(len(ds))+0.5) - 1
	i = min(max(i, 0), len(ds)-1)
	return float64(ds[i].Microseconds()) / 1000
}

// runChaos calls c every interval until ctx is done, adding what it drops to kills.
func runChaos(ctx context.Context, c Chaos, every time.Duration, kills *atomic.Int64) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			n, err := c.Kill(ctx)
			if err != nil && ctx.Err() == nil && !errors.Is(err, context.Canceled) {
				return err
			}
			kills.Add(int64(n))
		}
	}
}

// reportProgress calls report every interval with the counts so far, until stop is
// closed or the operations are over (then Run makes the last call, with the final
// counts and time). A report's time is read before over is checked, so it is never
// later than the Elapsed that Run reads after setting over.
func reportProgress(stop <-chan struct{}, report func(Progress), every time.Duration, began time.Time, done, failed *atomic.Int64, over *atomic.Bool) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			p := Progress{Elapsed: time.Since(began), Done: done.Load(), Failed: failed.Load()}
			if over.Load() {
				return
			}
			report(p)
		}
	}
}

// endRun calls stop once cfg.Duration has passed and, for a run with chaos, kills
// has reached cfg.MinKills or cfg.MaxDuration has passed; or when ctx is done.
func endRun(ctx context.Context, stop context.CancelFunc, cfg Config, kills *atomic.Int64) {
	defer stop()
	began := time.Now()
	if !sleep(ctx, cfg.Duration) || cfg.Chaos == nil {
		return
	}
	limit := cfg.MaxDuration
	if limit <= 0 {
		limit = 10 * cfg.Duration
	}
	for kills.Load() < int64(cfg.MinKills) && time.Since(began) < limit {
		if !sleep(ctx, 5*time.Millisecond) {
			return
		}
	}
}

// sleep waits for d and reports whether ctx was still live after it.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
