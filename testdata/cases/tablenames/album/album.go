// Package album writes photos and albums with models declared in another // want package:`writes photos_albums.photo_uid, photos.title`
// package: it knows their tables from the facts of that package.
package album

import (
	"context"

	"gorm.io/gorm"

	"example.com/cases/tablenames/model"
)

// AddToAlbum puts a photo in an album under its UID, written the album's
// way: a value of photos written to photos_albums is not a lost update.
func AddToAlbum(ctx context.Context, db *gorm.DB, id uint, album string) error { // want AddToAlbum:"writes param 3 to photo_uid on param 1"
	var p model.Photo
	if err := db.WithContext(ctx).First(&p, id).Error; err != nil {
		return err
	}
	return db.WithContext(ctx).Exec("UPDATE photos_albums SET photo_uid = ? WHERE album_uid = ?", p.PhotoUID+"@"+album, album).Error
}

// Retitle appends to a photo's title and writes it back to photos: a lost
// update.
func Retitle(ctx context.Context, db *gorm.DB, id uint, suffix string) error { // want Retitle:"writes param 3 to title on param 1"
	var p model.Photo
	if err := db.WithContext(ctx).First(&p, id).Error; err != nil {
		return err
	}
	return db.WithContext(ctx).Exec("UPDATE photos SET title = ? WHERE id = ?", p.Title+suffix, id).Error // want `^lost update: p\.Title is read at album\.go:27 and written back here`
}
