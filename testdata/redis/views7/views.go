// Package views7 counts page views with go-redis v7, whose commands take // want package:`analysed`
// no context: GET then SET (racy), INCRBY (atomic), WATCH with
// TxPipelined (optimistic), and a MULTI without WATCH. The fixes are
// given in v7's terms.
package views7

import (
	"errors"

	"github.com/go-redis/redis/v7"
)

// Counter counts in Redis.
type Counter struct{ rdb *redis.Client }

// hit reads the count and writes it back plus one.
func (c *Counter) hit(page string) error {
	n, err := c.rdb.Get("views:" + page).Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return err
	}
	return c.rdb.Set("views:"+page, n+1, 0).Err() // want `^lost update: n is read at views.go:18 and written back here without WATCH; .*Use an atomic INCRBY \(rdb.IncrBy\(key, delta\); HIncrBy for a hash field\) or read it under WATCH and write it in that transaction's TxPipelined \(rdb.Watch\(func\(tx \*redis.Tx\) error`
}

// hitAtomic lets Redis add.
func (c *Counter) hitAtomic(page string) (int64, error) {
	return c.rdb.IncrBy("views:"+page, 1).Result()
}

// hitWatched reads the count under WATCH and writes it in the
// transaction's MULTI/EXEC, which fails if the key changed.
func (c *Counter) hitWatched(page string) error {
	key := "views:" + page
	return c.rdb.Watch(func(tx *redis.Tx) error {
		n, err := tx.Get(key).Int64()
		if err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		_, err = tx.TxPipelined(func(pipe redis.Pipeliner) error {
			pipe.Set(key, n+1, 0)
			return nil
		})
		return err
	}, key)
}

// hitMulti reads outside the transaction; MULTI without WATCH does not
// notice a change made in between.
func (c *Counter) hitMulti(rdb redis.UniversalClient, page string) error {
	key := "views:" + page
	var n int64
	if err := rdb.Get(key).Scan(&n); err != nil {
		return err
	}
	_, err := rdb.TxPipelined(func(pipe redis.Pipeliner) error {
		pipe.Set(key, n+1, 0) // want `^lost update: n is read at views.go:\d+`
		return nil
	})
	return err
}

// likeHash keeps likes in a hash field, read as text and written as a
// number.
func (c *Counter) likeHash(post string) error {
	n, err := c.rdb.HGet("post:"+post, "likes").Int64()
	if err != nil {
		return err
	}
	return c.rdb.HSet("post:"+post, "likes", n+1).Err() // want `^lost update: n is read at views.go:\d+ .*HIncrBy for a hash field`
}
