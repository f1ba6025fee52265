// Package repo is a repository layer over xorm: it hides loads and saves // want package:`updates atomically wallet\.balance`
// behind methods, as Gitea's models do. Its facts let the analyzer see
// through it from other packages.
package repo

import (
	"fmt"

	"xorm.io/xorm"
)

// Wallet is a row of the wallet table.
type Wallet struct {
	ID      int64 `xorm:"pk autoincr"`
	UserID  int64 `xorm:"INDEX"`
	Balance int64
}

// Wallets reads and writes wallets.
type Wallets struct {
	Engine *xorm.Engine
}

// Get loads a wallet without a lock.
func (r *Wallets) Get(id int64) (*Wallet, error) { // want Get:`loads result 0 on param 0.Engine \(pool\)`
	w := new(Wallet)
	has, err := r.Engine.ID(id).Get(w)
	if err != nil {
		return nil, err
	}
	if !has {
		return nil, fmt.Errorf("wallet %d not found", id)
	}
	return w, nil
}

// GetIn loads a wallet on the caller's session, without a lock.
func GetIn(sess *xorm.Session, id int64) (*Wallet, error) { // want GetIn:`loads result 0 on param 0`
	w := new(Wallet)
	if _, err := sess.ID(id).Get(w); err != nil {
		return nil, err
	}
	return w, nil
}

// GetForUpdate loads a wallet with a row lock on the caller's session.
func GetForUpdate(sess *xorm.Session, id int64) (*Wallet, error) { // want GetForUpdate:`loads result 0 FOR UPDATE on param 0; locks param 0`
	w := new(Wallet)
	if _, err := sess.ForUpdate().ID(id).Get(w); err != nil {
		return nil, err
	}
	return w, nil
}

// SaveBalance writes the wallet's balance back.
func (r *Wallets) SaveBalance(w *Wallet) error { // want SaveBalance:`writes param 1 \(balance\) on param 0.Engine \(pool\)`
	_, err := r.Engine.ID(w.ID).Cols("balance").Update(w)
	return err
}

// SaveBalanceIn writes the wallet's balance back on the caller's session.
func SaveBalanceIn(sess *xorm.Session, w *Wallet) error { // want SaveBalanceIn:`writes param 1 \(balance\) on param 0`
	_, err := sess.ID(w.ID).Cols("balance").Update(w)
	return err
}

// AddBalance adds to the balance in the database.
func (r *Wallets) AddBalance(id, delta int64) error { // want AddBalance:`^adds param 2 to balance on param 0\.Engine \(pool\)$`
	_, err := r.Engine.ID(id).Incr("balance", delta).Update(new(Wallet))
	return err
}

// InTx runs fn in a transaction.
func (r *Wallets) InTx(fn func(sess *xorm.Session) error) error { // want InTx:`runs param 1 in a tx`
	_, err := r.Engine.Transaction(func(sess *xorm.Session) (any, error) {
		return nil, fn(sess)
	})
	return err
}

// InSession runs fn in a transaction it begins by hand on a session of
// its own; Close rolls it back when fn fails.
func (r *Wallets) InSession(fn func(sess *xorm.Session) error) error { // want InSession:`runs param 1 in a tx`
	sess := r.Engine.NewSession()
	defer sess.Close()
	if err := sess.Begin(); err != nil {
		return err
	}
	if err := fn(sess); err != nil {
		return err
	}
	return sess.Commit()
}

// Balance reads a wallet's balance through an engine or a session.
func Balance(e xorm.Interface, id int64) (int64, error) { // want Balance:`loads result 0 on param 0`
	var balance int64
	if _, err := e.Table("wallet").Cols("balance").ID(id).Get(&balance); err != nil {
		return 0, err
	}
	return balance, nil
}

// SetBalance writes a wallet's balance through an engine or a session.
func SetBalance(e xorm.Interface, id, balance int64) error { // want SetBalance:`writes param 2 to balance on param 0`
	_, err := e.Table("wallet").ID(id).Update(map[string]any{"balance": balance})
	return err
}
