// Package lock wraps redsync's mutex in a type of the program's own, as // want package:`analysed`
// services do: Lock takes the distributed lock and leaves it held for the
// caller, Unlock releases it.
package lock

import (
	"time"

	"github.com/go-redsync/redsync/v4"
	goredis "github.com/go-redsync/redsync/v4/redis/goredis/v9"
	"github.com/redis/go-redis/v9"
)

// Locker makes the locks of one Redis.
type Locker struct {
	rs *redsync.Redsync
}

// NewLocker returns the locker of the Redis rdb reaches.
func NewLocker(rdb *redis.Client) *Locker { // want NewLocker:`result 0\.rs from param 0 \(opaque\)`
	return &Locker{rs: redsync.New(goredis.NewPool(rdb))}
}

// RedisLock is a lock every server process that names its key shares.
type RedisLock struct {
	key   string
	mutex *redsync.Mutex
}

// New returns the lock of key.
func (l *Locker) New(key string) *RedisLock { // want New:`result 0\.key from param 1; result 0\.mutex from param 0\.rs \(made\), param 1 \(made\)`
	return &RedisLock{key: key, mutex: l.rs.NewMutex(key, redsync.WithRetryDelay(500*time.Millisecond))}
}

// Lock waits for the lock and takes it.
func (l *RedisLock) Lock() error { // want Lock:`takes a distributed lock`
	return l.mutex.Lock()
}

// TryLock takes the lock if no one holds it.
func (l *RedisLock) TryLock() error { // want TryLock:`takes a distributed lock`
	return l.mutex.TryLock()
}

// Unlock releases the lock.
func (l *RedisLock) Unlock() error { // want Unlock:`releases the distributed locks held`
	_, err := l.mutex.Unlock()
	return err
}
