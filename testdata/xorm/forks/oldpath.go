package forks

import (
	goxorm "github.com/go-xorm/xorm"
)

// OldLedger keeps balances on xorm at its old path.
type OldLedger struct {
	engine *goxorm.Engine
}

// debit subtracts in Go between a load and a write in autocommit.
func (l *OldLedger) debit(id, amount int64) error {
	var b Balance
	if _, err := l.engine.ID(id).Get(&b); err != nil {
		return err
	}
	b.Amount -= amount
	_, err := l.engine.ID(id).Cols("amount").Update(&b) // want `^lost update: b.Amount is read at oldpath.go:15`
	return err
}

// debitDecr subtracts in the database, with the floor in the WHERE clause.
func (l *OldLedger) debitDecr(id, amount int64) (bool, error) {
	n, err := l.engine.ID(id).Where("amount >= ?", amount).Decr("amount", amount).Update(new(Balance))
	return n == 1, err
}

// debitSession begins a transaction on a session and locks the row.
func (l *OldLedger) debitSession(id, amount int64) error {
	sess := l.engine.NewSession()
	defer sess.Close()
	if err := sess.Begin(); err != nil {
		return err
	}
	var b Balance
	if _, err := sess.ForUpdate().ID(id).Get(&b); err != nil {
		return err
	}
	b.Amount -= amount
	if _, err := sess.ID(id).Cols("amount").Update(&b); err != nil {
		return err
	}
	return sess.Commit()
}
