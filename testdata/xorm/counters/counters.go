// Package counters holds the xorm writes whose suggested fix is Incr or // want package:`writes post\.title, post\.views`
// Decr in the Update's chain, and the ones where that rewrite would change
// something else and is not offered.
package counters

import (
	"xorm.io/xorm"
)

// Post is a row of the post table.
type Post struct {
	ID    int64 `xorm:"pk autoincr"`
	Title string
	Views int64
	Likes int
}

// Blog serves posts.
type Blog struct{ engine *xorm.Engine }

// view adds one to the views and writes that column alone.
func (b *Blog) view(id int64) error {
	var p Post
	if _, err := b.engine.ID(id).Get(&p); err != nil {
		return err
	}
	p.Views++
	_, err := b.engine.ID(id).Cols("views").Update(&p) // want `^lost update: p\.Views is read at counters\.go:24 .*Incr\("views", 1\)\.Update\(new\(Post\)\)`
	return err
}

// unlike takes n likes away and writes the record's non-zero fields.
func (b *Blog) unlike(id int64, n int) error {
	p := new(Post)
	if _, err := b.engine.ID(id).Get(p); err != nil {
		return err
	}
	p.Likes -= n
	_, err := b.engine.ID(id).Update(p) // want `^lost update: p\.Likes is read at counters\.go:35`
	return err
}

// like takes the record by its address and writes every non-zero field.
func (b *Blog) like(id int64, n int) error {
	var p Post
	if _, err := b.engine.ID(id).Get(&p); err != nil {
		return err
	}
	p.Likes -= n
	_, err := b.engine.ID(id).Update(&p) // want `^lost update: p\.Likes is read at counters\.go:46 .*Where\("likes >= \?", n\)\.Decr\("likes", n\)`
	return err
}

// viewMap writes the new count with a map of one entry.
func (b *Blog) viewMap(id int64) error {
	var views int64
	if _, err := b.engine.Table("post").Cols("views").ID(id).Get(&views); err != nil {
		return err
	}
	_, err := b.engine.Table("post").ID(id).Update(map[string]any{"views": views + 1}) // want `^lost update: views is read at counters\.go:57`
	return err
}

// viewAndRename writes a second entry, which the increment would drop: no
// fix.
func (b *Blog) viewAndRename(id int64, title string) error {
	var views int64
	if _, err := b.engine.Table("post").Cols("views").ID(id).Get(&views); err != nil {
		return err
	}
	_, err := b.engine.Table("post").ID(id).Update(map[string]any{"views": views + 1, "title": title}) // want `^lost update: views is read at counters\.go:68`
	return err
}

// viewAllCols writes every column, zero ones too: no fix.
func (b *Blog) viewAllCols(id int64) error {
	var p Post
	if _, err := b.engine.ID(id).Get(&p); err != nil {
		return err
	}
	p.Views++
	_, err := b.engine.ID(id).AllCols().Update(&p) // want `^lost update: p\.Views is read at counters\.go:78`
	return err
}

// viewReturned returns the record after the write, whose count the
// database would then hold another of: no fix.
func (b *Blog) viewReturned(id int64) (Post, error) {
	var p Post
	if _, err := b.engine.ID(id).Get(&p); err != nil {
		return p, err
	}
	p.Views++
	_, err := b.engine.ID(id).Cols("views").Update(&p) // want `^lost update: p\.Views is read at counters\.go:90`
	return p, err
}
