// Package forks changes balances through xorm's API at its two other // want package:`writes balance\.amount; updates atomically balance\.amount`
// paths: the fork github.com/xorm-io/xorm (Casdoor's) and the path
// github.com/go-xorm/xorm had before xorm.io. Each is the same library to
// the analyzer: the racy shape beside the safe ones.
package forks

import (
	"github.com/xorm-io/xorm"
)

// Balance is a row of the balance table.
type Balance struct {
	ID     int64 `xorm:"pk autoincr"`
	Owner  string
	Amount int64
}

// Ledger keeps balances on the fork.
type Ledger struct {
	engine *xorm.Engine
}

// credit adds in Go between a load and a write in autocommit.
func (l *Ledger) credit(id, amount int64) error {
	var b Balance
	if _, err := l.engine.ID(id).Get(&b); err != nil {
		return err
	}
	b.Amount += amount
	_, err := l.engine.ID(id).Cols("amount").Update(&b) // want `^lost update: b.Amount is read at fork.go:26 and written back here outside a locking transaction`
	return err
}

// creditIncr lets the database add.
func (l *Ledger) creditIncr(id, amount int64) error {
	_, err := l.engine.ID(id).Incr("amount", amount).Update(new(Balance))
	return err
}

// creditLocked reads the row with FOR UPDATE inside the engine's
// transaction and writes it there.
func (l *Ledger) creditLocked(id, amount int64) error {
	_, err := l.engine.Transaction(func(sess *xorm.Session) (interface{}, error) {
		var b Balance
		if _, err := sess.ForUpdate().ID(id).Get(&b); err != nil {
			return nil, err
		}
		b.Amount += amount
		return sess.ID(id).Cols("amount").Update(&b)
	})
	return err
}

// creditUnlocked runs in the engine's transaction without a lock: two
// such transactions both read the old amount.
func (l *Ledger) creditUnlocked(id, amount int64) error {
	_, err := l.engine.Transaction(func(sess *xorm.Session) (interface{}, error) {
		var b Balance
		if _, err := sess.ID(id).Get(&b); err != nil {
			return nil, err
		}
		b.Amount += amount
		return sess.ID(id).Cols("amount").Update(&b) // want `^lost update: b.Amount is read at fork.go:59`
	})
	return err
}

// rename reads the row and writes every column back (AllCols) with a new
// owner: the amount it read goes back with it, over a credit made in
// between.
func (l *Ledger) rename(id int64, owner string) error {
	var b Balance
	if _, err := l.engine.ID(id).Get(&b); err != nil {
		return err
	}
	b.Owner = owner
	_, err := l.engine.ID(id).AllCols().Update(&b) // want `^stale row: b is read at fork.go:73 and written back whole here with a new b.Owner; amount goes back as read`
	return err
}
