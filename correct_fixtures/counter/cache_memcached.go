package counter

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/bradfitz/gomemcache/memcache"

	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// memcacheCounters keeps the cache strategy's counts in Memcached: <prefix><name>:n
// and <prefix><name>:pending, as decimal numbers so that Increment works on them.
// Memcached cannot list keys, so the names with a pending delta are remembered in
// this process; a delta left by a process that died is flushed by the next process
// that increments that counter.
//
// The total and the pending delta are two Increments, not one atomic step: a client
// that dies between them leaves the two apart by that one increment.
type memcacheCounters struct {
	c      *memcache.Client
	prefix string

	mu    sync.Mutex
	names map[string]struct{}
}

func newMemcacheCounters(c *memcache.Client, prefix string) *memcacheCounters {
	return &memcacheCounters{c: c, prefix: prefix, names: map[string]struct{}{}}
}

func (m *memcacheCounters) totalKey(name string) string   { return m.prefix + name + ":n" }
func (m *memcacheCounters) pendingKey(name string) string { return m.prefix + name + ":pending" }

// add increments key by delta, creating it with Add on its first write; if another
// client created it in between (ErrNotStored), it increments after all.
func (m *memcacheCounters) add(key string, delta int64) error {
	_, err := m.c.Increment(key, uint64(delta))
	if !errors.Is(err, memcache.ErrCacheMiss) {
		return err
	}
	err = m.c.Add(&memcache.Item{Key: key, Value: []byte(strconv.FormatInt(delta, 10))})
	if errors.Is(err, memcache.ErrNotStored) {
		_, err = m.c.Increment(key, uint64(delta))
	}
	return err
}

func (m *memcacheCounters) incr(_ context.Context, name string, by int64) (int64, bool, error) {
	n, err := m.c.Increment(m.totalKey(name), uint64(by))
	if errors.Is(err, memcache.ErrCacheMiss) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	m.mu.Lock()
	m.names[name] = struct{}{}
	m.mu.Unlock()
	if err := m.add(m.pendingKey(name), by); err != nil {
		return 0, false, fmt.Errorf("total is %d but the pending delta was not recorded: %w", n, err)
	}
	return int64(n), true, nil
}

// get reads an item. A read is safe to repeat, so one that found its pooled
// connection dropped (the client discards it) is tried again on the next, up
// to once per connection the pool can hold.
func (m *memcacheCounters) get(key string) (*memcache.Item, error) {
	it, err := m.c.Get(key)
	for range max(m.c.MaxIdleConns, memcache.DefaultMaxIdleConns) {
		if !dberr.ConnectionLost(err) {
			break
		}
		it, err = m.c.Get(key)
	}
	return it, err
}

func (m *memcacheCounters) read(key string) (int64, bool, error) {
	it, err := m.get(key)
	if errors.Is(err, memcache.ErrCacheMiss) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(it.Value)), 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("memcached key %s holds %q, not a number: %w", key, it.Value, err)
	}
	return n, true, nil
}

func (m *memcacheCounters) total(_ context.Context, name string) (int64, bool, error) {
	return m.read(m.totalKey(name))
}

func (m *memcacheCounters) pending(_ context.Context, name string) (int64, error) {
	n, _, err := m.read(m.pendingKey(name))
	return n, err
}

func (m *memcacheCounters) seed(_ context.Context, name string, v int64) error {
	err := m.c.Add(&memcache.Item{Key: m.totalKey(name), Value: []byte(strconv.FormatInt(v, 10))})
	if errors.Is(err, memcache.ErrNotStored) { // someone seeded it first
		return nil
	}
	return err
}

func (m *memcacheCounters) dirty(context.Context) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(m.names))
	for n := range m.names {
		names = append(names, n)
	}
	clear(m.names)
	return names, nil
}

// take swaps the pending delta for 0 with CompareAndSwap, so that an increment or
// another flusher in between makes it read again instead of taking a delta twice.
func (m *memcacheCounters) take(_ context.Context, name string) (int64, error) {
	key := m.pendingKey(name)
	for range 100 {
		it, err := m.get(key)
		if errors.Is(err, memcache.ErrCacheMiss) {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(it.Value)), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("memcached key %s holds %q, not a number: %w", key, it.Value, err)
		}
		if n == 0 {
			return 0, nil
		}
		it.Value = []byte("0")
		err = m.c.CompareAndSwap(it)
		if errors.Is(err, memcache.ErrCASConflict) || errors.Is(err, memcache.ErrNotStored) {
			continue
		}
		if err != nil {
			return 0, err
		}
		return n, nil
	}
	return 0, fmt.Errorf("memcached key %s changed 100 times while flushing it", key)
}

func (m *memcacheCounters) giveBack(_ context.Context, name string, delta int64) error {
	m.mu.Lock()
	m.names[name] = struct{}{}
	m.mu.Unlock()
	return m.add(m.pendingKey(name), delta)
}
