package bookstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// advisoryStore serialises the sales of one book with a named lock that is not a
// row lock: read the stock, check it, write it, all under the lock. It is the tool
// for a critical section wider than a row (a sale that also books a shipment).
//
// On PostgreSQL, SELECT pg_advisory_xact_lock($1) inside the transaction: the lock is
// keyed by a hash of the book's id and is released by COMMIT or ROLLBACK, or when the
// connection dies.
//
// On MariaDB, GET_LOCK(name, timeout) and RELEASE_LOCK(name) on one *sql.Conn (a named
// lock belongs to the session that took it, so the read and the write must use that
// same connection). Lock names are server-wide, so the name includes the database's.
// If the connection dies, the server releases the lock.
//
// SQLite has no advisory locks; the strategy refuses it (use forupdate).
type advisoryStore struct{ sqlStore }

func openAdvisory(_ context.Context, env *backend.Env, o Options) (Store, error) {
	return &advisoryStore{newSQLStore(env, o)}, nil
}

// lockWaitSeconds bounds how long MariaDB's GET_LOCK waits.
const lockWaitSeconds = 30

func (s *advisoryStore) Buy(ctx context.Context, id, qty int64) (Book, error) {
	return retried(ctx, s.policy, dberr.Retryable, func(ctx context.Context) (Book, error) {
		if s.dialect == backend.MariaDB {
			return s.buyNamedLock(ctx, id, qty)
		}
		return s.buyXactLock(ctx, id, qty)
	})
}

// advisoryKey is the PostgreSQL advisory lock key of book id.
func advisoryKey(id int64) int64 {
	h := fnv.New64a()
	h.Write([]byte("book/" + strconv.FormatInt(id, 10)))
	return int64(h.Sum64())
}

func (s *advisoryStore) buyXactLock(ctx context.Context, id, qty int64) (Book, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (advisory, postgres): begin: %w", qty, id, err))
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, advisoryKey(id)); err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (advisory, postgres): pg_advisory_xact_lock: %w", qty, id, err))
	}
	b := Book{ID: id}
	err = tx.QueryRowContext(ctx, `SELECT title, stock, sold FROM books WHERE id = $1`, id).Scan(&b.Title, &b.Stock, &b.Sold)
	if errors.Is(err, sql.ErrNoRows) {
		return Book{}, fmt.Errorf("book %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (advisory, postgres): read: %w", qty, id, err))
	}
	if b, err = sell(b, qty); err != nil {
		return Book{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE books SET stock = $1, sold = $2 WHERE id = $3`, b.Stock, b.Sold, id); err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (advisory, postgres): write: %w", qty, id, err))
	}
	if err := tx.Commit(); err != nil {
		return Book{}, fmt.Errorf("buy %d of book %d (advisory, postgres): commit: %w", qty, id, err)
	}
	return b, nil
}

func (s *advisoryStore) buyNamedLock(ctx context.Context, id, qty int64) (Book, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (advisory, mariadb): get connection: %w", qty, id, err))
	}
	defer conn.Close()

	var got sql.NullInt64
	err = conn.QueryRowContext(ctx, `SELECT GET_LOCK(CONCAT('book:', MD5(CONCAT(DATABASE(), '/', ?))), ?)`, id, lockWaitSeconds).Scan(&got)
	if err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (advisory, mariadb): GET_LOCK: %w", qty, id, err))
	}
	if !got.Valid || got.Int64 != 1 {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (advisory, mariadb): GET_LOCK did not get the lock within %d s", qty, id, lockWaitSeconds))
	}
	defer func() {
		_, err := conn.ExecContext(context.WithoutCancel(ctx), `DO RELEASE_LOCK(CONCAT('book:', MD5(CONCAT(DATABASE(), '/', ?))))`, id)
		if err != nil {
			// The lock must not outlive this call: drop the connection, and the
			// server releases every lock the session held.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()

	b := Book{ID: id}
	err = conn.QueryRowContext(ctx, `SELECT title, stock, sold FROM books WHERE id = ?`, id).Scan(&b.Title, &b.Stock, &b.Sold)
	if errors.Is(err, sql.ErrNoRows) {
		return Book{}, fmt.Errorf("book %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (advisory, mariadb): read: %w", qty, id, err))
	}
	if b, err = sell(b, qty); err != nil {
		return Book{}, err
	}
	if _, err := conn.ExecContext(ctx, `UPDATE books SET stock = ?, sold = ? WHERE id = ?`, b.Stock, b.Sold, id); err != nil {
		return Book{}, fmt.Errorf("buy %d of book %d (advisory, mariadb): write: %w", qty, id, err)
	}
	return b, nil
}
