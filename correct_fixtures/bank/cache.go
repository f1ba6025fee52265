package bank

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/flushloop"
)

// The cache strategy keeps the account in Redis or Memcached and writes the ledger
// through to the database in the background.
//
// Per account the cache holds the balance and the list of decisions not yet written
// through (pending); per request it remembers the decision. A request is decided in
// one atomic step in the cache: Redis runs a Lua script that looks the request ID up,
// checks the floor, changes the balance, appends the decision to the pending list and
// stores it under the request ID with SET NX; Memcached keeps balance and pending list
// in one item and replaces it with CompareAndSwap, retrying when another request
// changed it in between. Every FlushEvery a flusher reads each account's pending
// decisions, writes them to the database in one transaction (bank_requests rows,
// ledger entries, and balance = balance + the sum of their amounts, an atomic
// update) and then removes them from the cache. The database write skips a request ID
// it already has, so a flush that is repeated (after a crash between the commit and
// the removal, or by two processes at once) books nothing twice.
//
// A request ID the cache does not know may still have been decided: written through
// and then forgotten (a cache restart; a Memcached eviction). Memcached removes a
// decision from the account's item once it is written through, so there every
// request is also looked up in the database, after the item is read (see
// memcacheAccounts). Redis keeps every decision under its request ID for
// IdempotencyTTL, so it only forgets in a restart; when it seeds the balance of an
// account that has a history in the database, it starts a new epoch, and for
// IdempotencyTTL the script sends a request it does not know to the database first,
// and decides it only if the epoch has not changed since.
//
// What the cache costs: it is the system of record between two flushes. A cache
// restart loses the decisions of at most one flush interval, money included, and
// the next request seeds the balance from the database again. Fine for page views;
// for money it is a trade-off to make knowingly (and Redis must not evict: run it
// with maxmemory-policy noeviction). Two limits remain: a seeding in one process
// racing a flush in another can leave the cached balance off by that flush (the
// database is never affected; the counter's cache strategy has the same window),
// and a request ID reused on another account right after a restart is not
// recognised as reused (the flush then skips it, and the cached balance of that
// account is off by its amount).
type cacheStore struct {
	sqlStore

	// flushMu keeps this process's flushes and seeding apart.
	flushMu sync.Mutex
	// flusher calls Flush every FlushEvery until Close.
	flusher *flushloop.Loop

	cache cacheAccounts
}

// IdempotencyTTL is how long the cache strategy's Redis remembers a request ID.
const IdempotencyTTL = 24 * time.Hour

// flushBatch bounds the decisions one database transaction of a flush writes.
const flushBatch = 500

// cacheAccounts is the cache-specific half of the cache strategy.
type cacheAccounts interface {
	// decide decides req in one atomic step in the cache and returns the decision
	// and whether it was made before (a replay). seeded is false, with nothing
	// changed, when the account's balance is not in the cache. durable looks a
	// request ID up in the database, for the caches that need it to tell a request
	// flushed and forgotten from a new one.
	decide(ctx context.Context, req Request, durable func(context.Context, string) (record, bool, error)) (r record, replayed, seeded bool, err error)
	// balance reads the cached balance; ok is false if it is missing.
	balance(ctx context.Context, id string) (n int64, ok bool, err error)
	// seed sets the balance to v unless it is there. forgetful says that the
	// account has decisions in the database that the cache may have forgotten.
	seed(ctx context.Context, id string, v int64, forgetful bool) error
	// dirty returns the accounts that may have pending decisions.
	dirty(ctx context.Context) ([]string, error)
	// keepDirty marks account id as having pending decisions again, after a flush
	// that did not write them all through.
	keepDirty(ctx context.Context, id string) error
	// pending returns up to max of the account's pending decisions, oldest first.
	pending(ctx context.Context, id string, max int) ([]record, error)
	// remove removes the given decisions, written through, from the pending list,
	// and the account from the dirty ones if nothing is left.
	remove(ctx context.Context, id string, rs []record) error
}

func openCache(_ context.Context, env *backend.Env, o Options) (Store, error) {
	s := &cacheStore{sqlStore: newSQLStore(env, o)}
	switch env.Kind {
	case backend.Redis:
		s.cache = &redisAccounts{c: env.Redis, prefix: env.KeyPrefix + "bank:"}
	case backend.Memcached:
		s.cache = newMemcacheAccounts(env.Memcache, env.KeyPrefix+"bank:", s.policy)
	}
	s.flusher = flushloop.Start(o.FlushInterval(), s.Flush, o.OnFlushError)
	return s, nil
}

func (s *cacheStore) Apply(ctx context.Context, req Request) (Receipt, error) {
	durable := func(ctx context.Context, id string) (record, bool, error) { return s.lookup(ctx, s.db, id) }
	for range 5 {
		r, replayed, seeded, err := s.cache.decide(ctx, req, durable)
		switch {
		case errors.Is(err, errBacklog):
			if err := s.flushOne(ctx, req.Account); err != nil {
				return Receipt{}, notApplied(err)
			}
			continue
		case err != nil:
			return Receipt{}, err
		case seeded:
			return r.result(req, replayed)
		}
		// The balance is missing: a new account, or a cache that restarted.
		if err := s.seedBalance(ctx, req.Account); err != nil {
			return Receipt{}, err
		}
	}
	return Receipt{}, notApplied(fmt.Errorf("%s (cache): the cached balance went missing or full five times in a row", req))
}

// seedBalance puts the balance of account id into the cache from the database,
// after writing through whatever is still pending for it. Its errors other than
// ErrNotFound are marked not applied.
func (s *cacheStore) seedBalance(ctx context.Context, id string) error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	if err := s.flushAccount(ctx, id); err != nil {
		return notApplied(err)
	}
	durable, err := s.sqlStore.Balance(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return err
	}
	if err != nil {
		return notApplied(err)
	}
	forgetful, err := s.hasHistory(ctx, id)
	if err != nil {
		return notApplied(err)
	}
	if err := s.cache.seed(ctx, id, durable, forgetful); err != nil {
		return notApplied(fmt.Errorf("seed account %q (cache) with %d: %w", id, durable, err))
	}
	return nil
}

// hasHistory reports whether the database holds a decision on account id.
func (s *cacheStore) hasHistory(ctx context.Context, id string) (bool, error) {
	var one int
	var err error
	switch s.dialect {
	case backend.Postgres:
		err = s.db.QueryRowContext(ctx, `SELECT 1 FROM bank_requests WHERE account_id = $1 LIMIT 1`, id).Scan(&one)
	default:
		err = s.db.QueryRowContext(ctx, `SELECT 1 FROM bank_requests WHERE account_id = ? LIMIT 1`, id).Scan(&one)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up the history of account %q on %s: %w", id, s.dialect, err)
	}
	return true, nil
}

// Balance reads the cached balance, seeding it from the database if it is missing.
func (s *cacheStore) Balance(ctx context.Context, id string) (int64, error) {
	for range 3 {
		n, ok, err := s.cache.balance(ctx, id)
		if err != nil {
			return 0, fmt.Errorf("read balance of account %q (cache): %w", id, err)
		}
		if ok {
			return n, nil
		}
		if err := s.seedBalance(ctx, id); err != nil {
			return 0, err
		}
	}
	return 0, fmt.Errorf("read balance of account %q (cache): it disappeared three times while seeding it", id)
}

// Statement writes through what is pending and reads the statement from the database.
func (s *cacheStore) Statement(ctx context.Context, id string) (Statement, error) {
	if err := s.Flush(ctx); err != nil {
		return Statement{}, err
	}
	return s.sqlStore.Statement(ctx, id)
}

// Flush writes every pending decision through to the database.
func (s *cacheStore) Flush(ctx context.Context) error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	ids, err := s.cache.dirty(ctx)
	if err != nil {
		return fmt.Errorf("flush accounts (cache): list dirty: %w", err)
	}
	var errs []error
	for _, id := range ids {
		if err := s.flushAccount(ctx, id); err != nil {
			errs = append(errs, err)
			if err := s.cache.keepDirty(context.WithoutCancel(ctx), id); err != nil {
				errs = append(errs, fmt.Errorf("flush account %q (cache): keep it marked for the next flush: %w", id, err))
			}
		}
	}
	return errors.Join(errs...)
}

// flushOne writes account id's pending decisions through now.
func (s *cacheStore) flushOne(ctx context.Context, id string) error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	return s.flushAccount(ctx, id)
}

// flushAccount writes account id's pending decisions through, a batch at a time,
// and removes each batch from the cache once it is committed.
func (s *cacheStore) flushAccount(ctx context.Context, id string) error {
	for range 100 {
		rs, err := s.cache.pending(ctx, id, flushBatch)
		if err != nil {
			return fmt.Errorf("flush account %q (cache): read pending: %w", id, err)
		}
		if err := s.writeThrough(ctx, id, rs); err != nil {
			return err
		}
		if err := s.cache.remove(ctx, id, rs); err != nil {
			return fmt.Errorf("flush account %q (cache): remove %d written-through decisions: %w", id, len(rs), err)
		}
		if len(rs) < flushBatch {
			return nil
		}
	}
	return fmt.Errorf("flush account %q (cache): more than %d decisions pending, the rest goes with the next flush", id, 100*flushBatch)
}

// writeThrough writes decisions rs of account id to the database in one
// transaction: the request records, the ledger entries of those applied, and the
// sum of their amounts added to the balance. A request ID the database has already
// is skipped, so writing the same decisions twice books them once.
func (s *cacheStore) writeThrough(ctx context.Context, id string, rs []record) error {
	if len(rs) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("flush account %q (cache): begin: %w", id, err)
	}
	defer tx.Rollback()
	var delta int64
	for _, r := range rs {
		fresh, err := s.remember(ctx, tx, r)
		if err != nil {
			return fmt.Errorf("flush account %q (cache): %w", id, err)
		}
		if !fresh || r.Outcome != applied {
			continue
		}
		req := Request{Account: r.Account, Op: r.Op, Amount: r.Amount, RequestID: r.RequestID}
		if err := s.book(ctx, tx, req); err != nil {
			return fmt.Errorf("flush account %q (cache): %w", id, err)
		}
		delta += r.Op.Signed(r.Amount)
	}
	if delta != 0 {
		switch s.dialect {
		case backend.Postgres:
			_, err = tx.ExecContext(ctx, `UPDATE accounts SET balance = balance + $1 WHERE id = $2`, delta, id)
		default:
			_, err = tx.ExecContext(ctx, `UPDATE accounts SET balance = balance + ? WHERE id = ?`, delta, id)
		}
		if err != nil {
			return fmt.Errorf("flush account %q (cache): add %d to the balance on %s: %w", id, delta, s.dialect, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("flush account %q (cache): commit %d decisions on %s: %w", id, len(rs), s.dialect, err)
	}
	return nil
}

// Close stops the background flusher and flushes one last time.
func (s *cacheStore) Close() error { return s.flusher.Stop() }

// result is the answer to req from a decision made now (or, if replayed, before).
func (r record) result(req Request, replayed bool) (Receipt, error) {
	if replayed {
		return r.answer(req)
	}
	if r.Outcome == refused {
		return Receipt{Account: req.Account, RequestID: req.RequestID, Op: req.Op, Amount: req.Amount}, insufficient(req)
	}
	return receipt(req, r.Balance), nil
}

// String encodes r for the cache as "outcome op amount balance account request_id":
// account ids and request IDs have no spaces.
func (r record) String() string {
	return strings.Join([]string{r.Outcome, string(r.Op), strconv.FormatInt(r.Amount, 10), strconv.FormatInt(r.Balance, 10), r.Account, r.RequestID}, " ")
}

// parseRecord decodes a record encoded by record.String (or by the Redis script).
func parseRecord(s string) (record, error) {
	f := strings.Fields(s)
	if len(f) != 6 {
		return record{}, fmt.Errorf("cached decision %q: want 6 fields", s)
	}
	amount, err1 := strconv.ParseInt(f[2], 10, 64)
	balance, err2 := strconv.ParseInt(f[3], 10, 64)
	if err := errors.Join(err1, err2); err != nil || (f[0] != applied && f[0] != refused) {
		return record{}, fmt.Errorf("cached decision %q is malformed: %w", s, err)
	}
	return record{Outcome: f[0], Op: Op(f[1]), Amount: amount, Balance: balance, Account: f[4], RequestID: f[5]}, nil
}
