// Package rowof writes values of one record into another record of the // want package:`writes accounts\.balance, tags\.name, tags\.slug, tags\.thumb, tags\.use_count`
// same table: a tag merged into another adds its count to the other's
// row, which loses a concurrent change of the other's count, not of its
// own. The row a record is, is the load that filled it, or a load that
// found its row by the same key value.
package rowof

import (
	"context"
	"database/sql"
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
		return m.mergeWith(db, other) // want `^lost update: other\.UseCount is read at rowof\.go:58 \(by rowof\.findTagByName, at rowof\.go:40\) and written back here`
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
	return setUses(db, id, t.UseCount+1) // want `^lost update: t\.UseCount is read at rowof\.go:94 and written back here by rowof\.setUses`
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
	return setUses(db, id, t.UseCount+1) // want `^lost update: t\.UseCount is read at rowof\.go:110 \(by rowof\.tagByID, at rowof\.go:103\) and written back here by rowof\.setUses`
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

// mergeAccounts moves one account's balance onto another's in SQL: the
// first row's balance goes to the second row, whose own balance, read
// here, is the lost update.
func mergeAccounts(ctx context.Context, db *sql.DB, fromID, intoID int64) error {
	var from, into int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", fromID).Scan(&from); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", intoID).Scan(&into); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", into+from, intoID) // want `^lost update: into is read at rowof\.go:135 and written back here`
	return err
}

// mergeTags is mergeAccounts with GORM: the tag found by fromID gives its
// count to the tag found by intoID.
func mergeTags(db *gorm.DB, fromID, intoID uint) error {
	var from, into Tag
	if err := db.Where("id = ?", fromID).First(&from).Error; err != nil {
		return err
	}
	if err := db.Where("id = ?", intoID).First(&into).Error; err != nil {
		return err
	}
	return db.Model(&Tag{}).Where("id = ?", intoID).Update("use_count", into.UseCount+from.UseCount).Error // want `^lost update: into\.UseCount is read at rowof\.go:149 and written back here`
}
