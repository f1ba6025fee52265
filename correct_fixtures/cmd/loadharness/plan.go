package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/internal/registry"
)

// combo is one strategy on one backend: the rows of a -workers sweep.
type combo struct {
	st   registry.Strategy
	kind backend.Kind
}

// skip is a strategy × backend combination that did not run, and why. With -json it
// is printed as one object after the rows.
type skip struct {
	Service  string `json:"service"`
	Strategy string `json:"strategy"`
	Backend  string `json:"backend"`
	// Skipped says why, as the service, the backend or the chaos monkey put it.
	Skipped string `json:"skipped"`
}

// plan is what an in-process invocation runs and what it leaves out.
type plan struct {
	runs  []combo
	skips []skip
	// explicit is set when both -strategy and -backend name their choices: a server
	// that is down is then an error rather than a skip.
	explicit bool
	flushTo  backend.Kind
}

// strategyChoice is one strategy named by -strategy; unfit says why the service
// refuses it (on every backend), if it does.
type strategyChoice struct {
	name  string
	st    registry.Strategy
	unfit string
}

// planInProcess returns every strategy × backend combination c asks for, backend by
// backend: those that can run, and those that cannot (a SQL strategy on a cache, the
// cache strategy on a SQL database, advisory on SQLite, a strategy the service
// refuses) with the reason. A name that is neither a strategy nor a backend is an
// error; so is a -flush-to that is not a SQL database.
func planInProcess(ctx context.Context, c config, svc registry.Service) (plan, error) {
	var p plan
	var choices []strategyChoice
	var names []string
	for _, st := range svc.Strategies {
		names = append(names, st.Name)
	}
	if c.strategies == "all" {
		for _, st := range svc.Strategies {
			choices = append(choices, strategyChoice{name: st.Name, st: st})
		}
	} else {
		for _, n := range strings.Split(c.strategies, ",") {
			n = strings.TrimSpace(n)
			st, err := svc.Strategy(n)
			switch {
			case err == nil:
				choices = append(choices, strategyChoice{name: n, st: st})
			case errors.Is(err, backend.ErrUnsupported): // the service refuses it and says why
				choices = append(choices, strategyChoice{name: n, unfit: reason(err)})
			default:
				return p, fmt.Errorf("-strategy: unknown name %q: want one of %s, or all", n, strings.Join(names, ", "))
			}
		}
	}
	var kindNames []string
	for _, k := range backend.Kinds() {
		kindNames = append(kindNames, string(k))
	}
	kinds, allKinds, err := selected(c.backends, kindNames)
	if err != nil {
		return p, fmt.Errorf("-backend: %w", err)
	}
	p.explicit = c.strategies != "all" && !allKinds
	p.flushTo, err = backend.ParseKind(c.flushTo)
	if err != nil || !p.flushTo.IsSQL() {
		return p, fmt.Errorf("-flush-to %q: want postgres, mariadb or sqlite", c.flushTo)
	}
	for _, kn := range kinds {
		kind := backend.Kind(kn)
		for _, ch := range choices {
			switch {
			case ch.unfit != "":
				p.skips = append(p.skips, skip{svc.Name, ch.name, kn, ch.unfit})
			case !ch.st.Supports(kind):
				// Open refuses an unsupported backend before it touches it, with the reason.
				_, err := ch.st.Open(ctx, &backend.Env{Kind: kind}, registry.Options{})
				p.skips = append(p.skips, skip{svc.Name, ch.name, kn, reason(err)})
			default:
				p.runs = append(p.runs, combo{ch.st, kind})
			}
		}
	}
	return p, nil
}

// selected returns the names in list (comma-separated, or "all" for every one of all).
func selected(list string, all []string) ([]string, bool, error) {
	if list == "all" {
		return all, true, nil
	}
	var out []string
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		if !slices.Contains(all, n) {
			return nil, false, fmt.Errorf("unknown name %q: want one of %s, or all", n, strings.Join(all, ", "))
		}
		out = append(out, n)
	}
	return out, false, nil
}

// reason is the part of a refusal that says why: what follows "not supported on this
// backend: " in the errors of strategy.Open, registry.Service.Strategy and chaos.For
// (which name the service, strategy and backend before it), or the whole error.
func reason(err error) string {
	if err == nil {
		return "refused"
	}
	s := err.Error()
	if _, why, ok := strings.Cut(s, backend.ErrUnsupported.Error()+": "); ok && why != "" {
		return why
	}
	return s
}

// skipNotes says which combinations were skipped and why, one line per strategy and
// reason: "skipped counter/cache on postgres, mariadb: the cache strategy runs on …".
func skipNotes(skips []skip) []string {
	type key struct{ service, strategy, why string }
	var order []key
	backends := map[key][]string{}
	for _, s := range skips {
		k := key{s.Service, s.Strategy, s.Skipped}
		if _, ok := backends[k]; !ok {
			order = append(order, k)
		}
		backends[k] = append(backends[k], s.Backend)
	}
	out := make([]string, 0, len(order))
	for _, k := range order {
		out = append(out, fmt.Sprintf("skipped %s/%s on %s: %s", k.service, k.strategy, strings.Join(backends[k], ", "), k.why))
	}
	return out
}

// addSkip appends s to skips unless the same combination is there already (a later
// round of -repeat skips it again).
func addSkip(skips []skip, s skip) []skip {
	if slices.ContainsFunc(skips, func(o skip) bool {
		return o.Service == s.Service && o.Strategy == s.Strategy && o.Backend == s.Backend
	}) {
		return skips
	}
	return append(skips, s)
}
