// Package bank is a joint-account service written with database/sql: the // want package:`writes accounts\.balance.*updates atomically accounts\.balance`
// racy and safe ways to move money that the analyzer must tell apart.
package bank

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

var ErrInsufficientFunds = errors.New("insufficient funds")

type Account struct {
	ID      int64
	Owner   string
	Balance int64
	Version int64
}

// depositRacy is the textbook lost update: read, add in Go, write back.
func depositRacy(ctx context.Context, db *sql.DB, id, amount int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return fmt.Errorf("load account %d: %w", id, err)
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id) // want `lost update: balance is read at bank.go:26 and written back here outside a locking transaction; .* Use an atomic update \(SET balance = balance \+ \$1\)`
	return err
}

// depositLockedInTx reads with FOR UPDATE and writes on the same tx.
func depositLockedInTx(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var balance int64
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id); err != nil {
		return err
	}
	return tx.Commit()
}

// depositNoKeyUpdate uses PostgreSQL's weaker exclusive lock, still enough.
func depositNoKeyUpdate(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var balance int64
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1 FOR NO KEY UPDATE", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id); err != nil {
		return err
	}
	return tx.Commit()
}

// depositAtomic lets the database add.
func depositAtomic(ctx context.Context, db *sql.DB, id, amount int64) error {
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = balance + $1 WHERE id = $2", amount, id)
	return err
}

// depositReturning adds atomically and returns the new balance.
func depositReturning(ctx context.Context, db *sql.DB, id, amount int64) (int64, error) {
	var balance int64
	err := db.QueryRowContext(ctx, "UPDATE accounts SET balance = balance + $1 WHERE id = $2 RETURNING balance", amount, id).Scan(&balance)
	return balance, err
}

// withdrawWithFloor refuses an overdraft in the same atomic statement.
func withdrawWithFloor(ctx context.Context, db *sql.DB, id, amount int64) error {
	res, err := db.ExecContext(ctx, "UPDATE accounts SET balance = balance - $1 WHERE id = $2 AND balance >= $1", amount, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return ErrInsufficientFunds
	}
	return nil
}

// withdrawOptimistic checks the version it read and retries.
func withdrawOptimistic(ctx context.Context, db *sql.DB, id, amount int64) error {
	for attempt := 0; attempt < 5; attempt++ {
		var a Account
		if err := db.QueryRowContext(ctx, "SELECT balance, version FROM accounts WHERE id = $1", id).Scan(&a.Balance, &a.Version); err != nil {
			return err
		}
		if a.Balance < amount {
			return ErrInsufficientFunds
		}
		res, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1, version = version + 1 WHERE id = $2 AND version = $3", a.Balance-amount, id, a.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		time.Sleep(time.Duration(attempt) * time.Millisecond)
	}
	return errors.New("too much contention")
}

// withdrawCompareOld writes only if the balance is still what was read.
func withdrawCompareOld(ctx context.Context, db *sql.DB, id, amount int64) (bool, error) {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = ?", id).Scan(&balance); err != nil {
		return false, err
	}
	res, err := db.ExecContext(ctx, "UPDATE accounts SET balance = ? WHERE id = ? AND balance = ?", balance-amount, id, balance)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// withdrawSerializable relies on SERIALIZABLE isolation (and a retry loop
// around it in the caller).
func withdrawSerializable(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var balance int64
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance-amount, id); err != nil {
		return err
	}
	return tx.Commit()
}

// depositLockOutsideTx locks in autocommit: the lock ends with the SELECT.
func depositLockOutsideTx(ctx context.Context, db *sql.DB, id, amount int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", id).Scan(&balance); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id) // want `lost update: balance is read with FOR UPDATE at bank.go:149 outside a transaction, so the lock is released`
	return err
}

// depositStaleRead locks the row, but after reading the balance outside
// the transaction, and writes the stale value.
func depositStaleRead(ctx context.Context, db *sql.DB, id, amount int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id); err != nil { // want `lost update: balance is read at bank.go:160, before the lock taken at bank.go:168, and that stale value is written back`
		return err
	}
	return tx.Commit()
}

// depositLockedOnTxWrittenOnDB locks in the transaction but writes through
// the pool.
func depositLockedOnTxWrittenOnDB(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var balance int64
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id); err != nil { // want `lost update: balance is locked at bank.go:186 through tx but written back here through db`
		return err
	}
	return tx.Commit()
}

// depositLockedOnDBWrittenOnTx is the reverse: the lock is taken on the
// pool, in autocommit, and the write happens in the transaction.
func depositLockedOnDBWrittenOnTx(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id); err != nil { // want `lost update: balance is locked at bank.go:204 through db but written back here through tx`
		return err
	}
	return tx.Commit()
}

// depositShareLock takes a shared lock: both requests get it.
func depositShareLock(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var balance int64
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1 FOR SHARE", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id); err != nil { // want `lost update: balance is read with a shared lock \(FOR SHARE\) at bank.go:221`
		return err
	}
	return tx.Commit()
}

// depositLockInShareMode is MySQL's spelling of the same mistake.
func depositLockInShareMode(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var balance int64
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = ? LOCK IN SHARE MODE", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = ? WHERE id = ?", balance+amount, id); err != nil { // want `shared lock`
		return err
	}
	return tx.Commit()
}

// Ledger serialises deposits with a mutex, which one process honours and
// the next instance of the service does not.
type Ledger struct {
	mu sync.Mutex
	db *sql.DB
}

func (l *Ledger) deposit(ctx context.Context, id, amount int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	var balance int64
	if err := l.db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	_, err := l.db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id) // want `under a sync.Mutex, which serialises requests in this process only`
	return err
}

// transferByHand begins and commits by hand and locks both rows.
func transferByHand(ctx context.Context, db *sql.DB, from, to, amount int64) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	var fromBal, toBal int64
	if err := tx.QueryRow("SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", from).Scan(&fromBal); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.QueryRow("SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", to).Scan(&toBal); err != nil {
		tx.Rollback()
		return err
	}
	if fromBal < amount {
		tx.Rollback()
		return ErrInsufficientFunds
	}
	if _, err := tx.Exec("UPDATE accounts SET balance = $1 WHERE id = $2", fromBal-amount, from); err != nil {
		tx.Rollback()
		return err
	}
	if _, err := tx.Exec("UPDATE accounts SET balance = $1 WHERE id = $2", toBal+amount, to); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// transferInTxWithoutLock is in a transaction but reads without a lock:
// READ COMMITTED and REPEATABLE READ both let the update be lost.
func transferInTxWithoutLock(ctx context.Context, db *sql.DB, from, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var balance int64
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", from).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance-amount, from); err != nil { // want `lost update: balance is read at bank.go:304 and written back here outside a locking transaction`
		return err
	}
	return tx.Commit()
}

// chargeFees loads every account in a loop and writes each back.
func chargeFees(ctx context.Context, db *sql.DB, fee int64) error {
	rows, err := db.QueryContext(ctx, "SELECT id, balance FROM accounts WHERE balance > 0")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a Account
		if err := rows.Scan(&a.ID, &a.Balance); err != nil {
			return err
		}
		a.Balance -= fee
		if _, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", a.Balance, a.ID); err != nil { // want `lost update: a.Balance is read at bank.go:322 and written back here`
			return err
		}
	}
	return rows.Err()
}

// applyInterest loads in one branch and writes through a helper-computed
// value.
func applyInterest(ctx context.Context, db *sql.DB, id int64, premium bool) error {
	var balance int64
	if premium {
		if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
			return err
		}
	} else {
		balance = 0
	}
	next := withInterest(balance, 0.02)
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", next, id) // want `lost update: balance is read at bank.go:338`
	return err
}

func withInterest(balance int64, rate float64) int64 {
	return int64(float64(balance) * (1 + rate))
}

// renameOwner writes a value from the request, not from the load.
func renameOwner(ctx context.Context, db *sql.DB, id int64, owner string) error {
	var a Account
	if err := db.QueryRowContext(ctx, "SELECT id, owner FROM accounts WHERE id = $1", id).Scan(&a.ID, &a.Owner); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET owner = $1, updated_at = $2 WHERE id = $3", owner, time.Now(), a.ID)
	return err
}

// closeAccount writes a constant.
func closeAccount(ctx context.Context, db *sql.DB, id int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	if balance != 0 {
		return errors.New("account not empty")
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET status = 'closed' WHERE id = $1", id)
	return err
}

// statement only reads.
func statement(ctx context.Context, db *sql.DB, id int64) (int64, error) {
	var balance int64
	err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance)
	return balance, err
}

// recordLedger inserts a ledger row computed from the balance: an insert
// adds a row and cannot lose another request's update.
func recordLedger(ctx context.Context, db *sql.DB, id, amount int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "INSERT INTO ledger (account_id, amount, balance_after) VALUES ($1, $2, $3)", id, amount, balance+amount)
	return err
}

// upsertCounter adds in the conflict action: atomic.
func upsertCounter(ctx context.Context, db *sql.DB, name string, by int64) error {
	_, err := db.ExecContext(ctx, "INSERT INTO counters (name, n) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET n = counters.n + EXCLUDED.n", name, by)
	return err
}

// upsertCounterRacy computes the new count in Go and upserts it.
func upsertCounterRacy(ctx context.Context, db *sql.DB, name string) error {
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT n FROM counters WHERE name = $1", name).Scan(&n); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	_, err := db.ExecContext(ctx, "INSERT INTO counters (name, n) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET n = EXCLUDED.n", name, n+1) // want `lost update: n is read at bank.go:403`
	return err
}

// replaceCounterRacy writes the whole row with MySQL's REPLACE.
func replaceCounterRacy(ctx context.Context, db *sql.DB, name string) error {
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT n FROM counters WHERE name = ?", name).Scan(&n); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "REPLACE INTO counters (name, n) VALUES (?, ?)", name, n+1) // want `lost update: n is read at bank.go:413`
	return err
}

// depositAdvisory serialises on an advisory transaction lock.
func depositAdvisory(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", id); err != nil {
		return err
	}
	var balance int64
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id); err != nil {
		return err
	}
	return tx.Commit()
}

// depositSQLiteImmediate takes SQLite's database write lock first on one
// connection.
func depositSQLiteImmediate(ctx context.Context, db *sql.DB, id, amount int64) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	var balance int64
	if err := conn.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = ?", id).Scan(&balance); err != nil {
		conn.ExecContext(ctx, "ROLLBACK")
		return err
	}
	if _, err := conn.ExecContext(ctx, "UPDATE accounts SET balance = ? WHERE id = ?", balance+amount, id); err != nil {
		conn.ExecContext(ctx, "ROLLBACK")
		return err
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}

// depositPrepared runs prepared statements on the pool.
func depositPrepared(ctx context.Context, db *sql.DB, id, amount int64) error {
	sel, err := db.PrepareContext(ctx, "SELECT balance FROM accounts WHERE id = $1")
	if err != nil {
		return err
	}
	defer sel.Close()
	upd, err := db.PrepareContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2")
	if err != nil {
		return err
	}
	defer upd.Close()
	var balance int64
	if err := sel.QueryRowContext(ctx, id).Scan(&balance); err != nil {
		return err
	}
	_, err = upd.ExecContext(ctx, balance+amount, id) // want `lost update: balance is read at bank.go:477`
	return err
}

// tagAccount builds the new value as a string.
func tagAccount(ctx context.Context, db *sql.DB, table string, id int64, tag string) error {
	var tags string
	q := fmt.Sprintf("SELECT tags FROM %s WHERE id = $1", table)
	if err := db.QueryRowContext(ctx, q, id).Scan(&tags); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET tags = $1 WHERE id = $2", table), tags+","+tag, id) // want `lost update: tags is read at bank.go:488`
	return err
}

// depositNamed binds with sql.Named.
func depositNamed(ctx context.Context, db *sql.DB, id, amount int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = :id", sql.Named("id", id)).Scan(&balance); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = :balance WHERE id = :id", sql.Named("balance", balance+amount), sql.Named("id", id)) // want `lost update: balance is read at bank.go:498`
	return err
}

// depositThroughPointer changes the loaded struct through a pointer.
func depositThroughPointer(ctx context.Context, db *sql.DB, id, amount int64) error {
	var acc Account
	if err := db.QueryRowContext(ctx, "SELECT id, balance FROM accounts WHERE id = $1", id).Scan(&acc.ID, &acc.Balance); err != nil {
		return err
	}
	p := &acc
	p.Balance += amount
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", acc.Balance, acc.ID) // want `lost update: acc.Balance is read at bank.go:508`
	return err
}

// reloadUnderLock reads once for validation, then reads again under the
// lock and writes the fresh value: safe.
func reloadUnderLock(ctx context.Context, db *sql.DB, id, amount int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	if balance < amount {
		return ErrInsufficientFunds
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance-amount, id); err != nil {
		return err
	}
	return tx.Commit()
}

// handler is a request handler with the load and save in a closure.
func handler(db *sql.DB) func(ctx context.Context, id, amount int64) error {
	return func(ctx context.Context, id, amount int64) error {
		var balance int64
		if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
			return err
		}
		_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id) // want `lost update: balance is read at bank.go:545`
		return err
	}
}

// withTx runs fn in a transaction: the callbacks below lock inside it.
func withTx(ctx context.Context, db *sql.DB, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func depositWithHelper(ctx context.Context, db *sql.DB, id, amount int64) error {
	return withTx(ctx, db, func(tx *sql.Tx) error {
		var balance int64
		if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", id).Scan(&balance); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id)
		return err
	})
}

func depositWithHelperStale(ctx context.Context, db *sql.DB, id, amount int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	return withTx(ctx, db, func(tx *sql.Tx) error {
		var current int64
		if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", id).Scan(&current); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id) // want `lost update: balance is read at bank.go:579, before the lock taken at bank.go:584`
		return err
	})
}

// depositCommitClosure creates its commit step as a closure before the
// read and calls it after the write: the lock holds until then.
func depositCommitClosure(ctx context.Context, db *sql.DB, id, amount int64) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(context.Background(), "ROLLBACK")
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
	if err := conn.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = ?", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "UPDATE accounts SET balance = ? WHERE id = ?", balance+amount, id); err != nil {
		return err
	}
	return commit()
}

// depositAfterCommitClosure commits through the closure first, then
// writes: the lock is gone by then.
func depositAfterCommitClosure(ctx context.Context, db *sql.DB, id, amount int64) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	finish := func() { conn.ExecContext(ctx, "COMMIT") }
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	var balance int64
	if err := conn.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = ?", id).Scan(&balance); err != nil {
		return err
	}
	finish()
	_, err = conn.ExecContext(ctx, "UPDATE accounts SET balance = ? WHERE id = ?", balance+amount, id) // want `lost update: balance is read at bank.go:639`
	return err
}

// depositAfterCommit commits the locking transaction and then writes
// through the same connection in autocommit.
func depositAfterCommit(ctx context.Context, db *sql.DB, id, amount int64) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return err
	}
	var balance int64
	if err := conn.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id) // want `lost update: balance is read with FOR UPDATE at bank.go:659, but the transaction that held the lock ends before the write`
	return err
}

// depositNamedLockThenTx takes MySQL's named lock on one connection and
// runs the transaction on that same connection.
func depositNamedLockThenTx(ctx context.Context, db *sql.DB, id, amount int64) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var got int
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(CONCAT('account:', ?), 10)", id).Scan(&got); err != nil || got != 1 {
		return errors.New("lock not taken")
	}
	defer conn.ExecContext(context.Background(), "DO RELEASE_LOCK(CONCAT('account:', ?))", id)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var balance int64
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = ?", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = ? WHERE id = ?", balance+amount, id); err != nil {
		return err
	}
	return tx.Commit()
}

// depositNamedLockOnPool takes the named lock through the pool: the next
// statement may run on another connection, which does not hold it.
func depositNamedLockOnPool(ctx context.Context, db *sql.DB, id, amount int64) error {
	var got int
	if err := db.QueryRowContext(ctx, "SELECT GET_LOCK(CONCAT('account:', ?), 10)", id).Scan(&got); err != nil || got != 1 {
		return errors.New("lock not taken")
	}
	defer db.ExecContext(context.Background(), "DO RELEASE_LOCK(CONCAT('account:', ?))", id)
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = ?", id).Scan(&balance); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = ? WHERE id = ?", balance+amount, id) // want `lost update: balance is read at bank.go:706`
	return err
}

// priceOrder reads a product's price and writes an order's total: the
// product row is not written, so its update cannot be lost here.
func priceOrder(ctx context.Context, db *sql.DB, orderID, productID, qty int64) error {
	var price int64
	if err := db.QueryRowContext(ctx, "SELECT price FROM products WHERE id = $1", productID).Scan(&price); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE orders SET total = $1 WHERE id = $2", price*qty, orderID)
	return err
}

// restockFromJoin reads through a join, so the analyzer cannot tell which
// table the value came from, and reports the write.
func restockFromJoin(ctx context.Context, db *sql.DB, id, n int64) error {
	var stock int64
	if err := db.QueryRowContext(ctx, "SELECT p.stock FROM products p JOIN suppliers s ON s.id = p.supplier_id WHERE p.id = $1", id).Scan(&stock); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE products SET stock = $1 WHERE id = $2", stock+n, id) // want `lost update: stock is read at bank.go:728`
	return err
}

// withdrawSerializableReadOnPool reads through the pool inside a
// SERIALIZABLE transaction: that read is not part of it.
func withdrawSerializableReadOnPool(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance-amount, id); err != nil { // want `lost update: balance is read at bank.go:744`
		return err
	}
	return tx.Commit()
}

// depositAdvisoryWriteOnPool holds the advisory lock in a transaction and
// writes through the pool while it is held: every writer takes the same
// lock, so none can slip in between.
func depositAdvisoryWriteOnPool(ctx context.Context, db *sql.DB, id, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", id); err != nil {
		return err
	}
	var balance int64
	if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id); err != nil {
		return err
	}
	return tx.Commit()
}

// stmtStore keeps its statements in fields, prepared by a helper in its
// constructor, as goalert does.
type stmtStore struct {
	findBalance       *sql.Stmt
	findBalanceLocked *sql.Stmt
	setBalance        *sql.Stmt
}

// preparer prepares statements and keeps the first error.
type preparer struct {
	ctx context.Context
	db  *sql.DB
	Err error
}

// P prepares query.
func (p *preparer) P(query string) *sql.Stmt { // want P:`prepares result 0 with the SQL of param 1`
	if p.Err != nil {
		return nil
	}
	s, err := p.db.PrepareContext(p.ctx, query)
	if err != nil {
		p.Err = err
	}
	return s
}

func newStmtStore(ctx context.Context, db *sql.DB) (*stmtStore, error) {
	p := &preparer{ctx: ctx, db: db}
	s := &stmtStore{
		findBalance:       p.P("SELECT balance FROM accounts WHERE id = $1"),
		findBalanceLocked: p.P("SELECT balance FROM accounts WHERE id = $1 FOR UPDATE"),
		setBalance:        p.P("UPDATE accounts SET balance = $1 WHERE id = $2"),
	}
	return s, p.Err
}

// deposit reads the balance through a prepared statement without a lock.
func (s *stmtStore) deposit(ctx context.Context, tx *sql.Tx, id, amount int64) error {
	var balance int64
	if err := tx.StmtContext(ctx, s.findBalance).QueryRowContext(ctx, id).Scan(&balance); err != nil {
		return err
	}
	_, err := tx.StmtContext(ctx, s.setBalance).ExecContext(ctx, balance+amount, id) // want `lost update: balance is read at bank.go:\d+ and written back here`
	return err
}

// depositLocked reads it with the FOR UPDATE statement, in the
// transaction that writes it.
func (s *stmtStore) depositLocked(ctx context.Context, tx *sql.Tx, id, amount int64) error {
	var balance int64
	if err := tx.StmtContext(ctx, s.findBalanceLocked).QueryRowContext(ctx, id).Scan(&balance); err != nil {
		return err
	}
	_, err := tx.StmtContext(ctx, s.setBalance).ExecContext(ctx, balance+amount, id)
	return err
}
