// Package tidy saves bun models whole beside statements that rewrite a // want package:`\) updates atomically artifacts\.hits}$`
// column from its own value: a tidy-up (UPPER) adds nothing that a stale
// save could undo, a count of hits does.
package tidy

import (
	"context"

	"github.com/uptrace/bun"
)

// Artifact is a row of the artifacts table.
type Artifact struct {
	bun.BaseModel `bun:"table:artifacts"`
	ID            int64 `bun:",pk"`
	Title         string
	Platform      string
	Hits          int
}

// tidyPlatforms upper-cases every artifact's platform.
func tidyPlatforms(ctx context.Context, db *bun.DB) error {
	_, err := db.NewUpdate().Model((*Artifact)(nil)).Set("platform = UPPER(platform)").Where("1 = 1").Exec(ctx)
	return err
}

// hit counts a view of the artifact in the database.
func hit(ctx context.Context, db *bun.DB, id int64) error {
	_, err := db.NewUpdate().Model((*Artifact)(nil)).Set("hits = hits + 1").Where("id = ?", id).Exec(ctx)
	return err
}

// retitle saves the artifact whole: its platform goes back as read, at
// worst untidied, but so do its hits, and a view counted since the read
// is lost.
func retitle(ctx context.Context, db *bun.DB, id int64, title string) error {
	a := new(Artifact)
	if err := db.NewSelect().Model(a).Where("id = ?", id).Scan(ctx); err != nil {
		return err
	}
	a.Title = title
	_, err := db.NewUpdate().Model(a).WherePK().Exec(ctx) // want `^stale row: a is read at tidy\.go:\d+ and written back whole here with a new a\.Title; hits goes back as read, so .*\(tidy\.hit updates hits atomically at tidy\.go:29\)\.`
	return err
}
