// Package ledger modifies entries as ezbookkeeping's ModifyTransaction // want package:`analysed`
// does: it reads the entry's old values itself, computes a column from
// them and writes the entry it was given back. The lost update is the
// function's own, and it is reported here, once, not again at each
// caller.
package ledger

import "gorm.io/gorm"

// Entry is an amount booked to an account, and the total of every amount
// it was booked with.
type Entry struct {
	ID      uint
	Amount  int64
	Related int64
}

// Modify sets the entry's new amount and adds it to the total read
// without a lock: two edits at once both add to the same total, and one
// amount is lost from it.
func Modify(db *gorm.DB, e *Entry) error { // want Modify:`^loads into param 1\.Related on param 0 \(computed\); writes param 1\.Amount to amount on param 0; writes param 1\.Amount to related on param 0; writes param 1 \(amount, related\) on param 0; changes param 1\.Related \(maybe\)$`
	var old Entry
	if err := db.First(&old, e.ID).Error; err != nil {
		return err
	}
	e.Related = old.Related + e.Amount
	return db.Model(e).Select("amount", "related").Updates(e).Error // want `^lost update: old\.Related is read at ledger\.go:23 and written back here outside a locking transaction`
}

// Get reads an entry without a lock.
func Get(db *gorm.DB, id uint) (*Entry, error) { // want Get:`^loads result 0 on param 0$`
	var e Entry
	err := db.First(&e, id).Error
	return &e, err
}

// ModifyVia is Modify with the entry read through Get, as zadig's
// ConnectorColl.Update reads the current row through its Get.
func ModifyVia(db *gorm.DB, e *Entry) error { // want ModifyVia:`^loads into param 1\.Related on param 0 \(computed\); writes param 1\.Amount to amount on param 0; writes param 1\.Amount to related on param 0; writes param 1 \(amount, related\) on param 0; changes param 1\.Related \(maybe\)$`
	old, err := Get(db, e.ID)
	if err != nil {
		return err
	}
	e.Related = old.Related + e.Amount
	return db.Model(e).Select("amount", "related").Updates(e).Error // want `^lost update: old\.Related is read at ledger\.go:40 \(by ledger\.Get, at ledger\.go:33\) and written back here outside a locking transaction`
}

// Rebase sets the entry's new amount and moves the related figure by its
// change, both written together: the pair stays in step, which Rebase
// judges itself, so neither it nor its callers report it.
func Rebase(db *gorm.DB, e *Entry) error { // want Rebase:`^loads into param 1\.Related on param 0 \(computed\); loads into param 1\.Related on param 0 \(computed\); writes param 1\.Amount to amount on param 0; writes param 1\.Amount to related on param 0; writes param 1 \(amount, related\) on param 0; changes param 1\.Related \(maybe\)$`
	var old Entry
	if err := db.First(&old, e.ID).Error; err != nil {
		return err
	}
	e.Related = old.Related + e.Amount - old.Amount
	return db.Model(e).Select("amount", "related").Updates(e).Error
}
