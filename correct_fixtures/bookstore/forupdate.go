package bookstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// forUpdateStore sells under a row lock: in one transaction it reads the stock with
// SELECT … FOR UPDATE, checks and subtracts in Go and writes the book back on the
// same transaction. A concurrent buyer blocks on the lock until the commit and then
// reads the new stock, so the last copy is sold once. This is the pattern to use when
// the decision needs logic SQL cannot express (a per-customer limit, a reservation).
//
// SQLite has no FOR UPDATE and no row locks. There the transaction is begun with
// BEGIN IMMEDIATE, explicitly, on one *sql.Conn: IMMEDIATE takes the database's write
// lock before the read, so no other writer can come between the read and the write.
type forUpdateStore struct{ sqlStore }

func openForUpdate(_ context.Context, env *backend.Env, o Options) (Store, error) {
	return &forUpdateStore{newSQLStore(env, o)}, nil
}

func (s *forUpdateStore) Buy(ctx context.Context, id, qty int64) (Book, error) {
	return retried(ctx, s.policy, dberr.Retryable, func(ctx context.Context) (Book, error) {
		if s.dialect == backend.SQLite {
			return s.buyImmediate(ctx, id, qty)
		}
		return s.buyLocked(ctx, id, qty)
	})
}

// buyLocked is one attempt on PostgreSQL or MariaDB.
func (s *forUpdateStore) buyLocked(ctx context.Context, id, qty int64) (Book, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (forupdate, %s): begin: %w", qty, id, s.dialect, err))
	}
	defer tx.Rollback()

	b := Book{ID: id}
	switch s.dialect {
	case backend.Postgres:
		err = tx.QueryRowContext(ctx, `SELECT title, stock, sold FROM books WHERE id = $1 FOR UPDATE`, id).Scan(&b.Title, &b.Stock, &b.Sold)
	default:
		err = tx.QueryRowContext(ctx, `SELECT title, stock, sold FROM books WHERE id = ? FOR UPDATE`, id).Scan(&b.Title, &b.Stock, &b.Sold)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Book{}, fmt.Errorf("book %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (forupdate, %s): lock row: %w", qty, id, s.dialect, err))
	}
	b, err = sell(b, qty)
	if err != nil {
		return Book{}, err
	}
	switch s.dialect {
	case backend.Postgres:
		_, err = tx.ExecContext(ctx, `UPDATE books SET stock = $1, sold = $2 WHERE id = $3`, b.Stock, b.Sold, id)
	default:
		_, err = tx.ExecContext(ctx, `UPDATE books SET stock = ?, sold = ? WHERE id = ?`, b.Stock, b.Sold, id)
	}
	if err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (forupdate, %s): write: %w", qty, id, s.dialect, err))
	}
	if err := tx.Commit(); err != nil {
		return Book{}, fmt.Errorf("buy %d of book %d (forupdate, %s): commit: %w", qty, id, s.dialect, err)
	}
	return b, nil
}

// buyImmediate is the SQLite version: BEGIN IMMEDIATE on a dedicated connection,
// read, write, COMMIT. The busy timeout makes a second writer wait for the lock; if it
// still times out (SQLITE_BUSY) the whole transaction is retried.
func (s *forUpdateStore) buyImmediate(ctx context.Context, id, qty int64) (Book, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (forupdate, sqlite): get connection: %w", qty, id, err))
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (forupdate, sqlite): BEGIN IMMEDIATE: %w", qty, id, err))
	}
	committed := false
	defer func() {
		if !committed {
			rollbackConn(conn)
		}
	}()

	b := Book{ID: id}
	err = conn.QueryRowContext(ctx, `SELECT title, stock, sold FROM books WHERE id = ?`, id).Scan(&b.Title, &b.Stock, &b.Sold)
	if errors.Is(err, sql.ErrNoRows) {
		return Book{}, fmt.Errorf("book %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (forupdate, sqlite): read: %w", qty, id, err))
	}
	b, err = sell(b, qty)
	if err != nil {
		return Book{}, err
	}
	if _, err := conn.ExecContext(ctx, `UPDATE books SET stock = ?, sold = ? WHERE id = ?`, b.Stock, b.Sold, id); err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (forupdate, sqlite): write: %w", qty, id, err))
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return Book{}, fmt.Errorf("buy %d of book %d (forupdate, sqlite): COMMIT: %w", qty, id, err)
	}
	committed = true
	return b, nil
}

// rollbackConn ends a transaction begun by hand on conn. If the ROLLBACK fails the
// connection's state is unknown, so it is discarded instead of going back to the pool.
func rollbackConn(conn *sql.Conn) {
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}
