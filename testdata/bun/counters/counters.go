// Package counters holds the bun updates whose suggested fix is a Set // want package:`writes posts\.title, posts\.views`
// expression that lets the database add, and the ones where that rewrite
// would change something else and is not offered.
package counters

import (
	"context"

	"github.com/uptrace/bun"
)

// Post is a row of the posts table.
type Post struct {
	ID    int64 `bun:",pk,autoincrement"`
	Title string
	Views int64
	Likes int
}

// Blog serves posts.
type Blog struct{ db *bun.DB }

// view adds one to the views and writes that column alone.
func (b *Blog) view(ctx context.Context, id int64) error {
	p := new(Post)
	if err := b.db.NewSelect().Model(p).Where("id = ?", id).Scan(ctx); err != nil {
		return err
	}
	p.Views++
	_, err := b.db.NewUpdate().Model(p).Column("views").WherePK().Exec(ctx) // want `^lost update: p\.Views is read at counters\.go:26 .*Set\("views = views \+ \?", 1\)`
	return err
}

// unlike takes n likes away and writes the whole model.
func (b *Blog) unlike(ctx context.Context, id int64, n int) error {
	p := new(Post)
	if err := b.db.NewSelect().Model(p).Where("id = ?", id).Scan(ctx); err != nil {
		return err
	}
	p.Likes -= n
	_, err := b.db.NewUpdate().Model(p).WherePK().Exec(ctx) // want `^lost update: p\.Likes is read at counters\.go:37`
	return err
}

// viewSet writes the new count with a Set expression.
func (b *Blog) viewSet(ctx context.Context, id int64) error {
	var p Post
	if err := b.db.NewSelect().Model(&p).Where("id = ?", id).Scan(ctx); err != nil {
		return err
	}
	_, err := b.db.NewUpdate().Model((*Post)(nil)).Set("views = ?", p.Views+1).Where("id = ?", id).Exec(ctx) // want `^lost update: p\.Views is read at counters\.go:48`
	return err
}

// viewAndRename sets another column too: no fix.
func (b *Blog) viewAndRename(ctx context.Context, id int64, title string) error {
	p := new(Post)
	if err := b.db.NewSelect().Model(p).Where("id = ?", id).Scan(ctx); err != nil {
		return err
	}
	p.Views++
	_, err := b.db.NewUpdate().Model(p).Column("views").Set("title = ?", title).WherePK().Exec(ctx) // want `^lost update: p\.Views is read at counters\.go:58`
	return err
}

// viewExcluding chooses its columns by exclusion: no fix.
func (b *Blog) viewExcluding(ctx context.Context, id int64) error {
	p := new(Post)
	if err := b.db.NewSelect().Model(p).Where("id = ?", id).Scan(ctx); err != nil {
		return err
	}
	p.Views++
	_, err := b.db.NewUpdate().Model(p).ExcludeColumn("title").WherePK().Exec(ctx) // want `^lost update: p\.Views is read at counters\.go:69`
	return err
}
