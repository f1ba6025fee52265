// Package service counts page views through package store: the value // want package:`analysed`
// read by store.Count, changed, goes back through store.Put.
package service

import (
	"context"

	"example.com/rediscases/store"
	"github.com/redis/go-redis/v9"
)

// View counts a view of a page in Go, through the store: two views at
// once both read n, and one is lost.
func View(ctx context.Context, rdb *redis.Client, page string) error { // want View:`^changes the database$`
	n, err := store.Count(ctx, rdb, "views:"+page)
	if err != nil && err != redis.Nil {
		return err
	}
	return store.Put(ctx, rdb, "views:"+page, n+1) // want `^lost update: n is read at service\.go:15 \(by store\.Count, at store\.go:13\) and written back here by store\.Put without WATCH; .*Use an atomic INCRBY \(rdb\.IncrBy\(ctx, key, delta\)`
}

// ViewAtomic lets Redis add, through the store.
func ViewAtomic(ctx context.Context, rdb *redis.Client, page string) error {
	return store.Add(ctx, rdb, "views:"+page, 1)
}
