// Package selfset saves records through methods that set a field // want package:`\) writes mail_logs\.processing}$`
// themselves before the save (m.Processing = false; db.Save(m)): the
// column goes to the database as the method set it, not as the caller
// read it, so a stale copy of it is not what is written.
package selfset

import (
	"time"

	"gorm.io/gorm"
)

type MailLog struct {
	ID         int64
	CampaignID int64
	SendDate   time.Time
	Processing bool
}

// Unlock clears the processing flag and saves the log whole.
func (m *MailLog) Unlock(db *gorm.DB) error { // want Unlock:`^writes param 0 \(whole\) on param 1; changes param 0\.Processing$`
	m.Processing = false
	return db.Save(m).Error
}

// Touch saves the log whole, as it is.
func (m *MailLog) Touch(db *gorm.DB) error { // want Touch:`^writes param 0 \(whole\) on param 1$`
	return db.Save(m).Error
}

// UnlockAll clears every log's flag at start-up.
func UnlockAll(db *gorm.DB) error { // want UnlockAll:`^writes processing on param 0$`
	return db.Model(&MailLog{}).Where("1 = 1").Update("processing", false).Error
}

// launch unlocks the logs due later: the flag is written as Unlock sets
// it.
func launch(db *gorm.DB, campaign int64, now time.Time) error {
	var ms []*MailLog
	if err := db.Where("campaign_id = ?", campaign).Find(&ms).Error; err != nil {
		return err
	}
	for _, m := range ms {
		if m.SendDate.After(now) {
			if err := m.Unlock(db); err != nil {
				return err
			}
		}
	}
	return nil
}

// reschedule moves a log and saves it with Touch: the flag goes back as
// read, undoing an UnlockAll in between.
func reschedule(db *gorm.DB, id int64, when time.Time) error {
	var m MailLog
	if err := db.First(&m, id).Error; err != nil {
		return err
	}
	m.SendDate = when
	return m.Touch(db) // want `^stale row: m is read at selfset\.go:\d+ and written back whole here by MailLog\.Touch with a new m\.SendDate; processing goes back as read`
}
