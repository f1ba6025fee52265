package bookstore

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// gormSerializableStore is serializable as GORM users write it: db.Transaction with
// &sql.TxOptions{Isolation: sql.LevelSerializable}, First, the check and the
// subtraction on the model, Save; the whole transaction is retried when the database
// rolls it back for a concurrent one.
type gormSerializableStore struct{ *gormStore }

func openGormSerializable(_ context.Context, env *backend.Env, o Options) (Store, error) {
	s, err := openGormStore(env, o)
	if err != nil {
		return nil, err
	}
	return &gormSerializableStore{s}, nil
}

func (s *gormSerializableStore) Buy(ctx context.Context, id, qty int64) (Book, error) {
	return retried(ctx, s.policy, dberr.Retryable, func(ctx context.Context) (Book, error) {
		var b bookRow
		committing := false
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.First(&b, id).Error; err != nil {
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
		}, &sql.TxOptions{Isolation: sql.LevelSerializable})
		if err != nil {
			return Book{}, s.txOutcome(err, committing, "gorm-serializable", id, qty)
		}
		return b.book(), nil
	})
}
