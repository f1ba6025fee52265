// Package wallet is a wallet service on pgx v5's native API: a pool, single // want package:`writes wallets\.balance.*updates atomically wallets\.balance`
// connections, transactions begun by hand and by pgx.BeginFunc, rows
// collected with pgx.CollectRows, and a sqlc-style DBTX interface.
package wallet

import (
	"context"
	"errors"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrInsufficient is returned when a wallet cannot cover a payment.
var ErrInsufficient = errors.New("insufficient balance")

// Wallet is a row of the wallets table.
type Wallet struct {
	ID      int64
	Owner   string
	Balance int64
	Version int64
}

// Service runs on a connection pool.
type Service struct {
	pool *pgxpool.Pool
	mu   sync.Mutex
}

// topUp reads the balance and writes the sum back on the pool.
func (s *Service) topUp(ctx context.Context, id, amount int64) error {
	var balance int64
	if err := s.pool.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance+amount, id) // want `^lost update: balance is read at wallet.go:36 and written back here outside a locking transaction; .* Use an atomic update \(SET balance = balance \+ \$1\) or read it with SELECT … FOR UPDATE in the transaction that writes it.`
	return err
}

// topUpAtomic lets the database add.
func (s *Service) topUpAtomic(ctx context.Context, id, amount int64) (int64, error) {
	var balance int64
	err := s.pool.QueryRow(ctx, "UPDATE wallets SET balance = balance + $1 WHERE id = $2 RETURNING balance", amount, id).Scan(&balance)
	return balance, err
}

// payInPlainTx reads and writes in a transaction that takes no row lock.
func (s *Service) payInPlainTx(ctx context.Context, id, amount int64) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var balance int64
	if err := tx.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	if balance < amount {
		return ErrInsufficient
	}
	if _, err := tx.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance-amount, id); err != nil { // want `^lost update: balance is read at wallet.go:58 and written back here outside a locking transaction; .* Use an atomic update that repeats the check at wallet.go:61 in its WHERE clause \(UPDATE wallets SET balance = balance - \$1 WHERE … AND balance >= \$1, then check RowsAffected\)`
		return err
	}
	return tx.Commit(ctx)
}

// payLocked locks the row in the transaction that writes it.
func (s *Service) payLocked(ctx context.Context, id, amount int64) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var balance int64
	if err := tx.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1 FOR UPDATE", id).Scan(&balance); err != nil {
		return err
	}
	if balance < amount {
		return ErrInsufficient
	}
	if _, err := tx.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance-amount, id); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// payBeginFunc locks the row inside pgx.BeginFunc's transaction.
func (s *Service) payBeginFunc(ctx context.Context, id, amount int64) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var balance int64
		if err := tx.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1 FOR NO KEY UPDATE", id).Scan(&balance); err != nil {
			return err
		}
		if balance < amount {
			return ErrInsufficient
		}
		_, err := tx.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance-amount, id)
		return err
	})
}

// payBeginFuncNoLock runs in pgx.BeginFunc's transaction without a lock.
func (s *Service) payBeginFuncNoLock(ctx context.Context, id, amount int64) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var balance int64
		if err := tx.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1", id).Scan(&balance); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance-amount, id) // want `^lost update: balance is read at wallet.go:109 and written back here outside a locking transaction`
		return err
	})
}

// payLockedWrittenOnPool locks in the transaction but writes on the pool.
func (s *Service) payLockedWrittenOnPool(ctx context.Context, id, amount int64) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var balance int64
		if err := tx.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1 FOR UPDATE", id).Scan(&balance); err != nil {
			return err
		}
		_, err := s.pool.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance-amount, id) // want `^lost update: balance is locked at wallet.go:121 through tx but written back here through s.pool`
		return err
	})
}

// payLockedOnPool takes the row lock on the pool, outside any transaction.
func (s *Service) payLockedOnPool(ctx context.Context, id, amount int64) error {
	var balance int64
	if err := s.pool.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1 FOR UPDATE", id).Scan(&balance); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance-amount, id) // want `^lost update: balance is read with FOR UPDATE at wallet.go:132 outside a transaction, .*Run the locking read and the write in one transaction \(pgx.BeginFunc\(ctx, pool, func\(tx pgx.Tx\) error \{ … \}\)\)`
	return err
}

// paySerializable relies on SERIALIZABLE (and a retry loop in the caller).
func (s *Service) paySerializable(ctx context.Context, id, amount int64) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable})
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var balance int64
	if err := tx.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance-amount, id); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// payRepeatableRead asks for REPEATABLE READ, which PostgreSQL turns into a
// serialization failure on a concurrent update, but which MySQL does not:
// only SERIALIZABLE counts.
func (s *Service) payRepeatableRead(ctx context.Context, id, amount int64) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var balance int64
	if err := tx.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance-amount, id); err != nil { // want `^lost update: balance is read at wallet.go:166`
		return err
	}
	return tx.Commit(ctx)
}

// payUnderMutex serialises this process's requests only.
func (s *Service) payUnderMutex(ctx context.Context, id, amount int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var balance int64
	if err := s.pool.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance-amount, id) // want `^lost update: balance is read at wallet.go:180 and written back here under a sync.Mutex`
	return err
}

// payOptimistic checks the version it read and retries when it changed.
func (s *Service) payOptimistic(ctx context.Context, id, amount int64) error {
	for {
		var balance, version int64
		if err := s.pool.QueryRow(ctx, "SELECT balance, version FROM wallets WHERE id = $1", id).Scan(&balance, &version); err != nil {
			return err
		}
		tag, err := s.pool.Exec(ctx, "UPDATE wallets SET balance = $1, version = version + 1 WHERE id = $2 AND version = $3", balance-amount, id, version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
	}
}

// chargeAll collects every wallet with pgx.CollectRows and charges a fee.
func (s *Service) chargeAll(ctx context.Context, fee int64) error {
	rows, err := s.pool.Query(ctx, "SELECT id, owner, balance, version FROM wallets")
	if err != nil {
		return err
	}
	wallets, err := pgx.CollectRows(rows, pgx.RowToStructByName[Wallet])
	if err != nil {
		return err
	}
	for _, w := range wallets {
		if _, err := s.pool.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", w.Balance-fee, w.ID); err != nil { // want `^lost update: w.Balance is read at wallet.go:210`
			return err
		}
	}
	return nil
}

// rename reads the owner only to log it: a fresh value is written.
func (s *Service) rename(ctx context.Context, id int64, owner string) error {
	var old string
	if err := s.pool.QueryRow(ctx, "SELECT owner FROM wallets WHERE id = $1", id).Scan(&old); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, "UPDATE wallets SET owner = $1 WHERE id = $2", owner, id)
	return err
}

// topUpOnConn uses one connection: still autocommit, still racy.
func topUpOnConn(ctx context.Context, conn *pgx.Conn, id, amount int64) error {
	var balance int64
	if err := conn.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	_, err := conn.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance+amount, id) // want `^lost update: balance is read at wallet.go:235`
	return err
}

// DBTX is the interface sqlc generates for pgx: a pool, a connection or a
// transaction.
type DBTX interface {
	Exec(context.Context, string, ...interface{}) (pgconn.CommandTag, error)
	Query(context.Context, string, ...interface{}) (pgx.Rows, error)
	QueryRow(context.Context, string, ...interface{}) pgx.Row
}

// Queries are sqlc-style generated queries.
type Queries struct{ db DBTX }

// GetWallet loads a wallet.
func (q *Queries) GetWallet(ctx context.Context, id int64) (Wallet, error) { // want GetWallet:"loads result 0 on param 0.db"
	row := q.db.QueryRow(ctx, "SELECT id, owner, balance, version FROM wallets WHERE id = $1", id)
	var w Wallet
	err := row.Scan(&w.ID, &w.Owner, &w.Balance, &w.Version)
	return w, err
}

// SetBalance writes a balance.
func (q *Queries) SetBalance(ctx context.Context, id, balance int64) error { // want SetBalance:"writes param 3 to balance on param 0.db"
	_, err := q.db.Exec(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance, id)
	return err
}

// topUpThroughQueries uses the generated queries on the pool.
func topUpThroughQueries(ctx context.Context, q *Queries, id, amount int64) error {
	w, err := q.GetWallet(ctx, id)
	if err != nil {
		return err
	}
	return q.SetBalance(ctx, id, w.Balance+amount) // want `^lost update: w.Balance is read at wallet.go:\d+ \(by Queries.GetWallet, at wallet.go:257\)`
}

// openOrTopUp creates the wallet on its first top-up. The lock covers a
// wallet that exists; two first top-ups both find none and both upsert
// their own amount, and the second overwrites the first.
func (s *Service) openOrTopUp(ctx context.Context, id, amount int64) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var balance int64
		err := tx.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1 FOR UPDATE", id).Scan(&balance)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO wallets (id, balance) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET balance = $2", id, balance+amount) // want `^lost update: balance is read with FOR UPDATE at wallet\.go:\d+, but when no wallets row exists yet the lock holds nothing`
		return err
	})
}

// openOrTopUpExisting returns when the wallet is missing, so the upsert
// meets only the row it locked.
func (s *Service) openOrTopUpExisting(ctx context.Context, id, amount int64) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var balance int64
		err := tx.QueryRow(ctx, "SELECT balance FROM wallets WHERE id = $1 FOR UPDATE", id).Scan(&balance)
		if errors.Is(err, pgx.ErrNoRows) {
			return errors.New("no such wallet")
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO wallets (id, balance) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET balance = $2", id, balance+amount)
		return err
	})
}
