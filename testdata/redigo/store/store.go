// Package store keeps counters in Redis through redigo behind functions: // want package:`analysed`
// what they read and write is in their facts.
package store

import "github.com/gomodule/redigo/redis"

// Count reads a counter.
func Count(conn redis.Conn, key string) (int64, error) { // want Count:`loads result 0 on param 0 \(conn\)`
	return redis.Int64(conn.Do("GET", key))
}

// Put stores a counter.
func Put(conn redis.Conn, key string, n int64) error { // want Put:`writes param 2 on param 0 \(conn\)`
	_, err := conn.Do("SET", key, n)
	return err
}
