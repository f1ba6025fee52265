// Package rewrite keeps storage providers as Casdoor does: saving one // want package:`analysed`
// first expands its endpoint (a path under the home directory), a helper
// of one string that returns it in another form. The endpoint written
// back is the one read, not a change of it; a tag added from the request
// is.
package rewrite

import (
	"os"
	"path/filepath"
	"strings"

	"gorm.io/gorm"
)

type Provider struct {
	ID       int64
	Endpoint string
	Tags     string
	Metadata string
}

// expandPath expands a leading ~ to the home directory.
func expandPath(p string) (string, error) {
	if !strings.HasPrefix(p, "~/") {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return home + string(filepath.Separator) + p[2:], nil
}

// addTag adds a tag to a comma-separated list.
func addTag(tags, tag string) string {
	if tags == "" {
		return tag
	}
	return tags + "," + tag
}

// save expands the endpoint and writes the provider's columns.
func save(db *gorm.DB, p *Provider) error {
	resolved, err := expandPath(p.Endpoint)
	if err != nil {
		return err
	}
	p.Endpoint = resolved
	return db.Model(p).Select("endpoint", "tags", "metadata").Updates(p).Error
}

// scan records a scan's result: the endpoint goes back as read.
func scan(db *gorm.DB, id int64, result string) error {
	var p Provider
	if err := db.First(&p, id).Error; err != nil {
		return err
	}
	p.Metadata = result
	return save(db, &p)
}

// tag adds a tag in Go: two at once both read the same list and one tag
// is lost.
func tag(db *gorm.DB, id int64, t string) error {
	var p Provider
	if err := db.First(&p, id).Error; err != nil {
		return err
	}
	p.Tags = addTag(p.Tags, t)
	return save(db, &p) // want `^lost update: p\.Tags is read at rewrite\.go:67 and written back here by rewrite\.save`
}
