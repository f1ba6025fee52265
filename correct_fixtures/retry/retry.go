// Package retry runs an operation again after a transient failure: a bounded number of
// attempts with exponential backoff and full jitter, so that clients that collided once
// do not collide again in lockstep. Every retry is counted on the Counter carried by the
// context, if any, which is how the load harness reports retries per strategy.
package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// ErrExhausted is returned (wrapped, with the last failure) when every attempt failed.
var ErrExhausted = errors.New("gave up")

// Policy bounds the attempts and the pause between them.
type Policy struct {
	// Attempts is the most times the operation runs (at least 1).
	Attempts int
	// Base is the pause before the first retry; it doubles with each retry up to Max.
	Base time.Duration
	// Max caps the pause.
	Max time.Duration
}

// Default is the policy the fixture services use: up to 100 attempts, pauses of up to
// 1 ms, 2 ms, 4 ms … capped at 25 ms, each drawn uniformly below its cap.
func Default() Policy {
	return Policy{Attempts: 100, Base: time.Millisecond, Max: 25 * time.Millisecond}
}

// Do runs op until it succeeds, fails with an error that retryable rejects, the
// attempts are used up or ctx is done.
func (p Policy) Do(ctx context.Context, retryable func(error) bool, op func(context.Context) error) error {
	attempts := max(p.Attempts, 1)
	var err error
	for i := range attempts {
		if i > 0 {
			countRetry(ctx)
			if werr := p.wait(ctx, i); werr != nil {
				return fmt.Errorf("%w (stopped before attempt %d)", err, i+1)
			}
		}
		err = op(ctx)
		if err == nil || !retryable(err) {
			return err
		}
	}
	return fmt.Errorf("%w after %d attempts: %w", ErrExhausted, attempts, err)
}

func (p Policy) wait(ctx context.Context, retry int) error {
	ceiling := p.Base << min(retry-1, 20)
	if ceiling <= 0 || ceiling > p.Max {
		ceiling = p.Max
	}
	if ceiling <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(rand.N(ceiling) + 1)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Counter counts retries; it is safe for concurrent use.
type Counter struct{ n atomic.Int64 }

// Add adds n retries.
func (c *Counter) Add(n int64) { c.n.Add(n) }

// Load returns the number of retries counted.
func (c *Counter) Load() int64 { return c.n.Load() }

type counterKey struct{}

// WithCounter returns a context whose retries are counted on c.
func WithCounter(ctx context.Context, c *Counter) context.Context {
	return context.WithValue(ctx, counterKey{}, c)
}

// CounterFrom returns the Counter carried by ctx, or nil.
func CounterFrom(ctx context.Context) *Counter {
	c, _ := ctx.Value(counterKey{}).(*Counter)
	return c
}

func countRetry(ctx context.Context) {
	if c := CounterFrom(ctx); c != nil {
		c.Add(1)
	}
}
