// Package shop sells products with xorm: stock that must not go below // want package:`writes coupon\.remaining, product\.stock; updates atomically product\.stock`
// zero, and coupons whose model carries a version that xorm checks.
package shop

import (
	"errors"

	"xorm.io/xorm"
)

// ErrSoldOut is returned when the stock cannot cover an order.
var ErrSoldOut = errors.New("sold out")

// ErrConflict is returned when a row changed since it was read.
var ErrConflict = errors.New("changed concurrently; retry")

// Product is a row of the product table.
type Product struct {
	ID    int64 `xorm:"pk autoincr"`
	Name  string
	Stock int `xorm:"'stock' notnull default(0)"`
}

// Coupon is a row of the coupon table; Update checks and bumps its
// version.
type Coupon struct {
	ID        int64 `xorm:"pk autoincr"`
	Remaining int
	Version   int `xorm:"version"`
}

// Shop runs on an xorm engine.
type Shop struct {
	engine *xorm.Engine
}

// buy checks the stock in Go, subtracts and writes the stock column: two
// buyers both pass the check and both write their own result.
func (s *Shop) buy(id int64, qty int) error {
	p := new(Product)
	if _, err := s.engine.ID(id).Get(p); err != nil {
		return err
	}
	if p.Stock < qty {
		return ErrSoldOut
	}
	p.Stock -= qty
	_, err := s.engine.ID(id).Cols("stock").Update(p) // want `^lost update: p.Stock is read at shop.go:41 and written back here outside a locking transaction; a concurrent request can change it in between. Use an atomic update \(sess.ID\(id\).Where\("stock >= \?", delta\).Decr\("stock", delta\).Update\(new\(Product\)\) and a check of the count it returns\) or load it with ForUpdate\(\) inside engine.Transaction.$`
	return err
}

// buyDecr lets the database subtract, with the floor in the WHERE clause.
func (s *Shop) buyDecr(id int64, qty int) error {
	n, err := s.engine.ID(id).Where("stock >= ?", qty).Decr("stock", qty).Update(new(Product))
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrSoldOut
	}
	return nil
}

// buyLocked locks the product in the transaction before it checks.
func (s *Shop) buyLocked(id int64, qty int) error {
	_, err := s.engine.Transaction(func(sess *xorm.Session) (any, error) {
		p := new(Product)
		if _, err := sess.ForUpdate().ID(id).Get(p); err != nil {
			return nil, err
		}
		if p.Stock < qty {
			return nil, ErrSoldOut
		}
		p.Stock -= qty
		return sess.ID(id).Cols("stock").Update(p)
	})
	return err
}

// restockAll reads every product and tops it up in Go.
func (s *Shop) restockAll(qty int) error {
	var products []Product
	if err := s.engine.Where("stock < ?", qty).Find(&products); err != nil {
		return err
	}
	for _, p := range products {
		p.Stock += qty
		if _, err := s.engine.ID(p.ID).Cols("stock").Update(&p); err != nil { // want `^lost update: p.Stock is read at shop.go:83 and written back here outside a locking transaction`
			return err
		}
	}
	return nil
}

// redeem uses a coupon: its version makes the Update conditional on the
// row being the one read.
func (s *Shop) redeem(id int64) error {
	var c Coupon
	if _, err := s.engine.ID(id).Get(&c); err != nil {
		return err
	}
	if c.Remaining == 0 {
		return ErrSoldOut
	}
	c.Remaining--
	n, err := s.engine.ID(id).Cols("remaining").Update(&c)
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrConflict
	}
	return nil
}

// redeemNoVersionCheck turns the version check off.
func (s *Shop) redeemNoVersionCheck(id int64) error {
	var c Coupon
	if _, err := s.engine.ID(id).Get(&c); err != nil {
		return err
	}
	c.Remaining--
	_, err := s.engine.ID(id).NoVersionCheck().Cols("remaining").Update(&c) // want `^lost update: c.Remaining is read at shop.go:119`
	return err
}
