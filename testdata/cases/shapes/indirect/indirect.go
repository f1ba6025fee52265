// Package indirect is a shop whose writes are reached indirectly: through // want package:"writes .*products\\.stock"
// method values and method expressions, a value passed through a channel,
// and a GORM save of the pointer a helper returned. The write is the same
// lost update however it is called.
package indirect

import (
	"context"
	"database/sql"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type Product struct {
	ID    int64
	Stock int
}

type productRepo struct {
	db *sql.DB
}

func (r *productRepo) get(ctx context.Context, id int64) (Product, error) {
	var p Product
	err := r.db.QueryRowContext(ctx, "SELECT id, stock FROM products WHERE id = $1", id).Scan(&p.ID, &p.Stock)
	return p, err
}

func (r *productRepo) save(ctx context.Context, p *Product) error {
	_, err := r.db.ExecContext(ctx, "UPDATE products SET stock = $1 WHERE id = $2", p.Stock, p.ID)
	return err
}

func (r *productRepo) take(ctx context.Context, id int64, qty int) error {
	_, err := r.db.ExecContext(ctx, "UPDATE products SET stock = stock - $1 WHERE id = $2", qty, id)
	return err
}

type Shop struct {
	db   *sql.DB
	repo *productRepo
}

// sellSaveMethodValue saves through a method value of the repository.
func (s *Shop) sellSaveMethodValue(ctx context.Context, id int64, qty int) error {
	p, err := s.repo.get(ctx, id)
	if err != nil {
		return err
	}
	p.Stock -= qty
	save := s.repo.save
	return save(ctx, &p) // want `^lost update: p.Stock is read at indirect.go:47 \(by productRepo.get, at indirect.go:26\) and written back here by productRepo.save`
}

// sellSaveMethodExpr saves through a method expression.
func (s *Shop) sellSaveMethodExpr(ctx context.Context, id int64, qty int) error {
	p, err := s.repo.get(ctx, id)
	if err != nil {
		return err
	}
	p.Stock -= qty
	save := (*productRepo).save
	return save(s.repo, ctx, &p) // want `^lost update: p.Stock is read at indirect.go:58 \(by productRepo.get, at indirect.go:26\) and written back here by productRepo.save`
}

// sellTakeMethodValue is the safe twin: the method value is atomic.
func (s *Shop) sellTakeMethodValue(ctx context.Context, id int64, qty int) error {
	if _, err := s.repo.get(ctx, id); err != nil {
		return err
	}
	take := s.repo.take
	return take(ctx, id, qty)
}

// restockExecValue writes through a method value of *sql.DB.
func (s *Shop) restockExecValue(ctx context.Context, id int64) error {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT stock FROM products WHERE id = $1", id).Scan(&n); err != nil {
		return err
	}
	exec := s.db.ExecContext
	_, err := exec(ctx, "UPDATE products SET stock = $1 WHERE id = $2", n+1, id) // want `^lost update: n is read at indirect.go:79 and written back here`
	return err
}

// restockExecExpr writes through a method expression of *sql.DB.
func (s *Shop) restockExecExpr(ctx context.Context, id int64) error {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT stock FROM products WHERE id = $1", id).Scan(&n); err != nil {
		return err
	}
	exec := (*sql.DB).ExecContext
	_, err := exec(s.db, ctx, "UPDATE products SET stock = $1 WHERE id = $2", n+1, id) // want `^lost update: n is read at indirect.go:90 and written back here`
	return err
}

// restockExecValueLocked is the safe twin: the method value is of the
// transaction that locked the row.
func (s *Shop) restockExecValueLocked(ctx context.Context, id int64) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT stock FROM products WHERE id = $1 FOR UPDATE", id).Scan(&n); err != nil {
		return err
	}
	exec := tx.ExecContext
	if _, err := exec(ctx, "UPDATE products SET stock = $1 WHERE id = $2", n+1, id); err != nil {
		return err
	}
	return tx.Commit()
}

// sellThroughChannel hands the new stock to the writer over a channel.
func (s *Shop) sellThroughChannel(ctx context.Context, id int64) error {
	p, err := s.repo.get(ctx, id)
	if err != nil {
		return err
	}
	ch := make(chan int, 1)
	ch <- p.Stock - 1
	v := <-ch
	_, err = s.db.ExecContext(ctx, "UPDATE products SET stock = $1 WHERE id = $2", v, id) // want `^lost update: p.Stock is read at indirect.go:119 \(by productRepo.get, at indirect.go:26\) and written back here`
	return err
}

type Cart struct {
	ID     uint
	UserID uint
	Num    int
}

func getCart(db *gorm.DB, uid uint) (*Cart, error) {
	var c Cart
	if err := db.Where("user_id = ?", uid).First(&c).Error; err != nil {
		return nil, err
	}
	return &c, nil
}

func getCartLocked(tx *gorm.DB, uid uint) (*Cart, error) {
	var c Cart
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("user_id = ?", uid).First(&c).Error; err != nil {
		return nil, err
	}
	return &c, nil
}

// addToCartSave saves the address of the pointer getCart returned.
func addToCartSave(db *gorm.DB, uid uint) error {
	c, err := getCart(db, uid)
	if err != nil {
		return err
	}
	c.Num++
	return db.Save(&c).Error // want `^lost update: c.Num is read at indirect.go:154 \(by indirect.getCart, at indirect.go:138\) and written back here`
}

// addToCartUpdates does the same with Updates.
func addToCartUpdates(db *gorm.DB, uid uint) error {
	c, err := getCart(db, uid)
	if err != nil {
		return err
	}
	c.Num++
	return db.Updates(&c).Error // want `^lost update: c.Num is read at indirect.go:164 \(by indirect.getCart, at indirect.go:138\) and written back here`
}

// addToCartAtomic lets the database add.
func addToCartAtomic(db *gorm.DB, uid uint) error {
	return db.Model(&Cart{}).Where("user_id = ?", uid).Update("num", gorm.Expr("num + ?", 1)).Error
}

// addToCartLocked locks the cart in the transaction that saves it.
func addToCartLocked(db *gorm.DB, uid uint) error {
	return db.Transaction(func(tx *gorm.DB) error {
		c, err := getCartLocked(tx, uid)
		if err != nil {
			return err
		}
		c.Num++
		return tx.Save(&c).Error
	})
}
