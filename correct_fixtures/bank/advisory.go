package bank

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// advisoryStore serialises the requests on one account with a named lock that is
// not a row lock, and reads, decides and writes under it.
//
// On PostgreSQL, SELECT pg_advisory_xact_lock($1) inside the transaction: the lock is
// keyed by a hash of the account id and released by COMMIT or ROLLBACK, or when the
// connection dies.
//
// On MariaDB, GET_LOCK(name, timeout) and RELEASE_LOCK(name) on one *sql.Conn (a named
// lock belongs to the session that took it), with the transaction begun on that same
// connection after the lock is held. Lock names are server-wide, so the name
// includes the database's. If the connection dies, the server releases the lock.
//
// SQLite has no advisory locks; the strategy refuses it (use forupdate).
type advisoryStore struct{ sqlStore }

func openAdvisory(_ context.Context, env *backend.Env, o Options) (Store, error) {
	return &advisoryStore{newSQLStore(env, o)}, nil
}

// lockWaitSeconds bounds how long MariaDB's GET_LOCK waits.
const lockWaitSeconds = 30

func (s *advisoryStore) Apply(ctx context.Context, req Request) (Receipt, error) {
	return s.run(ctx, req, dberr.Retryable, func(ctx context.Context) (Receipt, error) {
		if s.dialect == backend.MariaDB {
			return s.applyNamedLock(ctx, req)
		}
		return s.applyXactLock(ctx, req)
	})
}

// advisoryKey is the PostgreSQL advisory lock key of account id.
func advisoryKey(id string) int64 {
	h := fnv.New64a()
	h.Write([]byte("bank/" + id))
	return int64(h.Sum64())
}

func (s *advisoryStore) applyXactLock(ctx context.Context, req Request) (Receipt, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (advisory, postgres): begin: %w", req, err))
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, advisoryKey(req.Account)); err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (advisory, postgres): pg_advisory_xact_lock: %w", req, err))
	}
	var balance int64
	err = tx.QueryRowContext(ctx, `SELECT balance FROM accounts WHERE id = $1`, req.Account).Scan(&balance)
	if errors.Is(err, sql.ErrNoRows) {
		return Receipt{}, notFound(req.Account)
	}
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (advisory, postgres): read balance: %w", req, err))
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
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET balance = $1 WHERE id = $2`, next, req.Account); err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (advisory, postgres): write balance %d: %w", req, next, err))
	}
	if err := s.rememberAndBook(ctx, tx, req, next); err != nil {
		return Receipt{}, err
	}
	if err := tx.Commit(); err != nil {
		return Receipt{}, fmt.Errorf("%s (advisory, postgres): commit: %w", req, err)
	}
	return receipt(req, next), nil
}

func (s *advisoryStore) applyNamedLock(ctx context.Context, req Request) (Receipt, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (advisory, mariadb): get connection: %w", req, err))
	}
	defer conn.Close()

	var got sql.NullInt64
	err = conn.QueryRowContext(ctx, `SELECT GET_LOCK(CONCAT('bank:', MD5(CONCAT(DATABASE(), '/', ?))), ?)`, req.Account, lockWaitSeconds).Scan(&got)
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (advisory, mariadb): GET_LOCK: %w", req, err))
	}
	if !got.Valid || got.Int64 != 1 {
		return Receipt{}, notApplied(fmt.Errorf("%s (advisory, mariadb): GET_LOCK did not get the lock within %d s", req, lockWaitSeconds))
	}
	defer func() {
		_, err := conn.ExecContext(context.WithoutCancel(ctx), `DO RELEASE_LOCK(CONCAT('bank:', MD5(CONCAT(DATABASE(), '/', ?))))`, req.Account)
		if err != nil {
			// The lock must not outlive this call: drop the connection, and the
			// server releases every lock the session held.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()

	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (advisory, mariadb): begin: %w", req, err))
	}
	defer tx.Rollback()
	var balance int64
	err = tx.QueryRowContext(ctx, `SELECT balance FROM accounts WHERE id = ?`, req.Account).Scan(&balance)
	if errors.Is(err, sql.ErrNoRows) {
		return Receipt{}, notFound(req.Account)
	}
	if err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (advisory, mariadb): read balance: %w", req, err))
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
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET balance = ? WHERE id = ?`, next, req.Account); err != nil {
		return Receipt{}, notApplied(fmt.Errorf("%s (advisory, mariadb): write balance %d: %w", req, next, err))
	}
	if err := s.rememberAndBook(ctx, tx, req, next); err != nil {
		return Receipt{}, err
	}
	if err := tx.Commit(); err != nil {
		return Receipt{}, fmt.Errorf("%s (advisory, mariadb): commit: %w", req, err)
	}
	return receipt(req, next), nil
}
