// Command fixtureserver serves one fixture service with one strategy on one backend
// over HTTP, creating its tables on start:
//
//	fixtureserver -service counter -strategy atomic -backend postgres -addr 127.0.0.1:8080
//	curl -s -XPOST -H 'Content-Type: application/json' -d '{"by":2}' localhost:8080/counters/home/incr
//
// It uses the database named in -dsn as it is (default: the backend's local test
// database, LOSTUPDATE_<BACKEND>_DSN, or ./lostupdate.db for SQLite). Drive it with
// loadharness -url.
//
// Besides the service's routes it answers GET /_fixture with what it runs,
// {"service": "counter", "strategy": "atomic", "backend": "postgres"} (package
// internal/fixtureid), so that loadharness -url can refuse to label a run with a
// strategy the server does not run.
//
// On SIGINT or SIGTERM it stops accepting requests, finishes the ones in flight and,
// for the cache strategy, flushes what is pending.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/internal/fixtureid"
	"github.com/lostupdate/lostupdate/correct_fixtures/internal/registry"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fixtureserver:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("fixtureserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	service := fs.String("service", "counter", "service to serve")
	strategy := fs.String("strategy", "atomic", "strategy (racy is the racy original)")
	kindName := fs.String("backend", "sqlite", "backend: postgres, mariadb, sqlite, redis, memcached")
	dsn := fs.String("dsn", "", "backend address; empty: LOSTUPDATE_<BACKEND>_DSN or the local default")
	flushTo := fs.String("flush-to", "sqlite", "SQL backend the cache strategy flushes to")
	flushDSN := fs.String("flush-dsn", "", "DSN of -flush-to")
	flushEvery := fs.Duration("flush-every", time.Second, "cache strategy flush interval")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	svc, err := registry.Lookup(*service)
	if err != nil {
		return err
	}
	st, err := svc.Strategy(*strategy)
	if err != nil {
		return err
	}
	kind, err := backend.ParseKind(*kindName)
	if err != nil {
		return err
	}
	if !st.Supports(kind) {
		// Refuse before any server is contacted, with the reason the strategy gives
		// (the bank runs on no cache, advisory not on SQLite …).
		_, err := st.Open(ctx, &backend.Env{Kind: kind}, registry.Options{})
		return err
	}
	fk, err := backend.ParseKind(*flushTo)
	if err != nil {
		return err
	}
	env, err := backend.Open(ctx, kind, backend.Options{DSN: *dsn, FlushTo: fk, FlushDSN: *flushDSN})
	if err != nil {
		return err
	}
	defer env.Close(context.WithoutCancel(ctx))
	inst, err := st.Open(ctx, env, registry.Options{FlushEvery: *flushEvery})
	if err != nil {
		return err
	}
	defer inst.Close()

	id := fixtureid.Identity{Service: svc.Name, Strategy: st.Name, Backend: string(kind)}
	srv := &http.Server{Addr: *addr, Handler: fixtureid.Handler(id, inst.Handler), ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	fmt.Fprintf(stderr, "fixtureserver: %s/%s on %s listening on http://%s\n", svc.Name, st.Name, kind, *addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
