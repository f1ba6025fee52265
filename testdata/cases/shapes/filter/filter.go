// Package filter takes a group out of a user's list as Casdoor does // want package:`analysed`
// (util.DeleteVal): the list is rebuilt from the one read, without the
// group the request names. Written back, it loses a group another request
// added in between, as an append would. A list rebuilt without its empty
// entries is only tidied.
package filter

import "gorm.io/gorm"

type Member struct {
	ID     int64
	Groups []string `gorm:"serializer:json"`
}

// deleteVal returns values without val.
func deleteVal(values []string, val string) []string {
	kept := []string{}
	for _, v := range values {
		if v != val {
			kept = append(kept, v)
		}
	}
	return kept
}

// compact returns values without empty entries.
func compact(values []string) []string {
	kept := []string{}
	for _, v := range values {
		if v != "" {
			kept = append(kept, v)
		}
	}
	return kept
}

// leave takes a member out of a group.
func leave(db *gorm.DB, id int64, group string) error {
	var m Member
	if err := db.First(&m, id).Error; err != nil {
		return err
	}
	m.Groups = deleteVal(m.Groups, group)
	return db.Model(&m).Select("groups").Updates(&m).Error // want `^lost update: m\.Groups is read at filter\.go:40`
}

// tidy drops a member's empty group names.
func tidy(db *gorm.DB, id int64) error {
	var m Member
	if err := db.First(&m, id).Error; err != nil {
		return err
	}
	m.Groups = compact(m.Groups)
	return db.Model(&m).Select("groups").Updates(&m).Error
}
