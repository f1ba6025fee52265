// Package views counts page views and likes in Redis with go-redis v9: // want package:`analysed`
// GET then SET (racy), INCRBY (atomic), WATCH with TxPipelined
// (optimistic), and a MULTI without WATCH, which protects nothing read
// before it.
package views

import (
	"context"
	"errors"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// Counter counts in Redis.
type Counter struct{ rdb *redis.Client }

// hit reads the count and writes it back plus one.
func (c *Counter) hit(ctx context.Context, page string) error {
	n, err := c.rdb.Get(ctx, "views:"+page).Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return err
	}
	return c.rdb.Set(ctx, "views:"+page, n+1, 0).Err() // want `^lost update: n is read at views.go:20 and written back here`
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
func (c *Counter) hitMulti(ctx context.Context, page string) error {
	key := "views:" + page
	n, err := c.rdb.Get(ctx, key).Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return err
	}
	_, err = c.rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.Set(ctx, key, n+1, 0) // want `^lost update: n is read at views.go:53`
		pipe.Expire(ctx, key, 0)
		return nil
	})
	return err
}

// likeHash keeps likes in a hash field, read as text.
func (c *Counter) likeHash(ctx context.Context, post string) error {
	s, err := c.rdb.HGet(ctx, "post:"+post, "likes").Result()
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return err
	}
	return c.rdb.HSet(ctx, "post:"+post, "likes", n+1).Err() // want `^lost update: s is read at views.go:67`
}

// copyTitle copies one key into another: no update of the key read is lost.
func (c *Counter) copyTitle(ctx context.Context, from, to string) error {
	title, err := c.rdb.Get(ctx, "title:"+from).Result()
	if err != nil {
		return err
	}
	return c.rdb.Set(ctx, "draft:"+to, title+" (copy)", 0).Err()
}

// resetScan reads with Scan and writes a fresh value: nothing derived.
func (c *Counter) resetScan(ctx context.Context, page string) error {
	var n int64
	if err := c.rdb.Get(ctx, "views:"+page).Scan(&n); err != nil {
		return err
	}
	if n < 1000 {
		return nil
	}
	return c.rdb.Set(ctx, "views:"+page, 0, 0).Err()
}

// hitUniversal goes through the UniversalClient interface.
func hitUniversal(ctx context.Context, rdb redis.UniversalClient, page string) error {
	var n int64
	if err := rdb.Get(ctx, "views:"+page).Scan(&n); err != nil {
		return err
	}
	return rdb.Set(ctx, "views:"+page, n+1, 0).Err() // want `^lost update: n is read at views.go:\d+`
}

// store hides the client behind methods, as a repository layer does.
type store struct{ rdb *redis.Client }

func (s *store) views(ctx context.Context, page string) (int64, error) {
	return s.rdb.Get(ctx, "views:"+page).Int64()
}

func (s *store) setViews(ctx context.Context, page string, n int64) error {
	return s.rdb.Set(ctx, "views:"+page, n, 0).Err()
}

// hitThroughStore reads and writes through the repository: the fix is
// still Redis's.
func hitThroughStore(ctx context.Context, s *store, page string) error {
	n, err := s.views(ctx, page)
	if err != nil {
		return err
	}
	return s.setViews(ctx, page, n+1) // want `^lost update: n is read at views.go:\d+ \(by store.views, at views.go:\d+\) and written back here by store.setViews without WATCH; .*Use an atomic INCRBY`
}

// recordBest keeps the highest score: two requests both see a lower best,
// and the one that writes last wins even when its score is lower.
func (c *Counter) recordBest(ctx context.Context, game string, score int64) error {
	best, err := c.rdb.Get(ctx, "best:"+game).Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return err
	}
	if score <= best {
		return nil
	}
	return c.rdb.Set(ctx, "best:"+game, score, 0).Err() // want `^check then write: best is read at views\.go:132 and checked at views\.go:136, .*Repeat the check in the write \(a Lua script \(rdb\.Eval\) that compares and sets in one step\)`
}
