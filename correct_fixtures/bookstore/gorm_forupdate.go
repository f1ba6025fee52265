package bookstore

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// gormForUpdateStore is forupdate as GORM users write it: db.Transaction, First with
// clause.Locking{Strength: "UPDATE"} (SELECT … FOR UPDATE), the check and the
// subtraction on the model, Save on the same transaction. On SQLite the transaction
// begins with BEGIN IMMEDIATE (see openGormStore), which locks before the read.
type gormForUpdateStore struct{ *gormStore }

func openGormForUpdate(_ context.Context, env *backend.Env, o Options) (Store, error) {
	s, err := openGormStore(env, o)
	if err != nil {
		return nil, err
	}
	return &gormForUpdateStore{s}, nil
}

func (s *gormForUpdateStore) Buy(ctx context.Context, id, qty int64) (Book, error) {
	return retried(ctx, s.policy, dberr.Retryable, func(ctx context.Context) (Book, error) {
		var b bookRow
		committing := false
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&b, id).Error; err != nil {
				return err
			}
			if b.Stock < qty {
				return fmt.Errorf("book %d: %d in stock, %d asked: %w", id, b.Stock, qty, ErrSoldOut)
			}
			b.Stock -= qty
			b.Sold += qty
			if err := tx.Save(&b).Error; err != nil {
				return err
			}
			committing = true
			return nil
		})
		if err != nil {
			return Book{}, s.txOutcome(err, committing, "gorm-forupdate", id, qty)
		}
		return b.book(), nil
	})
}
