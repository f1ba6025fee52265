// Package counters holds the redigo writes whose suggested fix is the // want package:`analysed`
// key's increment, and the ones where that rewrite would change
// something else and is not offered.
package counters

import (
	"github.com/gomodule/redigo/redis"
)

// Stock counts items in Redis.
type Stock struct{ pool *redis.Pool }

// take subtracts: DECRBY.
func (s *Stock) take(item string, qty int) error {
	conn := s.pool.Get()
	defer conn.Close()
	n, err := redis.Int(conn.Do("GET", "stock:"+item))
	if err != nil {
		return err
	}
	_, err = conn.Do("SET", "stock:"+item, n-qty) // want `^lost update: n is read at counters\.go:17 .*Use an atomic DECRBY`
	return err
}

// addField adds to a hash field, the command in lower case.
func (s *Stock) addField(item string, qty int) error {
	conn := s.pool.Get()
	defer conn.Close()
	n, err := redis.Int(conn.Do("HGET", "item:"+item, "stock"))
	if err != nil {
		return err
	}
	return conn.Send("hset", "item:"+item, "stock", n+qty) // want `^lost update: n is read at counters\.go:29 .*HINCRBY for a hash field`
}

// addReply uses SET's reply, which an increment does not give: no fix.
func (s *Stock) addReply(item string) (string, error) {
	conn := s.pool.Get()
	defer conn.Close()
	n, err := redis.Int(conn.Do("GET", "stock:"+item))
	if err != nil {
		return "", err
	}
	return redis.String(conn.Do("SET", "stock:"+item, n+1)) // want `^lost update: n is read at counters\.go:40`
}

// addExpiring sets an expiry, which INCRBY would not: no fix.
func (s *Stock) addExpiring(item string) error {
	conn := s.pool.Get()
	defer conn.Close()
	n, err := redis.Int(conn.Do("GET", "stock:"+item))
	if err != nil {
		return err
	}
	_, err = conn.Do("SET", "stock:"+item, n+1, "EX", 60) // want `^lost update: n is read at counters\.go:51`
	return err
}

// takeWeight keeps a float, which DECRBY cannot subtract from: INCRBYFLOAT
// of the negated delta is named, and no fix is offered.
func (s *Stock) takeWeight(item string, w float64) error {
	conn := s.pool.Get()
	defer conn.Close()
	n, err := redis.Float64(conn.Do("GET", "weight:"+item))
	if err != nil {
		return err
	}
	_, err = conn.Do("SET", "weight:"+item, n-w) // want `^lost update: n is read at counters\.go:\d+ .*Use an atomic INCRBYFLOAT \(conn\.Do\("INCRBYFLOAT", key, -delta\); HINCRBYFLOAT for a hash field\)`
	return err
}
