// Package registry lists the fixture services and their strategies, the correct ones
// and the racy original, in the one shape the commands need: open a strategy on a
// backend and get a harness workload, an HTTP handler and a way to close it.
//
// Adding a service (bookstore, bank) is one entry in Services: its name, its
// strategies (adapted from the service package's own Strategy list, plus the racy
// original from the testdata/services module) and how to drive a running server.
// The package is internal because it imports the racy originals, whose module imports
// this one's public packages.
package registry

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/bank"
	"github.com/lostupdate/lostupdate/correct_fixtures/bookstore"
	"github.com/lostupdate/lostupdate/correct_fixtures/counter"
	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
	racybank "github.com/lostupdate/lostupdate/testdata/services/bank"
	racybookstore "github.com/lostupdate/lostupdate/testdata/services/bookstore"
	racycounter "github.com/lostupdate/lostupdate/testdata/services/counter"
)

// Options tune the services' strategies.
type Options struct {
	// FlushEvery is how often cache strategies write through; 0 means their default.
	FlushEvery time.Duration
}

// Instance is one service running one strategy on one backend, in this process.
type Instance struct {
	Workload harness.Workload
	Handler  http.Handler
	Close    func() error
}

// Strategy is one strategy of a service.
type Strategy struct {
	Name     string
	Summary  string
	Backends []backend.Kind
	// Racy marks a racy original, expected to lose updates (the counter has two,
	// racy on SQL and racy-cache; the bookstore too: racy in database/sql and
	// racy-gorm).
	Racy bool
	Open func(ctx context.Context, env *backend.Env, o Options) (Instance, error)
}

// Supports reports whether s runs on k.
func (s Strategy) Supports(k backend.Kind) bool { return slices.Contains(s.Backends, k) }

// Service is a fixture service.
type Service struct {
	Name       string
	Strategies []Strategy
	// Remote drives a running server at baseURL; key names what the run may touch
	// (a counter name, a book id …) so that runs do not see each other's data.
	Remote func(baseURL string, hc *http.Client, key string) harness.Workload
	// Unfit names the strategies the service refuses, with the reason (the bank
	// has no upsert).
	Unfit map[string]string
}

// Strategy returns the service's strategy called name.
func (s Service) Strategy(name string) (Strategy, error) {
	if why, ok := s.Unfit[name]; ok {
		return Strategy{}, fmt.Errorf("service %s refuses strategy %q: %w: %s", s.Name, name, backend.ErrUnsupported, why)
	}
	var names []string
	for _, st := range s.Strategies {
		if st.Name == name {
			return st, nil
		}
		names = append(names, st.Name)
	}
	return Strategy{}, fmt.Errorf("service %s has no strategy %q: want one of %s", s.Name, name, strings.Join(names, ", "))
}

// Services returns every fixture service.
func Services() []Service {
	return []Service{counterService(), bookstoreService(), bankService()}
}

// Lookup returns the service called name.
func Lookup(name string) (Service, error) {
	var names []string
	for _, s := range Services() {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return Service{}, fmt.Errorf("unknown service %q: want one of %s", name, strings.Join(names, ", "))
}

// hotCounter is the counter every worker increments.
const hotCounter = "hot"

func counterService() Service {
	all := append([]counter.Strategy{racycounter.Strategy(), racycounter.CacheStrategy()}, counter.Strategies()...)
	svc := Service{
		Name: "counter",
		Remote: func(baseURL string, hc *http.Client, key string) harness.Workload {
			return counter.NewWorkload(counter.NewClient(baseURL, hc), hotCounter+"-"+key)
		},
	}
	for _, cs := range all {
		svc.Strategies = append(svc.Strategies, Strategy{
			Name:     cs.Name,
			Summary:  cs.Summary,
			Backends: cs.Backends,
			Racy:     strings.HasPrefix(cs.Name, "racy"),
			Open: func(ctx context.Context, env *backend.Env, o Options) (Instance, error) {
				st, err := cs.Open(ctx, env, counter.Options{FlushEvery: o.FlushEvery})
				if err != nil {
					return Instance{}, err
				}
				return Instance{Workload: counter.NewWorkload(st, hotCounter), Handler: counter.NewHandler(st), Close: st.Close}, nil
			},
		})
	}
	return svc
}

// bookStock is the stock of the book every worker buys: large enough that a run
// measures sales, not refusals (the bookstore's tests sell a book out under load).
const bookStock = 1_000_000

func bookstoreService() Service {
	all := append([]bookstore.Strategy{racybookstore.Strategy(), racybookstore.GormStrategy()}, bookstore.Strategies()...)
	svc := Service{
		Name: "bookstore",
		Remote: func(baseURL string, hc *http.Client, key string) harness.Workload {
			return bookstore.NewWorkload(bookstore.NewClient(baseURL, hc), "bestseller-"+key, bookStock)
		},
	}
	for _, bs := range all {
		svc.Strategies = append(svc.Strategies, Strategy{
			Name:     bs.Name,
			Summary:  bs.Summary,
			Backends: bs.Backends,
			Racy:     strings.HasPrefix(bs.Name, "racy"),
			Open: func(ctx context.Context, env *backend.Env, o Options) (Instance, error) {
				st, err := bs.Open(ctx, env, bookstore.Options{FlushEvery: o.FlushEvery})
				if err != nil {
					return Instance{}, err
				}
				return Instance{Workload: bookstore.NewWorkload(st, "bestseller", bookStock), Handler: bookstore.NewHandler(st), Close: st.Close}, nil
			},
		})
	}
	return svc
}

// jointAccount is the account every worker moves money in and out of.
const jointAccount = "joint"

func bankService() Service {
	all := append([]bank.Strategy{racybank.Strategy()}, bank.Strategies()...)
	svc := Service{
		Name:  "bank",
		Unfit: bank.Unfit(),
		Remote: func(baseURL string, hc *http.Client, key string) harness.Workload {
			return bank.NewWorkload(bank.NewClient(baseURL, hc), jointAccount+"-"+key)
		},
	}
	for _, bs := range all {
		svc.Strategies = append(svc.Strategies, Strategy{
			Name:     bs.Name,
			Summary:  bs.Summary,
			Backends: bs.Backends,
			Racy:     bs.Name == "racy",
			Open: func(ctx context.Context, env *backend.Env, _ Options) (Instance, error) {
				st, err := bs.Open(ctx, env, bank.Options{}) // no bank strategy flushes
				if err != nil {
					return Instance{}, err
				}
				return Instance{Workload: bank.NewWorkload(st, jointAccount), Handler: bank.NewHandler(st), Close: st.Close}, nil
			},
		})
	}
	return svc
}
