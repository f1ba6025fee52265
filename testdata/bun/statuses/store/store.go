// Package store reads and writes statuses with bun, in the shape of a // want package:`analysed`
// federated server's status store: one method loads a status, another
// writes the columns its caller names.
package store

import (
	"context"

	"github.com/uptrace/bun"
)

// Status is a row of the statuses table.
type Status struct {
	bun.BaseModel `bun:"table:statuses"`
	ID            string `bun:",pk"`
	URI           string
	Content       string
	EditIDs       []string `bun:"edits,array"`
	Requested     []string `bun:"requested_tags,array"`
	Tags          []string `bun:"tags,array"`
}

// GrantTag adds a tag to the status's tags.
func (s *Status) GrantTag(t string) { // want GrantTag:`changes param 0.Tags`
	s.Tags = append(s.Tags, t)
}

// Store reads and writes statuses.
type Store struct{ DB *bun.DB }

// GetStatusByURI loads the status at uri.
func (s *Store) GetStatusByURI(ctx context.Context, uri string) (*Status, error) { // want GetStatusByURI:`loads result 0`
	st := new(Status)
	err := s.DB.NewSelect().Model(st).Where("? = ?", bun.Ident("status.uri"), uri).Scan(ctx)
	return st, err
}

// UpdateStatus writes the columns named of st, in a transaction of its own.
func (s *Store) UpdateStatus(ctx context.Context, st *Status, columns ...string) error { // want UpdateStatus:`writes param 2 \(whole\) on own tx`
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewUpdate().Model(st).Column(columns...).WherePK().Exec(ctx)
		return err
	})
}
