// Package ledger keeps accounts whose balance is the sum of their entries: // want package:`writes entry\.amount; updates atomically account\.balance`
// editing an entry moves the balance by the change of its amount, which is
// right only if the amount read is still the entry's when it is written.
package ledger

import (
	"errors"
	"fmt"

	"xorm.io/xorm"
)

// ErrChanged is returned when an entry changed since it was read.
var ErrChanged = errors.New("entry changed since it was read")

// Account is a row of the account table.
type Account struct {
	ID      int64 `xorm:"pk autoincr"`
	Balance int64
}

// Entry is a row of the entry table: an amount booked to an account.
type Entry struct {
	ID        int64 `xorm:"pk autoincr"`
	AccountID int64
	Amount    int64
	Deleted   bool
}

// Ledger edits entries and keeps balances.
type Ledger struct {
	engine *xorm.Engine
}

// move adds delta to an account's balance in the database.
func move(sess *xorm.Session, accountID, delta int64) error {
	_, err := sess.ID(accountID).SetExpr("balance", fmt.Sprintf("balance + (%d)", delta)).Update(new(Account))
	return err
}

// Edit sets an entry's amount and moves its account's balance by the
// difference, computed from the amount read without a lock: two edits of
// one entry both move the balance from the same old amount.
func (g *Ledger) Edit(id, amount int64) error { // want Edit:`^writes param 2 to amount on own tx; adds param 2 to balance on own tx$`
	_, err := g.engine.Transaction(func(sess *xorm.Session) (any, error) {
		var old Entry
		if _, err := sess.ID(id).Get(&old); err != nil {
			return nil, err
		}
		if _, err := sess.ID(id).Cols("amount").Update(&Entry{Amount: amount}); err != nil {
			return nil, err
		}
		return nil, move(sess, old.AccountID, amount-old.Amount) // want `^lost update: the change that ledger\.move adds here to account\.balance is computed from old\.Amount, read at ledger\.go:47 without a lock, while amount is set anew at ledger\.go:50; two requests that change amount at once both compute their change from the same old value, so balance moves by both, though only one new value of amount stands\. Check the old value where amount is written \(Where\("amount = \?", …\) on the Update, then check the count of rows it returns, and retry\), or load it with ForUpdate\(\) inside engine\.Transaction\.$`
	})
	return err
}

// EditInline is Edit with the balance moved by Incr in the same function.
func (g *Ledger) EditInline(id, amount int64) error { // want EditInline:`^writes param 2 to amount on own tx; adds param 2 to balance on own tx$`
	_, err := g.engine.Transaction(func(sess *xorm.Session) (any, error) {
		var old Entry
		if _, err := sess.ID(id).Get(&old); err != nil {
			return nil, err
		}
		old.Amount, amount = amount, amount-old.Amount
		if _, err := sess.ID(id).Cols("amount").Update(&old); err != nil {
			return nil, err
		}
		_, err := sess.ID(old.AccountID).Incr("balance", amount).Update(new(Account)) // want `^lost update: the change added here to account\.balance is computed from old\.Amount, read at ledger\.go:62 without a lock, while amount is set anew at ledger\.go:66;`
		return nil, err
	})
	return err
}

// EditLocked reads the entry with ForUpdate in the transaction that writes
// it: a second edit waits for the first and computes from its amount.
func (g *Ledger) EditLocked(id, amount int64) error { // want EditLocked:`^writes param 2 to amount on own tx; adds param 2 to balance on own tx$`
	_, err := g.engine.Transaction(func(sess *xorm.Session) (any, error) {
		var old Entry
		if _, err := sess.ID(id).ForUpdate().Get(&old); err != nil {
			return nil, err
		}
		if _, err := sess.ID(id).Cols("amount").Update(&Entry{Amount: amount}); err != nil {
			return nil, err
		}
		return nil, move(sess, old.AccountID, amount-old.Amount)
	})
	return err
}

// EditChecked writes the new amount only where the entry still holds the
// one read: of two edits from one old amount, the second changes nothing
// and gives up before it moves the balance.
func (g *Ledger) EditChecked(id, amount int64) error { // want EditChecked:`^writes param 2 to amount on own tx moving amount; adds param 2 to balance on own tx$`
	_, err := g.engine.Transaction(func(sess *xorm.Session) (any, error) {
		var old Entry
		if _, err := sess.ID(id).Get(&old); err != nil {
			return nil, err
		}
		n, err := sess.ID(id).Where("amount = ?", old.Amount).Cols("amount").Update(&Entry{Amount: amount})
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, ErrChanged
		}
		return nil, move(sess, old.AccountID, amount-old.Amount)
	})
	return err
}

// Delete marks an entry deleted, where it is not yet, and takes its amount
// off the balance: the amount is not set anew, and a second delete finds
// no row to mark.
func (g *Ledger) Delete(id int64) error { // want Delete:`^changes the database$`
	_, err := g.engine.Transaction(func(sess *xorm.Session) (any, error) {
		var old Entry
		if _, err := sess.ID(id).Get(&old); err != nil {
			return nil, err
		}
		n, err := sess.ID(id).Where("deleted = ?", false).Cols("deleted").Update(&Entry{Deleted: true})
		if err != nil || n == 0 {
			return nil, err
		}
		return nil, move(sess, old.AccountID, -old.Amount)
	})
	return err
}

// Book credits an account with an entry's amount as read: no column the
// amount came from is written, so there is no change to account for.
func (g *Ledger) Book(id int64) error { // want Book:`^changes the database$`
	var e Entry
	if _, err := g.engine.ID(id).Get(&e); err != nil {
		return err
	}
	_, err := g.engine.ID(e.AccountID).Incr("balance", e.Amount).Update(new(Account))
	return err
}
