// Package store is an inventory service on GORM v1 (github.com/jinzhu/gorm), // want package:`writes coupons\.status, products\.likes, products\.name, products\.stock, products\.units_sold; updates atomically products\.likes, products\.stock, wallets\.balance`
// as legacy services still run it: racy read-modify-writes and their safe
// twins.
package store

import (
	"errors"

	"github.com/jinzhu/gorm"
)

// ErrSoldOut is returned when the stock does not cover an order.
var ErrSoldOut = errors.New("sold out")

// Product is a row of the products table.
type Product struct {
	ID    uint
	Name  string
	Stock int
	Likes int
	Sold  int `gorm:"column:units_sold"`
}

// Coupon is a row of the coupons table.
type Coupon struct {
	ID     uint
	Code   string
	Status string
	Uses   int
}

// Store sells products.
type Store struct {
	DB *gorm.DB
}

// BuySave loads the product, decrements the stock in Go and saves the
// whole row back.
func (s *Store) BuySave(id uint, qty int) error { // want BuySave:`writes param 2 to stock on param 0\.DB \(pool\)`
	var p Product
	if err := s.DB.First(&p, id).Error; err != nil {
		return err
	}
	if p.Stock < qty {
		return ErrSoldOut
	}
	p.Stock -= qty
	return s.DB.Save(&p).Error // want `^lost update: p\.Stock is read at store\.go:41 and written back here outside a locking transaction; .*Update\("stock", gorm\.Expr\("stock - \?", delta\)\).* or load it with tx\.Set\("gorm:query_option", "FOR UPDATE"\)\.First\(…\) inside db\.Transaction or Begin … Commit\.$`
}

// BuyUpdate writes the stock column from the loaded value.
func (s *Store) BuyUpdate(id uint, qty int) error { // want BuyUpdate:`writes param 2 to stock on param 0\.DB \(pool\)`
	var p Product
	if err := s.DB.Where("id = ?", id).Find(&p).Error; err != nil {
		return err
	}
	return s.DB.Model(&p).Update("stock", p.Stock-qty).Error // want `^lost update: p\.Stock is read at store\.go:54 .*Where\("stock >= \?", qty\)\.Update\("stock", gorm\.Expr\("stock - \?", qty\)\) and a RowsAffected check`
}

// Like adds a like through a map with a value derived from the load.
func (s *Store) Like(id uint) error { // want Like:`changes the database`
	var p Product
	if err := s.DB.Take(&p, "id = ?", id).Error; err != nil {
		return err
	}
	return s.DB.Model(&p).Updates(map[string]interface{}{"likes": p.Likes + 1}).Error // want `^lost update: p\.Likes is read at store\.go:63 and written back here outside a locking transaction`
}

// LikeColumn does the same with UpdateColumn, which skips hooks.
func (s *Store) LikeColumn(id uint) error { // want LikeColumn:`changes the database`
	var p Product
	if err := s.DB.First(&p, id).Error; err != nil {
		return err
	}
	return s.DB.Model(&p).UpdateColumn("likes", p.Likes+1).Error // want `^lost update: p\.Likes is read at store\.go:72 .*Use an atomic update \(Update\("likes", gorm\.Expr\("likes \+ \?", 1\)\)\)`
}

// SellOne uses Update of one map argument.
func (s *Store) SellOne(id uint) error { // want SellOne:`changes the database`
	var p Product
	if err := s.DB.First(&p, id).Error; err != nil {
		return err
	}
	return s.DB.Model(&p).Update(map[string]interface{}{"units_sold": p.Sold + 1}).Error // want `^lost update: p\.Sold is read at store\.go:81 and written back here`
}

// BuyLockedOutsideTx takes the v1 row lock in autocommit: it is released
// as soon as the SELECT ends.
func (s *Store) BuyLockedOutsideTx(id uint, qty int) error { // want BuyLockedOutsideTx:`writes param 2 to stock on param 0\.DB \(pool\)`
	var p Product
	if err := s.DB.Set("gorm:query_option", "FOR UPDATE").First(&p, id).Error; err != nil {
		return err
	}
	p.Stock -= qty
	return s.DB.Save(&p).Error // want `^lost update: p\.Stock is read with FOR UPDATE at store\.go:91 outside a transaction.*\(db\.Transaction\(func\(tx \*gorm\.DB\) error \{ … \}\), or tx := db\.Begin\(\) … tx\.Commit\(\)\)`
}

// BuyShared reads with a shared lock inside a transaction and writes.
func (s *Store) BuyShared(id uint, qty int) error { // want BuyShared:`writes param 2 to stock on own tx`
	return s.DB.Transaction(func(tx *gorm.DB) error {
		var p Product
		if err := tx.Set("gorm:query_option", "LOCK IN SHARE MODE").First(&p, id).Error; err != nil {
			return err
		}
		return tx.Model(&p).Update("stock", p.Stock-qty).Error // want `^lost update: p\.Stock is read with a shared lock \(FOR SHARE\) at store\.go:102; .*Set\("gorm:query_option", "FOR UPDATE"\) in GORM v1`
	})
}

// Redeem checks the status in Go and writes it without checking again.
func (s *Store) Redeem(code string, userID uint) error { // want Redeem:`writes status on param 0\.DB \(pool\)`
	var c Coupon
	if err := s.DB.Where("code = ?", code).First(&c).Error; err != nil {
		return err
	}
	if c.Status != "active" {
		return errors.New("coupon used")
	}
	if err := s.DB.Table("wallets").Where("user_id = ?", userID).Update("balance", gorm.Expr("balance + ?", 100)).Error; err != nil {
		return err
	}
	return s.DB.Model(&c).Update("status", "used").Error // want `^check then write: c\.Status is read at store\.go:112 and checked at store\.go:115, but the write here does not check it again.*Where\("status = \?", …\) on the update`
}

// Safe twins.

// BuyBegin locks the row with the v1 query option inside Begin … Commit.
func (s *Store) BuyBegin(id uint, qty int) error { // want BuyBegin:`writes param 2 to stock on own tx`
	tx := s.DB.Begin()
	var p Product
	if err := tx.Set("gorm:query_option", "FOR UPDATE").First(&p, id).Error; err != nil {
		tx.Rollback()
		return err
	}
	if p.Stock < qty {
		tx.Rollback()
		return ErrSoldOut
	}
	p.Stock -= qty
	if err := tx.Save(&p).Error; err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit().Error
}

// BuyTransaction locks the row with the v1 query option inside
// db.Transaction.
func (s *Store) BuyTransaction(id uint, qty int) error { // want BuyTransaction:`writes param 2 to stock on own tx`
	return s.DB.Transaction(func(tx *gorm.DB) error {
		var p Product
		if err := tx.Set("gorm:query_option", "FOR UPDATE").Where("id = ?", id).First(&p).Error; err != nil {
			return err
		}
		if p.Stock < qty {
			return ErrSoldOut
		}
		return tx.Model(&p).Update("stock", p.Stock-qty).Error
	})
}

// BuyAtomic decrements in SQL with gorm.Expr and a floor.
func (s *Store) BuyAtomic(id uint, qty int) error { // want BuyAtomic:`^adds param 2 to stock on param 0\.DB \(pool\)$`
	res := s.DB.Model(&Product{}).Where("id = ? AND stock >= ?", id, qty).Update("stock", gorm.Expr("stock - ?", qty))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrSoldOut
	}
	return nil
}

// LikeAtomic increments with UpdateColumn and gorm.Expr after a load.
func (s *Store) LikeAtomic(id uint) (int, error) { // want LikeAtomic:`loads result 0 on param 0\.DB \(pool\) \(computed\)`
	var p Product
	if err := s.DB.First(&p, id).Error; err != nil {
		return 0, err
	}
	if err := s.DB.Model(&p).UpdateColumn("likes", gorm.Expr("likes + ?", 1)).Error; err != nil {
		return 0, err
	}
	return p.Likes + 1, nil
}

// Rename writes a value that does not come from the load.
func (s *Store) Rename(id uint, name string) error { // want Rename:`writes param 2 to name on param 0\.DB \(pool\)`
	var p Product
	if err := s.DB.First(&p, id).Error; err != nil {
		return err
	}
	return s.DB.Model(&p).Update("name", name).Error
}

// Restock sets the stock from the request.
func (s *Store) Restock(id uint, stock int) error { // want Restock:`writes param 2 to stock on param 0\.DB \(pool\)`
	return s.DB.Model(&Product{ID: id}).Updates(map[string]interface{}{"stock": stock}).Error
}

// BuyBeginNoLock runs in a transaction but reads without the lock: the
// transaction alone does not stop a concurrent buyer.
func (s *Store) BuyBeginNoLock(id uint, qty int) error { // want BuyBeginNoLock:`writes param 2 to stock on own tx`
	tx := s.DB.Begin()
	defer tx.RollbackUnlessCommitted()
	var p Product
	if err := tx.First(&p, id).Error; err != nil {
		return err
	}
	if err := tx.Model(&p).Update("stock", p.Stock-qty).Error; err != nil { // want `^lost update: p\.Stock is read at store\.go:205 and written back here outside a locking transaction`
		return err
	}
	return tx.Commit().Error
}

// Open opens the shop's pool.
func Open(dsn string) (*Store, error) { // want Open:`result 0\.DB from param 0 \(opaque\)`
	db, err := gorm.Open("postgres", dsn)
	if err != nil {
		return nil, err
	}
	return &Store{DB: db}, nil
}

// Bump counts a view on a pool opened here.
func Bump(dsn string, id uint) error { // want Bump:`changes the database`
	db, err := gorm.Open("postgres", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var p Product
	if err := db.First(&p, id).Error; err != nil {
		return err
	}
	p.Likes++
	return db.Save(&p).Error // want `^lost update: p\.Likes is read at store\.go:231 .*Update\("likes", gorm\.Expr\("likes \+ \?", 1\)\)`
}
