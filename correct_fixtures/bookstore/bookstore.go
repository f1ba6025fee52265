// Package bookstore is the bookstore fixture service: POST /books/{id}/buy sells qty
// copies of a book, refusing with 409 when fewer are in stock; GET /books/{id} reads
// its stock and how many were sold; POST /books adds a book. Stock never goes below
// zero and sold + stock always equals the stock the book was added with. It is the
// lost update with a floor: read the stock, check it and subtract in Go, write it
// back, and two buyers who read the same stock both get the last copy.
//
// Every strategy that makes the sale safe is a [Store] built by [Strategy.Open]; the
// strategies are listed by [Strategies]. In plain database/sql:
//
//   - forupdate: SELECT … FOR UPDATE in a transaction (BEGIN IMMEDIATE on SQLite);
//   - atomic: UPDATE … SET stock = stock - $1, sold = sold + $1 WHERE id = $2 AND
//     stock >= $1, and the rows affected tell a sale from a refusal;
//   - optimistic: a version column and a conditional UPDATE, retried;
//   - serializable: a SERIALIZABLE transaction, retried on serialization failures;
//   - advisory: pg_advisory_xact_lock / GET_LOCK around the read and the write;
//   - cache: a Redis Lua script or a Memcached CompareAndSwap loop keeps the stock,
//     and the sales are flushed to the database periodically.
//
// And with GORM, written the way GORM users write them: gorm-forupdate
// (clause.Locking in db.Transaction), gorm-atomic (Updates with gorm.Expr and a
// stock >= qty condition), gorm-optimistic (Where version = ?), gorm-serializable
// (db.Transaction with sql.LevelSerializable).
//
// There is no upsert strategy: INSERT … ON CONFLICT DO UPDATE creates the row it does
// not find, and a sale must never create a book; for a row that exists, atomic is
// the same single statement.
//
// The racy originals, the ones a static analyzer must flag, live in the module
// github.com/lostupdate/lostupdate/testdata/services (package bookstore there), one
// in database/sql and one in GORM; they implement the same Store so that they are
// served by [NewHandler] and driven by the same workload ([NewWorkload]).
package bookstore

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/strategy"
)

// Book is a book's stock and sales.
type Book struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	// Stock is the number of copies left; never below zero.
	Stock int64 `json:"stock"`
	// Sold is the number of copies sold; Sold + Stock is the stock the book was added with.
	Sold int64 `json:"sold"`
}

// Store sells and reads books. Implementations are safe for concurrent use (except
// the racy originals, which is the point).
type Store interface {
	// Add adds a book with stock copies and returns it with its new id.
	Add(ctx context.Context, title string, stock int64) (Book, error)
	// Buy sells qty (> 0) copies of book id and returns the book after the sale. It
	// fails with an error wrapping ErrSoldOut, changing nothing, when fewer than qty
	// are in stock, and with ErrNotFound for an unknown id.
	Buy(ctx context.Context, id, qty int64) (Book, error)
	// Get returns book id, or an error wrapping ErrNotFound.
	Get(ctx context.Context, id int64) (Book, error)
	// Close stops any background work (the cache strategy's flusher); it does not
	// close the backend, which belongs to the caller.
	Close() error
}

// Flusher is implemented by stores that keep stock in a cache and write the sales
// through to the database later: Flush writes what is pending now, Durable reads
// what the database holds.
type Flusher interface {
	Flush(ctx context.Context) error
	Durable(ctx context.Context, id int64) (Book, error)
}

var (
	// ErrNotFound is returned (wrapped) for a book id that does not exist.
	ErrNotFound = errors.New("book not found")
	// ErrSoldOut is returned (wrapped) by Buy when fewer copies are in stock than asked
	// for; nothing was sold.
	ErrSoldOut = errors.New("not enough copies in stock")
	// ErrInvalid is returned (wrapped) for a bad title, stock, id or quantity.
	ErrInvalid = errors.New("invalid bookstore request")
	// ErrNotApplied marks (wrapped) a failed sale that certainly changed nothing: it
	// failed before its transaction could commit, or the database rolled it back. A
	// failed sale without it may or may not have been applied.
	ErrNotApplied = errors.New("not applied")
)

// notApplied marks err as a failure that changed nothing.
func notApplied(err error) error { return fmt.Errorf("%w (%w)", err, ErrNotApplied) }

// Limits on what one request may ask.
const (
	// MaxQty is the most copies one sale may ask for.
	MaxQty = 1000
	// MaxStock is the most copies a book may be added with.
	MaxStock = 1_000_000_000_000
	// MaxTitle is the longest title, in characters.
	MaxTitle = 200
)

// ValidateID reports whether id can name a book.
func ValidateID(id int64) error {
	if id < 1 {
		return fmt.Errorf("%w: book id must be a positive integer, got %d", ErrInvalid, id)
	}
	return nil
}

// ValidateQty reports whether qty is a quantity one sale may ask for.
func ValidateQty(qty int64) error {
	if qty < 1 || qty > MaxQty {
		return fmt.Errorf("%w: qty must be between 1 and %d, got %d", ErrInvalid, MaxQty, qty)
	}
	return nil
}

// ValidateNew reports whether a book may be added with this title and stock.
func ValidateNew(title string, stock int64) error {
	if n := utf8.RuneCountInString(title); n < 1 || n > MaxTitle || !utf8.ValidString(title) {
		return fmt.Errorf("%w: title must be 1 to %d characters, got %d", ErrInvalid, MaxTitle, n)
	}
	if stock < 0 || stock > MaxStock {
		return fmt.Errorf("%w: stock must be between 0 and %d, got %d", ErrInvalid, int64(MaxStock), stock)
	}
	return nil
}

// sell returns b after selling qty copies, or ErrSoldOut. The strategies that decide
// in Go call it on the book they read.
func sell(b Book, qty int64) (Book, error) {
	if b.Stock < qty {
		return b, fmt.Errorf("book %d: %d in stock, %d asked: %w", b.ID, b.Stock, qty, ErrSoldOut)
	}
	b.Stock -= qty
	b.Sold += qty
	return b, nil
}

// Options tune the strategies.
type Options = strategy.Options

// Strategy is one way of making the sale safe.
type Strategy = strategy.Strategy[Store, service]

// service tells package strategy how to open the bookstore's strategies.
type service struct{}

func (service) Name() string                                        { return "bookstore" }
func (service) Migrate(ctx context.Context, env *backend.Env) error { return Migrate(ctx, env) }
func (service) Refusal(name string, k backend.Kind) string          { return strategy.Refusal(name, k) }

var sqlKinds = []backend.Kind{backend.Postgres, backend.MariaDB, backend.SQLite}

// Strategies returns every correct strategy, in the order the harness runs them:
// the database/sql ones, then the GORM ones.
func Strategies() []Strategy {
	return []Strategy{
		{Name: "forupdate", Summary: "SELECT … FOR UPDATE in a transaction (SQLite: BEGIN IMMEDIATE), stock checked in Go", Backends: sqlKinds, New: openForUpdate},
		{Name: "atomic", Summary: "UPDATE … SET stock = stock - $1, sold = sold + $1 WHERE id = $2 AND stock >= $1, rows affected checked", Backends: sqlKinds, New: openAtomic},
		{Name: "optimistic", Summary: "version column; UPDATE … WHERE version = $4, retried with jitter when no row changed", Backends: sqlKinds, New: openOptimistic},
		{Name: "serializable", Summary: "SERIALIZABLE transaction, retried on 40001 / 1213 / 1205 / SQLITE_BUSY", Backends: sqlKinds, New: openSerializable},
		{Name: "advisory", Summary: "pg_advisory_xact_lock in the transaction / GET_LOCK on one connection", Backends: []backend.Kind{backend.Postgres, backend.MariaDB}, New: openAdvisory},
		{Name: "cache", Summary: "Redis Lua script / Memcached CompareAndSwap keeps the stock, sales flushed to the database every interval", Backends: []backend.Kind{backend.Redis, backend.Memcached}, New: openCache},
		{Name: "gorm-forupdate", Summary: "GORM: db.Transaction, clause.Locking{Strength: \"UPDATE\"}, First, Save (SQLite: _txlock=immediate)", Backends: sqlKinds, New: openGormForUpdate},
		{Name: "gorm-atomic", Summary: "GORM: Where(\"id = ? AND stock >= ?\").Updates(gorm.Expr(\"stock - ?\")…), RowsAffected checked", Backends: sqlKinds, New: openGormAtomic},
		{Name: "gorm-optimistic", Summary: "GORM: First, then Where(\"id = ? AND version = ?\").Updates(…), retried when no row changed", Backends: sqlKinds, New: openGormOptimistic},
		{Name: "gorm-serializable", Summary: "GORM: db.Transaction with sql.LevelSerializable, retried on serialization failures", Backends: sqlKinds, New: openGormSerializable},
	}
}

// Lookup returns the strategy called name. The bookstore has no upsert, and says why.
func Lookup(name string) (Strategy, error) {
	if name == "upsert" {
		return Strategy{}, fmt.Errorf("the bookstore has no upsert strategy: INSERT … ON CONFLICT DO UPDATE creates a missing row, and a sale must never create a book; use atomic")
	}
	return strategy.Lookup(Strategies(), name)
}
