// Package views8 counts page views with go-redis v8, whose API is v9's at // want package:`analysed`
// another import path: GET then SET (racy), INCRBY (atomic), WATCH with
// TxPipelined (optimistic), and a MULTI without WATCH.
package views8

import (
	"context"
	"errors"

	"github.com/go-redis/redis/v8"
)

// Counter counts in Redis.
type Counter struct{ rdb *redis.Client }

// hit reads the count and writes it back plus one.
func (c *Counter) hit(ctx context.Context, page string) error {
	n, err := c.rdb.Get(ctx, "views:"+page).Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return err
	}
	return c.rdb.Set(ctx, "views:"+page, n+1, 0).Err() // want `^lost update: n is read at views.go:18 and written back here without WATCH; .*Use an atomic INCRBY \(rdb.IncrBy\(ctx, key, delta\)`
}

// hitAtomic lets Redis add.
func (c *Counter) hitAtomic(ctx context.Context, page string) (int64, error) {
	return c.rdb.IncrBy(ctx, "views:"+page, 1).Result()
}

// hitWatched reads the count under WATCH and writes it in the
// transaction's MULTI/EXEC, which fails if the key changed.
func (c *Counter) hitWatched(ctx context.Context, page string) error {
	key := "views:" + page
	return c.rdb.Watch(ctx, func(tx *redis.Tx) error {
		n, err := tx.Get(ctx, key).Int64()
		if err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			pipe.Set(ctx, key, n+1, 0)
			return nil
		})
		return err
	}, key)
}

// hitMulti reads outside the transaction; MULTI without WATCH does not
// notice a change made in between.
func (c *Counter) hitMulti(ctx context.Context, rdb redis.UniversalClient, page string) error {
	key := "views:" + page
	var n int64
	if err := rdb.Get(ctx, key).Scan(&n); err != nil {
		return err
	}
	_, err := rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.Set(ctx, key, n+1, 0) // want `^lost update: n is read at views.go:\d+`
		return nil
	})
	return err
}
