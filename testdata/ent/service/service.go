// Package service counts downloads through the store package: the // want package:`writes posts\.downloads; updates atomically posts\.downloads`
// finding is reported here, at the call that writes back what the store
// loaded.
package service

import (
	"context"
	"errors"

	"example.com/entcases/ent"
	"example.com/entcases/store"
)

// Service serves downloads.
type Service struct {
	client *ent.Client
	posts  *store.Posts
}

// Download reads the count through the store and writes it back, one
// more.
func (s *Service) Download(ctx context.Context, id int) error { // want Download:`changes the database`
	p, err := s.posts.Get(ctx, id)
	if err != nil {
		return err
	}
	return s.posts.SaveDownloads(ctx, p, p.Downloads+1) // want `^lost update: p.Downloads is read at service.go:23 \(by Posts.Get, at store.go:23\) and written back here by Posts.SaveDownloads outside a locking transaction; .*Use an atomic update \(AddDownloads\(delta\)\) or load it with ForUpdate\(\) inside client.Tx`
}

// DownloadAtomic lets the database add.
func (s *Service) DownloadAtomic(ctx context.Context, id int) error { // want DownloadAtomic:`changes the database`
	return s.posts.AddDownloads(ctx, id, 1)
}

// DownloadLocked locks the post in a transaction and writes it there.
func (s *Service) DownloadLocked(ctx context.Context, id int) error { // want DownloadLocked:`changes the database`
	tx, err := s.client.Tx(ctx)
	if err != nil {
		return err
	}
	p, err := store.GetForUpdate(ctx, tx, id)
	if err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if err := store.SaveDownloadsIn(ctx, tx, p, p.Downloads+1); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}
