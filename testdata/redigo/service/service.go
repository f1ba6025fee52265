// Package service spends credits through package store: the value read // want package:`analysed`
// by store.Count, changed, goes back through store.Put.
package service

import (
	"errors"

	"example.com/redigocases/store"
	"github.com/gomodule/redigo/redis"
)

// ErrNoCredit is returned when a spend exceeds the credit.
var ErrNoCredit = errors.New("not enough credit")

// Spend takes n credits.
func Spend(pool *redis.Pool, user string, n int64) error { // want Spend:`writes param 2 on own conn`
	conn := pool.Get()
	defer conn.Close()
	c, err := store.Count(conn, "credit:"+user)
	if err != nil {
		return err
	}
	if c < n {
		return ErrNoCredit
	}
	return store.Put(conn, "credit:"+user, c-n) // want `^lost update: c is read at service\.go:19 \(by store\.Count, at store\.go:9\) and written back here by store\.Put without WATCH; .*Use an atomic DECRBY \(conn\.Do\("DECRBY", key, delta\)`
}
