// Package api calls ledger.Modify from a handler: the lost update is the // want package:`analysed`
// callee's own, reported where it reads and writes, and the call is one
// more path to it, not another finding.
package api

import (
	"gorm.io/gorm"

	"example.com/cases/selfreport/ledger"
)

// SetAmount changes an entry's amount.
func SetAmount(db *gorm.DB, id uint, amount int64) error { // want SetAmount:`^writes param 2 to amount on param 0; writes param 2 to related on param 0$`
	return ledger.Modify(db, &ledger.Entry{ID: id, Amount: amount})
}

// SetAmountVia changes an entry's amount through ModifyVia.
func SetAmountVia(db *gorm.DB, id uint, amount int64) error { // want SetAmountVia:`^writes param 2 to amount on param 0; writes param 2 to related on param 0$`
	return ledger.ModifyVia(db, &ledger.Entry{ID: id, Amount: amount})
}

// Move changes an entry's amount through Rebase.
func Move(db *gorm.DB, id uint, amount int64) error { // want Move:`^writes param 2 to amount on param 0; writes param 2 to related on param 0$`
	return ledger.Rebase(db, &ledger.Entry{ID: id, Amount: amount})
}
