// Package rowof writes values of one record into another record of the // want package:`writes tags\.name, tags\.slug, tags\.thumb, tags\.use_count`
// same table: a tag merged into another adds its count to the other's
// row, which loses a concurrent change of the other's count, not of its
// own. The row a record is, is the load that filled it, or a load that
// found its row by the same key value.
package rowof

import (
	"errors"
	"strings"

	"gorm.io/gorm"
)

var ErrNotFound = errors.New("not found")

type Tag struct {
	ID       uint
	UID      string
	Name     string
	Slug     string
	Thumb    string
	UseCount int
}

// findTag finds a tag by its UID.
func findTag(db *gorm.DB, uid string) *Tag {
	var t Tag
	if db.Where("uid = ?", uid).First(&t).Error != nil {
		return nil
	}
	return &t
}

// findTagByName finds a tag by its name.
func findTagByName(db *gorm.DB, name string) *Tag {
	var t Tag
	if db.Where("name = ?", name).First(&t).Error != nil {
		return nil
	}
	return &t
}

// mergeWith adds the tag's count to other's, gives other its thumb,
// writes other's row and deletes the tag.
func (m *Tag) mergeWith(db *gorm.DB, other *Tag) error {
	if err := db.Model(other).Updates(map[string]any{"UseCount": other.UseCount + m.UseCount, "Thumb": m.Thumb}).Error; err != nil {
		return err
	}
	return db.Delete(m).Error
}

// rename merges the tag into the one that has the name already: other's
// count, read here, is changed and written back.
func (m *Tag) rename(db *gorm.DB, name string) error {
	if other := findTagByName(db, name); other != nil && other.UID != m.UID {
		return m.mergeWith(db, other) // want `^lost update: other\.UseCount is read at rowof\.go:56 \(by rowof\.findTagByName, at rowof\.go:38\) and written back here`
	}
	m.Name = name
	return db.Model(m).Updates(map[string]any{"Name": name, "Slug": strings.ToLower(name)}).Error
}

// setThumb changes a tag's thumb.
func setThumb(db *gorm.DB, id uint, thumb string) error {
	return db.Model(&Tag{}).Where("id = ?", id).Update("thumb", thumb).Error
}

// renameTag is the handler: its tag's count and thumb go to the other
// tag's row, which is neither a lost update of its own count nor its
// thumb put back as read.
func renameTag(db *gorm.DB, uid, name string) error {
	m := findTag(db, uid)
	if m == nil {
		return ErrNotFound
	}
	return m.rename(db, name)
}

// setUses writes a count to the tag that has the id, loading it again.
func setUses(db *gorm.DB, id uint, n int) error {
	var t Tag
	if err := db.First(&t, id).Error; err != nil {
		return err
	}
	return db.Model(&t).Update("use_count", n).Error
}

// useTag reads the tag by its id and gives setUses, which finds the same
// row by the same id, the count plus one: a lost update.
func useTag(db *gorm.DB, id uint) error {
	var t Tag
	if err := db.First(&t, id).Error; err != nil {
		return err
	}
	return setUses(db, id, t.UseCount+1) // want `^lost update: t\.UseCount is read at rowof\.go:92 and written back here by rowof\.setUses`
}

// tagByID finds a tag by its id.
func tagByID(db *gorm.DB, id uint) (*Tag, error) {
	var t Tag
	err := db.Where("id = ?", id).First(&t).Error
	return &t, err
}

// useTagByHelper is useTag with the read in a helper: the helper's load
// found its row by the same id.
func useTagByHelper(db *gorm.DB, id uint) error {
	t, err := tagByID(db, id)
	if err != nil {
		return err
	}
	return setUses(db, id, t.UseCount+1) // want `^lost update: t\.UseCount is read at rowof\.go:108 \(by rowof\.tagByID, at rowof\.go:101\) and written back here by rowof\.setUses`
}

// copyUses gives another tag, found by another id, this tag's count plus
// one: a value of one row written to another.
func copyUses(db *gorm.DB, id, otherID uint) error {
	var t Tag
	if err := db.First(&t, id).Error; err != nil {
		return err
	}
	return setUses(db, otherID, t.UseCount+1)
}
