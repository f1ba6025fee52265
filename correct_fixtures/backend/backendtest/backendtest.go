// Package backendtest gives tests a private share of a real backend: Require
// provisions one (a new database, SQLite file or key prefix) and removes it when the
// test ends.
//
// A backend whose server does not answer skips the test with a message naming the
// server and how to start it, except under CI=true, where a missing server is a
// failure: CI must never pass by skipping.
package backendtest

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
)

// InCI reports whether the tests run in CI (the environment variable CI is "true").
func InCI() bool { return os.Getenv("CI") == "true" }

// Require returns an Env on a private share of kind's server, closed (and its
// database dropped) when t ends. opts may be the zero value.
func Require(t testing.TB, kind backend.Kind, opts backend.Options) *backend.Env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	env, err := backend.Provision(ctx, kind, opts)
	if errors.Is(err, backend.ErrUnavailable) {
		msg := kind.Server() + " is not reachable, start it with .ci/services (see ../shared/SERVICES.md): " + err.Error()
		if InCI() {
			t.Fatalf("CI=true: a missing server is a failure: %s", msg)
		}
		t.Skip(msg)
	}
	if err != nil {
		t.Fatalf("provision %s: %v", kind, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := env.Close(ctx); err != nil {
			t.Errorf("clean up %s run %s: %v", kind, env.Name, err)
		}
	})
	return env
}
