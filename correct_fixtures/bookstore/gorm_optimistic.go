package bookstore

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
)

// gormOptimisticStore is optimistic as GORM users write it: First, the check and
// the new values computed on the model, then Updates conditioned on the version
// that was read (Where("id = ? AND version = ?")), and a retry when RowsAffected says
// another sale came first. The new values go in a map: Updates with a struct would
// skip a zero stock.
type gormOptimisticStore struct{ *gormStore }

func openGormOptimistic(_ context.Context, env *backend.Env, o Options) (Store, error) {
	s, err := openGormStore(env, o)
	if err != nil {
		return nil, err
	}
	return &gormOptimisticStore{s}, nil
}

func (s *gormOptimisticStore) Buy(ctx context.Context, id, qty int64) (Book, error) {
	return retried(ctx, s.policy, retryOptimistic, func(ctx context.Context) (Book, error) {
		db := s.db.WithContext(ctx)
		var b bookRow
		err := db.First(&b, id).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Book{}, fmt.Errorf("book %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return Book{}, notApplied(fmt.Errorf("buy %d of book %d (gorm-optimistic, %s): read: %w", qty, id, s.dialect, err))
		}
		if b.Stock < qty {
			return Book{}, fmt.Errorf("book %d: %d in stock, %d asked: %w", id, b.Stock, qty, ErrSoldOut)
		}
		res := db.Model(&bookRow{}).Where("id = ? AND version = ?", b.ID, b.Version).
			Updates(map[string]any{"stock": b.Stock - qty, "sold": b.Sold + qty, "version": b.Version + 1})
		if res.Error != nil {
			return Book{}, fmt.Errorf("buy %d of book %d (gorm-optimistic, %s): write version %d: %w", qty, id, s.dialect, b.Version, res.Error)
		}
		if res.RowsAffected == 0 {
			return Book{}, fmt.Errorf("buy %d of book %d (gorm-optimistic, %s): version %d: %w", qty, id, s.dialect, b.Version, errVersionConflict)
		}
		b.Stock -= qty
		b.Sold += qty
		return b.book(), nil
	})
}
