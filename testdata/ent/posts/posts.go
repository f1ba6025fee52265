// Package posts counts downloads of posts with ent: loads by Get and // want package:`writes posts\.downloads, posts\.title; updates atomically posts\.downloads, posts\.version`
// Query, writes by UpdateOne, UpdateOneID and Update with SetX and AddX,
// ForUpdate inside and outside client.Tx.
package posts

import (
	"context"
	"errors"

	"example.com/entcases/ent"
	"example.com/entcases/ent/post"
)

// Posts serves posts from an ent client.
type Posts struct{ client *ent.Client }

// download is the shipped bug: the count is read, incremented in Go and
// written back.
func (s *Posts) download(ctx context.Context, id int) error {
	p, err := s.client.Post.Get(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.client.Post.UpdateOne(p).SetDownloads(p.Downloads + 1).Save(ctx) // want `^lost update: p.Downloads is read at posts.go:20 and written back here outside a locking transaction; a concurrent request can change it in between. Use an atomic update \(AddDownloads\(1\)\) or load it with ForUpdate\(\) inside client.Tx and write it on that tx.$`
	return err
}

// downloadAtomic lets the database add.
func (s *Posts) downloadAtomic(ctx context.Context, id int) error {
	p, err := s.client.Post.Get(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.client.Post.UpdateOne(p).AddDownloads(1).Save(ctx)
	return err
}

// downloadByID writes through UpdateOneID and Exec.
func (s *Posts) downloadByID(ctx context.Context, id int) error {
	p, err := s.client.Post.Query().Where(post.ID(id)).Only(ctx)
	if err != nil {
		return err
	}
	n := p.Downloads
	n++
	return s.client.Post.UpdateOneID(id).SetDownloads(n).Exec(ctx) // want `^lost update: p.Downloads is read at posts.go:40 and written back here outside a locking transaction;.* \(AddDownloads\(delta\)\)`
}

// downloadWhere writes through Update().Where(…) and returns the title
// of the post downloaded.
func (s *Posts) downloadWhere(ctx context.Context, id int) (string, error) {
	p, err := s.client.Post.Query().Where(post.ID(id)).First(ctx)
	if err != nil {
		return "", err
	}
	_, err = s.client.Post.Update().Where(post.ID(id)).SetDownloads(p.Downloads + 1).Save(ctx) // want `^lost update: p.Downloads is read at posts.go:52 and written back here`
	return p.Title, err
}

// retitle writes a value the caller gave, not one derived from the load.
func (s *Posts) retitle(ctx context.Context, id int, title string) error {
	p, err := s.client.Post.Get(ctx, id)
	if err != nil {
		return err
	}
	if p.Title == title {
		return nil
	}
	return s.client.Post.UpdateOne(p).SetTitle(title).Exec(ctx)
}

// downloadLocked loads the post with ForUpdate inside client.Tx and
// writes it on the same transaction.
func (s *Posts) downloadLocked(ctx context.Context, id int) error {
	tx, err := s.client.Tx(ctx)
	if err != nil {
		return err
	}
	p, err := tx.Post.Query().Where(post.ID(id)).ForUpdate().Only(ctx)
	if err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if _, err := tx.Post.UpdateOne(p).SetDownloads(p.Downloads + 1).Save(ctx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// downloadInTxNoLock loads inside client.Tx without a lock: the
// transaction alone does not stop a concurrent writer.
func (s *Posts) downloadInTxNoLock(ctx context.Context, id int) error {
	tx, err := s.client.Tx(ctx)
	if err != nil {
		return err
	}
	p, err := tx.Post.Get(ctx, id)
	if err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if _, err := tx.Post.UpdateOne(p).SetDownloads(p.Downloads + 1).Save(ctx); err != nil { // want `^lost update: p.Downloads is read at posts.go:96 and written back here outside a locking transaction;.*load it with ForUpdate\(\) inside client.Tx`
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// downloadLockedOutsideTx locks on the client: the lock ends with the
// query.
func (s *Posts) downloadLockedOutsideTx(ctx context.Context, id int) error {
	p, err := s.client.Post.Query().Where(post.ID(id)).ForUpdate().Only(ctx)
	if err != nil {
		return err
	}
	return s.client.Post.UpdateOne(p).SetDownloads(p.Downloads + 1).Exec(ctx) // want `^lost update: p.Downloads is read with FOR UPDATE at posts.go:109 outside a transaction, so the lock is released when that statement ends and the write here is unprotected. Run the locking read and the write in one transaction \(tx, err := client.Tx\(ctx\) … tx.Commit\(\)\), or use an atomic update \(AddDownloads\(1\)\).$`
}

// downloadOptimistic writes only where the version is the one it read,
// and retries when no row changed.
func (s *Posts) downloadOptimistic(ctx context.Context, id int) error {
	for {
		p, err := s.client.Post.Get(ctx, id)
		if err != nil {
			return err
		}
		n, err := s.client.Post.Update().
			Where(post.ID(id), post.Version(p.Version)).
			SetDownloads(p.Downloads + 1).AddVersion(1).
			Save(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
	}
}

// ErrLimit is returned when a post may be downloaded no more.
var ErrLimit = errors.New("download limit reached")

// downloadLimited checks the count it read against a limit before it
// writes one more: the atomic update must repeat the check.
func (s *Posts) downloadLimited(ctx context.Context, id, limit int) error {
	p, err := s.client.Post.Get(ctx, id)
	if err != nil {
		return err
	}
	if p.Downloads >= limit {
		return ErrLimit
	}
	return s.client.Post.UpdateOne(p).SetDownloads(p.Downloads + 1).Exec(ctx) // want `^lost update: p.Downloads is read at posts.go:143 and written back here outside a locking transaction; .*Use an atomic update that repeats the check at posts.go:147 in its WHERE clause \(Update\(\).Where\(…, post.DownloadsLT\(limit\)\).AddDownloads\(1\), then check the count Save returns\) or load it with ForUpdate\(\) inside client.Tx`
}
