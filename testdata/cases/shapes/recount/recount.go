// Package recount changes counts that a job also recounts from other // want package:`writes albums\.photo_count, subjects\.file_count, subjects\.photo_count; recounts photos\.like_count, subjects\.file_count, subjects\.photo_count`
// rows. A count the program recomputes is a cache of it: an increment
// lost to a concurrent one is restored by the next recount, so a merge of
// two subjects' counts is not reported, while the same merge of albums,
// whose count nothing recounts, is.
package recount

import (
	"context"
	"database/sql"

	"gorm.io/gorm"

	"example.com/cases/shapes/recount/counts"
)

type Subject struct { // want Subject:`table subjects`
	ID         uint
	Name       string
	FileCount  int
	PhotoCount int
}

// TableName names the subjects' table.
func (Subject) TableName() string { return "subjects" }

type Album struct {
	ID         uint
	Title      string
	PhotoCount int
}

type Photo struct {
	ID        uint
	Title     string
	LikeCount int
}

// recountSubjects sets every subject's counts to what the markers say,
// of the photos a condition selects.
func recountSubjects(db *gorm.DB, private bool) error {
	photos := gorm.Expr("p.id = m.photo_id AND p.private = ?", private)
	if err := db.Model(&Subject{}).
		UpdateColumn("file_count", gorm.Expr("(SELECT COUNT(DISTINCT m.file_id) FROM markers m JOIN photos p ON ?"+
			" WHERE m.subject_id = subjects.id) WHERE ?", photos, gorm.Expr("1 = 1"))).Error; err != nil {
		return err
	}
	subjects := Subject{}.TableName()
	return db.Table(subjects).Where("1 = 1").
		UpdateColumn("photo_count", gorm.Expr("(SELECT COUNT(DISTINCT m.photo_id) FROM markers m WHERE m.subject_id = subjects.id)")).Error
}

// mergeSubjects moves one subject's counts onto another. A merge in
// between loses one, and the next recount restores it.
func mergeSubjects(db *gorm.DB, fromID, intoID uint) error {
	var from, into Subject
	if err := db.First(&from, fromID).Error; err != nil {
		return err
	}
	if err := db.First(&into, intoID).Error; err != nil {
		return err
	}
	return db.Model(&into).Updates(map[string]any{
		"FileCount":  into.FileCount + from.FileCount,
		"PhotoCount": into.PhotoCount + from.PhotoCount,
	}).Error
}

// mergeAlbums does the same to albums, whose count nothing recounts: a
// merge in between is lost for good.
func mergeAlbums(db *gorm.DB, fromID, intoID uint) error {
	var from, into Album
	if err := db.First(&from, fromID).Error; err != nil {
		return err
	}
	if err := db.First(&into, intoID).Error; err != nil {
		return err
	}
	return db.Model(&into).Updates(map[string]any{"PhotoCount": into.PhotoCount + from.PhotoCount}).Error // want `^lost update: into\.PhotoCount is read at recount\.go:76 and written back here`
}

// likePhoto adds a like in Go; the counts package recounts likes, so a
// like lost to a concurrent one is back at the next recount.
func likePhoto(ctx context.Context, db *gorm.DB, sqldb *sql.DB, id uint) error {
	var p Photo
	if err := db.First(&p, id).Error; err != nil {
		return err
	}
	p.LikeCount++
	if err := db.Save(&p).Error; err != nil {
		return err
	}
	return counts.Likes(ctx, sqldb)
}
