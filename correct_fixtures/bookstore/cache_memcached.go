package bookstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/bradfitz/gomemcache/memcache"

	"github.com/lostupdate/lostupdate/correct_fixtures/retry"
)

// memcacheBooks keeps the cache strategy's books in Memcached: one item
// <prefix>book:<id> per book holding a JSON [cachedBook], changed only with
// CompareAndSwap so that the stock check and the sale are one step. Memcached
// cannot list keys, so the ids with pending sales are remembered in this process; a
// pending count left by a process that died is flushed by the next process that
// sells that book.
type memcacheBooks struct {
	c      *memcache.Client
	prefix string
	policy retry.Policy

	mu  sync.Mutex
	ids map[int64]struct{}
}

// cachedBook is the value of a book's item. Seeded is false for an item that holds
// only pending sales given back after the book was lost from the cache.
type cachedBook struct {
	Title   string `json:"title"`
	Stock   int64  `json:"stock"`
	Sold    int64  `json:"sold"`
	Pending int64  `json:"pending"`
	Seeded  bool   `json:"seeded"`
}

func newMemcacheBooks(c *memcache.Client, prefix string, p retry.Policy) *memcacheBooks {
	return &memcacheBooks{c: c, prefix: prefix, policy: p, ids: map[int64]struct{}{}}
}

func (m *memcacheBooks) key(id int64) string { return m.prefix + "book:" + strconv.FormatInt(id, 10) }

// errCASConflict means another client changed the item between Get and CompareAndSwap.
var errCASConflict = errors.New("memcached item changed since read")

// read returns the item of book id and its decoded value; it is nil if missing.
func (m *memcacheBooks) read(id int64) (*memcache.Item, cachedBook, error) {
	var cb cachedBook
	it, err := m.c.Get(m.key(id))
	if errors.Is(err, memcache.ErrCacheMiss) {
		return nil, cb, nil
	}
	if err != nil {
		return nil, cb, err
	}
	if err := json.Unmarshal(it.Value, &cb); err != nil {
		return nil, cb, fmt.Errorf("memcached key %s holds %q: %w", it.Key, it.Value, err)
	}
	return it, cb, nil
}

// swap writes cb into it if it is unchanged since it was read.
func swap(c *memcache.Client, it *memcache.Item, cb cachedBook) error {
	v, err := json.Marshal(cb)
	if err != nil {
		return err
	}
	it.Value = v
	err = c.CompareAndSwap(it)
	if errors.Is(err, memcache.ErrCASConflict) || errors.Is(err, memcache.ErrNotStored) {
		return fmt.Errorf("%s: %w", it.Key, errCASConflict)
	}
	return err
}

// add creates the item of book id with cb unless it exists (then errCASConflict).
func (m *memcacheBooks) add(id int64, cb cachedBook) error {
	v, err := json.Marshal(cb)
	if err != nil {
		return err
	}
	err = m.c.Add(&memcache.Item{Key: m.key(id), Value: v})
	if errors.Is(err, memcache.ErrNotStored) {
		return fmt.Errorf("%s: %w", m.key(id), errCASConflict)
	}
	return err
}

func isCASConflict(err error) bool { return errors.Is(err, errCASConflict) }

// buy reads the item, checks the stock and swaps in the item after the sale; when
// another sale swapped first it reads again, under the retry policy (jittered
// backoff, retries counted).
func (m *memcacheBooks) buy(ctx context.Context, id, qty int64) (Book, bool, error) {
	var b Book
	cached := true
	err := m.policy.Do(ctx, isCASConflict, func(context.Context) error {
		it, cb, err := m.read(id)
		if err != nil {
			return notApplied(err) // a failed read changed nothing
		}
		if it == nil || !cb.Seeded {
			cached = false
			return nil
		}
		cached = true
		if cb.Stock < qty {
			return fmt.Errorf("book %d: %d in stock, %d asked: %w", id, cb.Stock, qty, ErrSoldOut)
		}
		cb.Stock -= qty
		cb.Sold += qty
		cb.Pending += qty
		if err := swap(m.c, it, cb); err != nil {
			return err
		}
		b = Book{ID: id, Title: cb.Title, Stock: cb.Stock, Sold: cb.Sold}
		return nil
	})
	if isCASConflict(err) { // every attempt lost its swap: nothing was sold
		err = notApplied(err)
	}
	if err != nil || !cached {
		return Book{}, cached, err
	}
	m.remember(id)
	return b, true, nil
}

func (m *memcacheBooks) remember(id int64) {
	m.mu.Lock()
	m.ids[id] = struct{}{}
	m.mu.Unlock()
}

func (m *memcacheBooks) get(_ context.Context, id int64) (Book, bool, error) {
	it, cb, err := m.read(id)
	if err != nil || it == nil || !cb.Seeded {
		return Book{}, false, err
	}
	return Book{ID: id, Title: cb.Title, Stock: cb.Stock, Sold: cb.Sold}, true, nil
}

// update applies change to book id's item (missing: the zero cachedBook, created
// with Add), again from a fresh read whenever another client changed it first.
func (m *memcacheBooks) update(id int64, change func(cb *cachedBook) bool) error {
	for range 100 {
		it, cb, err := m.read(id)
		if err != nil {
			return err
		}
		if !change(&cb) {
			return nil
		}
		if it == nil {
			err = m.add(id, cb)
		} else {
			err = swap(m.c, it, cb)
		}
		if !isCASConflict(err) {
			return err
		}
	}
	return fmt.Errorf("memcached key %s changed 100 times while updating it", m.key(id))
}

func (m *memcacheBooks) seed(_ context.Context, b Book) error {
	return m.update(b.ID, func(cb *cachedBook) bool {
		if cb.Seeded {
			return false
		}
		cb.Title, cb.Stock, cb.Sold, cb.Seeded = b.Title, b.Stock-cb.Pending, b.Sold+cb.Pending, true
		return true
	})
}

func (m *memcacheBooks) dirty(context.Context) ([]int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := make([]int64, 0, len(m.ids))
	for id := range m.ids {
		ids = append(ids, id)
	}
	clear(m.ids)
	return ids, nil
}

func (m *memcacheBooks) take(_ context.Context, id int64) (int64, error) {
	var taken int64
	err := m.update(id, func(cb *cachedBook) bool {
		taken = cb.Pending
		cb.Pending = 0
		return taken != 0
	})
	if err != nil {
		return 0, err
	}
	return taken, nil
}

func (m *memcacheBooks) giveBack(_ context.Context, id, qty int64) error {
	m.remember(id)
	return m.update(id, func(cb *cachedBook) bool {
		cb.Pending += qty
		return true
	})
}
