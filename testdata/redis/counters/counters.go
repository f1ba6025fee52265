// Package counters holds the go-redis writes whose suggested fix is the // want package:`analysed`
// key's increment, and the ones where that rewrite would change
// something else and is not offered.
package counters

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Stock counts items in Redis.
type Stock struct{ rdb *redis.Client }

// add reads an int and adds an int: IncrBy takes an int64.
func (s *Stock) add(ctx context.Context, item string, qty int) error {
	n, err := s.rdb.Get(ctx, "stock:"+item).Int()
	if err != nil && !errors.Is(err, redis.Nil) {
		return err
	}
	return s.rdb.Set(ctx, "stock:"+item, n+qty, 0).Err() // want `^lost update: n is read at counters\.go:19 .*Use an atomic INCRBY`
}

// take subtracts: DecrBy.
func (s *Stock) take(ctx context.Context, item string, qty int64) error {
	n, err := s.rdb.Get(ctx, "stock:"+item).Int64()
	if err != nil {
		return err
	}
	s.rdb.Set(ctx, "stock:"+item, n-qty, 0) // want `^lost update: n is read at counters\.go:28 .*Use an atomic DECRBY \(rdb\.DecrBy\(ctx, key, delta\)`
	return nil
}

// takeField subtracts from a hash field: HIncrBy by the negated delta.
func (s *Stock) takeField(ctx context.Context, item string, qty int64) error {
	n, err := s.rdb.HGet(ctx, "item:"+item, "stock").Int64()
	if err != nil {
		return err
	}
	return s.rdb.HSet(ctx, "item:"+item, "stock", n-qty).Err() // want `^lost update: n is read at counters\.go:38 .*HIncrBy for a hash field`
}

// addLogged still uses n after the write: the read stays as it is.
func (s *Stock) addLogged(ctx context.Context, item string, logf func(string, ...any)) error {
	n, err := s.rdb.Get(ctx, "stock:"+item).Int64()
	if err != nil {
		return err
	}
	logf("stock of %s was %d", item, n)
	return s.rdb.Set(ctx, "stock:"+item, n+1, 0).Err() // want `^lost update: n is read at counters\.go:47`
}

// addExpiring sets an expiry, which an increment would not: no fix.
func (s *Stock) addExpiring(ctx context.Context, item string) error {
	n, err := s.rdb.Get(ctx, "stock:"+item).Int64()
	if err != nil {
		return err
	}
	return s.rdb.Set(ctx, "stock:"+item, n+1, time.Hour).Err() // want `^lost update: n is read at counters\.go:57`
}

// addReply uses Set's reply, "OK", which an increment does not give: no
// fix.
func (s *Stock) addReply(ctx context.Context, item string) (string, error) {
	n, err := s.rdb.Get(ctx, "stock:"+item).Int64()
	if err != nil {
		return "", err
	}
	return s.rdb.Set(ctx, "stock:"+item, n+1, 0).Result() // want `^lost update: n is read at counters\.go:67`
}

// addFloat keeps a float, which IncrBy cannot add to: no fix.
func (s *Stock) addFloat(ctx context.Context, item string) error {
	n, err := s.rdb.Get(ctx, "weight:"+item).Float64()
	if err != nil {
		return err
	}
	return s.rdb.Set(ctx, "weight:"+item, n+0.5, 0).Err() // want `^lost update: n is read at counters\.go:76.*an atomic INCRBYFLOAT \(rdb\.IncrByFloat\(ctx, key, delta\); HIncrByFloat for a hash field\)`
}

// addAgain reads into an error declared before: the blank read assigns.
func (s *Stock) addAgain(ctx context.Context, item string) error {
	var err error
	if err = s.rdb.Ping(ctx).Err(); err != nil {
		return err
	}
	n, err := s.rdb.Get(ctx, "stock:"+item).Int64()
	if err != nil {
		return err
	}
	return s.rdb.Set(ctx, "stock:"+item, n+1, 0).Err() // want `^lost update: n is read at counters\.go:89`
}
