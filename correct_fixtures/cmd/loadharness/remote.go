package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
	"github.com/lostupdate/lostupdate/correct_fixtures/internal/fixtureid"
	"github.com/lostupdate/lostupdate/correct_fixtures/internal/registry"
)

// checkServer asks the server at c.url what it runs (GET /_fixture) and returns the
// labels its rows carry: the server's own service, strategy and backend. It refuses
// a server that runs another service than -service, or a strategy or backend that
// -strategy or -backend do not name ("all" names every one). A server that does not
// say (404) is refused unless -trust-labels is set; then the rows carry the flags'
// values, with a note saying so.
func checkServer(ctx context.Context, c config) (harness.Labels, []string, error) {
	hc := &http.Client{Timeout: 10 * time.Second}
	id, err := fixtureid.Fetch(ctx, hc, c.url)
	if errors.Is(err, fixtureid.ErrNotDeclared) {
		if !c.trustLabels {
			return harness.Labels{}, nil, fmt.Errorf("the server at %s does not say what it runs (GET %s is 404), so its rows could be labelled with a strategy it does not run. Restart it with a current fixtureserver, or, if you know what it runs, pass -trust-labels to label the rows with -service, -strategy and -backend as given",
				c.url, fixtureid.Path)
		}
		note := fmt.Sprintf("the server at %s does not say what it runs; the rows carry -service %s -strategy %s -backend %s as given (-trust-labels)",
			c.url, c.service, c.strategies, c.backends)
		return harness.Labels{Service: c.service, Strategy: remoteLabel(c.strategies), Backend: remoteLabel(c.backends)}, []string{note}, nil
	}
	if err != nil {
		return harness.Labels{}, nil, err
	}
	for _, m := range []struct{ what, asked, runs string }{
		{"service", c.service, id.Service},
		{"strategy", c.strategies, id.Strategy},
		{"backend", c.backends, id.Backend},
	} {
		if named(m.asked, m.runs) {
			continue
		}
		restart := "-" + m.what + " " + m.asked
		if strings.Contains(m.asked, ",") {
			restart = "one of -" + m.what + " " + m.asked
		}
		return harness.Labels{}, nil, fmt.Errorf("the server at %s runs %s, but -%s asks for %s: its rows would be labelled with a %s it does not run. Pass -%s %s, or restart the server with %s",
			c.url, id, m.what, m.asked, m.what, m.what, m.runs, restart)
	}
	return harness.Labels{Service: id.Service, Strategy: id.Strategy, Backend: id.Backend}, nil, nil
}

// named reports whether list ("all" or comma-separated names) names name.
func named(list, name string) bool {
	if list == "all" {
		return true
	}
	return slices.ContainsFunc(strings.Split(list, ","), func(n string) bool { return strings.TrimSpace(n) == name })
}

// remoteLabel labels the rows of a server that does not say what it runs with the
// flag's value, or "remote" if the flag names more than one.
func remoteLabel(v string) string {
	if v == "all" || strings.Contains(v, ",") {
		return "remote"
	}
	return v
}

// runRemote drives the server at c.url once per -workers count, on a counter (book,
// account) of its own, and labels the rows l.
func runRemote(ctx context.Context, c config, svc registry.Service, l harness.Labels, prog *progress) ([]harness.Result, error) {
	var results []harness.Result
	for _, w := range c.workers {
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: w, MaxConnsPerHost: w}, Timeout: time.Minute}
		key := strconv.FormatInt(time.Now().UnixNano(), 36)
		wl := svc.Remote(strings.TrimRight(c.url, "/"), hc, key)
		cfg := harness.Config{Workers: w, Ops: c.ops, Duration: c.duration}
		prog.start(l, w, c.ops, c.duration, &cfg)
		r, err := harness.Run(ctx, l, wl, cfg)
		hc.CloseIdleConnections()
		if err != nil {
			return nil, err
		}
		prog.finish(r, isRacy(svc, r.Strategy))
		results = append(results, r)
	}
	return results, nil
}
