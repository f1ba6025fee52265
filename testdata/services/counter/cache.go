package counter

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/bradfitz/gomemcache/memcache"
	"github.com/redis/go-redis/v9"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/counter"
)

// CacheStrategy returns the racy original on a cache as a counter strategy named
// "racy-cache": GET the count, add in Go, SET the sum, the way a Django view calls
// cache.get and cache.set. Two requests that GET the same n both SET n + by.
func CacheStrategy() counter.Strategy {
	return counter.Strategy{
		Name:     "racy-cache",
		Summary:  "the racy original on a cache: GET, n + by in Go, SET (Redis) / Get, Set (Memcached)",
		Backends: []backend.Kind{backend.Redis, backend.Memcached},
		New: func(_ context.Context, env *backend.Env, _ counter.Options) (counter.Store, error) {
			return &CacheStore{rdb: env.Redis, mc: env.Memcache, prefix: env.KeyPrefix}, nil
		},
	}
}

// CacheStore is the racy counter store on Redis or Memcached.
type CacheStore struct {
	rdb    *redis.Client
	mc     *memcache.Client
	prefix string
}

func (s *CacheStore) key(name string) string { return s.prefix + "racy:" + name }

// Incr reads the count, adds by and writes the sum back.
func (s *CacheStore) Incr(ctx context.Context, name string, by int64) (int64, error) {
	if s.rdb != nil {
		n, err := s.rdb.Get(ctx, s.key(name)).Int64()
		if err != nil && !errors.Is(err, redis.Nil) {
			return 0, fmt.Errorf("incr %q (racy, redis): read: %w", name, err)
		}
		n += by
		if err := s.rdb.Set(ctx, s.key(name), n, 0).Err(); err != nil { // want "lost update"
			return 0, fmt.Errorf("incr %q (racy, redis): write %d: %w", name, n, err)
		}
		return n, nil
	}
	var n int64
	it, err := s.mc.Get(s.key(name))
	switch {
	case errors.Is(err, memcache.ErrCacheMiss):
	case err != nil:
		return 0, fmt.Errorf("incr %q (racy, memcached): read: %w", name, err)
	default:
		if n, err = strconv.ParseInt(string(it.Value), 10, 64); err != nil {
			return 0, fmt.Errorf("incr %q (racy, memcached): %q is not a count: %w", name, it.Value, err)
		}
	}
	n += by
	if err := s.mc.Set(&memcache.Item{Key: s.key(name), Value: []byte(strconv.FormatInt(n, 10))}); err != nil { // want "lost update"
		return 0, fmt.Errorf("incr %q (racy, memcached): write %d: %w", name, n, err)
	}
	return n, nil
}

// Get reads the count.
func (s *CacheStore) Get(ctx context.Context, name string) (int64, error) {
	if s.rdb != nil {
		n, err := s.rdb.Get(ctx, s.key(name)).Int64()
		if errors.Is(err, redis.Nil) {
			return 0, fmt.Errorf("counter %q: %w", name, counter.ErrNotFound)
		}
		return n, err
	}
	it, err := s.mc.Get(s.key(name))
	if errors.Is(err, memcache.ErrCacheMiss) {
		return 0, fmt.Errorf("counter %q: %w", name, counter.ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(string(it.Value), 10, 64)
}

// Close does nothing; the cache client belongs to the caller.
func (s *CacheStore) Close() error { return nil }
