// Package shop is a bookstore written with GORM: every way to sell stock // want package:`writes orders\.total.*updates atomically products\.likes`
// that the analyzer must tell apart.
package shop

import (
	"database/sql"
	"errors"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

var ErrSoldOut = errors.New("sold out")

type Product struct {
	ID      uint
	Name    string
	Price   int64
	Stock   int
	Likes   int
	Sold    int `gorm:"column:units_sold"`
	Version int
}

type Order struct {
	ID        uint
	ProductID uint
	Qty       int
	Total     int64
}

type User struct {
	ID        uint
	LastLogin time.Time
}

type Store struct {
	db *gorm.DB
	mu sync.Mutex
}

// buySave loads, decrements in Go and saves the whole struct.
func (s *Store) buySave(id uint, qty int) error {
	var p Product
	if err := s.db.First(&p, id).Error; err != nil {
		return err
	}
	if p.Stock < qty {
		return ErrSoldOut
	}
	p.Stock -= qty
	return s.db.Save(&p).Error // want `lost update: p.Stock is read at shop.go:47 and written back here outside a locking transaction; .* Use an atomic update \(Where\("stock >= \?", delta\).Update\("stock", gorm.Expr\("stock - \?", delta\)\) and a RowsAffected check\) or load it with clause.Locking\{Strength: "UPDATE"\} inside the transaction.`
}

// buyUpdate writes one column from the loaded value.
func (s *Store) buyUpdate(id uint, qty int) error {
	var p Product
	if err := s.db.Take(&p, "id = ?", id).Error; err != nil {
		return err
	}
	return s.db.Model(&p).Update("stock", p.Stock-qty).Error // want `lost update: p.Stock is read at shop.go:60 .* \(Where\("stock >= \?", qty\).Update\("stock", gorm.Expr\("stock - \?", qty\)\) and a RowsAffected check\)`
}

// likeUpdateColumns writes a map entry computed from the load.
func (s *Store) likeUpdateColumns(id uint) error {
	var p Product
	if err := s.db.Where("id = ?", id).First(&p).Error; err != nil {
		return err
	}
	return s.db.Model(&p).UpdateColumns(map[string]interface{}{"likes": p.Likes + 1}).Error // want `lost update: p.Likes is read at shop.go:69`
}

// sellUpdatesStruct writes a fresh struct holding derived values.
func (s *Store) sellUpdatesStruct(id uint, qty int) error {
	var p Product
	if err := s.db.First(&p, id).Error; err != nil {
		return err
	}
	return s.db.Model(&p).Updates(Product{Stock: p.Stock - qty, Sold: p.Sold + qty}).Error // want `lost update: p.Stock and p.Sold are read at shop.go:78 and written back here outside a locking transaction; a concurrent request can change them in between`
}

// buyLocked locks the row inside the transaction and saves through tx.
func (s *Store) buyLocked(id uint, qty int) error {
	return s.db.Transaction(func(tx *gorm.DB) error {
		var p Product
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&p, id).Error; err != nil {
			return err
		}
		if p.Stock < qty {
			return ErrSoldOut
		}
		p.Stock -= qty
		return tx.Save(&p).Error
	})
}

// buyLockedConst uses GORM's named strength.
func (s *Store) buyLockedConst(id uint, qty int) error {
	return s.db.Transaction(func(tx *gorm.DB) error {
		var p Product
		if err := tx.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).First(&p, id).Error; err != nil {
			return err
		}
		return tx.Model(&p).Update("stock", p.Stock-qty).Error
	})
}

// buyBeginByHand begins, locks, saves and commits by hand.
func (s *Store) buyBeginByHand(id uint, qty int) error {
	tx := s.db.Begin()
	if tx.Error != nil {
		return tx.Error
	}
	var p Product
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&p, id).Error; err != nil {
		tx.Rollback()
		return err
	}
	p.Stock -= qty
	if err := tx.Save(&p).Error; err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit().Error
}

// buyAtomic lets the database subtract, with a floor.
func (s *Store) buyAtomic(id uint, qty int) error {
	res := s.db.Model(&Product{}).Where("id = ? AND stock >= ?", id, qty).Update("stock", gorm.Expr("stock - ?", qty))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrSoldOut
	}
	return nil
}

// likeAtomicColumn uses UpdateColumn with an expression after a read.
func (s *Store) likeAtomicColumn(id uint) (int, error) {
	var p Product
	if err := s.db.First(&p, id).Error; err != nil {
		return 0, err
	}
	err := s.db.Model(&p).UpdateColumn("likes", gorm.Expr("likes + ?", 1)).Error
	return p.Likes + 1, err
}

// buyLockOnDBInsideTx locks through the outer handle inside the
// transaction closure: the lock is taken in autocommit on another
// connection.
func (s *Store) buyLockOnDBInsideTx(id uint, qty int) error {
	db := s.db
	return db.Transaction(func(tx *gorm.DB) error {
		var p Product
		if err := db.Clauses(clause.Locking{Strength: "UPDATE"}).First(&p, id).Error; err != nil {
			return err
		}
		p.Stock -= qty
		return tx.Save(&p).Error // want `lost update: p.Stock is locked at shop.go:158 through s.db but written back here through tx`
	})
}

// buyStaleObject loads outside the transaction, locks inside it, and
// writes the value computed from the first, stale read.
func (s *Store) buyStaleObject(id uint, qty int) error {
	var p Product
	if err := s.db.First(&p, id).Error; err != nil {
		return err
	}
	return s.db.Transaction(func(tx *gorm.DB) error {
		var locked Product
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&locked, id).Error; err != nil {
			return err
		}
		locked.Stock = p.Stock - qty
		return tx.Save(&locked).Error // want `lost update: p.Stock is read at shop.go:170, before the lock taken at shop.go:175, and that stale value is written back here`
	})
}

// buyQueryOption uses GORM v1's locking option, which v2 ignores.
func (s *Store) buyQueryOption(id uint, qty int) error {
	return s.db.Transaction(func(tx *gorm.DB) error {
		var p Product
		if err := tx.Set("gorm:query_option", "FOR UPDATE").First(&p, id).Error; err != nil {
			return err
		}
		p.Stock -= qty
		return tx.Save(&p).Error // want `lost update: p.Stock is loaded at shop.go:187 with Set\("gorm:query_option", "FOR UPDATE"\), which GORM v2 ignores`
	})
}

// buyShareLock takes a shared lock before writing.
func (s *Store) buyShareLock(id uint, qty int) error {
	return s.db.Transaction(func(tx *gorm.DB) error {
		var p Product
		if err := tx.Clauses(clause.Locking{Strength: "SHARE"}).First(&p, id).Error; err != nil {
			return err
		}
		return tx.Model(&p).Update("stock", p.Stock-qty).Error // want `lost update: p.Stock is read with a shared lock \(FOR SHARE\) at shop.go:199`
	})
}

// buyLockOutsideTx locks on the pool in autocommit.
func (s *Store) buyLockOutsideTx(id uint, qty int) error {
	var p Product
	if err := s.db.Clauses(clause.Locking{Strength: "UPDATE"}).First(&p, id).Error; err != nil {
		return err
	}
	p.Stock -= qty
	return s.db.Save(&p).Error // want `lost update: p.Stock is read with FOR UPDATE at shop.go:209 outside a transaction.*db.Transaction\(func\(tx \*gorm.DB\) error`
}

// buyUnderMutex serialises in one process only.
func (s *Store) buyUnderMutex(id uint, qty int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var p Product
	if err := s.db.First(&p, id).Error; err != nil {
		return err
	}
	p.Stock -= qty
	return s.db.Save(&p).Error // want `under a sync.Mutex`
}

// buySerializable relies on SERIALIZABLE isolation.
func (s *Store) buySerializable(id uint, qty int) error {
	return s.db.Transaction(func(tx *gorm.DB) error {
		var p Product
		if err := tx.First(&p, id).Error; err != nil {
			return err
		}
		p.Stock -= qty
		return tx.Save(&p).Error
	}, &sql.TxOptions{Isolation: sql.LevelSerializable})
}

// buyOptimistic writes only if the version is unchanged.
func (s *Store) buyOptimistic(id uint, qty int) error {
	var p Product
	if err := s.db.First(&p, id).Error; err != nil {
		return err
	}
	res := s.db.Model(&Product{}).Where("id = ? AND version = ?", id, p.Version).
		Updates(map[string]interface{}{"stock": p.Stock - qty, "version": p.Version + 1})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errors.New("concurrent update, retry")
	}
	return nil
}

// touchLogin sets a field from the clock: not derived from the load.
func (s *Store) touchLogin(id uint) error {
	var u User
	if err := s.db.First(&u, id).Error; err != nil {
		return err
	}
	u.LastLogin = time.Now()
	return s.db.Save(&u).Error
}

// placeOrder creates a new row priced from the product: an insert.
func (s *Store) placeOrder(id uint, qty int) error {
	var p Product
	if err := s.db.First(&p, id).Error; err != nil {
		return err
	}
	return s.db.Create(&Order{ProductID: p.ID, Qty: qty, Total: p.Price * int64(qty)}).Error
}

// catalogue only reads.
func (s *Store) catalogue() ([]Product, error) {
	var ps []Product
	err := s.db.Order("name").Find(&ps).Error
	return ps, err
}

// restockAll loads a slice and saves it back after changing each element.
func (s *Store) restockAll(n int) error {
	var ps []Product
	if err := s.db.Where("stock < ?", 10).Find(&ps).Error; err != nil {
		return err
	}
	for i := range ps {
		ps[i].Stock += n
	}
	return s.db.Save(&ps).Error // want `lost update: ps\[i\].Stock is read at shop.go:286`
}

// buyRawLocked locks with raw SQL inside the transaction.
func (s *Store) buyRawLocked(id uint, qty int) error {
	return s.db.Transaction(func(tx *gorm.DB) error {
		var p Product
		if err := tx.Raw("SELECT * FROM products WHERE id = ? FOR UPDATE", id).Scan(&p).Error; err != nil {
			return err
		}
		p.Stock -= qty
		return tx.Save(&p).Error
	})
}

// buyRawExec reads with Raw and writes with Exec, no lock.
func (s *Store) buyRawExec(id uint, qty int) error {
	var stock int
	if err := s.db.Raw("SELECT stock FROM products WHERE id = ?", id).Scan(&stock).Error; err != nil {
		return err
	}
	return s.db.Exec("UPDATE products SET stock = ? WHERE id = ?", stock-qty, id).Error // want `lost update: stock is read at shop.go:310 .* \(SET stock = stock - \?, with AND stock >= \? and a RowsAffected check if it must not go below zero\)`
}

// sellCountColumnTag writes a field whose column comes from a tag.
func (s *Store) sellCountColumnTag(id uint, qty int) error {
	var p Product
	if err := s.db.First(&p, id).Error; err != nil {
		return err
	}
	p.Sold += qty
	return s.db.Model(&p).Select("units_sold").Updates(&p).Error // want `Update\("units_sold", gorm.Expr\("units_sold \+ \?", delta\)\)`
}

// buyLoadInIf loads only when asked to and writes in both cases.
func (s *Store) buyLoadInIf(id uint, qty int, check bool) error {
	p := Product{ID: id}
	if check {
		if err := s.db.First(&p).Error; err != nil {
			return err
		}
	}
	return s.db.Model(&p).Update("stock", p.Stock-qty).Error // want `lost update: p.Stock is read at shop.go:330`
}

// priceOrder reads a product and writes an order computed from it.
func (s *Store) priceOrder(orderID, productID uint, qty int) error {
	var p Product
	if err := s.db.First(&p, productID).Error; err != nil {
		return err
	}
	o := Order{ID: orderID}
	return s.db.Model(&o).Update("total", p.Price*int64(qty)).Error
}

// redeem checks a code under GORM v1's locking option and writes
// constants: no derived write, but the lock it meant to take is not taken.
func (s *Store) redeem(code string) error {
	return s.db.Transaction(func(tx *gorm.DB) error {
		var c Coupon
		if err := tx.Set("gorm:query_option", "FOR UPDATE").Where("code = ?", code).First(&c).Error; err != nil { // want `Set\("gorm:query_option", "FOR UPDATE"\) locks nothing under GORM v2: the load at shop.go:352 takes no row lock`
			return err
		}
		if c.Used {
			return errors.New("already used")
		}
		c.Used = true
		return tx.Save(&c).Error
	})
}

type Coupon struct {
	ID   uint
	Code string
	Used bool
}

// likeSavedOnReturn saves the product in a deferred closure, after the
// change it makes below the defer.
func (s *Store) likeSavedOnReturn(id uint) (err error) {
	var p Product
	if err := s.db.First(&p, id).Error; err != nil {
		return err
	}
	defer func() {
		if err == nil {
			err = s.db.Save(&p).Error // want `^lost update: p.Likes is read at shop.go:373 and written back here outside a locking transaction`
		}
	}()
	p.Likes++
	return nil
}

// buyCommittedOnReturn locks the row in a transaction it begins by hand and
// commits (or rolls back) in a deferred closure.
func (s *Store) buyCommittedOnReturn(id uint, qty int) (err error) {
	tx := s.db.Begin()
	if tx.Error != nil {
		return tx.Error
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			return
		}
		err = tx.Commit().Error
	}()
	var p Product
	if err = tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&p, id).Error; err != nil {
		return err
	}
	if p.Stock < qty {
		return ErrSoldOut
	}
	p.Stock -= qty
	return tx.Save(&p).Error
}

// restockEachCopy loads every product and saves each copy the loop makes.
func (s *Store) restockEachCopy(n int) error {
	var ps []Product
	if err := s.db.Where("stock < ?", 10).Find(&ps).Error; err != nil {
		return err
	}
	for _, p := range ps {
		p.Stock += n
		if err := s.db.Save(&p).Error; err != nil { // want `^lost update: p.Stock is read at shop.go:413 and written back here`
			return err
		}
	}
	return nil
}
