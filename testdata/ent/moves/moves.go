// Package moves moves download counts between posts with ent: the count // want package:`writes posts\.downloads; updates atomically posts\.downloads`
// read from one post is added to another with AddDownloads and the first
// set to zero, which is right only if no download came in between.
package moves

import (
	"context"

	"example.com/entcases/ent"
	"example.com/entcases/ent/post"
)

// merge adds one post's downloads to another's and zeroes the first,
// from a count read without a lock: two merges at once both add it, and a
// download counted in between is lost to the zero.
func merge(ctx context.Context, client *ent.Client, from, into int) error {
	src, err := client.Post.Get(ctx, from)
	if err != nil {
		return err
	}
	if err := client.Post.UpdateOneID(from).SetDownloads(0).Exec(ctx); err != nil {
		return err
	}
	return client.Post.UpdateOneID(into).AddDownloads(src.Downloads).Exec(ctx) // want `^lost update: the change added here to posts\.downloads is computed from src\.Downloads, read at moves\.go:17 without a lock, while downloads is set anew at moves\.go:21; two requests that change downloads at once both compute their change from the same old value, so downloads moves by both, though only one new value of downloads stands\. Check the old value where downloads is written \(Update\(\)\.Where\(…, post\.DownloadsEQ\(…\)\) with the value checked, then check the count Save returns, and retry\), or load it with ForUpdate\(\) inside client\.Tx and write it on that tx\.$`
}

// mergeChecked zeroes the first post only where it still holds the count
// read, and adds the count only when it did.
func mergeChecked(ctx context.Context, client *ent.Client, from, into int) error {
	src, err := client.Post.Get(ctx, from)
	if err != nil {
		return err
	}
	n, err := client.Post.Update().Where(post.ID(from), post.DownloadsEQ(src.Downloads)).SetDownloads(0).Save(ctx)
	if err != nil || n == 0 {
		return err
	}
	return client.Post.UpdateOneID(into).AddDownloads(src.Downloads).Exec(ctx)
}
