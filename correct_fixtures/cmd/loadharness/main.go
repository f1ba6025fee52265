// Command loadharness drives the fixture services with concurrent clients and prints,
// per service, strategy and backend, how many operations ran, the expected and the
// final value, how many updates were lost, errors, retries, throughput and latency.
//
//	loadharness -service counter -strategy all -backend all
//	loadharness -strategy racy,atomic -backend postgres -workers 1,8,32 -ops 5000
//	loadharness -backend mariadb -chaos
//	loadharness -strategy atomic,cache -backend postgres,redis
//	loadharness -url http://127.0.0.1:8080 -strategy atomic -backend postgres
//	loadharness -backend postgres,mariadb -workers 1,4,16,32,64 -ops 0 -duration 1s -repeat 3 -svg docs/counter.svg
//
// In process (the default) every row gets a private database or key prefix of its
// own, created for the run and dropped after it. Each strategy runs on the backends it
// supports; a combination that cannot run (a SQL strategy on a cache, the cache
// strategy on a SQL database, advisory on SQLite) is skipped and a note says why, so
// that SQL and cache strategies can be listed together. The exit status is 2 if
// nothing at all can run.
//
// With -url it drives a server started with fixtureserver, on a counter of its own.
// It first asks the server what it runs (GET /_fixture) and refuses, with exit status
// 2, a server that runs another service than -service or a strategy or backend that
// -strategy and -backend do not name; the rows carry the server's own labels. A
// server that does not say what it runs is refused unless -trust-labels is given.
//
// -json prints one JSON object per row, then one per skipped combination:
// {"service", "strategy", "backend", "skipped": "why"}. Without -json, when stderr
// is a terminal, a line on stderr shows how far the runs have got (the run, its
// operations done, the time, the updates lost so far) and is rewritten in place a
// few times a second.
//
// -svg FILE also writes the chart of the -workers sweep (package chart): for each
// backend a row of three panels, ops/s, updates lost and p99 latency against the
// number of clients, one line per strategy. Its subtitle says where it was measured,
// -machine (default: the CPUs, memory and platform this process sees), and its small
// print repeats the measuring flags.
// -repeat N runs the whole sweep N times and keeps, for each row, the run with the
// median ops/s: on a shared machine one run can land in someone else's busy second.
// The table, -json and the chart show the median runs; a correct strategy that lost
// an update in any run still fails.
// The exit status is 1 if a correct strategy lost an update or broke an invariant.
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/chaos"
	"github.com/lostupdate/lostupdate/correct_fixtures/chart"
	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
	"github.com/lostupdate/lostupdate/correct_fixtures/internal/registry"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// config is the parsed command line.
type config struct {
	service    string
	strategies string
	backends   string
	workers    []int
	ops        int64
	duration   time.Duration
	chaos      bool
	chaosEvery time.Duration
	url        string
	// trustLabels drives a server that does not say what it runs, labelling its
	// rows with -service, -strategy and -backend as given.
	trustLabels bool
	json        bool
	flushTo     string
	flushEvery  time.Duration
	repeat      int
	svg         string
	machine     string
	// measured is the flags that shaped the measurement, as given ("-backend postgres
	// -workers 1,4"): the chart's small print.
	measured string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("loadharness", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.service, "service", "counter", "service to drive")
	fs.StringVar(&c.strategies, "strategy", "all", "strategies, comma-separated, or all (racy is the racy original)")
	fs.StringVar(&c.backends, "backend", "all", "backends, comma-separated, or all: postgres, mariadb, sqlite, redis, memcached")
	workers := fs.String("workers", "32", "concurrent clients; a comma-separated list runs each (a throughput-vs-concurrency sweep)")
	fs.Int64Var(&c.ops, "ops", 2000, "operations per run, across all workers (0: only -duration counts)")
	fs.DurationVar(&c.duration, "duration", 0, "stop each run after this long (0: only -ops counts)")
	fs.BoolVar(&c.chaos, "chaos", false, "kill the run's backend connections during the run")
	fs.DurationVar(&c.chaosEvery, "chaos-every", 100*time.Millisecond, "how often -chaos kills")
	fs.StringVar(&c.url, "url", "", "drive a running fixtureserver at this base URL instead of running in process")
	fs.BoolVar(&c.trustLabels, "trust-labels", false, "with -url: drive a server that does not say what it runs (no GET /_fixture), labelling the rows with -service, -strategy and -backend as given")
	fs.BoolVar(&c.json, "json", false, "print one JSON object per row, then one per skipped combination")
	fs.StringVar(&c.flushTo, "flush-to", "sqlite", "SQL backend the cache strategy flushes to")
	fs.DurationVar(&c.flushEvery, "flush-every", time.Second, "cache strategy flush interval")
	fs.IntVar(&c.repeat, "repeat", 1, "run the whole sweep this many times and keep, per row, the run with the median ops/s")
	fs.StringVar(&c.svg, "svg", "", "also write the throughput-against-concurrency chart (SVG) to this file")
	fs.StringVar(&c.machine, "machine", "", "where this runs, for the chart's subtitle (default: CPUs, memory and platform as detected)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var measured []string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "svg", "machine", "json", "trust-labels":
			return
		}
		v := f.Value.String()
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			if v == "true" {
				measured = append(measured, "-"+f.Name)
			} else {
				measured = append(measured, "-"+f.Name+"="+v)
			}
			return
		}
		if v == "" || strings.ContainsAny(v, " \t\"'") {
			v = strconv.Quote(v)
		}
		measured = append(measured, "-"+f.Name, v)
	})
	c.measured = strings.Join(append([]string{"loadharness"}, measured...), " ")
	if c.svg != "" && c.machine == "" {
		c.machine = detectMachine()
	}
	for _, w := range strings.Split(*workers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil || n < 1 {
			return c, fmt.Errorf("-workers: %q is not a positive number", w)
		}
		c.workers = append(c.workers, n)
	}
	if c.ops <= 0 && c.duration <= 0 {
		return c, errors.New("set -ops or -duration")
	}
	if c.repeat < 1 {
		return c, fmt.Errorf("-repeat: %d is not a positive number", c.repeat)
	}
	return c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "loadharness:", err)
		}
		return 2
	}
	svc, err := registry.Lookup(c.service)
	if err != nil {
		fmt.Fprintln(stderr, "loadharness:", err)
		return 2
	}
	var (
		p      plan
		remote harness.Labels
		notes  []string
		runs   int // planned, for the progress line
	)
	if c.url != "" {
		if c.chaos {
			fmt.Fprintln(stderr, "loadharness: -chaos needs the in-process mode: over -url the harness cannot tell the run's connections from the server's others")
			return 2
		}
		remote, notes, err = checkServer(ctx, c)
		runs = len(c.workers) * c.repeat
	} else {
		p, err = planInProcess(ctx, c, svc)
		runs = len(p.runs) * len(c.workers) * c.repeat
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadharness:", err)
		return 2
	}
	skips := p.skips
	if c.url == "" && len(p.runs) == 0 {
		return nothingRuns(c, stdout, stderr, skips)
	}

	prog := newProgress(stderr, wantProgress(c.json, stderr), runs)
	var all []harness.Result // every run of every round
	for range c.repeat {
		var rs []harness.Result
		if c.url != "" {
			rs, err = runRemote(ctx, c, svc, remote, prog)
		} else {
			var ss []skip
			rs, ss, err = runInProcess(ctx, c, svc, p, prog)
			for _, s := range ss {
				skips = addSkip(skips, s)
			}
		}
		if err != nil {
			prog.clear()
			fmt.Fprintln(stderr, "loadharness:", err)
			return 2
		}
		all = append(all, rs...)
	}
	prog.clear()
	if len(all) == 0 {
		return nothingRuns(c, stdout, stderr, skips)
	}
	results := medianRuns(all)
	if c.json {
		err = harness.WriteJSON(stdout, results)
		if err == nil {
			err = writeSkipsJSON(stdout, skips)
		}
	} else {
		err = harness.WriteTable(stdout, results)
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadharness:", err)
		return 2
	}
	if !c.json {
		notes = append(notes, skipNotes(skips)...)
	}
	notes = append(notes, harness.Notes(results)...)
	noteOut := stdout
	if c.json {
		noteOut = stderr
	}
	if len(notes) > 0 {
		fmt.Fprintln(noteOut)
	}
	for _, n := range notes {
		fmt.Fprintln(noteOut, "note:", n)
	}
	if c.svg != "" {
		if err := writeChart(c, results); err != nil {
			fmt.Fprintln(stderr, "loadharness:", err)
			return 2
		}
		fmt.Fprintf(stderr, "loadharness: wrote the chart to %s\n", c.svg)
	}
	status := 0
	for _, r := range all {
		if !isRacy(svc, r.Strategy) && (r.Lost != 0 || r.Violation != "") {
			fmt.Fprintf(stderr, "loadharness: FAIL: %s/%s/%s lost %d, invariant: %q\n", r.Service, r.Strategy, r.Backend, r.Lost, r.Violation)
			status = 1
		}
	}
	return status
}

// isRacy reports whether the service's strategy called name is a racy original,
// expected to lose updates. A name the service does not know ("remote") is not.
func isRacy(svc registry.Service, name string) bool {
	st, err := svc.Strategy(name)
	return err == nil && st.Racy
}

// nothingRuns reports that every combination asked for was skipped, with the
// reasons (under -json also as objects on stdout), and returns exit status 2.
func nothingRuns(c config, stdout, stderr io.Writer, skips []skip) int {
	if c.json {
		if err := writeSkipsJSON(stdout, skips); err != nil {
			fmt.Fprintln(stderr, "loadharness:", err)
		}
	}
	fmt.Fprintf(stderr, "loadharness: nothing to run: -service %s -strategy %s -backend %s names no combination that can run here:\n",
		c.service, c.strategies, c.backends)
	for _, n := range skipNotes(skips) {
		fmt.Fprintln(stderr, "  "+n)
	}
	return 2
}

// writeSkipsJSON prints one JSON object per skipped combination, one per line.
func writeSkipsJSON(w io.Writer, skips []skip) error {
	enc := json.NewEncoder(w)
	for _, s := range skips {
		if err := enc.Encode(s); err != nil {
			return fmt.Errorf("encode skipped %s/%s/%s: %w", s.Service, s.Strategy, s.Backend, err)
		}
	}
	return nil
}

// medianRuns keeps, of the runs with the same service, strategy, backend and workers,
// the one with the median ops/s (the lower middle one of an even number), in the
// order the rows first appear.
func medianRuns(all []harness.Result) []harness.Result {
	type key struct {
		service, strategy, backend string
		workers                    int
	}
	var order []key
	runs := map[key][]harness.Result{}
	for _, r := range all {
		k := key{r.Service, r.Strategy, r.Backend, r.Workers}
		if _, ok := runs[k]; !ok {
			order = append(order, k)
		}
		runs[k] = append(runs[k], r)
	}
	out := make([]harness.Result, 0, len(order))
	for _, k := range order {
		rs := runs[k]
		slices.SortStableFunc(rs, func(a, b harness.Result) int { return cmp.Compare(a.OpsPerSec, b.OpsPerSec) })
		out = append(out, rs[(len(rs)-1)/2])
	}
	return out
}

// writeChart draws results into the -svg file, the racy originals as dashed grey
// baselines; nothing is written if the results cannot be drawn. Every service's
// strategies, in registry order, fix the colours, so that a strategy looks the same
// in the chart of each service.
func writeChart(c config, results []harness.Result) error {
	var order, racy []string
	for _, svc := range registry.Services() {
		for _, st := range svc.Strategies {
			order = append(order, st.Name)
			if st.Racy {
				racy = append(racy, st.Name)
			}
		}
	}
	svg, err := chart.SVG(results, chart.Options{Machine: c.machine, Caption: c.measured, Racy: racy, Strategies: order})
	if err != nil {
		return fmt.Errorf("-svg %s: %w", c.svg, err)
	}
	if err := os.WriteFile(c.svg, svg, 0o644); err != nil {
		return fmt.Errorf("-svg: %w", err)
	}
	return nil
}

// detectMachine describes this machine for the chart: "2 CPUs, 24 GiB, linux/amd64"
// (the memory only where /proc/meminfo says it).
func detectMachine() string {
	parts := []string{fmt.Sprintf("%d CPUs", runtime.NumCPU())}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) == 3 && f[0] == "MemTotal:" && f[2] == "kB" {
				if kb, err := strconv.ParseFloat(f[1], 64); err == nil {
					parts = append(parts, fmt.Sprintf("%.0f GiB", kb/(1<<20)))
				}
			}
		}
	}
	return strings.Join(append(parts, runtime.GOOS+"/"+runtime.GOARCH), ", ")
}

// runInProcess runs every combination of p over the -workers sweep, each row on a
// private share of its backend. A row that turns out not to run (chaos on SQLite; a
// server that is down, unless -strategy and -backend both name their choices) is
// skipped with the reason, with the rest of its sweep.
func runInProcess(ctx context.Context, c config, svc registry.Service, p plan, prog *progress) (results []harness.Result, skips []skip, err error) {
	for _, cb := range p.runs {
		id := svc.Name + "/" + cb.st.Name + "/" + string(cb.kind)
		for i, w := range c.workers {
			r, err := runOne(ctx, c, svc, cb.st, cb.kind, p.flushTo, w, prog)
			if err != nil {
				if errors.Is(err, backend.ErrUnsupported) || (!p.explicit && errors.Is(err, backend.ErrUnavailable)) {
					skips = append(skips, skip{svc.Name, cb.st.Name, string(cb.kind), reason(err)})
					prog.skipRuns(len(c.workers) - i) // this row never started, nor will the rest
					break
				}
				return nil, nil, fmt.Errorf("%s: %w", id, err)
			}
			prog.finish(r, cb.st.Racy)
			results = append(results, r)
		}
	}
	return results, skips, nil
}

// runOne runs one row on a private share of the backend.
func runOne(ctx context.Context, c config, svc registry.Service, st registry.Strategy, kind, flushTo backend.Kind, workers int, prog *progress) (harness.Result, error) {
	opts := backend.Options{MaxConns: workers, FlushTo: flushTo}
	var monkey chaos.Monkey
	if c.chaos {
		// Memcached gets a proxy to drop connections through, set up before the run connects.
		proxy, err := chaos.Prepare(kind, &opts)
		if err != nil {
			return harness.Result{}, err
		}
		if proxy != nil {
			monkey = proxy
			defer proxy.Close()
		}
	}
	env, err := backend.Provision(ctx, kind, opts)
	if err != nil {
		return harness.Result{}, err
	}
	defer env.Close(context.WithoutCancel(ctx))
	cfg := harness.Config{Workers: workers, Ops: c.ops, Duration: c.duration}
	if c.chaos {
		if monkey == nil {
			if monkey, err = chaos.For(env); err != nil {
				return harness.Result{}, err
			}
			defer monkey.Close()
		}
		cfg.Chaos, cfg.ChaosEvery = monkey, c.chaosEvery
	}
	inst, err := st.Open(ctx, env, registry.Options{FlushEvery: c.flushEvery})
	if err != nil {
		return harness.Result{}, err
	}
	defer inst.Close()
	l := harness.Labels{Service: svc.Name, Strategy: st.Name, Backend: string(kind)}
	prog.start(l, workers, c.ops, c.duration, &cfg)
	return harness.Run(ctx, l, inst.Workload, cfg)
}
