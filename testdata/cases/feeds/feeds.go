// Package feeds is a feed reader's storage layer, written the way real // want package:`writes feeds\.errors`
// repositories are: deferred cleanup, rows collected into slices of
// pointers, the first element taken, a scan through a small interface and
// a wrapper that adds logging around Exec.
package feeds

import (
	"context"
	"database/sql"
	"log"
)

type Feed struct {
	ID     int64
	Errors int
	Title  string
}

// feedByID defers its cleanup and returns a pointer to the loaded row.
func feedByID(ctx context.Context, db *sql.DB, id int64) (feed *Feed, err error) {
	defer func() {
		if err != nil {
			log.Printf("feed %d: %v", id, err)
		}
	}()
	var f Feed
	if err := db.QueryRowContext(ctx, "SELECT id, errors FROM feeds WHERE id = $1", id).Scan(&f.ID, &f.Errors); err != nil {
		return nil, err
	}
	return &f, nil
}

// allFeeds collects pointers to the loaded rows in a slice.
func allFeeds(ctx context.Context, db *sql.DB) ([]*Feed, error) {
	rows, err := db.QueryContext(ctx, "SELECT id, errors FROM feeds")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var feeds []*Feed
	for rows.Next() {
		var f Feed
		if err := rows.Scan(&f.ID, &f.Errors); err != nil {
			return nil, err
		}
		feeds = append(feeds, &f)
	}
	return feeds, rows.Err()
}

func countErrorDeferred(ctx context.Context, db *sql.DB, id int64) error {
	f, err := feedByID(ctx, db, id)
	if err != nil {
		return err
	}
	f.Errors++
	_, err = db.ExecContext(ctx, "UPDATE feeds SET errors = $1 WHERE id = $2", f.Errors, f.ID) // want `lost update: f.Errors is read at feeds.go:52 \(by feeds.feedByID, at feeds.go:27\)`
	return err
}

func countErrorFirstOfSlice(ctx context.Context, db *sql.DB) error {
	feeds, err := allFeeds(ctx, db)
	if err != nil || len(feeds) == 0 {
		return err
	}
	f := feeds[0]
	f.Errors++
	_, err = db.ExecContext(ctx, "UPDATE feeds SET errors = $1 WHERE id = $2", f.Errors, f.ID) // want `lost update: feeds\[i\].Errors is read at feeds.go:62`
	return err
}

func countErrorThroughSliceLiteral(ctx context.Context, db *sql.DB, id int64) error {
	var f Feed
	if err := db.QueryRowContext(ctx, "SELECT id, errors FROM feeds WHERE id = $1", id).Scan(&f.ID, &f.Errors); err != nil {
		return err
	}
	batch := []*Feed{&f}
	for _, g := range batch {
		g.Errors++
		if _, err := db.ExecContext(ctx, "UPDATE feeds SET errors = $1 WHERE id = $2", g.Errors, g.ID); err != nil { // want `lost update: f.Errors is read at feeds.go:74`
			return err
		}
	}
	return nil
}

func renameKeepsErrors(ctx context.Context, db *sql.DB, id int64, title string) error {
	f, err := feedByID(ctx, db, id)
	if err != nil {
		return err
	}
	f.Title = title
	_, err = db.ExecContext(ctx, "UPDATE feeds SET title = $1 WHERE id = $2", f.Title, f.ID)
	return err
}

// row is what scanFeed needs of *sql.Row and *sql.Rows.
type row interface {
	Scan(dest ...any) error
}

// scanFeed scans a row the caller queried.
func scanFeed(r row) (*Feed, error) {
	var f Feed
	if err := r.Scan(&f.ID, &f.Errors); err != nil {
		return nil, err
	}
	return &f, nil
}

func countErrorScanHelper(ctx context.Context, db *sql.DB, id int64) error {
	f, err := scanFeed(db.QueryRowContext(ctx, "SELECT id, errors FROM feeds WHERE id = $1", id))
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "UPDATE feeds SET errors = $1 WHERE id = $2", f.Errors+1, f.ID) // want `lost update: f.Errors is read at feeds.go:112 \(by feeds.scanFeed, at feeds.go:1\d\d\)`
	return err
}

func countErrorScanHelperLocked(ctx context.Context, db *sql.DB, id int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	f, err := scanFeed(tx.QueryRowContext(ctx, "SELECT id, errors FROM feeds WHERE id = $1 FOR UPDATE", id))
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE feeds SET errors = $1 WHERE id = $2", f.Errors+1, f.ID); err != nil {
		return err
	}
	return tx.Commit()
}

// countErrorsOfAll collects rows into a slice of values and writes each
// back in a second loop: only the column it changes is named, not the id
// that the same Scan read.
func countErrorsOfAll(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, "SELECT id, errors FROM feeds")
	if err != nil {
		return err
	}
	var feeds []Feed
	for rows.Next() {
		var f Feed
		if err := rows.Scan(&f.ID, &f.Errors); err != nil {
			rows.Close()
			return err
		}
		feeds = append(feeds, f)
	}
	rows.Close()
	for _, f := range feeds {
		if _, err := db.ExecContext(ctx, "UPDATE feeds SET errors = $1 WHERE id = $2", f.Errors+1, f.ID); err != nil { // want `^lost update: f.Errors is read at feeds.go:147 and written back here`
			return err
		}
	}
	return nil
}

// updateFeed is an "update with a mutator" API over feedByID: fn may change
// any field of the feed, and every field it loaded is written back.
func updateFeed(ctx context.Context, db *sql.DB, id int64, fn func(*Feed)) error {
	f, err := feedByID(ctx, db, id)
	if err != nil {
		return err
	}
	fn(f)
	_, err = db.ExecContext(ctx, "UPDATE feeds SET errors = $1, title = $2 WHERE id = $3", f.Errors, f.Title, id) // want `^stale row: f is read at feeds.go:165 \(by feeds.feedByID, at feeds.go:27\) and written back whole here with a new title; errors goes back as read`
	return err
}
