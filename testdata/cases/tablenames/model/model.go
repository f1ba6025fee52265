// Package model declares models whose TableName methods name their // want package:"analysed"
// tables; it imports no database library.
package model

// Photo is a photo.
type Photo struct { // want Photo:"table photos"
	ID       uint
	PhotoUID string
	Title    string
}

// TableName names the photos' table.
func (Photo) TableName() string { return "photos" }

// PhotoAlbum puts a photo in an album.
type PhotoAlbum struct { // want PhotoAlbum:"table photos_albums"
	PhotoUID string
	AlbumUID string
}

// TableName names the table that links photos and albums.
func (PhotoAlbum) TableName() string { return "photos_albums" }

// Draft has a TableName that is not one constant: no fact.
type Draft struct {
	ID     uint
	Shared bool
}

// TableName depends on the draft.
func (d Draft) TableName() string {
	if d.Shared {
		return "shared_drafts"
	}
	return "drafts"
}
