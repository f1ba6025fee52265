package counter

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/flushloop"
)

// The cache strategy counts in Redis or Memcached and writes the counts through to
// the database in the background, the way Django's cache.incr page counters do.
//
// Per counter the cache holds two integers: the total (what Incr returns and Get
// reads) and the pending delta (what the database has not seen yet). An increment
// adds by to both, atomically in the cache (Redis: INCRBY in a Lua script;
// Memcached: Increment, with Add for a key's first write). Every FlushEvery a flusher
// takes each pending delta out of the cache atomically (Redis GETDEL; Memcached a
// CompareAndSwap to 0) and adds it in the database with an atomic upsert
// (n = counters.n + EXCLUDED.n), so several processes can flush at once without
// counting a delta twice. If the database write fails, the delta goes back into
// the cache for the next flush.
//
// A cache restart loses the counts of at most one flush interval: the deltas not yet
// flushed. The next increment or read finds the total missing and seeds it from the
// database (SET NX / Add: only if still missing) plus whatever delta is pending.
// Seeding races with a flush in another process can leave the cached total off by
// that flush's delta; the durable count in the database is never affected.
type cacheStore struct {
	sqlStore

	// flushMu keeps this process's flush and seeding apart.
	flushMu sync.Mutex
	// flusher calls Flush every FlushEvery until Close.
	flusher *flushloop.Loop

	cache cacheCounters
}

// cacheCounters is the cache-specific half of the cache strategy.
type cacheCounters interface {
	// incr adds by to the total and the pending delta; it returns ok=false if the
	// total is missing (never seeded, or lost in a cache restart).
	incr(ctx context.Context, name string, by int64) (total int64, ok bool, err error)
	// total reads the cached total; ok=false if it is missing.
	total(ctx context.Context, name string) (total int64, ok bool, err error)
	// pending reads the pending delta (0 if missing).
	pending(ctx context.Context, name string) (int64, error)
	// seed sets the total to v unless it exists.
	seed(ctx context.Context, name string, v int64) error
	// dirty returns the names that may have a pending delta, and forgets them.
	dirty(ctx context.Context) ([]string, error)
	// take removes and returns the pending delta of name (0 if none).
	take(ctx context.Context, name string) (int64, error)
	// giveBack adds delta back to name's pending delta after a failed flush.
	giveBack(ctx context.Context, name string, delta int64) error
}

func openCache(_ context.Context, env *backend.Env, o Options) (Store, error) {
	s := &cacheStore{sqlStore: newSQLStore(env, o)}
	switch env.Kind {
	case backend.Redis:
		s.cache = &redisCounters{c: env.Redis, prefix: env.KeyPrefix + "counter:"}
	case backend.Memcached:
		s.cache = newMemcacheCounters(env.Memcache, env.KeyPrefix+"counter:")
	}
	s.flusher = flushloop.Start(o.FlushInterval(), s.Flush, o.OnFlushError)
	return s, nil
}

func (s *cacheStore) Incr(ctx context.Context, name string, by int64) (int64, error) {
	for range 3 {
		n, ok, err := s.cache.incr(ctx, name, by)
		if err != nil {
			return 0, fmt.Errorf("incr %q by %d (cache): %w", name, by, err)
		}
		if ok {
			return n, nil
		}
		if _, err := s.seedTotal(ctx, name, true); err != nil {
			return 0, err
		}
	}
	return 0, fmt.Errorf("incr %q by %d (cache): the cached total disappeared three times while seeding it", name, by)
}

func (s *cacheStore) Get(ctx context.Context, name string) (int64, error) {
	n, ok, err := s.cache.total(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("read counter %q (cache): %w", name, err)
	}
	if ok {
		return n, nil
	}
	return s.seedTotal(ctx, name, false)
}

// seedTotal puts the total into the cache when it is missing (a new counter, or a
// cache restart): the durable count plus the pending delta. It returns the total. A
// counter that exists neither in the database nor in the cache is seeded at 0 if
// create is set, and is ErrNotFound otherwise.
func (s *cacheStore) seedTotal(ctx context.Context, name string, create bool) (int64, error) {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	durable, err := s.sqlStore.Get(ctx, name)
	missing := errors.Is(err, ErrNotFound)
	if err != nil && !missing {
		return 0, err
	}
	pending, err := s.cache.pending(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("seed counter %q (cache): read pending: %w", name, err)
	}
	if missing && pending == 0 && !create {
		return 0, fmt.Errorf("counter %q: %w", name, ErrNotFound)
	}
	if err := s.cache.seed(ctx, name, durable+pending); err != nil {
		return 0, fmt.Errorf("seed counter %q (cache) with %d: %w", name, durable+pending, err)
	}
	n, ok, err := s.cache.total(ctx, name)
	if err != nil || !ok {
		return 0, fmt.Errorf("seed counter %q (cache): read back: total present %v, %v", name, ok, err)
	}
	return n, nil
}

// Durable reads the count the database holds.
func (s *cacheStore) Durable(ctx context.Context, name string) (int64, error) {
	return s.sqlStore.Get(ctx, name)
}

// Flush moves every pending delta from the cache to the database.
func (s *cacheStore) Flush(ctx context.Context) error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	names, err := s.cache.dirty(ctx)
	if err != nil {
		return fmt.Errorf("flush counters (cache): list dirty: %w", err)
	}
	var errs []error
	for _, name := range names {
		delta, err := s.cache.take(ctx, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("flush counter %q (cache): take pending: %w", name, err))
			continue
		}
		if delta == 0 {
			continue
		}
		if err := s.addDurable(ctx, name, delta); err != nil {
			if gerr := s.cache.giveBack(context.WithoutCancel(ctx), name, delta); gerr != nil {
				err = errors.Join(err, fmt.Errorf("and could not give %d back to the cache, it is lost: %w", delta, gerr))
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// addDurable adds delta to counter name in the database, creating it if needed.
func (s *cacheStore) addDurable(ctx context.Context, name string, delta int64) error {
	var err error
	switch s.dialect {
	case backend.Postgres:
		_, err = s.db.ExecContext(ctx, `INSERT INTO counters (name, n) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET n = counters.n + EXCLUDED.n`, name, delta)
	case backend.MariaDB:
		_, err = s.db.ExecContext(ctx, `INSERT INTO counters (name, n) VALUES (?, ?)
			ON DUPLICATE KEY UPDATE n = n + VALUES(n)`, name, delta)
	default:
		_, err = s.db.ExecContext(ctx, `INSERT INTO counters (name, n) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET n = counters.n + excluded.n`, name, delta)
	}
	if err != nil {
		return fmt.Errorf("flush counter %q (cache): add %d on %s: %w", name, delta, s.dialect, err)
	}
	return nil
}

// Close stops the background flusher and flushes one last time.
func (s *cacheStore) Close() error { return s.flusher.Stop() }
