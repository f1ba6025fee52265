// Package busyflag has background workers kept to one run at a time in a // want package:`writes accounts\.acc_errors, file_syncs\.errors, uploads\.errors, uploads\.missing; updates atomically accounts\.acc_errors`
// process by a busy flag (activity.Activity.Start, like photoprism's
// mutex.ShareWorker) or by sync.Mutex.TryLock. A busy flag keeps a job to
// one run at a time and keeps out no other writer (a request resetting the
// counts), so its read-modify-write is a lost update whose message names
// the flag; TryLock is a sync.Mutex, the mutex category.
package busyflag

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	"gorm.io/gorm"

	"example.com/cases/shapes/busyflag/activity"
)

// FileShare is a file waiting to be uploaded, with the errors counted so far.
type FileShare struct {
	ID     uint
	Errors int
	Status string
}

var errUpload = errors.New("upload failed")

func upload(f FileShare) error {
	if f.ID%2 == 0 {
		return errUpload
	}
	return nil
}

// shareWorker counts failed uploads in Go, one run at a time in this
// process.
func shareWorker(db *gorm.DB) error {
	if err := activity.Share.Start(); err != nil {
		return err
	}
	defer activity.Share.Stop()
	var files []FileShare
	if err := db.Where("status = ?", "new").Find(&files).Error; err != nil {
		return err
	}
	for _, f := range files {
		if err := upload(f); err != nil {
			f.Errors++
		}
		db.Save(&f) // want `^lost update: f\.Errors is read at busyflag\.go:\d+ and written back here outside a locking transaction \(under the busy flag that Activity\.Start sets, which keeps this job to one run at a time in one process, and keeps out no other writer\); a concurrent request can change it in between`
	}
	return nil
}

// unguardedWorker is the same run without the flag.
func unguardedWorker(db *gorm.DB) error {
	var files []FileShare
	if err := db.Where("status = ?", "new").Find(&files).Error; err != nil {
		return err
	}
	for _, f := range files {
		if err := upload(f); err != nil {
			f.Errors++
		}
		db.Save(&f) // want `^lost update: f\.Errors is read at busyflag\.go:\d+ and written back here outside a locking transaction; a concurrent request`
	}
	return nil
}

// stoppedEarly clears the flag before it writes: the write runs outside it.
func stoppedEarly(ctx context.Context, db *sql.DB, id int64) error {
	if err := activity.Share.Start(); err != nil {
		return err
	}
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT errors FROM uploads WHERE id = $1", id).Scan(&n); err != nil {
		activity.Share.Stop()
		return err
	}
	activity.Share.Stop()
	_, err := db.ExecContext(ctx, "UPDATE uploads SET errors = $1 WHERE id = $2", n+1, id) // want `^lost update: n is read at busyflag\.go:\d+ and written back here outside a locking transaction`
	return err
}

// markedBusy sets a flag that nothing tests: no guard.
func markedBusy(ctx context.Context, db *sql.DB, id int64) error {
	if err := activity.Share.MarkBusy(); err != nil {
		return err
	}
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT errors FROM uploads WHERE id = $1", id).Scan(&n); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE uploads SET errors = $1 WHERE id = $2", n+1, id) // want `^lost update: n is read at busyflag\.go:\d+ and written back here outside a locking transaction`
	return err
}

// syncer skips a run while another is under way, with sync.Mutex.TryLock.
type syncer struct {
	mu sync.Mutex
	db *sql.DB
}

func (s *syncer) run(ctx context.Context, id int64) error {
	if !s.mu.TryLock() {
		return nil
	}
	defer s.mu.Unlock()
	var n int64
	if err := s.db.QueryRowContext(ctx, "SELECT errors FROM file_syncs WHERE id = $1", id).Scan(&n); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, "UPDATE file_syncs SET errors = $1 WHERE id = $2", n+1, id) // want `^lost update: n is read at busyflag\.go:\d+ and written back here under a sync\.Mutex, which serialises requests in this process only`
	return err
}

// syncAccount counts an account's errors in Go under the busy flag; a
// request logs errors of the same account without it (logAccountError).
func syncAccount(ctx context.Context, db *sql.DB, id int64) error {
	if err := activity.Share.Start(); err != nil {
		return err
	}
	defer activity.Share.Stop()
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT acc_errors FROM accounts WHERE id = $1", id).Scan(&n); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET acc_errors = $1 WHERE id = $2", n+1, id) // want `^lost update: n is read at busyflag\.go:\d+ and written back here outside a locking transaction \(under the busy flag that Activity\.Start sets`
	return err
}

// logAccountError counts an error of an account, in a request.
func logAccountError(ctx context.Context, db *sql.DB, id int64) error {
	_, err := db.ExecContext(ctx, "UPDATE accounts SET acc_errors = acc_errors + 1 WHERE id = $1", id)
	return err
}

// purgeMissing flags a file missing under the busy flag after a check of
// the flag read: two purges cannot both pass the check in one process.
func purgeMissing(ctx context.Context, db *sql.DB, id int64, exists func() bool) error {
	if err := activity.Share.Start(); err != nil {
		return err
	}
	defer activity.Share.Stop()
	var missing bool
	if err := db.QueryRowContext(ctx, "SELECT missing FROM uploads WHERE id = $1", id).Scan(&missing); err != nil {
		return err
	}
	if missing || exists() {
		return nil
	}
	if _, err := db.ExecContext(ctx, "UPDATE uploads SET missing = true WHERE id = $1", id); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "DELETE FROM thumbnails WHERE upload_id = $1", id)
	return err
}
