// Package fillin indexes media files whose derived fields are filled in // want package:`writes files\.fps, files\.frames, files\.views`
// only while they are still empty: under `if m.FPS == 0`, the old FPS is
// zero, so the FPS written there is computed from the other fields, not
// from the FPS that was read. Such a write is not a lost update of FPS
// (and an atomic add would be nonsense); a field changed from its own
// nonzero value still is.
package fillin

import (
	"math"
	"time"

	"gorm.io/gorm"
)

type File struct {
	ID       uint
	Name     string
	FPS      float64
	Frames   int
	Duration time.Duration
	Views    int
}

// SetDuration sets the duration and fills in the frame count and rate
// from each other when one of them is missing.
func (m *File) SetDuration(d time.Duration) { // want SetDuration:`changes param 0\.Duration \(maybe\); changes param 0\.FPS \(maybe\); changes param 0\.Frames \(maybe\)`
	if d <= 0 {
		return
	}
	m.Duration = d
	if m.Frames == 0 && m.FPS > 1 {
		m.Frames = int(math.Round(m.FPS * m.Duration.Seconds()))
	}
	if m.FPS == 0 && m.Frames > 1 {
		m.FPS = float64(m.Frames) / m.Duration.Seconds()
	}
}

// SetFrames sets the frame count and fills in the rate.
func (m *File) SetFrames(n int) { // want SetFrames:`changes param 0\.FPS \(maybe\); changes param 0\.Frames \(maybe\)`
	if n <= 0 {
		return
	}
	m.Frames = n
	if m.FPS <= 0 && m.Duration > 0 {
		m.FPS = float64(m.Frames) / m.Duration.Seconds()
	}
}

// Reindex reads the file, fills in its media fields and saves it: no
// field is computed from its own old value.
func Reindex(db *gorm.DB, name string, d time.Duration, frames int) error { // want Reindex:`writes param 2 to duration on param 0; writes param 2 to fps on param 0`
	var f File
	if err := db.Where("name = ?", name).First(&f).Error; err != nil {
		return err
	}
	f.SetFrames(frames)
	f.SetDuration(d)
	return db.Save(&f).Error // want `^stale row: f is read at fillin\.go:55 and written back whole here with a new f\.FPS, f\.Frames and f\.Duration; views goes back as read, so a change another request made to it in between is undone \(fillin\.CountView writes views at fillin\.go:105\)`
}

// ReindexInline fills in the frame count and the rate from each other in
// the function that writes them.
func ReindexInline(db *gorm.DB, id uint, d time.Duration) error { // want ReindexInline:`writes param 2 to fps on param 0; writes param 2 to frames on param 0`
	var f File
	if err := db.First(&f, id).Error; err != nil {
		return err
	}
	secs := d.Seconds()
	if f.Frames == 0 && f.FPS > 1 {
		f.Frames = int(math.Round(f.FPS * secs))
	}
	if f.FPS == 0 && f.Frames > 1 {
		f.FPS = float64(f.Frames) / secs
	}
	return db.Model(&f).Updates(map[string]any{"fps": f.FPS, "frames": f.Frames}).Error
}

// DoubleRate changes the rate from its own nonzero value: another
// request's rate written in between is lost.
func DoubleRate(db *gorm.DB, id uint) error { // want DoubleRate:`changes the database`
	var f File
	if err := db.First(&f, id).Error; err != nil {
		return err
	}
	if f.FPS != 0 {
		f.FPS = f.FPS * 2
	}
	return db.Model(&f).Update("fps", f.FPS).Error // want `^lost update: f\.FPS is read at fillin\.go:84 and written back here outside a locking transaction.*gorm\.Expr\("fps \+ \?", delta\)`
}

// CountView adds to the count it read: another view counted in between
// is lost.
func CountView(db *gorm.DB, id uint) error { // want CountView:`changes the database`
	var f File
	if err := db.First(&f, id).Error; err != nil {
		return err
	}
	if f.Views != 0 {
		f.Views = f.Views + 1
	} else {
		f.Views = 1
	}
	return db.Model(&f).Update("views", f.Views).Error // want `^lost update: f\.Views is read at fillin\.go:97 and written back here outside a locking transaction`
}

type Account struct {
	ID     uint
	Type   string
	Errors int
	Limit  int
	Sync   bool
}

// DisableFailing turns sync off for the WebDAV accounts that failed too
// often. The check that skips the other types pins the type, but the type
// written back is still the one read, not a new value the check decides.
func DisableFailing(db *gorm.DB) error { // want DisableFailing:`writes sync on param 0`
	var accounts []Account
	if err := db.Where("sync = ?", true).Find(&accounts).Error; err != nil {
		return err
	}
	for _, a := range accounts {
		if a.Type != "webdav" {
			continue
		}
		if a.Limit > 0 && a.Errors > a.Limit {
			a.Sync = false
			if err := db.Save(&a).Error; err != nil {
				return err
			}
		}
	}
	return nil
}
