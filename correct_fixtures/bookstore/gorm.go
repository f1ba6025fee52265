package bookstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/gormlite"
	"github.com/lostupdate/lostupdate/correct_fixtures/retry"
)

// bookRow is the GORM model of the books table.
type bookRow struct {
	ID      int64 `gorm:"primaryKey"`
	Title   string
	Stock   int64
	Sold    int64
	Version int64
}

// TableName is the table the migrations create.
func (bookRow) TableName() string { return "books" }

func (r bookRow) book() Book { return Book{ID: r.ID, Title: r.Title, Stock: r.Stock, Sold: r.Sold} }

// gormStore holds what every GORM strategy needs, and the operations they share:
// add a book, read a book.
type gormStore struct {
	db      *gorm.DB
	dialect backend.Kind
	policy  retry.Policy
	close   func() error
}

// openGormStore opens GORM on env's database: gorm.io/driver/postgres and
// gorm.io/driver/mysql on the *sql.DB the Env holds, and on SQLite package gormlite
// on a second *sql.DB on the same file opened with _txlock=immediate, so that every
// GORM transaction begins with BEGIN IMMEDIATE (SQLite's way of locking before the
// read; GORM leaves clause.Locking out of SQLite's SQL).
func openGormStore(env *backend.Env, o Options) (*gormStore, error) {
	s := &gormStore{dialect: env.Dialect, policy: o.RetryPolicy(), close: func() error { return nil }}
	var dialector gorm.Dialector
	switch env.Dialect {
	case backend.Postgres:
		dialector = postgres.New(postgres.Config{Conn: env.DB})
	case backend.MariaDB:
		dialector = mysql.New(mysql.Config{Conn: env.DB})
	case backend.SQLite:
		db, err := backend.OpenDB(backend.SQLite, sqliteImmediate(env.DSN))
		if err != nil {
			return nil, fmt.Errorf("gorm on sqlite %q: %w", env.DSN, err)
		}
		db.SetMaxOpenConns(env.DB.Stats().MaxOpenConnections)
		s.close = db.Close
		dialector = gormlite.New(db)
	default:
		return nil, fmt.Errorf("gorm on %s: %w: not a SQL database", env.Kind, backend.ErrUnsupported)
	}
	db, err := gorm.Open(dialector, &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("gorm on %s: %w", env.Dialect, err), s.close())
	}
	s.db = db
	return s, nil
}

// sqliteImmediate is the modernc.org/sqlite DSN of the database file at path with
// _txlock=immediate, and the pragmas package backend sets.
func sqliteImmediate(path string) string {
	if strings.HasPrefix(path, "file:") {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		return path + sep + "_txlock=immediate"
	}
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

func (s *gormStore) Close() error { return s.close() }

// Add creates a book.
func (s *gormStore) Add(ctx context.Context, title string, stock int64) (Book, error) {
	b := bookRow{Title: title, Stock: stock}
	if err := s.db.WithContext(ctx).Create(&b).Error; err != nil {
		return Book{}, fmt.Errorf("add book %q with %d copies (gorm, %s): %w", title, stock, s.dialect, err)
	}
	return b.book(), nil
}

// Get reads book id.
func (s *gormStore) Get(ctx context.Context, id int64) (Book, error) {
	var b bookRow
	err := s.db.WithContext(ctx).First(&b, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Book{}, fmt.Errorf("book %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Book{}, fmt.Errorf("read book %d (gorm, %s): %w", id, s.dialect, err)
	}
	return b.book(), nil
}

// txOutcome classifies the error of a sale run in db.Transaction: a refusal or an
// unknown id as such, a failure before the commit (the transaction was rolled back)
// as not applied, a failure of the commit itself as unknown.
func (s *gormStore) txOutcome(err error, committing bool, strategy string, id, qty int64) error {
	switch {
	case err == nil, errors.Is(err, ErrSoldOut), errors.Is(err, ErrNotFound):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound):
		return fmt.Errorf("book %d: %w", id, ErrNotFound)
	case !committing:
		return notApplied(fmt.Errorf("buy %d of book %d (%s, %s): %w", qty, id, strategy, s.dialect, err))
	}
	return fmt.Errorf("buy %d of book %d (%s, %s): commit: %w", qty, id, strategy, s.dialect, err)
}

// whyRefused is called when a conditional sale changed no row: it reads the book to
// tell an unknown id (ErrNotFound) from a short stock (ErrSoldOut).
func (s *gormStore) whyRefused(ctx context.Context, id, qty int64) error {
	b, err := s.Get(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return err
	case err != nil: // the sale changed no row, whatever the read says
		return notApplied(fmt.Errorf("buy %d of book %d: changed nothing, and then: %w", qty, id, err))
	}
	return fmt.Errorf("book %d: %d in stock, %d asked: %w", id, b.Stock, qty, ErrSoldOut)
}
