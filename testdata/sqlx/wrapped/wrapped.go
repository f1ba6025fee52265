// Package wrapped reaches sqlx through an interface of its own, as services // want package:`writes wallets\.credits; updates atomically wallets\.credits`
// do to mock it: the store holds a Conn, which a wrapper of *sqlx.DB
// implements, and calls sqlx's methods as the interface declares them.
package wrapped

import (
	"context"
	"database/sql"

	"github.com/rpadovani/sqlx-v2"
)

// Conn is the part of sqlx the store uses.
type Conn interface {
	sqlx.ExecerContext
	sqlx.QueryerContext

	Rebind(query string) string
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	NamedExecContext(ctx context.Context, query string, arg any) (sql.Result, error)
}

// DB wraps a pool; its methods are the pool's.
type DB struct{ *sqlx.DB }

var _ Conn = DB{}

// Wallet is a row of wallets.
type Wallet struct {
	ID      int64 `db:"id"`
	Credits int64 `db:"credits"`
}

// Store runs on any Conn.
type Store struct{ conn Conn }

// spend reads the credits through the interface and writes the difference
// back: two purchases at once both read 100, and one is not charged.
func (s *Store) spend(ctx context.Context, id, price int64) error {
	var w Wallet
	if err := s.conn.GetContext(ctx, &w, s.conn.Rebind("SELECT id, credits FROM wallets WHERE id = ?"), id); err != nil {
		return err
	}
	_, err := s.conn.ExecContext(ctx, s.conn.Rebind("UPDATE wallets SET credits = ? WHERE id = ?"), w.Credits-price, id) // want `^lost update: w.Credits is read at wrapped.go:\d+ and written back here outside a locking transaction; .*SET credits = credits - \?, with AND credits >= \?`
	return err
}

// spendRow reads with QueryRowxContext and writes with NamedExecContext.
func (s *Store) spendRow(ctx context.Context, id, price int64) error {
	var w Wallet
	if err := s.conn.QueryRowxContext(ctx, "SELECT id, credits FROM wallets WHERE id = $1", id).StructScan(&w); err != nil {
		return err
	}
	w.Credits -= price
	_, err := s.conn.NamedExecContext(ctx, "UPDATE wallets SET credits = :credits WHERE id = :id", w) // want `^lost update: w.Credits is read at wrapped.go:\d+ and written back here`
	return err
}

// spendAtomic lets the database subtract.
func (s *Store) spendAtomic(ctx context.Context, id, price int64) error {
	_, err := s.conn.ExecContext(ctx, "UPDATE wallets SET credits = credits - $1 WHERE id = $2 AND credits >= $1", price, id)
	return err
}
