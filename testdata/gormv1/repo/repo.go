// Package repo is a repository layer over GORM v1: loads and saves behind // want package:`writes accounts\.balance; updates atomically accounts\.balance`
// methods, as legacy services write them. Its facts let the analyzer see
// through it from other packages.
package repo

import "github.com/jinzhu/gorm"

// Account is a row of the accounts table.
type Account struct {
	ID      uint
	OwnerID uint
	Balance int64
}

// Accounts reads and writes accounts.
type Accounts struct {
	DB *gorm.DB
}

// Get loads an account without a lock.
func (r *Accounts) Get(id uint) (*Account, error) { // want Get:`loads result 0 on param 0\.DB \(pool\)`
	a := new(Account)
	if err := r.DB.First(a, id).Error; err != nil {
		return nil, err
	}
	return a, nil
}

// GetForUpdate loads an account with GORM v1's row lock on the caller's
// handle.
func GetForUpdate(tx *gorm.DB, id uint) (*Account, error) { // want GetForUpdate:`loads result 0 FOR UPDATE on param 0; locks param 0`
	a := new(Account)
	if err := tx.Set("gorm:query_option", "FOR UPDATE").First(a, id).Error; err != nil {
		return nil, err
	}
	return a, nil
}

// SaveBalance writes the balance back.
func (r *Accounts) SaveBalance(a *Account) error { // want SaveBalance:`writes param 1\.Balance to balance on param 0\.DB \(pool\)`
	return r.DB.Model(a).Update("balance", a.Balance).Error
}

// SaveBalanceIn writes the balance back on the caller's handle.
func SaveBalanceIn(tx *gorm.DB, a *Account) error { // want SaveBalanceIn:`writes param 1\.Balance to balance on param 0`
	return tx.Model(a).Update("balance", a.Balance).Error
}

// Add adds to the balance in SQL.
func (r *Accounts) Add(id uint, delta int64) error { // want Add:`^adds param 2 to balance on param 0\.DB \(pool\)$`
	return r.DB.Model(&Account{ID: id}).UpdateColumn("balance", gorm.Expr("balance + ?", delta)).Error
}

// InTx runs fn in a transaction.
func (r *Accounts) InTx(fn func(tx *gorm.DB) error) error { // want InTx:`runs param 1 in a tx`
	return r.DB.Transaction(fn)
}
