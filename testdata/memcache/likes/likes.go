// Package likes counts likes in Memcached with gomemcache: Get then Set // want package:`analysed`
// (racy), Increment (atomic) and CompareAndSwap (optimistic).
package likes

import (
	"errors"
	"strconv"

	"github.com/bradfitz/gomemcache/memcache"
)

// Likes counts in Memcached.
type Likes struct{ mc *memcache.Client }

// like reads the count and stores it plus one.
func (l *Likes) like(post string) error {
	it, err := l.mc.Get("likes:" + post)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(string(it.Value))
	if err != nil {
		return err
	}
	return l.mc.Set(&memcache.Item{Key: "likes:" + post, Value: []byte(strconv.Itoa(n + 1))}) // want `^lost update: it.Value is read at likes.go:17 and written back here without CompareAndSwap; .*Use an atomic mc.Increment\(key, delta\) for a counter \(Decrement to subtract\) or write the item Get returned with mc.CompareAndSwap\(item\), retried on memcache.ErrCASConflict.`
}

// likeReplace changes the item it read and replaces it.
func (l *Likes) likeReplace(post, mark string) error {
	it, err := l.mc.Get("likes:" + post)
	if err != nil {
		return err
	}
	it.Value = []byte(string(it.Value) + mark)
	return l.mc.Replace(it) // want `^lost update: it.Value is read at likes.go:30 and written back here without CompareAndSwap`
}

// likeAtomic lets Memcached add.
func (l *Likes) likeAtomic(post string) (uint64, error) {
	return l.mc.Increment("likes:"+post, 1)
}

// likeCAS writes only if nobody changed the item since Get, and retries.
func (l *Likes) likeCAS(post string) error {
	for {
		it, err := l.mc.Get("likes:" + post)
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(string(it.Value))
		if err != nil {
			return err
		}
		it.Value = []byte(strconv.Itoa(n + 1))
		err = l.mc.CompareAndSwap(it)
		if !errors.Is(err, memcache.ErrCASConflict) {
			return err
		}
	}
}

// reset stores a fresh value after reading the old one.
func (l *Likes) reset(post string) error {
	it, err := l.mc.Get("likes:" + post)
	if err != nil {
		return err
	}
	if string(it.Value) == "0" {
		return nil
	}
	return l.mc.Set(&memcache.Item{Key: "likes:" + post, Value: []byte("0")})
}
