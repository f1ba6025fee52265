package retry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/retry"
)

var errBusy = errors.New("busy")

func isBusy(err error) bool { return errors.Is(err, errBusy) }

func TestDo(t *testing.T) {
	errFatal := errors.New("fatal")
	fast := retry.Policy{Attempts: 5, Base: time.Microsecond, Max: 10 * time.Microsecond}
	tests := []struct {
		name        string
		failures    []error // what the attempts return, in order; then nil
		wantCalls   int
		wantRetries int64
		wantErr     error
	}{
		{name: "first try", wantCalls: 1},
		{name: "transient then success", failures: []error{errBusy, errBusy}, wantCalls: 3, wantRetries: 2},
		{name: "not retryable", failures: []error{errFatal}, wantCalls: 1, wantErr: errFatal},
		{name: "exhausted", failures: []error{errBusy, errBusy, errBusy, errBusy, errBusy, errBusy}, wantCalls: 5, wantRetries: 4, wantErr: retry.ErrExhausted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c retry.Counter
			calls := 0
			err := fast.Do(retry.WithCounter(context.Background(), &c), isBusy, func(context.Context) error {
				calls++
				if calls <= len(tt.failures) {
					return tt.failures[calls-1]
				}
				return nil
			})
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("Do = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == retry.ErrExhausted && !errors.Is(err, errBusy) {
				t.Errorf("exhausted error %v does not wrap the last failure", err)
			}
			if calls != tt.wantCalls || c.Load() != tt.wantRetries {
				t.Errorf("calls %d, retries counted %d; want %d, %d", calls, c.Load(), tt.wantCalls, tt.wantRetries)
			}
		})
	}
}

func TestDoStopsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	slow := retry.Policy{Attempts: 1000, Base: 10 * time.Millisecond, Max: 10 * time.Millisecond}
	start := time.Now()
	err := slow.Do(ctx, isBusy, func(context.Context) error { return errBusy })
	if !errors.Is(err, errBusy) || time.Since(start) > time.Second {
		t.Errorf("Do = %v after %v, want the last failure soon after the deadline", err, time.Since(start))
	}
}

func TestCounterFromWithoutCounter(t *testing.T) {
	if retry.CounterFrom(context.Background()) != nil {
		t.Error("CounterFrom on a bare context is not nil")
	}
}
