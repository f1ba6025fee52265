// Package store reads and writes statuses with bun, in the shape of a // want package:`analysed`
// federated server's status store: one method loads a status, another
// writes the columns its caller names.
package store

import (
	"context"

	"github.com/uptrace/bun"

	"example.com/buncases/statuses/cache"
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
	InReplyToURI  string
	InReplyTo     *Status    `bun:"-"`
	MentionIDs    []string   `bun:"mentions,array"`
	Mentions      []*Mention `bun:"attached_mentions,m2m:status_to_mentions"`
}

// GrantTag adds a tag to the status's tags.
func (s *Status) GrantTag(t string) { // want GrantTag:`changes param 0.Tags`
	s.Tags = append(s.Tags, t)
}

// Store reads and writes statuses.
type Store struct {
	DB     *bun.DB
	status cache.Cache[*Status]
}

// GetStatusByURI loads the status at uri, through the cache: the query is
// a function value that getStatus's loader calls.
func (s *Store) GetStatusByURI(ctx context.Context, uri string) (*Status, error) { // want GetStatusByURI:`loads result 0`
	return s.getStatus("uri:"+uri, func(st *Status) error {
		return s.DB.NewSelect().Model(st).Where("? = ?", bun.Ident("status.uri"), uri).Scan(ctx)
	})
}

// GetStatusByID loads the status with id, through the cache.
func (s *Store) GetStatusByID(ctx context.Context, id string) (*Status, error) { // want GetStatusByID:`loads result 0`
	return s.getStatus("id:"+id, func(st *Status) error {
		return s.DB.NewSelect().Model(st).Where("id = ?", id).Scan(ctx)
	})
}

// getStatus returns the status that dbQuery reads, cached under key.
func (s *Store) getStatus(key string, dbQuery func(*Status) error) (*Status, error) {
	return s.status.LoadOne(key, func() (*Status, error) {
		var st Status
		if err := dbQuery(&st); err != nil {
			return nil, err
		}
		return &st, nil
	})
}

// UpdateStatus writes the columns named of st, in a transaction of its own.
func (s *Store) UpdateStatus(ctx context.Context, st *Status, columns ...string) error { // want UpdateStatus:`writes param 2 \(whole\) on own tx`
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewUpdate().Model(st).Column(columns...).WherePK().Exec(ctx)
		return err
	})
}

// Mention is a row of the mentions table, which statuses list by id.
type Mention struct {
	bun.BaseModel `bun:"table:mentions"`
	ID            string `bun:",pk"`
	Username      string
}

// MentionOf returns the status's mention of username, if it has one.
func (s *Status) MentionOf(username string) (*Mention, bool) { // want MentionOf:`result 0 from param 0.Mentions\*\[\]`
	for _, m := range s.Mentions {
		if m.Username == username {
			return m, true
		}
	}
	return nil, false
}
