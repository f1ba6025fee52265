// Package flushloop runs a cache strategy's write-behind flush in the background:
// every interval until it is stopped, and once more when it is stopped, so that
// closing a store writes through what is still pending. What a flush writes is the
// strategy's business; the loop only decides when it runs.
package flushloop

import (
	"context"
	"sync"
	"time"
)

// flushTimeout bounds one flush, in the background and on Stop.
const flushTimeout = 30 * time.Second

// Loop is a running flusher; Start starts one and Stop ends it.
type Loop struct {
	flush func(context.Context) error
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

// Start calls flush every interval in a goroutine of its own until Stop, passing its
// errors to onError (nil drops them).
func Start(every time.Duration, flush func(context.Context) error, onError func(error)) *Loop {
	l := &Loop{flush: flush, stop: make(chan struct{}), done: make(chan struct{})}
	go l.run(every, onError)
	return l
}

func (l *Loop) run(every time.Duration, onError func(error)) {
	defer close(l.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
			if err := l.flush(ctx); err != nil && onError != nil {
				onError(err)
			}
			cancel()
		}
	}
}

// Stop ends the loop, waits for a flush under way, and flushes one last time,
// returning that flush's error. Later calls do nothing and return nil.
func (l *Loop) Stop() error {
	var err error
	l.once.Do(func() {
		close(l.stop)
		<-l.done
		ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
		defer cancel()
		err = l.flush(ctx)
	})
	return err
}
