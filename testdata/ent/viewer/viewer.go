// Package viewer changes the post a middleware kept in the request's // want package:`writes posts\.downloads; updates atomically posts\.downloads`
// context (context.Context's Value), as Cloudreve keeps the signed-in
// user, and writes it back with ent's UpdateOne.
package viewer

import (
	"context"

	"example.com/entcases/ent"
)

type postKey struct{}

// Viewer serves the post kept for the request.
type Viewer struct{ client *ent.Client }

// Download counts a download of the post the middleware read before the
// handler ran.
func (v *Viewer) Download(ctx context.Context) error { // want Download:`^changes the database$`
	p := ctx.Value(postKey{}).(*ent.Post)
	return v.client.Post.UpdateOne(p).SetDownloads(p.Downloads + 1).Exec(ctx) // want `^lost update: p.Downloads is read at viewer.go:\d+ \(kept for the request by a middleware, which read it before the handler ran\) and written back here outside a locking transaction; a concurrent request can change it in between. Use an atomic update \(AddDownloads\(1\)\) or a fresh load of the row, not the request's copy: load it with ForUpdate\(\) inside client.Tx and write it on that tx.$`
}

// DownloadAtomic lets the database add.
func (v *Viewer) DownloadAtomic(ctx context.Context) error { // want DownloadAtomic:`^changes the database$`
	p := ctx.Value(postKey{}).(*ent.Post)
	return v.client.Post.UpdateOne(p).AddDownloads(1).Exec(ctx)
}
