package backendtest_test

import (
	"strings"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/backend/backendtest"
)

// recorder is a testing.TB that records how Require gave up instead of stopping
// the real test.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = format
	panic(r)
}

func (r *recorder) Skip(args ...any) {
	r.skip = args[0].(string)
	panic(r)
}

func require(t *testing.T, kind backend.Kind, dsn string) (r *recorder) {
	r = &recorder{TB: t}
	defer func() {
		if p := recover(); p != nil && p != r {
			panic(p)
		}
	}()
	backendtest.Require(r, kind, backend.Options{DSN: dsn})
	return r
}

func TestMissingServerSkipsOutsideCIAndFailsInCI(t *testing.T) {
	const nowhere = "redis://127.0.0.1:1/0" // nothing listens on port 1
	t.Setenv("CI", "")
	if r := require(t, backend.Redis, nowhere); !strings.Contains(r.skip, "Redis is not reachable") || r.fatal != "" {
		t.Errorf("outside CI: skip %q, fatal %q; want a skip naming Redis", r.skip, r.fatal)
	}
	t.Setenv("CI", "true")
	if r := require(t, backend.Redis, nowhere); !strings.Contains(r.fatal, "CI=true: a missing server is a failure") || r.skip != "" {
		t.Errorf("in CI: skip %q, fatal %q; want a failure", r.skip, r.fatal)
	}
}
