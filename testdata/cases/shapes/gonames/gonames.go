// Package gonames keeps its GORM writes behind methods of the model that // want package:`updates atomically members\.login_count`
// take the values as a map. The callers name the fields by their Go
// names, as GORM allows: the columns are the fields' columns.
package gonames

import "gorm.io/gorm"

// Member is a row of members.
type Member struct {
	ID         uint
	Name       string
	LoginCount int
}

// updates writes the given fields of the member.
func (m *Member) updates(db *gorm.DB, values map[string]any) error {
	return db.Model(m).Updates(values).Error
}

// countLoginRacy adds one to the count it read, through the method.
func countLoginRacy(db *gorm.DB, id uint) error {
	var m Member
	if err := db.First(&m, id).Error; err != nil {
		return err
	}
	return m.updates(db, map[string]any{"LoginCount": m.LoginCount + 1}) // want `^lost update: m\.LoginCount is read at gonames\.go:\d+ and written back here by Member\.updates outside a locking transaction; .* Use an atomic update \(Update\("login_count", gorm\.Expr\("login_count \+ \?", delta\)\)\)`
}

// countLoginAtomic lets the database add.
func countLoginAtomic(db *gorm.DB, id uint) error {
	return db.Model(&Member{ID: id}).Update("login_count", gorm.Expr("login_count + ?", 1)).Error
}

// Sync is a row of syncs.
type Sync struct {
	ID         uint
	Status     string
	RemoteSize int64
}

// updates writes the given fields of the sync.
func (s *Sync) updates(db *gorm.DB, values any) error {
	return db.Model(s).UpdateColumns(values).Error
}

// The statuses of a sync.
const (
	SyncNew        = "new"
	SyncDownloaded = "downloaded"
)

// refresh marks a downloaded file new again when the remote one changed:
// two refreshes that both pass write the same status.
func refresh(db *gorm.DB, id uint, size int64) error {
	var s Sync
	if err := db.First(&s, id).Error; err != nil {
		return err
	}
	if s.Status == SyncDownloaded && s.RemoteSize != size {
		return s.updates(db, map[string]any{"Status": SyncNew, "RemoteSize": size})
	}
	return nil
}

// Logger is the service's logger; its implementation is wired in main.
type Logger interface {
	Errorf(format string, args ...any)
}

// logErr logs an error, if there is one.
func logErr(log Logger, err error) {
	if err != nil {
		log.Errorf("sync: %s", err)
	}
}

// refreshLogged is refresh with its error logged: logging is no second
// effect of the check that two refreshes would both have.
func refreshLogged(db *gorm.DB, log Logger, id uint, size int64) {
	var s Sync
	if err := db.First(&s, id).Error; err != nil {
		logErr(log, err)
		return
	}
	if s.Status == SyncDownloaded && s.RemoteSize != size {
		logErr(log, s.updates(db, map[string]any{"Status": SyncNew, "RemoteSize": size}))
	}
}

// find loads a member.
func find(db *gorm.DB, id uint) (*Member, error) {
	var m Member
	if err := db.First(&m, id).Error; err != nil {
		return nil, err
	}
	return &m, nil
}

// countLogin adds one to the member's count in Go and writes it.
func (m *Member) countLogin(db *gorm.DB) error {
	m.LoginCount++
	return m.updates(db, map[string]any{"LoginCount": m.LoginCount})
}

// Visit is a visit of a member, who is loaded on first use.
type Visit struct {
	MemberID uint
	member   *Member
}

// countRacy loads the member into the visit and counts through a method:
// the message names the record and the column.
func (v *Visit) countRacy(db *gorm.DB) error {
	if v.member == nil {
		m, err := find(db, v.MemberID)
		if err != nil {
			return err
		}
		v.member = m
	}
	return v.member.countLogin(db) // want `^lost update: m \(login_count\) is read at gonames\.go:\d+ \(by gonames\.find, at gonames\.go:\d+\) and written back here by Member\.countLogin`
}
