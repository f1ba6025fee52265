// Package store keeps counters in Redis through go-redis v9 behind // want package:`analysed`
// functions: what they read and write is in their facts.
package store

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Count reads a counter.
func Count(ctx context.Context, rdb *redis.Client, key string) (int64, error) { // want Count:`^loads result 0 on param 1 \(pool\)$`
	return rdb.Get(ctx, key).Int64()
}

// Put stores a counter.
func Put(ctx context.Context, rdb *redis.Client, key string, n int64) error { // want Put:`^writes param 3 on param 1 \(pool\)$`
	return rdb.Set(ctx, key, n, 0).Err()
}

// Add adds to a counter in Redis.
func Add(ctx context.Context, rdb *redis.Client, key string, d int64) error {
	return rdb.IncrBy(ctx, key, d).Err()
}
