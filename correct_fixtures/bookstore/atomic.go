package bookstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// atomicStore lets the database check and subtract in one statement:
//
//	UPDATE books SET stock = stock - $1, sold = sold + $1 WHERE id = $2 AND stock >= $1
//
// The floor is in the WHERE clause, so a sale either takes the copies or changes
// nothing; when it changed nothing, one read tells an unknown id (404) from a short
// stock (409). Nothing is read into Go before the write, there is nothing to retry,
// and the row lock lasts one statement: the strategy to prefer for a stock.
//
// PostgreSQL and SQLite return the new stock with RETURNING. MariaDB has no
// UPDATE … RETURNING: there the UPDATE and a read of the row run in one transaction,
// the read after the write, under the row lock the UPDATE took.
type atomicStore struct{ sqlStore }

func openAtomic(_ context.Context, env *backend.Env, o Options) (Store, error) {
	return &atomicStore{newSQLStore(env, o)}, nil
}

func (s *atomicStore) Buy(ctx context.Context, id, qty int64) (Book, error) {
	if s.dialect == backend.MariaDB {
		// A transaction that lost its connection before its commit changed nothing.
		return retried(ctx, s.policy, dberr.Retryable, func(ctx context.Context) (Book, error) {
			return s.buyInTx(ctx, id, qty)
		})
	}
	b := Book{ID: id}
	var err error
	switch s.dialect {
	case backend.Postgres:
		err = s.db.QueryRowContext(ctx, `UPDATE books SET stock = stock - $1, sold = sold + $1
			WHERE id = $2 AND stock >= $1 RETURNING title, stock, sold`, qty, id).Scan(&b.Title, &b.Stock, &b.Sold)
	default:
		err = s.db.QueryRowContext(ctx, `UPDATE books SET stock = stock - ?, sold = sold + ?
			WHERE id = ? AND stock >= ? RETURNING title, stock, sold`, qty, qty, id, qty).Scan(&b.Title, &b.Stock, &b.Sold)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Book{}, s.whyRefused(ctx, id, qty)
	}
	if err != nil {
		return Book{}, markRolledBack(fmt.Errorf("buy %d of book %d (atomic, %s): %w", qty, id, s.dialect, err))
	}
	return b, nil
}

// buyInTx is the MariaDB version: the conditional UPDATE, then the row read back in
// the same transaction.
func (s *atomicStore) buyInTx(ctx context.Context, id, qty int64) (Book, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (atomic, mariadb): begin: %w", qty, id, err))
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE books SET stock = stock - ?, sold = sold + ? WHERE id = ? AND stock >= ?`, qty, qty, id, qty)
	if err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (atomic, mariadb): %w", qty, id, err))
	}
	changed, err := res.RowsAffected()
	if err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (atomic, mariadb): rows affected: %w", qty, id, err))
	}
	if changed == 0 {
		if err := tx.Rollback(); err != nil {
			return Book{}, notApplied(fmt.Errorf("buy %d of book %d (atomic, mariadb): roll back a refused sale: %w", qty, id, err))
		}
		return Book{}, s.whyRefused(ctx, id, qty)
	}
	b := Book{ID: id}
	if err := tx.QueryRowContext(ctx, `SELECT title, stock, sold FROM books WHERE id = ?`, id).Scan(&b.Title, &b.Stock, &b.Sold); err != nil {
		return Book{}, notApplied(fmt.Errorf("buy %d of book %d (atomic, mariadb): read back: %w", qty, id, err))
	}
	if err := tx.Commit(); err != nil {
		return Book{}, fmt.Errorf("buy %d of book %d (atomic, mariadb): commit: %w", qty, id, err)
	}
	return b, nil
}
