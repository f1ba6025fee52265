// Package mirror copies what the database holds into Redis: a value read // want package:`analysed`
// from a table and written to a cache key is no update of the row it came
// from, however it was changed on the way; a value read from a key and
// written back to it still is.
package mirror

import (
	"context"
	"database/sql"

	"github.com/redis/go-redis/v9"
)

// Mirror keeps the cache of a database.
type Mirror struct {
	db  *sql.DB
	rdb *redis.Client
}

// cacheNextInvoice puts the number the next invoice will take in the
// cache: read from the table, plus one, to a key.
func (m *Mirror) cacheNextInvoice(ctx context.Context, account string) error {
	var last int64
	if err := m.db.QueryRowContext(ctx, "SELECT last_invoice FROM accounts WHERE id = $1", account).Scan(&last); err != nil {
		return err
	}
	return m.rdb.Set(ctx, "next_invoice:"+account, last+1, 0).Err()
}

// cacheApprovers copies an approval's users into a key whose name the
// analysis cannot read.
func (m *Mirror) cacheApprovers(ctx context.Context, key func() string, plan string) error {
	var approvers int64
	if err := m.db.QueryRowContext(ctx, "SELECT approvers FROM plans WHERE id = $1", plan).Scan(&approvers); err != nil {
		return err
	}
	return m.rdb.Set(ctx, key(), approvers+1, 0).Err()
}

// bumpCached adds one to the cached number: read from the key and written
// back to it, a lost update.
func (m *Mirror) bumpCached(ctx context.Context, account string) error {
	n, err := m.rdb.Get(ctx, "next_invoice:"+account).Int64()
	if err != nil {
		return err
	}
	return m.rdb.Set(ctx, "next_invoice:"+account, n+1, 0).Err() // want `^lost update: n is read at mirror\.go:\d+ and written back here without WATCH`
}
