package counter

import (
	"context"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
)

// Workload drives one counter: every operation increments it by By. All workers hit
// the same counter, the worst case for lost updates (a hot page).
type Workload struct {
	Store Store
	Name  string
	By    int64
}

var _ harness.Workload = (*Workload)(nil)

// NewWorkload returns a Workload that increments counter name by 1.
func NewWorkload(s Store, name string) *Workload { return &Workload{Store: s, Name: name, By: 1} }

// Setup returns the counter's current value (0 if it does not exist yet).
func (w *Workload) Setup(ctx context.Context) (int64, error) {
	n, err := w.Store.Get(ctx, w.Name)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	return n, err
}

// Do increments the counter once.
func (w *Workload) Do(ctx context.Context, _ harness.Op) (harness.Outcome, error) {
	_, err := w.Store.Incr(ctx, w.Name, w.By)
	if errors.Is(err, ErrNotApplied) {
		return harness.Outcome{Delta: 0}, err
	}
	return harness.Outcome{Delta: w.By}, err
}

// Final reads the counter.
func (w *Workload) Final(ctx context.Context) (int64, error) { return w.Store.Get(ctx, w.Name) }

// Check verifies, for a store that writes through a cache, that after a flush the
// database holds exactly what the cache says; when increments failed with an unknown
// outcome (one may have reached the cache total but not the pending delta, on
// Memcached where they are two steps), that the database holds a count the clients'
// view allows, as the harness requires of the final value.
func (w *Workload) Check(ctx context.Context, r harness.Result) error {
	f, ok := w.Store.(Flusher)
	if !ok {
		return nil
	}
	if err := f.Flush(ctx); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	durable, err := f.Durable(ctx, w.Name)
	if err != nil {
		return fmt.Errorf("read durable count: %w", err)
	}
	if r.UnsureLow == r.UnsureHigh && durable != r.Final {
		return fmt.Errorf("after a flush the database holds %d but the cache says %d", durable, r.Final)
	}
	if durable < r.UnsureLow || durable > r.UnsureHigh {
		return fmt.Errorf("after a flush the database holds %d, outside [%d, %d] that the acknowledged and unknown increments allow (the cache says %d)",
			durable, r.UnsureLow, r.UnsureHigh, r.Final)
	}
	return nil
}
