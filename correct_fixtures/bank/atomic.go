package bank

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// atomicStore lets the database do the arithmetic and check the floor in one
// statement:
//
//	UPDATE accounts SET balance = balance - $1 WHERE id = $2 AND balance >= $1 RETURNING balance
//
// No row back (no row affected) means the account is missing or cannot cover the
// withdrawal; one look tells which. The ledger entry and the request's record are
// written in the same transaction, so a duplicate request that got past the UPDATE
// (it waited for the first copy's row lock) finds the request ID taken when it
// records it, and its rollback undoes its UPDATE. Nothing is read into Go and
// written back, so there is nothing to lose and, apart from deadlocks, nothing
// to retry.
//
// MariaDB has no UPDATE … RETURNING; the new balance comes back in the same reply
// through LAST_INSERT_ID(expr), the classic MySQL idiom, and the rows-affected count
// says whether the floor held.
type atomicStore struct{ sqlStore }

func openAtomic(_ context.Context, env *backend.Env, o Options) (Store, error) {
	return &atomicStore{newSQLStore(env, o)}, nil
}

func (s *atomicStore) Apply(ctx context.Context, req Request) (Receipt, error) {
	return s.run(ctx, req, dberr.Retryable, func(ctx context.Context) (Receipt, error) { return s.apply(ctx, req) })
}

func (s *atomicStore) apply(ctx context.Context, req Request) (Receipt, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (atomic, %s): begin: %w", req, s.dialect, err))
	}
	defer tx.Rollback()

	var balance int64
	switch {
	case s.dialect == backend.Postgres && req.Op == Deposit:
		err = tx.QueryRowContext(ctx, `UPDATE accounts SET balance = balance + $1 WHERE id = $2 RETURNING balance`, req.Amount, req.Account).Scan(&balance)
	case s.dialect == backend.Postgres:
		err = tx.QueryRowContext(ctx, `UPDATE accounts SET balance = balance - $1 WHERE id = $2 AND balance >= $1 RETURNING balance`, req.Amount, req.Account).Scan(&balance)
	case s.dialect == backend.SQLite && req.Op == Deposit:
		err = tx.QueryRowContext(ctx, `UPDATE accounts SET balance = balance + ? WHERE id = ? RETURNING balance`, req.Amount, req.Account).Scan(&balance)
	case s.dialect == backend.SQLite:
		err = tx.QueryRowContext(ctx, `UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ? RETURNING balance`, req.Amount, req.Account, req.Amount).Scan(&balance)
	case req.Op == Deposit: // MariaDB
		var res sql.Result
		if res, err = tx.ExecContext(ctx, `UPDATE accounts SET balance = LAST_INSERT_ID(balance + ?) WHERE id = ?`, req.Amount, req.Account); err == nil {
			balance, err = lastInsertIDIfChanged(res)
		}
	default: // MariaDB
		var res sql.Result
		if res, err = tx.ExecContext(ctx, `UPDATE accounts SET balance = LAST_INSERT_ID(balance - ?) WHERE id = ? AND balance >= ?`, req.Amount, req.Account, req.Amount); err == nil {
			balance, err = lastInsertIDIfChanged(res)
		}
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// No row changed: the account is missing, or the floor refused the withdrawal.
		found, err := s.exists(ctx, tx, req.Account)
		if err != nil {
			return Receipt{}, notApplied(fmt.Errorf("%s (atomic, %s): %w", req, s.dialect, err))
		}
		if !found {
			return Receipt{}, notFound(req.Account)
		}
		return s.refuse(ctx, tx, req, tx.Commit)
	case dberr.OutOfRange(err):
		return Receipt{}, overflow(req)
	case err != nil:
		return Receipt{}, notApplied(fmt.Errorf("%s (atomic, %s): update balance: %w", req, s.dialect, err))
	}
	if err := s.rememberAndBook(ctx, tx, req, balance); err != nil {
		return Receipt{}, err
	}
	if err := tx.Commit(); err != nil {
		return Receipt{}, fmt.Errorf("%s (atomic, %s): commit: %w", req, s.dialect, err)
	}
	return receipt(req, balance), nil
}

// exists reports whether account id exists.
func (s *atomicStore) exists(ctx context.Context, q querier, id string) (bool, error) {
	var one int
	var err error
	switch s.dialect {
	case backend.Postgres:
		err = q.QueryRowContext(ctx, `SELECT 1 FROM accounts WHERE id = $1`, id).Scan(&one)
	default:
		err = q.QueryRowContext(ctx, `SELECT 1 FROM accounts WHERE id = ?`, id).Scan(&one)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up account %q: %w", id, err)
	}
	return true, nil
}

// lastInsertIDIfChanged returns the value an UPDATE passed through
// LAST_INSERT_ID(expr), or sql.ErrNoRows if it changed no row.
func lastInsertIDIfChanged(res sql.Result) (int64, error) {
	changed, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if changed == 0 {
		return 0, sql.ErrNoRows
	}
	return res.LastInsertId()
}
