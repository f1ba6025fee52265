// Package ledger is an account service on sqlx: Get and Select into // want package:`writes accounts\.balance.*updates atomically accounts\.balance`
// structs, StructScan, NamedExec with structs and maps, transactions from
// Beginx and BeginTxx, and the database/sql methods sqlx's handles embed.
package ledger

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jmoiron/sqlx"
)

// ErrInsufficient is returned when an account cannot cover a withdrawal.
var ErrInsufficient = errors.New("insufficient funds")

// Account is a row of the accounts table.
type Account struct {
	ID      int64  `db:"id"`
	Owner   string `db:"owner"`
	Balance int64  `db:"balance"`
}

// Store runs on an sqlx pool.
type Store struct{ db *sqlx.DB }

// deposit loads the account with Get and writes the sum back with Exec.
func (s *Store) deposit(ctx context.Context, id, amount int64) error {
	var a Account
	if err := s.db.GetContext(ctx, &a, "SELECT id, owner, balance FROM accounts WHERE id = $1", id); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", a.Balance+amount, id) // want `^lost update: a.Balance is read at ledger.go:30 and written back here outside a locking transaction; .*Use an atomic update \(SET balance = balance \+ \$1\)`
	return err
}

// depositLocked locks the row in the transaction it writes in; the write
// goes through the *sql.Tx that the *sqlx.Tx embeds.
func (s *Store) depositLocked(ctx context.Context, id, amount int64) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var a Account
	if err := tx.GetContext(ctx, &a, "SELECT id, owner, balance FROM accounts WHERE id = $1 FOR UPDATE", id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", a.Balance+amount, id); err != nil {
		return err
	}
	return tx.Commit()
}

// withdrawPlainTx reads in a transaction that takes no lock.
func (s *Store) withdrawPlainTx(id, amount int64) error {
	tx := s.db.MustBegin()
	defer tx.Rollback()
	var balance int64
	if err := tx.Get(&balance, "SELECT balance FROM accounts WHERE id = $1", id); err != nil {
		return err
	}
	if balance < amount {
		return ErrInsufficient
	}
	tx.MustExec("UPDATE accounts SET balance = $1 WHERE id = $2", balance-amount, id) // want `^lost update: balance is read at ledger.go:60 and written back here outside a locking transaction`
	return tx.Commit()
}

// depositNamed saves the loaded struct with NamedExec.
func (s *Store) depositNamed(id, amount int64) error {
	var a Account
	if err := s.db.Get(&a, "SELECT id, owner, balance FROM accounts WHERE id = $1", id); err != nil {
		return err
	}
	a.Balance += amount
	_, err := s.db.NamedExec("UPDATE accounts SET balance = :balance WHERE id = :id", a) // want `^lost update: a.Balance is read at ledger.go:73 .*Use an atomic update \(SET balance = balance \+ :balance\)`
	return err
}

// depositNamedMap binds a map built from the loaded balance.
func (s *Store) depositNamedMap(id, amount int64) error {
	var a Account
	if err := s.db.Get(&a, "SELECT id, owner, balance FROM accounts WHERE id = $1", id); err != nil {
		return err
	}
	arg := map[string]any{"balance": a.Balance + amount, "id": id}
	_, err := s.db.NamedExec("UPDATE accounts SET balance = :balance WHERE id = :id", arg) // want `^lost update: a.Balance is read at ledger.go:84`
	return err
}

// depositNamedAtomic lets the database add.
func (s *Store) depositNamedAtomic(id, amount int64) error {
	_, err := s.db.NamedExec("UPDATE accounts SET balance = balance + :amount WHERE id = :id",
		map[string]any{"amount": amount, "id": id})
	return err
}

// renameNamed writes a fresh owner through a struct whose balance it read.
func (s *Store) renameNamed(id int64, owner string) error {
	var a Account
	if err := s.db.Get(&a, "SELECT id, owner, balance FROM accounts WHERE id = $1", id); err != nil {
		return err
	}
	a.Owner = owner
	_, err := s.db.NamedExec("UPDATE accounts SET owner = :owner WHERE id = :id", a)
	return err
}

// chargeAll selects every account and charges a fee one by one.
func (s *Store) chargeAll(fee int64) error {
	var accounts []Account
	if err := s.db.Select(&accounts, "SELECT id, owner, balance FROM accounts"); err != nil {
		return err
	}
	for _, a := range accounts {
		if _, err := s.db.Exec("UPDATE accounts SET balance = $1 WHERE id = $2", a.Balance-fee, a.ID); err != nil { // want `^lost update: a.Balance is read at ledger.go:113`
			return err
		}
	}
	return nil
}

// depositStructScan loads with QueryRowx and StructScan.
func (s *Store) depositStructScan(id, amount int64) error {
	var a Account
	if err := s.db.QueryRowx("SELECT id, owner, balance FROM accounts WHERE id = $1", id).StructScan(&a); err != nil {
		return err
	}
	_, err := s.db.Exec("UPDATE accounts SET balance = $1 WHERE id = $2", a.Balance+amount, id) // want `^lost update: a.Balance is read at ledger.go:127`
	return err
}

// interestRows scans rows with StructScan and with the embedded Scan.
func (s *Store) interestRows(rate int64) error {
	rows, err := s.db.Queryx("SELECT id, owner, balance FROM accounts")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a Account
		if err := rows.StructScan(&a); err != nil {
			return err
		}
		var id, balance int64
		var owner string
		if err := rows.Scan(&id, &owner, &balance); err != nil {
			return err
		}
		if _, err := s.db.Exec("UPDATE accounts SET balance = $1 WHERE id = $2", a.Balance*rate/100, a.ID); err != nil { // want `^lost update: a.Balance is read at ledger.go:143`
			return err
		}
		if _, err := s.db.Exec("UPDATE accounts SET balance = $1 WHERE id = $2", balance+1, id); err != nil { // want `^lost update: balance is read at ledger.go:148`
			return err
		}
	}
	return rows.Err()
}

// depositLockedWrittenOnPool locks in the transaction but writes on the pool.
func (s *Store) depositLockedWrittenOnPool(id, amount int64) error {
	tx, err := s.db.Beginx()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var a Account
	if err := tx.Get(&a, "SELECT id, owner, balance FROM accounts WHERE id = $1 FOR UPDATE", id); err != nil {
		return err
	}
	if _, err := s.db.Exec("UPDATE accounts SET balance = $1 WHERE id = $2", a.Balance+amount, id); err != nil { // want `^lost update: a.Balance is locked at ledger.go:169 through tx but written back here through s.db`
		return err
	}
	return tx.Commit()
}

// depositSerializable runs in a SERIALIZABLE transaction.
func (s *Store) depositSerializable(ctx context.Context, id, amount int64) error {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var a Account
	if err := tx.GetContext(ctx, &a, "SELECT id, owner, balance FROM accounts WHERE id = $1", id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", a.Balance+amount, id); err != nil {
		return err
	}
	return tx.Commit()
}
