// Package formcopy edits albums through a form: the album is copied into // want package:`analysed`
// the form, the request fills the form, and a copier the analysis cannot
// see into copies it back before the album is saved whole. The album as a
// whole then holds what the copier may have put anywhere in it, but the
// fields the code itself writes keep their own origin: the slug built
// from the UID and the creation time is a new slug, not a changed UID or
// creation time.
package formcopy

import (
	"strings"
	"time"

	"gorm.io/gorm"
)

type Album struct {
	ID        uint
	UID       string
	Title     string
	Slug      string
	Views     int
	CreatedAt time.Time
}

// Form is what a request may change of an album.
type Form struct {
	Title string
	Slug  string
}

// Copier copies the matching fields of src into dst.
type Copier interface {
	Copy(dst, src any) error
}

// SetTitle sets the title, or one made from the creation month, and the
// slug made from it and the UID.
func (m *Album) SetTitle(t string) { // want SetTitle:`changes param 0\.Slug; changes param 0\.Title`
	if t == "" {
		t = m.CreatedAt.Format("January 2006")
	}
	m.Title = t
	m.Slug = strings.ToLower(t) + "-" + m.UID
}

// SaveForm copies the form into the album and saves it whole.
func (m *Album) SaveForm(db *gorm.DB, cp Copier, f Form) error { // want SaveForm:`writes param 0\.CreatedAt to slug on param 1; writes param 0\.CreatedAt to title on param 1; writes param 0\.UID to slug on param 1; writes param 0 \(whole\) on param 1`
	if err := cp.Copy(m, f); err != nil {
		return err
	}
	if f.Title != "" {
		m.SetTitle(f.Title)
	}
	return db.Save(m).Error
}

// UpdateAlbum loads the album the request names and saves the form into it.
func UpdateAlbum(db *gorm.DB, cp Copier, uid string, f Form) error { // want UpdateAlbum:`writes param 3\.Title to slug on param 0; writes param 3\.Title to title on param 0`
	var a Album
	if err := db.Where("uid = ?", uid).First(&a).Error; err != nil {
		return err
	}
	var form Form
	if err := cp.Copy(&form, a); err != nil {
		return err
	}
	form.Title = f.Title
	return a.SaveForm(db, cp, form)
}

// CountView adds a view to the album.
func (m *Album) CountView() { m.Views = m.Views + 1 } // want CountView:`changes param 0\.Views`

// Touch counts a view and saves the album whole.
func (m *Album) Touch(db *gorm.DB) error { // want Touch:`writes param 0\.Views to views on param 1; writes param 0 \(whole\) on param 1; changes param 0\.Views`
	m.CountView()
	return db.Save(m).Error
}

// ViewAlbum loads the album and counts a view through its methods: a view
// counted by another request in between is lost, and the finding names
// the views column that a callee of a callee changed.
func ViewAlbum(db *gorm.DB, uid string) error { // want ViewAlbum:`changes the database`
	var a Album
	if err := db.Where("uid = ?", uid).First(&a).Error; err != nil {
		return err
	}
	return a.Touch(db) // want `^lost update: a\.Views is read at formcopy\.go:86 and written back here by Album\.Touch outside a locking transaction.*Use an atomic update \(Update\("views", gorm\.Expr\("views \+ \?", delta\)\)\)`
}
