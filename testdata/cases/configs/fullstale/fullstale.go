// Package fullstale is analysed with stale-row enabled in full: a record // want package:`writes profiles\.bio`
// read without a lock and written back whole is reported even when no
// other code in view writes the columns it puts back, because some
// other service or an operator's UPDATE may.
package fullstale

import (
	"context"
	"database/sql"

	"gorm.io/gorm"
)

type Profile struct {
	ID       int64
	Name     string
	Bio      string
	Location string
	Website  string
}

// setBioRacy changes the bio and saves the whole profile.
func setBioRacy(ctx context.Context, db *sql.DB, id int64, bio string) error {
	var p Profile
	if err := db.QueryRowContext(ctx, "SELECT id, name, bio, location, website FROM profiles WHERE id = $1", id).
		Scan(&p.ID, &p.Name, &p.Bio, &p.Location, &p.Website); err != nil {
		return err
	}
	p.Bio = bio
	_, err := db.ExecContext(ctx, "UPDATE profiles SET name = $1, bio = $2, location = $3, website = $4 WHERE id = $5", // want `^stale row: p is read at fullstale.go:26 and written back whole here with a new (p\.)?[Bb]io; name, location`
		p.Name, p.Bio, p.Location, p.Website, p.ID)
	return err
}

// setBioColumn writes only the column that changed.
func setBioColumn(ctx context.Context, db *sql.DB, id int64, bio string) (Profile, error) {
	var p Profile
	if err := db.QueryRowContext(ctx, "SELECT id, name, bio, location, website FROM profiles WHERE id = $1", id).
		Scan(&p.ID, &p.Name, &p.Bio, &p.Location, &p.Website); err != nil {
		return p, err
	}
	p.Bio = bio
	_, err := db.ExecContext(ctx, "UPDATE profiles SET bio = $1 WHERE id = $2", p.Bio, p.ID)
	return p, err
}

type Book struct {
	ID    uint
	Title string
	Price int64
	Stock int
}

// books is a GORM repository with an "update with a mutator" method.
type books struct{ db *gorm.DB }

// update loads the book, lets fn change it and saves it whole, with no
// lock in between.
func (r *books) update(id uint, fn func(*Book)) error {
	var b Book
	if err := r.db.First(&b, id).Error; err != nil {
		return err
	}
	fn(&b)
	return r.db.Save(&b).Error // want `^stale row: b is read at fullstale.go:61 and written back whole here`
}

// retitle uses the mutator to change the title alone.
func (r *books) retitle(id uint, title string) error {
	return r.update(id, func(b *Book) { b.Title = title })
}
