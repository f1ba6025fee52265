package bank

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"

	"github.com/bradfitz/gomemcache/memcache"

	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
	"github.com/lostupdate/lostupdate/correct_fixtures/retry"
)

// memcacheAccounts keeps the cache strategy's accounts in Memcached, one item per
// account, <prefix>acct:<id>, holding the balance, a generation and the decisions
// not written through yet:
//
//	<balance> <generation>
//	<decision>
//	…
//
// A request is decided by reading the item, looking its request ID up among the
// pending decisions, checking the floor and writing the item back with
// CompareAndSwap; if another request changed the item in between, the CAS fails and
// the request reads it again. A flush removes the decisions it wrote through, again
// with CompareAndSwap, and bumps the generation.
//
// A request ID that is not pending may have been written through and removed, so
// decide looks it up in the database too, after reading the item: a decision is
// removed only after it is committed, so if it is not in the item read it is
// either committed or was never made. The look-up stays valid as long as the
// generation has not moved, so a CAS retry skips it unless a flush came in between.
//
// A request ID is also claimed for its request in an item of its own,
// <prefix>req:<request_id>, so that reusing it on another account is refused.
//
// Memcached cannot list keys; the accounts to flush are those this process changed.
// Decisions left by a process that died are written through by the next process
// that decides a request on that account and flushes it.
type memcacheAccounts struct {
	c      *memcache.Client
	prefix string
	policy retry.Policy

	mu  sync.Mutex
	ids map[string]struct{}
}

// maxPending bounds the decisions an item holds: every decision rewrites the whole
// item, so the item is flushed when it gets this long, whatever the interval.
const maxPending = 200

// errCASConflict means another client changed the item between our read and our
// CompareAndSwap; errBacklog that the item holds maxPending decisions and must be
// flushed first.
var (
	errCASConflict = errors.New("memcached item changed since read")
	errBacklog     = errors.New("too many decisions pending in the cache")
)

func newMemcacheAccounts(c *memcache.Client, prefix string, p retry.Policy) *memcacheAccounts {
	return &memcacheAccounts{c: c, prefix: prefix, policy: p, ids: map[string]struct{}{}}
}

func (m *memcacheAccounts) key(id string) string { return m.prefix + "acct:" + id }

// cachedAccount is the decoded value of an account's item.
type cachedAccount struct {
	balance    int64
	generation uint64
	pending    []record
}

func (a *cachedAccount) encode() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%d %d\n", a.balance, a.generation)
	for _, r := range a.pending {
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func decodeAccount(key string, v []byte) (cachedAccount, error) {
	lines := strings.Split(strings.TrimRight(string(v), "\n"), "\n")
	var a cachedAccount
	head := strings.Fields(lines[0])
	if len(head) != 2 {
		return a, fmt.Errorf("memcached item %s: header %q is not \"balance generation\"", key, lines[0])
	}
	var err1, err2 error
	a.balance, err1 = strconv.ParseInt(head[0], 10, 64)
	a.generation, err2 = strconv.ParseUint(head[1], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return a, fmt.Errorf("memcached item %s: header %q: %w", key, lines[0], err)
	}
	for _, l := range lines[1:] {
		r, err := parseRecord(l)
		if err != nil {
			return a, fmt.Errorf("memcached item %s: %w", key, err)
		}
		a.pending = append(a.pending, r)
	}
	return a, nil
}

// get reads account id's item; ok is false if it is missing. A read is safe to
// repeat, so one that found its pooled connection dropped (the client discards it)
// is tried again on the next, up to once per connection the pool can hold.
func (m *memcacheAccounts) get(id string) (*memcache.Item, cachedAccount, bool, error) {
	it, err := m.c.Get(m.key(id))
	for range max(m.c.MaxIdleConns, memcache.DefaultMaxIdleConns) {
		if !dberr.ConnectionLost(err) {
			break
		}
		it, err = m.c.Get(m.key(id))
	}
	if errors.Is(err, memcache.ErrCacheMiss) {
		return nil, cachedAccount{}, false, nil
	}
	if err != nil {
		return nil, cachedAccount{}, false, err
	}
	a, err := decodeAccount(it.Key, it.Value)
	return it, a, err == nil, err
}

func (m *memcacheAccounts) decide(ctx context.Context, req Request, durable func(context.Context, string) (record, bool, error)) (record, bool, bool, error) {
	var (
		out              record
		replayed, seeded bool
		checked, claimed bool
		checkedAt        uint64
	)
	err := m.policy.Do(ctx, func(err error) bool { return errors.Is(err, errCASConflict) }, func(ctx context.Context) error {
		it, a, ok, err := m.get(req.Account)
		if err != nil {
			return notApplied(fmt.Errorf("%s (cache, memcached): read: %w", req, err))
		}
		if seeded = ok; !ok {
			return nil
		}
		if !claimed { // the account exists: an unknown account's request ID stays free
			if err := m.claim(req); err != nil {
				return err
			}
			claimed = true
		}
		for _, r := range a.pending {
			if r.RequestID == req.RequestID {
				out, replayed = r, true
				return nil
			}
		}
		if !checked || a.generation != checkedAt {
			r, found, err := durable(ctx, req.RequestID)
			if err != nil {
				return notApplied(err)
			}
			if found {
				out, replayed = r, true
				return nil
			}
			checked, checkedAt = true, a.generation
		}
		if len(a.pending) >= maxPending {
			return notApplied(fmt.Errorf("%s (cache, memcached): %w", req, errBacklog))
		}
		next, err := nextBalance(req, a.balance)
		switch {
		case errors.Is(err, ErrInsufficientFunds):
			out = refusedRecord(req)
		case err != nil:
			return err
		default:
			out = appliedRecord(req, next)
			a.balance = next
		}
		a.pending = append(a.pending, out)
		it.Value = a.encode()
		if err := m.c.CompareAndSwap(it); err != nil {
			if errors.Is(err, memcache.ErrCASConflict) || errors.Is(err, memcache.ErrNotStored) {
				return errCASConflict
			}
			// The swap may or may not have happened: the outcome is unknown, and the
			// client's retry with the same request ID will find out.
			return fmt.Errorf("%s (cache, memcached): CompareAndSwap: %w", req, err)
		}
		m.touched(req.Account)
		return nil
	})
	if errors.Is(err, errCASConflict) {
		err = notApplied(err)
	}
	return out, replayed, seeded, err
}

// claim ties req's request ID to req's account, operation and amount, with Add
// (store only if absent): the pending decisions live in the account's item, so
// without a claim a request ID reused on another account would not be noticed
// before it reached the database. A claim that exists already must match; a claim
// is not a decision (the claimer may have died before deciding), so a matching one
// lets the request be decided, or answered, as usual.
func (m *memcacheAccounts) claim(req Request) error {
	key := m.prefix + "req:" + req.RequestID
	want := fmt.Sprintf("%s %s %d", req.Account, req.Op, req.Amount)
	err := m.c.Add(&memcache.Item{Key: key, Value: []byte(want), Expiration: int32(IdempotencyTTL.Seconds())})
	if !errors.Is(err, memcache.ErrNotStored) {
		if err != nil {
			return notApplied(fmt.Errorf("%s (cache, memcached): claim the request ID: %w", req, err))
		}
		return nil
	}
	it, err := m.c.Get(key)
	if errors.Is(err, memcache.ErrCacheMiss) { // expired just now
		return nil
	}
	if err != nil {
		return notApplied(fmt.Errorf("%s (cache, memcached): read the request ID's claim: %w", req, err))
	}
	if got := string(it.Value); got != want {
		f := strings.Fields(got)
		if len(f) != 3 {
			return notApplied(fmt.Errorf("%s (cache, memcached): claim %q is malformed", req, got))
		}
		amount, _ := strconv.ParseInt(f[2], 10, 64)
		_, err := record{Account: f[0], Op: Op(f[1]), Amount: amount}.answer(req)
		return err
	}
	return nil
}

func (m *memcacheAccounts) touched(id string) {
	m.mu.Lock()
	m.ids[id] = struct{}{}
	m.mu.Unlock()
}

func (m *memcacheAccounts) balance(_ context.Context, id string) (int64, bool, error) {
	_, a, ok, err := m.get(id)
	return a.balance, ok, err
}

// seed adds the item with balance v and a random generation (so that a look-up
// made against the item that was lost cannot pass for one made against this one).
func (m *memcacheAccounts) seed(_ context.Context, id string, v int64, _ bool) error {
	a := cachedAccount{balance: v, generation: rand.Uint64() >> 1}
	err := m.c.Add(&memcache.Item{Key: m.key(id), Value: a.encode()})
	if errors.Is(err, memcache.ErrNotStored) { // someone seeded it first
		return nil
	}
	return err
}

// dirty returns the accounts this process changed since the last call, and forgets
// them: a decision made after this call marks its account again.
func (m *memcacheAccounts) dirty(context.Context) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := make([]string, 0, len(m.ids))
	for id := range m.ids {
		ids = append(ids, id)
	}
	clear(m.ids)
	return ids, nil
}

func (m *memcacheAccounts) keepDirty(_ context.Context, id string) error {
	m.touched(id)
	return nil
}

func (m *memcacheAccounts) pending(_ context.Context, id string, max int) ([]record, error) {
	_, a, _, err := m.get(id)
	if err != nil {
		return nil, err
	}
	return a.pending[:min(max, len(a.pending))], nil
}

func (m *memcacheAccounts) remove(ctx context.Context, id string, rs []record) error {
	if len(rs) == 0 {
		return nil
	}
	done := make(map[string]bool, len(rs))
	for _, r := range rs {
		done[r.RequestID] = true
	}
	err := m.policy.Do(ctx, func(err error) bool { return errors.Is(err, errCASConflict) }, func(context.Context) error {
		it, a, ok, err := m.get(id)
		if err != nil || !ok {
			return err // a missing item has nothing left to remove
		}
		kept := a.pending[:0]
		for _, r := range a.pending {
			if !done[r.RequestID] {
				kept = append(kept, r)
			}
		}
		if len(kept) == len(a.pending) {
			return nil
		}
		a.pending = kept
		a.generation++
		it.Value = a.encode()
		if err := m.c.CompareAndSwap(it); errors.Is(err, memcache.ErrCASConflict) || errors.Is(err, memcache.ErrNotStored) {
			return errCASConflict
		} else if err != nil {
			return err
		}
		return nil
	})
	return err
}
