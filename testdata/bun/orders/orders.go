// Package orders sells products with bun: models loaded with NewSelect // want package:`writes products\.name.*updates atomically products\.stock.*; recounts products\.reviews`
// and saved with NewUpdate, Set expressions, For("UPDATE") and RunInTx.
package orders

import (
	"context"
	"database/sql"
	"errors"

	"github.com/uptrace/bun"
)

// ErrSoldOut is returned when the stock cannot cover an order.
var ErrSoldOut = errors.New("sold out")

// Product is a row of the products table.
type Product struct {
	bun.BaseModel `bun:"table:products"`
	ID            int64 `bun:",pk"`
	Name          string
	Stock         int
	Version       int
	Reviews       int
}

// Shop runs on a bun database.
type Shop struct{ db *bun.DB }

// buy loads the product, subtracts in Go and saves the model's stock.
func (s *Shop) buy(ctx context.Context, id int64, qty int) error {
	p := new(Product)
	if err := s.db.NewSelect().Model(p).Where("id = ?", id).Scan(ctx); err != nil {
		return err
	}
	if p.Stock < qty {
		return ErrSoldOut
	}
	p.Stock -= qty
	_, err := s.db.NewUpdate().Model(p).Column("stock").WherePK().Exec(ctx) // want `^lost update: p.Stock is read at orders.go:32 and written back here outside a locking transaction; .*Use an atomic update \(Set\("stock = stock - \?", delta\).Where\("stock >= \?", delta\) and a RowsAffected check\) or load it with For\("UPDATE"\) inside the transaction.`
	return err
}

// buySet writes the new stock with a Set expression.
func (s *Shop) buySet(ctx context.Context, id int64, qty int) error {
	var p Product
	if err := s.db.NewSelect().Model(&p).Where("id = ?", id).Scan(ctx); err != nil {
		return err
	}
	_, err := s.db.NewUpdate().Model((*Product)(nil)).Set("stock = ?", p.Stock-qty).Where("id = ?", id).Exec(ctx) // want `^lost update: p.Stock is read at orders.go:46`
	return err
}

// buyAtomic lets the database subtract, with a floor.
func (s *Shop) buyAtomic(ctx context.Context, id int64, qty int) error {
	res, err := s.db.NewUpdate().Model((*Product)(nil)).Set("stock = stock - ?", qty).Where("id = ?", id).Where("stock >= ?", qty).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrSoldOut
	}
	return nil
}

// buyLocked locks the row in the transaction RunInTx gives it.
func (s *Shop) buyLocked(ctx context.Context, id int64, qty int) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		p := new(Product)
		if err := tx.NewSelect().Model(p).Where("id = ?", id).For("UPDATE").Scan(ctx); err != nil {
			return err
		}
		if p.Stock < qty {
			return ErrSoldOut
		}
		p.Stock -= qty
		_, err := tx.NewUpdate().Model(p).Column("stock").WherePK().Exec(ctx)
		return err
	})
}

// buyInTxNoLock runs in RunInTx's transaction without a lock.
func (s *Shop) buyInTxNoLock(ctx context.Context, id int64, qty int) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		p := new(Product)
		if err := tx.NewSelect().Model(p).Where("id = ?", id).Scan(ctx); err != nil {
			return err
		}
		p.Stock -= qty
		_, err := tx.NewUpdate().Model(p).Column("stock").WherePK().Exec(ctx) // want `^lost update: p.Stock is read at orders.go:85`
		return err
	})
}

// buyLockedOutsideTx locks on the pool: the lock ends with the statement.
func (s *Shop) buyLockedOutsideTx(ctx context.Context, id int64, qty int) error {
	p := new(Product)
	if err := s.db.NewSelect().Model(p).Where("id = ?", id).For("UPDATE").Scan(ctx); err != nil {
		return err
	}
	p.Stock -= qty
	_, err := s.db.NewUpdate().Model(p).Column("stock").WherePK().Exec(ctx) // want `^lost update: p.Stock is read with FOR UPDATE at orders.go:97 outside a transaction, .*\(db.RunInTx\(ctx, nil, func\(ctx context.Context, tx bun.Tx\) error \{ … \}\)\)`
	return err
}

// buyOptimistic checks the version it read.
func (s *Shop) buyOptimistic(ctx context.Context, id int64, qty int) error {
	p := new(Product)
	if err := s.db.NewSelect().Model(p).Where("id = ?", id).Scan(ctx); err != nil {
		return err
	}
	res, err := s.db.NewUpdate().Model((*Product)(nil)).
		Set("stock = ?", p.Stock-qty).Set("version = version + 1").
		Where("id = ?", id).Where("version = ?", p.Version).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errors.New("changed concurrently; retry")
	}
	return nil
}

// buySerializable relies on SERIALIZABLE.
func (s *Shop) buySerializable(ctx context.Context, id int64, qty int) error {
	return s.db.RunInTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable}, func(ctx context.Context, tx bun.Tx) error {
		p := new(Product)
		if err := tx.NewSelect().Model(p).Where("id = ?", id).Scan(ctx); err != nil {
			return err
		}
		p.Stock -= qty
		_, err := tx.NewUpdate().Model(p).Column("stock").WherePK().Exec(ctx)
		return err
	})
}

// rename writes a fresh name through a model whose stock it read: only the
// name column is written.
func (s *Shop) rename(ctx context.Context, id int64, name string) error {
	p := new(Product)
	if err := s.db.NewSelect().Model(p).Where("id = ?", id).Scan(ctx); err != nil {
		return err
	}
	p.Name = name
	_, err := s.db.NewUpdate().Model(p).Column("name").WherePK().Exec(ctx)
	return err
}

// recountReviews sets every product's review count to what the reviews
// table holds.
func (s *Shop) recountReviews(ctx context.Context) error {
	_, err := s.db.NewUpdate().Model((*Product)(nil)).
		Set("reviews = (SELECT count(*) FROM reviews r WHERE r.product_id = product.id)").
		Where("1 = 1").Exec(ctx)
	return err
}

// countReview adds one to the review count in Go: a count lost to a
// concurrent review is back at the next recount, so it is not reported.
func (s *Shop) countReview(ctx context.Context, id int64) error {
	p := new(Product)
	if err := s.db.NewSelect().Model(p).Where("id = ?", id).Scan(ctx); err != nil {
		return err
	}
	p.Reviews++
	_, err := s.db.NewUpdate().Model(p).Column("reviews").WherePK().Exec(ctx)
	return err
}
