package flushloop_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/flushloop"
)

func TestLoop(t *testing.T) {
	boom := errors.New("database down")
	tests := []struct {
		name     string
		fail     error
		onError  bool
		wantStop error
	}{
		{"flushes succeed", nil, true, nil},
		{"errors go to onError, the last one to Stop", boom, true, boom},
		{"errors dropped without onError", boom, false, boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var flushes, reported atomic.Int64
			flush := func(ctx context.Context) error {
				if _, ok := ctx.Deadline(); !ok {
					t.Error("flush without a deadline")
				}
				flushes.Add(1)
				return tt.fail
			}
			var onError func(error)
			if tt.onError {
				onError = func(err error) {
					if !errors.Is(err, tt.fail) {
						t.Errorf("onError(%v), want %v", err, tt.fail)
					}
					reported.Add(1)
				}
			}
			l := flushloop.Start(time.Millisecond, flush, onError)
			deadline := time.Now().Add(10 * time.Second)
			for flushes.Load() < 3 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if err := l.Stop(); !errors.Is(err, tt.wantStop) || (err == nil) != (tt.wantStop == nil) {
				t.Errorf("Stop() = %v, want %v", err, tt.wantStop)
			}
			background := flushes.Load() - 1 // the last flush is Stop's
			if background < 3 {
				t.Errorf("%d background flushes, want at least 3", background)
			}
			if tt.fail != nil && tt.onError {
				if got := reported.Load(); got != background {
					t.Errorf("onError called %d times, want %d (once per failed background flush)", got, background)
				}
			}
			after := flushes.Load()
			if err := l.Stop(); err != nil {
				t.Errorf("second Stop() = %v, want nil", err)
			}
			time.Sleep(5 * time.Millisecond)
			if got := flushes.Load(); got != after {
				t.Errorf("%d flushes after Stop, want none", got-after)
			}
		})
	}
}
