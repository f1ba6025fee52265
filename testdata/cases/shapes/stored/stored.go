// Package stored has constructors that keep closures for later: a // want package:`writes accounts\.balance`
// processor's refresh, a flush handed back to the caller, a handler put in
// a table. A closure kept for later runs in a later call, so what it reads
// and writes is not its maker's: a caller of the maker has read nothing and
// written nothing. What the closure does is still judged on its own.
package stored

import (
	"context"
	"database/sql"
)

// Account is a row of the accounts table.
type Account struct {
	ID      int64
	Balance int64
}

// Processor refreshes an account when a later request asks it to.
type Processor struct {
	acct    *Account
	refresh func(ctx context.Context) error
}

// NewProcessor keeps a refresh that reads the account's balance when it
// runs; making it reads nothing.
func NewProcessor(db *sql.DB, acct *Account) *Processor { // want NewProcessor:`^result 0\.acct from param 1$`
	p := &Processor{acct: acct}
	p.refresh = func(ctx context.Context) error {
		return db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", acct.ID).Scan(&acct.Balance)
	}
	return p
}

// NewLoadedProcessor reads the balance now, through a closure it calls.
func NewLoadedProcessor(ctx context.Context, db *sql.DB, acct *Account) (*Processor, error) { // want NewLoadedProcessor:`loads into param 2\.Balance on param 1`
	load := func() error {
		return db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", acct.ID).Scan(&acct.Balance)
	}
	if err := load(); err != nil {
		return nil, err
	}
	return &Processor{acct: acct}, nil
}

// Open sets the opening balance and bonus a request gives on an account
// that sign-up made empty: the processor made on the way has not read the
// account, so nothing read is written back.
func Open(ctx context.Context, db *sql.DB, id, opening, bonus int64) error { // want Open:`^writes param 3 to balance on param 1 \(pool\); writes param 4 to balance on param 1 \(pool\)$`
	a := &Account{ID: id, Balance: opening}
	NewProcessor(db, a)
	a.Balance += bonus
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", a.Balance, id)
	return err
}

// Deposit adds to the balance the processor read: two deposits both read
// it, and the second write drops the first one's amount.
func Deposit(ctx context.Context, db *sql.DB, id, amount int64) error { // want Deposit:`writes param 3 to balance`
	a := &Account{ID: id}
	if _, err := NewLoadedProcessor(ctx, db, a); err != nil {
		return err
	}
	a.Balance += amount
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", a.Balance, id) // want `^lost update: a\.Balance is read at stored\.go:\d+ \(by stored\.NewLoadedProcessor`
	return err
}

// NewFlush keeps a write for later: making it writes nothing.
func NewFlush(db *sql.DB, acct *Account) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", acct.Balance, acct.ID)
		return err
	}
}

// DeferredDeposit reads the balance now and returns a write of it plus the
// amount for later: the balance has moved by the time it runs.
func DeferredDeposit(ctx context.Context, db *sql.DB, id, amount int64) (func(ctx context.Context) error, error) {
	var bal int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&bal); err != nil {
		return nil, err
	}
	return func(ctx context.Context) error {
		_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", bal+amount, id) // want `^lost update: bal is read at stored\.go:\d+ and written back here`
		return err
	}, nil
}

// Handlers are request handlers by name.
type Handlers map[string]func(ctx context.Context, id, amount int64) error

// Register puts a deposit handler in the table, for requests to run: it
// reads and writes when a request comes, not when it is registered.
func Register(db *sql.DB, h Handlers) { // want Register:`^changes param 1\{deposit\}$`
	h["deposit"] = func(ctx context.Context, id, amount int64) error {
		var bal int64
		if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&bal); err != nil {
			return err
		}
		_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", bal+amount, id) // want `^lost update: bal is read at stored\.go:\d+ and written back here`
		return err
	}
}
