// Package bookstore is the racy original of the bookstore fixture service, written
// twice the way a naive service writes it: read the book, check the stock and
// subtract in Go, write the book back, with no transaction. [Strategy] is the
// database/sql version, [GormStrategy] the GORM one (First, b.Stock -= qty,
// db.Save(&b)). Two buyers who read the same stock both get their copies, and the
// store records one sale: it oversells. The load harness shows it losing updates;
// the lostupdate analyzer must report the writes (the `want` comments mark where).
//
// The correct strategies are in github.com/lostupdate/lostupdate/correct_fixtures/bookstore,
// whose HTTP handler, schema and harness workload this package reuses.
package bookstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/bookstore"
)

// Strategy returns the database/sql racy original as a bookstore strategy named
// "racy", so that the harness and the server can select it like the correct ones.
func Strategy() bookstore.Strategy {
	return bookstore.Strategy{
		Name:     "racy",
		Summary:  "the racy original: SELECT stock, check and subtract in Go, UPDATE SET stock = $1, no transaction",
		Backends: []backend.Kind{backend.Postgres, backend.MariaDB, backend.SQLite},
		New: func(_ context.Context, env *backend.Env, _ bookstore.Options) (bookstore.Store, error) {
			return &Store{db: env.DB, dialect: env.Dialect}, nil
		},
	}
}

// Store is the racy bookstore in database/sql.
type Store struct {
	db      *sql.DB
	dialect backend.Kind
}

// Buy reads the stock, checks it, subtracts qty and writes the book back.
func (s *Store) Buy(ctx context.Context, id, qty int64) (bookstore.Book, error) {
	b := bookstore.Book{ID: id}
	var err error
	switch s.dialect {
	case backend.Postgres:
		err = s.db.QueryRowContext(ctx, `SELECT title, stock, sold FROM books WHERE id = $1`, id).Scan(&b.Title, &b.Stock, &b.Sold)
	default:
		err = s.db.QueryRowContext(ctx, `SELECT title, stock, sold FROM books WHERE id = ?`, id).Scan(&b.Title, &b.Stock, &b.Sold)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return bookstore.Book{}, fmt.Errorf("book %d: %w", id, bookstore.ErrNotFound)
	}
	if err != nil {
		return bookstore.Book{}, fmt.Errorf("buy %d of book %d (racy, %s): read: %w", qty, id, s.dialect, err)
	}
	if b.Stock < qty {
		return bookstore.Book{}, fmt.Errorf("book %d: %d in stock, %d asked: %w", id, b.Stock, qty, bookstore.ErrSoldOut)
	}
	b.Stock -= qty
	b.Sold += qty
	switch s.dialect {
	case backend.Postgres:
		_, err = s.db.ExecContext(ctx, `UPDATE books SET stock = $1, sold = $2 WHERE id = $3`, b.Stock, b.Sold, id) // want "lost update"
	default:
		_, err = s.db.ExecContext(ctx, `UPDATE books SET stock = ?, sold = ? WHERE id = ?`, b.Stock, b.Sold, id) // want "lost update"
	}
	if err != nil {
		return bookstore.Book{}, fmt.Errorf("buy %d of book %d (racy, %s): write: %w", qty, id, s.dialect, err)
	}
	return b, nil
}

// Add inserts a book.
func (s *Store) Add(ctx context.Context, title string, stock int64) (bookstore.Book, error) {
	b := bookstore.Book{Title: title, Stock: stock}
	var err error
	switch s.dialect {
	case backend.Postgres:
		err = s.db.QueryRowContext(ctx, `INSERT INTO books (title, stock) VALUES ($1, $2) RETURNING id`, title, stock).Scan(&b.ID)
	case backend.MariaDB:
		var res sql.Result
		if res, err = s.db.ExecContext(ctx, `INSERT INTO books (title, stock) VALUES (?, ?)`, title, stock); err == nil {
			b.ID, err = res.LastInsertId()
		}
	default:
		err = s.db.QueryRowContext(ctx, `INSERT INTO books (title, stock) VALUES (?, ?) RETURNING id`, title, stock).Scan(&b.ID)
	}
	if err != nil {
		return bookstore.Book{}, fmt.Errorf("add book %q (racy, %s): %w", title, s.dialect, err)
	}
	return b, nil
}

// Get reads a book.
func (s *Store) Get(ctx context.Context, id int64) (bookstore.Book, error) {
	b := bookstore.Book{ID: id}
	var err error
	switch s.dialect {
	case backend.Postgres:
		err = s.db.QueryRowContext(ctx, `SELECT title, stock, sold FROM books WHERE id = $1`, id).Scan(&b.Title, &b.Stock, &b.Sold)
	default:
		err = s.db.QueryRowContext(ctx, `SELECT title, stock, sold FROM books WHERE id = ?`, id).Scan(&b.Title, &b.Stock, &b.Sold)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return bookstore.Book{}, fmt.Errorf("book %d: %w", id, bookstore.ErrNotFound)
	}
	if err != nil {
		return bookstore.Book{}, fmt.Errorf("read book %d (racy, %s): %w", id, s.dialect, err)
	}
	return b, nil
}

// Close does nothing; the database belongs to the caller.
func (s *Store) Close() error { return nil }
