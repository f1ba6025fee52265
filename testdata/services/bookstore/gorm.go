package bookstore

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/bookstore"
	"github.com/lostupdate/lostupdate/correct_fixtures/gormlite"
)

// GormStrategy returns the GORM racy original as a bookstore strategy named
// "racy-gorm".
func GormStrategy() bookstore.Strategy {
	return bookstore.Strategy{
		Name:     "racy-gorm",
		Summary:  "the racy original in GORM: First, b.Stock -= qty, db.Save(&b), no transaction",
		Backends: []backend.Kind{backend.Postgres, backend.MariaDB, backend.SQLite},
		New: func(_ context.Context, env *backend.Env, _ bookstore.Options) (bookstore.Store, error) {
			var dialector gorm.Dialector
			switch env.Dialect {
			case backend.Postgres:
				dialector = postgres.New(postgres.Config{Conn: env.DB})
			case backend.MariaDB:
				dialector = mysql.New(mysql.Config{Conn: env.DB})
			default:
				dialector = gormlite.New(env.DB)
			}
			db, err := gorm.Open(dialector, &gorm.Config{Logger: logger.Discard})
			if err != nil {
				return nil, fmt.Errorf("racy-gorm on %s: %w", env.Dialect, err)
			}
			return &GormStore{db: db}, nil
		},
	}
}

// Book is the GORM model of the books table.
type Book struct {
	ID      int64
	Title   string
	Stock   int64
	Sold    int64
	Version int64
}

// GormStore is the racy bookstore in GORM.
type GormStore struct {
	db *gorm.DB
}

// Buy loads the book, checks the stock, subtracts qty and saves the book.
func (s *GormStore) Buy(ctx context.Context, id, qty int64) (bookstore.Book, error) {
	var b Book
	err := s.db.WithContext(ctx).First(&b, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return bookstore.Book{}, fmt.Errorf("book %d: %w", id, bookstore.ErrNotFound)
	}
	if err != nil {
		return bookstore.Book{}, fmt.Errorf("buy %d of book %d (racy-gorm): read: %w", qty, id, err)
	}
	if b.Stock < qty {
		return bookstore.Book{}, fmt.Errorf("book %d: %d in stock, %d asked: %w", id, b.Stock, qty, bookstore.ErrSoldOut)
	}
	b.Stock -= qty
	b.Sold += qty
	if err := s.db.WithContext(ctx).Save(&b).Error; err != nil { // want "lost update"
		return bookstore.Book{}, fmt.Errorf("buy %d of book %d (racy-gorm): save: %w", qty, id, err)
	}
	return bookstore.Book{ID: b.ID, Title: b.Title, Stock: b.Stock, Sold: b.Sold}, nil
}

// Add creates a book.
func (s *GormStore) Add(ctx context.Context, title string, stock int64) (bookstore.Book, error) {
	b := Book{Title: title, Stock: stock}
	if err := s.db.WithContext(ctx).Create(&b).Error; err != nil {
		return bookstore.Book{}, fmt.Errorf("add book %q (racy-gorm): %w", title, err)
	}
	return bookstore.Book{ID: b.ID, Title: b.Title, Stock: b.Stock}, nil
}

// Get reads a book.
func (s *GormStore) Get(ctx context.Context, id int64) (bookstore.Book, error) {
	var b Book
	err := s.db.WithContext(ctx).First(&b, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return bookstore.Book{}, fmt.Errorf("book %d: %w", id, bookstore.ErrNotFound)
	}
	if err != nil {
		return bookstore.Book{}, fmt.Errorf("read book %d (racy-gorm): %w", id, err)
	}
	return bookstore.Book{ID: b.ID, Title: b.Title, Stock: b.Stock, Sold: b.Sold}, nil
}

// Close does nothing; the database belongs to the caller.
func (s *GormStore) Close() error { return nil }
