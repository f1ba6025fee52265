// Package bank keeps account balances with xorm: every way to change a // want package:`writes account\.balance, account\.notes, account\.owner; updates atomically account\.balance`
// balance that the analyzer must tell apart, each racy shape beside the
// safe one.
package bank

import (
	"database/sql"
	"errors"
	"fmt"

	"xorm.io/xorm"
)

// ErrInsufficientFunds is returned when a withdrawal would overdraw.
var ErrInsufficientFunds = errors.New("insufficient funds")

// Account is a row of the account table (xorm maps Account to account).
type Account struct {
	ID      int64 `xorm:"pk autoincr"`
	Owner   string
	Balance int64
	Notes   string `xorm:"TEXT"`
}

// Bank serves deposits and withdrawals.
type Bank struct {
	engine *xorm.Engine
}

// deposit loads the account, adds in Go and writes the balance back: two
// concurrent deposits both read the same balance and one is lost.
func (b *Bank) deposit(id, amount int64) error {
	var acc Account
	if _, err := b.engine.ID(id).Get(&acc); err != nil {
		return err
	}
	acc.Balance += amount
	_, err := b.engine.ID(id).Cols("balance").Update(&acc) // want `^lost update: acc.Balance is read at bank.go:34 and written back here outside a locking transaction; a concurrent request can change it in between. Use an atomic update \(sess.ID\(id\).Incr\("balance", amount\).Update\(new\(Account\)\)\) or load it with ForUpdate\(\) inside engine.Transaction.$`
	return err
}

// depositMap finds the account by a condition and writes the new balance
// with a map.
func (b *Bank) depositMap(id, amount int64) error {
	var acc Account
	if _, err := b.engine.Where("id = ?", id).Get(&acc); err != nil {
		return err
	}
	_, err := b.engine.Table(new(Account)).ID(id).Update(map[string]any{"balance": acc.Balance + amount}) // want `^lost update: acc.Balance is read at bank.go:46 and written back here outside a locking transaction`
	return err
}

// depositColumn reads the balance alone into a variable.
func (b *Bank) depositColumn(id, amount int64) error {
	var balance int64
	if _, err := b.engine.Table("account").Cols("balance").Where("id = ?", id).Get(&balance); err != nil {
		return err
	}
	_, err := b.engine.Table("account").ID(id).Update(map[string]any{"balance": balance + amount}) // want `^lost update: balance is read at bank.go:56`
	return err
}

// depositIncr lets the database add.
func (b *Bank) depositIncr(id, amount int64) error {
	_, err := b.engine.ID(id).Incr("balance", amount).Update(new(Account))
	return err
}

// withdrawDecr subtracts in the database, with the floor in the WHERE
// clause and the count of rows updated checked.
func (b *Bank) withdrawDecr(id, amount int64) error {
	n, err := b.engine.ID(id).Where("balance >= ?", amount).Decr("balance", amount).Update(new(Account))
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrInsufficientFunds
	}
	return nil
}

// depositSetExpr reads the account for its owner, then adds with an SQL
// expression.
func (b *Bank) depositSetExpr(id, amount int64) (string, error) {
	var acc Account
	if _, err := b.engine.ID(id).Get(&acc); err != nil {
		return "", err
	}
	_, err := b.engine.ID(id).SetExpr("balance", fmt.Sprintf("balance + %d", amount)).Update(new(Account))
	return acc.Owner, err
}

// depositInTransaction locks the row with ForUpdate on the session of
// engine.Transaction and writes through the same session.
func (b *Bank) depositInTransaction(id, amount int64) error {
	_, err := b.engine.Transaction(func(sess *xorm.Session) (any, error) {
		var acc Account
		if _, err := sess.ForUpdate().ID(id).Get(&acc); err != nil {
			return nil, err
		}
		acc.Balance += amount
		return sess.ID(id).Cols("balance").Update(&acc)
	})
	return err
}

// withdrawInSession begins a transaction on a session by hand, locks,
// checks the balance, writes and commits.
func (b *Bank) withdrawInSession(id, amount int64) error {
	sess := b.engine.NewSession()
	defer sess.Close()
	if err := sess.Begin(); err != nil {
		return err
	}
	var acc Account
	if _, err := sess.ForUpdate().ID(id).Get(&acc); err != nil {
		return err
	}
	if acc.Balance < amount {
		return ErrInsufficientFunds
	}
	acc.Balance -= amount
	if _, err := sess.ID(id).Cols("balance").Update(&acc); err != nil {
		return err
	}
	return sess.Commit()
}

// withdrawSessionWithoutBegin locks on a session that never began a
// transaction: every statement commits on its own and the lock is gone
// before the write.
func (b *Bank) withdrawSessionWithoutBegin(id, amount int64) error {
	sess := b.engine.NewSession()
	defer sess.Close()
	var acc Account
	if _, err := sess.ForUpdate().ID(id).Get(&acc); err != nil {
		return err
	}
	acc.Balance -= amount
	_, err := sess.ID(id).Cols("balance").Update(&acc) // want `^lost update: acc.Balance is read with FOR UPDATE at bank.go:136 outside a transaction, so the lock is released when that statement ends and the write here is unprotected. Run the locking read and the write in one transaction \(engine.Transaction\(func\(sess \*xorm.Session\) \(any, error\) \{ … \}\)\), or use an atomic update \(sess.ID\(id\).Where\("balance >= \?", amount\).Decr\("balance", amount\).Update\(new\(Account\)\) and a check of the count it returns\).$`
	return err
}

// depositInTransactionNoLock runs in a transaction without a lock: the
// default isolation levels let two of them read the same balance.
func (b *Bank) depositInTransactionNoLock(id, amount int64) error {
	_, err := b.engine.Transaction(func(sess *xorm.Session) (any, error) {
		var acc Account
		if _, err := sess.ID(id).Get(&acc); err != nil {
			return nil, err
		}
		acc.Balance += amount
		return sess.ID(id).Cols("balance").Update(&acc) // want `^lost update: acc.Balance is read at bank.go:149 and written back here outside a locking transaction`
	})
	return err
}

// depositLockedWrittenOnEngine locks on the transaction's session but
// writes through the engine, on another connection.
func (b *Bank) depositLockedWrittenOnEngine(id, amount int64) error {
	_, err := b.engine.Transaction(func(sess *xorm.Session) (any, error) {
		var acc Account
		if _, err := sess.ForUpdate().ID(id).Get(&acc); err != nil {
			return nil, err
		}
		acc.Balance += amount
		return b.engine.ID(id).Cols("balance").Update(&acc) // want `^lost update: acc.Balance is locked at bank.go:163 through sess but written back here through b.engine; a row lock protects only the transaction that holds it`
	})
	return err
}

// depositSerializable relies on a SERIALIZABLE transaction.
func (b *Bank) depositSerializable(id, amount int64) error {
	sess := b.engine.NewSession()
	defer sess.Close()
	if err := sess.BeginTx(&sql.TxOptions{Isolation: sql.LevelSerializable}); err != nil {
		return err
	}
	var acc Account
	if _, err := sess.ID(id).Get(&acc); err != nil {
		return err
	}
	acc.Balance += amount
	if _, err := sess.ID(id).Cols("balance").Update(&acc); err != nil {
		return err
	}
	return sess.Commit()
}

// depositExec writes the new balance with raw SQL through xorm.
func (b *Bank) depositExec(id, amount int64) error {
	var acc Account
	if _, err := b.engine.ID(id).Get(&acc); err != nil {
		return err
	}
	_, err := b.engine.Exec("UPDATE account SET balance = ? WHERE id = ?", acc.Balance+amount, id) // want `^lost update: acc.Balance is read at bank.go:193 and written back here outside a locking transaction; .*Use an atomic update \(SET balance = balance \+ \?\) or load it with ForUpdate\(\) inside engine.Transaction.$`
	return err
}

// depositExecAtomic adds in the database with raw SQL.
func (b *Bank) depositExecAtomic(id, amount int64) error {
	_, err := b.engine.Exec("UPDATE account SET balance = balance + ? WHERE id = ?", amount, id)
	return err
}

// depositRawLocked locks with SQL's own FOR UPDATE in the transaction.
func (b *Bank) depositRawLocked(id, amount int64) error {
	_, err := b.engine.Transaction(func(sess *xorm.Session) (any, error) {
		var acc Account
		if _, err := sess.SQL("SELECT * FROM account WHERE id = ? FOR UPDATE", id).Get(&acc); err != nil {
			return nil, err
		}
		acc.Balance += amount
		return sess.ID(id).Cols("balance").Update(&acc)
	})
	return err
}

// rename writes a new owner through the record it loaded: Cols limits
// the write to the column it changed.
func (b *Bank) rename(id int64, owner string) error {
	var acc Account
	if _, err := b.engine.ID(id).Get(&acc); err != nil {
		return err
	}
	acc.Owner = owner
	_, err := b.engine.ID(id).Cols("owner").Update(&acc)
	return err
}

// renameWholeRow writes the whole record back after changing its owner:
// the balance and the notes go back as they were read and undo a deposit
// (depositIncr adds to the balance atomically) or a note made in between.
func (b *Bank) renameWholeRow(id int64, owner string) error {
	var acc Account
	if _, err := b.engine.ID(id).Get(&acc); err != nil {
		return err
	}
	acc.Owner = owner
	_, err := b.engine.ID(id).Update(&acc) // want `^stale row: acc is read at bank.go:236 and written back whole here with a new acc.Owner; balance and notes go back as read, so a change another request made to them in between is undone \(Bank\.\w+ updates balance atomically at bank.go:\d+\). Write only the columns that changed \(Cols\("owner"\) on the Update\), or load it with ForUpdate\(\) inside engine.Transaction.$`
	return err
}

// addNote appends to the notes in Go and writes them back: a note another
// request adds in between is lost.
func (b *Bank) addNote(id int64, note string) error {
	var acc Account
	if _, err := b.engine.ID(id).Get(&acc); err != nil {
		return err
	}
	acc.Notes += note + "\n"
	_, err := b.engine.ID(id).Cols("notes").Update(&acc) // want `^lost update: acc.Notes is read at bank.go:\d+ and written back here outside a locking transaction; a concurrent request can change it in between. Use a version check \(a Version field tagged xorm:"version" on the model, which makes the Update of notes check and bump it, retried while Update returns 0\) or load it with ForUpdate\(\) inside engine.Transaction.$`
	return err
}

// resetBalance writes a value that does not come from the load.
func (b *Bank) resetBalance(id, balance int64) error {
	var acc Account
	if _, err := b.engine.ID(id).Get(&acc); err != nil {
		return err
	}
	if acc.Owner == "" {
		return errors.New("no owner")
	}
	_, err := b.engine.ID(id).Update(map[string]any{"balance": balance})
	return err
}

// touchAndAdd adds to the balance in the database and records when, on a
// session whose guard against overflow depends on the sign of the delta:
// the branches add only a condition to a chain that names its columns,
// so the account is not written whole and nothing goes back stale.
func (b *Bank) touchAndAdd(sess *xorm.Session, acc *Account, delta int64) (int64, error) {
	upd := sess.ID(acc.ID).Cols("notes")
	if delta > 0 {
		upd = upd.Where("balance <= ?", 1<<62-delta)
	} else {
		upd = upd.Where("balance >= ?", -(1<<62)-delta)
	}
	return upd.SetExpr("balance", fmt.Sprintf("balance + (%d)", delta)).Update(acc)
}

// noteAfterRead reads the account, changes its notes and saves it on a
// session built on either branch without Cols: the whole record goes
// back, and with it the balance as read.
func (b *Bank) noteAfterRead(id int64, note string, strict bool) error {
	var acc Account
	if _, err := b.engine.ID(id).Get(&acc); err != nil {
		return err
	}
	acc.Notes = note
	upd := b.engine.ID(id)
	if strict {
		upd = upd.Where("owner = ?", acc.Owner)
	}
	_, err := upd.Update(&acc) // want `^stale row: acc is read at bank.go:\d+ and written back whole here with a new acc.Notes; balance and owner go back as read`
	return err
}

// useTouch moves money between the record of a request and the database
// with touchAndAdd.
func (b *Bank) useTouch(id, delta int64) error {
	sess := b.engine.NewSession()
	defer sess.Close()
	var acc Account
	if _, err := sess.ID(id).Get(&acc); err != nil {
		return err
	}
	acc.Notes = "moved"
	_, err := b.touchAndAdd(sess, &acc, delta)
	return err
}

// matchRichest sets an account's balance one above the richest of an
// owner's accounts, read as the top row of the set (Desc, Get): the value
// is the highest of many rows, not the account's own, and no update of
// the account is lost.
func (b *Bank) matchRichest(id int64, owner string) error {
	var top Account
	if _, err := b.engine.Where("owner = ?", owner).Desc("balance").Get(&top); err != nil {
		return err
	}
	_, err := b.engine.ID(id).Cols("balance").Update(&Account{Balance: top.Balance + 1})
	return err
}

// updateCols writes the columns its caller names, and UpdateCols hands
// its caller's on: a rename through them writes the owner alone.
func updateCols(e *xorm.Engine, acc *Account, cols ...string) error {
	cols = append(cols, "notes")
	_, err := e.ID(acc.ID).Cols(cols...).Update(acc)
	return err
}

// UpdateCols writes the columns named of the account.
func (b *Bank) UpdateCols(acc *Account, cols ...string) error { // want UpdateCols:`^writes param 1 \(the columns of param 2\) on param 0\.engine \(pool\)$`
	return updateCols(b.engine, acc, cols...)
}

// renameByCols changes the owner and writes it through UpdateCols: the
// balance is not written, so a deposit in between stays.
func (b *Bank) renameByCols(id int64, owner string) error {
	var acc Account
	if _, err := b.engine.ID(id).Get(&acc); err != nil {
		return err
	}
	acc.Owner = owner
	return b.UpdateCols(&acc, "owner")
}
