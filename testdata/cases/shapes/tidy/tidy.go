// Package tidy keeps an archive's records clean with statements that // want package:`\) writes files\.group_name, files\.title, files\.zip_content, releases\.downloads, releases\.title; updates atomically releases\.downloads}$`
// rewrite a column from its own value alone: newlines squeezed, names
// upper-cased. Such a rewrite tidies what is there and adds nothing, so a
// record saved whole over it puts back the same data, untidied, and the
// next run tidies it again: no one's change is lost. A counter that
// requests add to is another matter.
package tidy

import (
	"context"
	"database/sql"

	"gorm.io/gorm"
)

type File struct {
	ID         int64
	Title      string
	Group      string
	ZipContent string
}

func load(ctx context.Context, db *sql.DB, id int64) (File, error) {
	var f File
	err := db.QueryRowContext(ctx, "SELECT id, title, group_name, zip_content FROM files WHERE id = $1", id).Scan(&f.ID, &f.Title, &f.Group, &f.ZipContent)
	return f, err
}

// save writes every column of the file.
func save(ctx context.Context, db *sql.DB, f File) error {
	_, err := db.ExecContext(ctx, "UPDATE files SET title = $1, group_name = $2, zip_content = $3 WHERE id = $4", f.Title, f.Group, f.ZipContent, f.ID)
	return err
}

// tidyContent squeezes the blank lines of every file's listing, and
// tidyGroups upper-cases every group name: maintenance that only tidies.
func tidyContent(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, `UPDATE files SET zip_content = RTRIM(regexp_replace(zip_content, '\n+', '\n', 'g'), '\r')`)
	return err
}

func tidyGroups(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, "UPDATE files SET group_name = UPPER(group_name)")
	return err
}

// rename saves the file whole with a new title: its listing and group go
// back as read, at worst untidied, which the next tidy-up mends.
func rename(ctx context.Context, db *sql.DB, id int64, title string) error {
	f, err := load(ctx, db, id)
	if err != nil {
		return err
	}
	f.Title = title
	return save(ctx, db, f)
}

type Release struct {
	ID        int64
	Title     string
	Downloads int64
}

// countDownload adds one download in the database.
func countDownload(ctx context.Context, db *sql.DB, id int64) error {
	_, err := db.ExecContext(ctx, "UPDATE releases SET downloads = downloads + 1 WHERE id = $1", id)
	return err
}

// retitle saves the release whole: the downloads counted since the read
// are undone.
func retitle(ctx context.Context, db *sql.DB, id int64, title string) error {
	var r Release
	if err := db.QueryRowContext(ctx, "SELECT id, title, downloads FROM releases WHERE id = $1", id).Scan(&r.ID, &r.Title, &r.Downloads); err != nil {
		return err
	}
	r.Title = title
	_, err := db.ExecContext(ctx, "UPDATE releases SET title = $1, downloads = $2 WHERE id = $3", r.Title, r.Downloads, r.ID) // want `^stale row: r is read at tidy\.go:\d+ and written back whole here with a new title; downloads goes back as read`
	return err
}

type Member struct {
	ID     uint
	Nick   string
	Motto  string
	Visits int
}

// tidyNicks lower-cases every member's nickname with GORM.
func tidyNicks(db *gorm.DB) error {
	return db.Model(&Member{}).Where("1 = 1").UpdateColumn("nick", gorm.Expr("LOWER(nick)")).Error
}

// setMotto saves the member whole: the nickname goes back as read, at
// worst not yet lower-cased.
func setMotto(db *gorm.DB, id uint, motto string) error {
	var m Member
	if err := db.First(&m, id).Error; err != nil {
		return err
	}
	m.Motto = motto
	return db.Save(&m).Error
}
