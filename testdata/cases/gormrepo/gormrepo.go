// Package gormrepo is a GORM repository, and a service using it in the // want package:`analysed`
// same package through unexported helpers.
package gormrepo

import (
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type Book struct {
	ID    uint
	Stock int
	Sold  int
}

// Books is the repository.
type Books struct{ db *gorm.DB }

// Get loads a book.
func (r *Books) Get(id uint) (*Book, error) { // want Get:"loads result 0 on param 0.db \\(pool\\)"
	var b Book
	if err := r.db.First(&b, id).Error; err != nil {
		return nil, err
	}
	return &b, nil
}

// GetLocked loads a book with a row lock on the given handle.
func GetLocked(tx *gorm.DB, id uint) (*Book, error) { // want GetLocked:"loads result 0 FOR UPDATE on param 0; locks param 0"
	var b Book
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&b, id).Error; err != nil {
		return nil, err
	}
	return &b, nil
}

// Put saves every changed field of a book.
func Put(tx *gorm.DB, b *Book) error { // want Put:"writes param 1 \\(whole\\) on param 0"
	return tx.Save(b).Error
}

// sell is a service method that uses the repository in its own package.
func (r *Books) sell(id uint, qty int) error {
	b, err := r.Get(id)
	if err != nil {
		return err
	}
	b.Stock -= qty
	b.Sold += qty
	return Put(r.db, b) // want `lost update: b.Stock and b.Sold are read at gormrepo.go:44 \(by Books.Get, at gormrepo.go:22\) and written back here by gormrepo.Put`
}

// sellLocked runs the same helpers inside one transaction.
func (r *Books) sellLocked(id uint, qty int) error {
	return r.db.Transaction(func(tx *gorm.DB) error {
		b, err := GetLocked(tx, id)
		if err != nil {
			return err
		}
		b.Stock -= qty
		return Put(tx, b)
	})
}

// sellLockedOutside locks through the pool, outside any transaction.
func (r *Books) sellLockedOutside(id uint, qty int) error {
	b, err := GetLocked(r.db, id)
	if err != nil {
		return err
	}
	b.Stock -= qty
	return Put(r.db, b) // want `lost update: b.Stock is read with FOR UPDATE at gormrepo.go:67 \(by gormrepo.GetLocked, at gormrepo.go:31\) outside a transaction`
}

// Update is an "update with a mutator" API: fn changes the book it is
// given and Update saves it, with no lock in between.
func (r *Books) Update(id uint, fn func(b *Book) error) error { // want Update:`changes the database`
	var b Book
	if err := r.db.First(&b, id).Error; err != nil {
		return err
	}
	if err := fn(&b); err != nil {
		return err
	}
	return r.db.Save(&b).Error // a stale row, reported in full mode (stale-row in -enable)
}

// UpdateLocked is the same API done right: the load locks the row in the
// transaction that saves it.
func (r *Books) UpdateLocked(id uint, fn func(b *Book) error) error { // want UpdateLocked:`changes the database`
	return r.db.Transaction(func(tx *gorm.DB) error {
		var b Book
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&b, id).Error; err != nil {
			return err
		}
		if err := fn(&b); err != nil {
			return err
		}
		return tx.Save(&b).Error
	})
}

// sellWithMutator is the caller: the change is in the callback.
func (r *Books) sellWithMutator(id uint, qty int) error {
	return r.Update(id, func(b *Book) error {
		b.Stock -= qty
		b.Sold += qty
		return nil
	})
}
