// Package store is a repository of posts over ent: it hides the client's // want package:`writes posts\.downloads; updates atomically posts\.downloads`
// loads and updates behind methods, and its facts let the analyzer see
// through it from other packages.
package store

import (
	"context"

	"example.com/entcases/ent"
	"example.com/entcases/ent/post"
)

// Posts reads and writes posts.
type Posts struct {
	client *ent.Client
}

// New returns a store on client.
func New(client *ent.Client) *Posts { return &Posts{client: client} } // want New:`result 0\.client from param 0`

// Get loads a post without a lock.
func (s *Posts) Get(ctx context.Context, id int) (*ent.Post, error) { // want Get:`loads result 0 on param 0\.client \(pool\)`
	return s.client.Post.Get(ctx, id)
}

// SaveDownloads writes the post's download count.
func (s *Posts) SaveDownloads(ctx context.Context, p *ent.Post, n int) error { // want SaveDownloads:`writes param 3 to downloads on param 0\.client \(pool\)`
	return s.client.Post.UpdateOne(p).SetDownloads(n).Exec(ctx)
}

// AddDownloads adds to the post's download count in the database.
func (s *Posts) AddDownloads(ctx context.Context, id, delta int) error { // want AddDownloads:`^adds param 3 to downloads on param 0\.client \(pool\)$`
	return s.client.Post.UpdateOneID(id).AddDownloads(delta).Exec(ctx)
}

// GetForUpdate loads a post with a row lock on the caller's transaction.
func GetForUpdate(ctx context.Context, tx *ent.Tx, id int) (*ent.Post, error) { // want GetForUpdate:`loads result 0 FOR UPDATE on param 1 \(tx\); locks param 1 \(tx\)`
	return tx.Post.Query().Where(post.ID(id)).ForUpdate().Only(ctx)
}

// SaveDownloadsIn writes the post's download count on the caller's
// transaction.
func SaveDownloadsIn(ctx context.Context, tx *ent.Tx, p *ent.Post, n int) error { // want SaveDownloadsIn:`writes param 3 to downloads on param 1 \(tx\)`
	return tx.Post.UpdateOne(p).SetDownloads(n).Exec(ctx)
}
