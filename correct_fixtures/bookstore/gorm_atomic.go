package bookstore

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// gormAtomicStore is atomic as GORM users write it: Updates with gorm.Expr, so that
// the database subtracts, and the floor in the Where; RowsAffected tells a sale from
// a refusal. PostgreSQL and SQLite return the new row with clause.Returning. MariaDB
// has no UPDATE … RETURNING (GORM's MySQL dialect still writes one for MariaDB 10.5
// and later, which the server rejects), so there the update and a First run in one
// db.Transaction.
type gormAtomicStore struct{ *gormStore }

func openGormAtomic(_ context.Context, env *backend.Env, o Options) (Store, error) {
	s, err := openGormStore(env, o)
	if err != nil {
		return nil, err
	}
	return &gormAtomicStore{s}, nil
}

// errNoSale means the conditional update changed no row.
var errNoSale = errors.New("no row changed")

// sellIfInStock takes qty copies of book id if at least qty are in stock; with
// clause.Returning on db it fills b with the row after the sale.
func sellIfInStock(db *gorm.DB, b *bookRow, id, qty int64) error {
	res := db.Model(b).Where("id = ? AND stock >= ?", id, qty).
		Updates(map[string]any{"stock": gorm.Expr("stock - ?", qty), "sold": gorm.Expr("sold + ?", qty)})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errNoSale
	}
	return nil
}

func (s *gormAtomicStore) Buy(ctx context.Context, id, qty int64) (Book, error) {
	if s.dialect == backend.MariaDB {
		return s.buyInTx(ctx, id, qty)
	}
	var b bookRow
	err := sellIfInStock(s.db.WithContext(ctx).Clauses(clause.Returning{}), &b, id, qty)
	if errors.Is(err, errNoSale) {
		return Book{}, s.whyRefused(ctx, id, qty)
	}
	if err != nil {
		return Book{}, markRolledBack(fmt.Errorf("buy %d of book %d (gorm-atomic, %s): %w", qty, id, s.dialect, err))
	}
	return b.book(), nil
}

// buyInTx is the MariaDB version: the conditional update, then the row read back in
// the same transaction.
func (s *gormAtomicStore) buyInTx(ctx context.Context, id, qty int64) (Book, error) {
	return retried(ctx, s.policy, dberr.Retryable, func(ctx context.Context) (Book, error) {
		var b bookRow
		committing := false
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := sellIfInStock(tx, &b, id, qty); err != nil {
				return err
			}
			if err := tx.First(&b, id).Error; err != nil {
				return err
			}
			committing = true
			return nil
		})
		if errors.Is(err, errNoSale) {
			return Book{}, s.whyRefused(ctx, id, qty)
		}
		if err != nil {
			return Book{}, s.txOutcome(err, committing, "gorm-atomic", id, qty)
		}
		return b.book(), nil
	})
}
