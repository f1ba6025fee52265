// Package forwarded keeps container registries whose storage quota is // want package:`analysed`
// stored in megabytes and given in kilobytes on request: find converts it
// only when its bool says so, and FindDefault hands its own bool on to
// it. A caller that passes false gets the quota as stored, and writing
// the record back puts it back unchanged; one that passes true writes
// back the converted quota, a value computed from the one read.
package forwarded

import (
	"gorm.io/gorm"
)

// Registry is a container registry.
type Registry struct {
	ID        uint
	Address   string
	Quota     int
	IsDefault bool
}

// find reads a registry, with its quota in kilobytes when inKB is true.
func find(db *gorm.DB, cond string, inKB bool) (*Registry, error) {
	var r Registry
	if err := db.Where(cond).First(&r).Error; err != nil {
		return nil, err
	}
	if inKB {
		r.Quota = r.Quota * 1024
	}
	return &r, nil
}

// save writes a registry whole.
func save(db *gorm.DB, r *Registry) error { return db.Save(r).Error }

// FindDefault reads the default registry.
func FindDefault(db *gorm.DB, inKB bool) (*Registry, error) { // want FindDefault:`loads result 0\.Quota on param 0 \(computed\); loads result 0 on param 0; with param 1 false: \{loads result 0 on param 0\}`
	return find(db, "is_default = true", inKB)
}

// Demote makes the default registry an ordinary one: its quota goes back
// as it was stored.
func Demote(db *gorm.DB) error { // want Demote:`writes is_default on param 0`
	reg, err := FindDefault(db, false)
	if err != nil {
		return err
	}
	reg.IsDefault = false
	return save(db, reg)
}

// Move gives the default registry a new address, and writes back the
// quota it converted.
func Move(db *gorm.DB, addr string) error { // want Move:`writes param 1 to address`
	reg, err := FindDefault(db, true)
	if err != nil {
		return err
	}
	reg.Address = addr
	return save(db, reg) // want `^lost update: reg\.Quota is read at forwarded\.go:\d+ \(by forwarded\.FindDefault, at forwarded\.go:\d+\) and written back here by forwarded\.save`
}
