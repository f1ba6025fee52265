// Package builders keeps ent's update builders in variables and sets them // want package:`writes posts\.downloads, posts\.title`
// in statements of their own, as code that sets fields conditionally does.
package builders

import (
	"context"

	"example.com/entcases/ent"
)

// Posts serves posts from an ent client.
type Posts struct{ client *ent.Client }

// download counts a download on a builder set in a statement of its own:
// the count is read, incremented in Go and written back.
func (s *Posts) download(ctx context.Context, id int, title string) error {
	p, err := s.client.Post.Get(ctx, id)
	if err != nil {
		return err
	}
	upd := s.client.Post.UpdateOne(p)
	if title != "" {
		upd.SetTitle(title)
	}
	upd.SetDownloads(p.Downloads + 1)
	_, err = upd.Save(ctx) // want `^lost update: p.Downloads is read at builders.go:17 and written back here outside a locking transaction`
	return err
}

// downloadAtomic adds in the database on the same kind of builder.
func (s *Posts) downloadAtomic(ctx context.Context, id int, title string) error {
	p, err := s.client.Post.Get(ctx, id)
	if err != nil {
		return err
	}
	upd := s.client.Post.UpdateOne(p)
	if title != "" {
		upd.SetTitle(title)
	}
	upd.AddDownloads(1)
	_, err = upd.Save(ctx)
	return err
}
