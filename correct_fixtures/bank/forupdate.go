package bank

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// forUpdateStore moves money under a row lock: in one transaction it reads the
// balance with SELECT … FOR UPDATE, looks the request ID up, checks the floor and
// computes the new balance in Go, writes it back, books the ledger entry and records
// the request, all on the same transaction. A concurrent request on the account
// blocks on the lock until the commit and then reads the new balance, and a second
// copy of the same request finds the first one's record. This is the pattern to use
// when the decision needs logic SQL cannot express (limits, fees, notifications).
//
// SQLite has no FOR UPDATE and no row locks. There the transaction is begun with
// BEGIN IMMEDIATE, explicitly, on one *sql.Conn: IMMEDIATE takes the database's write
// lock before the read, so no other writer can come between the read and the write.
type forUpdateStore struct{ sqlStore }

func openForUpdate(_ context.Context, env *backend.Env, o Options) (Store, error) {
	return &forUpdateStore{newSQLStore(env, o)}, nil
}

func (s *forUpdateStore) Apply(ctx context.Context, req Request) (Receipt, error) {
	if s.dialect == backend.SQLite {
		return s.run(ctx, req, dberr.Retryable, func(ctx context.Context) (Receipt, error) { return s.applyImmediate(ctx, req) })
	}
	return s.run(ctx, req, dberr.Retryable, func(ctx context.Context) (Receipt, error) { return s.applyLocked(ctx, req) })
}

// applyLocked is one attempt on PostgreSQL or MariaDB.
func (s *forUpdateStore) applyLocked(ctx context.Context, req Request) (Receipt, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (forupdate, %s): begin: %w", req, s.dialect, err))
	}
	defer tx.Rollback()

	var balance int64
	switch s.dialect {
	case backend.Postgres:
		err = tx.QueryRowContext(ctx, `SELECT balance FROM accounts WHERE id = $1 FOR UPDATE`, req.Account).Scan(&balance)
	default:
		err = tx.QueryRowContext(ctx, `SELECT balance FROM accounts WHERE id = ? FOR UPDATE`, req.Account).Scan(&balance)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Receipt{}, notFound(req.Account)
	}
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (forupdate, %s): lock account: %w", req, s.dialect, err))
	}
	if _, decided, err := s.lookup(ctx, tx, req.RequestID); err != nil || decided {
		return Receipt{}, orDecided(err, decided)
	}
	next, err := nextBalance(req, balance)
	if errors.Is(err, ErrInsufficientFunds) {
		return s.refuse(ctx, tx, req, tx.Commit)
	}
	if err != nil {
		return Receipt{}, err
	}
	switch s.dialect {
	case backend.Postgres:
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET balance = $1 WHERE id = $2`, next, req.Account)
	default:
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET balance = ? WHERE id = ?`, next, req.Account)
	}
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (forupdate, %s): write balance %d: %w", req, s.dialect, next, err))
	}
	if err := s.rememberAndBook(ctx, tx, req, next); err != nil {
		return Receipt{}, err
	}
	if err := tx.Commit(); err != nil {
		return Receipt{}, fmt.Errorf("%s (forupdate, %s): commit: %w", req, s.dialect, err)
	}
	return receipt(req, next), nil
}

// applyImmediate is one attempt on SQLite: BEGIN IMMEDIATE on a dedicated
// connection, read, write, COMMIT. The busy timeout makes a second writer wait for
// the lock; if it still times out (SQLITE_BUSY) run tries the whole transaction again.
func (s *forUpdateStore) applyImmediate(ctx context.Context, req Request) (rc Receipt, err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (forupdate, sqlite): get connection: %w", req, err))
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (forupdate, sqlite): BEGIN IMMEDIATE: %w", req, err))
	}
	committed := false
	defer func() {
		if !committed {
			rollbackConn(conn)
		}
	}()
	commit := func() error {
		if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
			return err
		}
		committed = true
		return nil
	}

	var balance int64
	err = conn.QueryRowContext(ctx, `SELECT balance FROM accounts WHERE id = ?`, req.Account).Scan(&balance)
	if errors.Is(err, sql.ErrNoRows) {
		return Receipt{}, notFound(req.Account)
	}
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (forupdate, sqlite): read balance: %w", req, err))
	}
	if _, decided, err := s.lookup(ctx, conn, req.RequestID); err != nil || decided {
		return Receipt{}, orDecided(err, decided)
	}
	next, err := nextBalance(req, balance)
	if errors.Is(err, ErrInsufficientFunds) {
		return s.refuse(ctx, conn, req, commit)
	}
	if err != nil {
		return Receipt{}, err
	}
	if _, err := conn.ExecContext(ctx, `UPDATE accounts SET balance = ? WHERE id = ?`, next, req.Account); err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (forupdate, sqlite): write balance %d: %w", req, next, err))
	}
	if err := s.rememberAndBook(ctx, conn, req, next); err != nil {
		return Receipt{}, err
	}
	if err := commit(); err != nil {
		return Receipt{}, fmt.Errorf("%s (forupdate, sqlite): COMMIT: %w", req, err)
	}
	return receipt(req, next), nil
}

// rollbackConn ends a transaction begun by hand on conn. If the ROLLBACK fails the
// connection's state is unknown, so it is discarded instead of going back to the pool.
func rollbackConn(conn *sql.Conn) {
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}
