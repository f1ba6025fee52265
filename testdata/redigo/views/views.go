// Package views counts page views in Redis through redigo: GET then SET // want package:`analysed`
// (racy), INCRBY (atomic), WATCH with MULTI and EXEC (optimistic), MULTI
// alone (racy: MULTI queues the write, it checks nothing), hashes.
package views

import (
	"errors"

	"github.com/gomodule/redigo/redis"
)

// Views counts in Redis.
type Views struct{ pool *redis.Pool }

// add reads the count and stores it plus one.
func (v *Views) add(page string) error {
	conn := v.pool.Get()
	defer conn.Close()
	n, err := redis.Int(conn.Do("GET", "views:"+page))
	if err != nil && !errors.Is(err, redis.ErrNil) {
		return err
	}
	_, err = conn.Do("SET", "views:"+page, n+1) // want `^lost update: n is read at views\.go:19 and written back here without WATCH; a concurrent request can change it in between\. Use an atomic INCRBY \(conn\.Do\("INCRBY", key, delta\); HINCRBY for a hash field\) or read it after conn\.Do\("WATCH", key\) and write it between conn\.Send\("MULTI"\) and conn\.Do\("EXEC"\) on that connection, retried while EXEC replies nil\.`
	return err
}

// addAtomic lets Redis add.
func (v *Views) addAtomic(page string) (int, error) {
	conn := v.pool.Get()
	defer conn.Close()
	return redis.Int(conn.Do("INCRBY", "views:"+page, 1))
}

// addWatched reads under WATCH and writes between MULTI and EXEC on the
// same connection: EXEC fails if the key changed since WATCH, and the
// loop tries again.
func (v *Views) addWatched(page string) error {
	conn := v.pool.Get()
	defer conn.Close()
	for {
		if _, err := conn.Do("WATCH", "views:"+page); err != nil {
			return err
		}
		n, err := redis.Int(conn.Do("GET", "views:"+page))
		if err != nil && !errors.Is(err, redis.ErrNil) {
			return err
		}
		if err := conn.Send("MULTI"); err != nil {
			return err
		}
		if err := conn.Send("SET", "views:"+page, n+1); err != nil {
			return err
		}
		reply, err := conn.Do("EXEC")
		if err != nil {
			return err
		}
		if reply != nil {
			return nil
		}
	}
}

// addMultiOnly queues the write in MULTI without WATCH: the read before
// it is not checked.
func (v *Views) addMultiOnly(page string) error {
	conn := v.pool.Get()
	defer conn.Close()
	n, err := redis.Int(conn.Do("GET", "views:"+page))
	if err != nil && !errors.Is(err, redis.ErrNil) {
		return err
	}
	if err := conn.Send("MULTI"); err != nil {
		return err
	}
	if err := conn.Send("SET", "views:"+page, n+1); err != nil { // want `^lost update: n is read at views\.go:69 and written back here without WATCH`
		return err
	}
	_, err = conn.Do("EXEC")
	return err
}

// rename appends to a title kept in a hash field.
func (v *Views) rename(page, suffix string) error {
	conn := v.pool.Get()
	defer conn.Close()
	title, err := redis.String(conn.Do("HGET", "page:"+page, "title"))
	if err != nil {
		return err
	}
	_, err = conn.Do("HSET", "page:"+page, "title", title+suffix) // want `^lost update: title is read at views\.go:87 and written back here without WATCH; .*Use a Lua script \(redis\.NewScript\) that reads and writes in one step`
	return err
}

// copyCount writes the count of one page to another key: another key's
// value is not lost.
func (v *Views) copyCount(from, to string) error {
	conn := v.pool.Get()
	defer conn.Close()
	n, err := redis.Int(conn.Do("GET", "views:"+from))
	if err != nil {
		return err
	}
	_, err = conn.Do("SET", "total:"+to, n*2)
	return err
}

// recordBest keeps the highest score: two requests both see a lower best,
// and the one that writes last wins even when its score is lower.
func (v *Views) recordBest(game string, score int) error {
	conn := v.pool.Get()
	defer conn.Close()
	best, err := redis.Int(conn.Do("GET", "best:"+game))
	if err != nil && !errors.Is(err, redis.ErrNil) {
		return err
	}
	if score > best {
		_, err = conn.Do("SET", "best:"+game, score) // want `^check then write: best is read at views\.go:113 and checked at views\.go:117, but the write here does not check it again, .*Repeat the check in the write \(a Lua script \(redis\.NewScript\) that compares and sets in one step\), or read it after conn\.Do\("WATCH", key\)`
	}
	return err
}

// markSeen sets a flag when it is not set: two requests both set it, to
// the same value.
func (v *Views) markSeen(page string) error {
	conn := v.pool.Get()
	defer conn.Close()
	seen, err := redis.String(conn.Do("GET", "seen:"+page))
	if err != nil && !errors.Is(err, redis.ErrNil) {
		return err
	}
	if seen == "" {
		_, err = conn.Do("SET", "seen:"+page, "1")
	}
	return err
}
