package counter

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

// redisCounters keeps the cache strategy's counts in Redis: <prefix><name>:n (the
// total), <prefix><name>:pending (the delta not flushed yet) and the set
// <prefix>dirty of names that may have a pending delta.
type redisCounters struct {
	c      *redis.Client
	prefix string
}

func (r *redisCounters) totalKey(name string) string   { return r.prefix + name + ":n" }
func (r *redisCounters) pendingKey(name string) string { return r.prefix + name + ":pending" }
func (r *redisCounters) dirtyKey() string              { return r.prefix + "dirty" }

// incrScript adds ARGV[1] to the total and the pending delta and marks the counter
// dirty, all or nothing; it returns nil (without changing anything) when the total is
// missing, so that the caller seeds it first.
var incrScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('INCRBY', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[2])
return redis.call('INCRBY', KEYS[1], ARGV[1])
`)

func (r *redisCounters) incr(ctx context.Context, name string, by int64) (int64, bool, error) {
	keys := []string{r.totalKey(name), r.pendingKey(name), r.dirtyKey()}
	n, err := incrScript.Run(ctx, r.c, keys, by, name).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return n, true, nil
}

func (r *redisCounters) total(ctx context.Context, name string) (int64, bool, error) {
	n, err := r.c.Get(ctx, r.totalKey(name)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, false, nil
	}
	return n, err == nil, err
}

func (r *redisCounters) pending(ctx context.Context, name string) (int64, error) {
	n, err := r.c.Get(ctx, r.pendingKey(name)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, err
}

func (r *redisCounters) seed(ctx context.Context, name string, v int64) error {
	return r.c.SetNX(ctx, r.totalKey(name), v, 0).Err()
}

func (r *redisCounters) dirty(ctx context.Context) ([]string, error) {
	// SPOP takes the names out atomically; an increment after this adds its name back.
	return r.c.SPopN(ctx, r.dirtyKey(), 1<<20).Result()
}

func (r *redisCounters) take(ctx context.Context, name string) (int64, error) {
	n, err := r.c.GetDel(ctx, r.pendingKey(name)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, err
}

func (r *redisCounters) giveBack(ctx context.Context, name string, delta int64) error {
	_, err := r.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.IncrBy(ctx, r.pendingKey(name), delta)
		p.SAdd(ctx, r.dirtyKey(), name)
		return nil
	})
	return err
}
