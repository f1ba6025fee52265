package bookstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/flushloop"
)

// The cache strategy keeps each book's stock in Redis or Memcached, where a sale is
// one atomic step, and writes the sales through to the database in the background.
//
// Per book the cache holds one entry (a Redis hash, a Memcached item): title, stock,
// sold, and pending, the copies sold that the database has not seen yet. A sale
// checks the stock and moves qty from stock to sold and pending in one step: on Redis
// a Lua script (EVALSHA runs it atomically), on Memcached a CompareAndSwap of the
// whole item, retried with jittered backoff when another sale came first. Every
// FlushEvery a flusher takes each pending count out of the cache atomically (a script
// that zeroes it; a CompareAndSwap) and subtracts it in the database with an atomic
// UPDATE books SET stock = stock - $1, sold = sold + $1, so several processes can
// flush at once without counting a sale twice. If the database write fails, the
// count goes back into the cache for the next flush.
//
// A book enters the cache on its first sale or read, seeded from the database (only
// if still missing: a Lua script that checks first; Memcached Add). A cache restart
// loses the sales of at most one flush interval: they are not in the database, and
// the copies they sold are offered again when the book is seeded anew. That is the
// price of a write-behind cache for a stock, and the reason to choose it only when
// the database cannot take the write rate; see the README. A flush whose reply is
// lost after the cache zeroed the pending count loses that count in the same way.
type cacheStore struct {
	sqlStore

	// flushMu keeps this process's flush and seeding apart.
	flushMu sync.Mutex
	// flusher calls Flush every FlushEvery until Close.
	flusher *flushloop.Loop

	cache cacheBooks
}

// cacheBooks is the cache-specific half of the cache strategy.
type cacheBooks interface {
	// buy sells qty copies of a cached book and returns it after the sale, or fails
	// with ErrSoldOut changing nothing; ok=false if the book is not cached (never
	// seeded, or lost in a cache restart).
	buy(ctx context.Context, id, qty int64) (b Book, ok bool, err error)
	// get reads a cached book; ok=false if it is not cached.
	get(ctx context.Context, id int64) (b Book, ok bool, err error)
	// seed caches durable, the book as the database holds it, unless the book is
	// cached already; sales pending in the cache are subtracted from its stock.
	seed(ctx context.Context, durable Book) error
	// dirty returns the ids that may have pending sales, and forgets them.
	dirty(ctx context.Context) ([]int64, error)
	// take zeroes the pending sales of book id and returns them.
	take(ctx context.Context, id int64) (int64, error)
	// giveBack adds qty back to the pending sales of book id after a failed flush.
	giveBack(ctx context.Context, id, qty int64) error
}

func openCache(_ context.Context, env *backend.Env, o Options) (Store, error) {
	s := &cacheStore{sqlStore: newSQLStore(env, o)}
	prefix := env.KeyPrefix + "bookstore:"
	switch env.Kind {
	case backend.Redis:
		s.cache = &redisBooks{c: env.Redis, prefix: prefix}
	case backend.Memcached:
		s.cache = newMemcacheBooks(env.Memcache, prefix, s.policy)
	}
	s.flusher = flushloop.Start(o.FlushInterval(), s.Flush, o.OnFlushError)
	return s, nil
}

func (s *cacheStore) Buy(ctx context.Context, id, qty int64) (Book, error) {
	for range 3 {
		b, ok, err := s.cache.buy(ctx, id, qty)
		if err != nil {
			return Book{}, fmt.Errorf("buy %d of book %d (cache): %w", qty, id, err)
		}
		if ok {
			return b, nil
		}
		if _, err := s.seedBook(ctx, id); err != nil {
			return Book{}, err
		}
	}
	return Book{}, fmt.Errorf("buy %d of book %d (cache): the cached book disappeared three times while seeding it", qty, id)
}

func (s *cacheStore) Get(ctx context.Context, id int64) (Book, error) {
	b, ok, err := s.cache.get(ctx, id)
	if err != nil {
		return Book{}, fmt.Errorf("read book %d (cache): %w", id, err)
	}
	if ok {
		return b, nil
	}
	return s.seedBook(ctx, id)
}

// seedBook puts book id into the cache when it is missing (its first use, or a cache
// restart) and returns it as cached.
func (s *cacheStore) seedBook(ctx context.Context, id int64) (Book, error) {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	durable, err := s.sqlStore.Get(ctx, id)
	if err != nil {
		return Book{}, err
	}
	if err := s.cache.seed(ctx, durable); err != nil {
		return Book{}, fmt.Errorf("seed book %d (cache) with stock %d, sold %d: %w", id, durable.Stock, durable.Sold, err)
	}
	b, ok, err := s.cache.get(ctx, id)
	if err != nil || !ok {
		return Book{}, fmt.Errorf("seed book %d (cache): read back: cached %v, %v", id, ok, err)
	}
	return b, nil
}

// Durable reads the book as the database holds it.
func (s *cacheStore) Durable(ctx context.Context, id int64) (Book, error) {
	return s.sqlStore.Get(ctx, id)
}

// Flush moves every pending sale from the cache to the database.
func (s *cacheStore) Flush(ctx context.Context) error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	ids, err := s.cache.dirty(ctx)
	if err != nil {
		return fmt.Errorf("flush books (cache): list dirty: %w", err)
	}
	var errs []error
	for _, id := range ids {
		sold, err := s.cache.take(ctx, id)
		if err != nil {
			errs = append(errs, fmt.Errorf("flush book %d (cache): take pending sales: %w", id, err))
			continue
		}
		if sold == 0 {
			continue
		}
		if err := s.sellDurable(ctx, id, sold); err != nil {
			if gerr := s.cache.giveBack(context.WithoutCancel(ctx), id, sold); gerr != nil {
				err = errors.Join(err, fmt.Errorf("and could not give %d sales back to the cache, they are lost: %w", sold, gerr))
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// sellDurable records sold copies of book id in the database.
func (s *cacheStore) sellDurable(ctx context.Context, id, sold int64) error {
	var res sql.Result
	var err error
	switch s.dialect {
	case backend.Postgres:
		res, err = s.db.ExecContext(ctx, `UPDATE books SET stock = stock - $1, sold = sold + $1 WHERE id = $2`, sold, id)
	default:
		res, err = s.db.ExecContext(ctx, `UPDATE books SET stock = stock - ?, sold = sold + ? WHERE id = ?`, sold, sold, id)
	}
	if err == nil {
		var changed int64
		if changed, err = res.RowsAffected(); err == nil && changed != 1 {
			err = fmt.Errorf("changed %d rows, want 1", changed)
		}
	}
	if err != nil {
		return fmt.Errorf("flush book %d (cache): record %d sales on %s: %w", id, sold, s.dialect, err)
	}
	return nil
}

// Close stops the background flusher and flushes one last time.
func (s *cacheStore) Close() error { return s.flusher.Stop() }
