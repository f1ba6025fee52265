// Package columnparts keeps a storage policy's settings in a JSON column // want package:`writes policies\.name, policies\.settings`
// that the loader decodes into a struct the record points to, as ent's
// generated code does for a JSON field: one setting changed in Go and the
// settings written back lose another setting a concurrent request
// changed.
package columnparts

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
)

// Settings are a policy's settings, one JSON document.
type Settings struct {
	Redirect  string `json:"redirect"`
	ChunkSize int    `json:"chunk_size"`
}

// Value encodes the settings for the driver.
func (s *Settings) Value() (driver.Value, error) { return json.Marshal(s) } // want Value:`result 0 from param 0`

// Policy is a row of policies.
type Policy struct {
	ID       int64
	Name     string
	Settings *Settings
}

// getPolicy reads a policy and decodes its settings.
func getPolicy(ctx context.Context, db *sql.DB, id int64) (*Policy, error) {
	p := &Policy{}
	var raw []byte
	if err := db.QueryRowContext(ctx, "SELECT id, name, settings FROM policies WHERE id = $1", id).Scan(&p.ID, &p.Name, &raw); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &p.Settings); err != nil {
		return nil, err
	}
	return p, nil
}

// savePolicy writes a policy's name and settings.
func savePolicy(ctx context.Context, db *sql.DB, p *Policy) error {
	raw, err := json.Marshal(p.Settings)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "UPDATE policies SET name = $1, settings = $2 WHERE id = $3", p.Name, raw, p.ID)
	return err
}

// saveSettings writes a policy's settings, which the driver encodes.
func saveSettings(ctx context.Context, db *sql.DB, p *Policy) error {
	_, err := db.ExecContext(ctx, "UPDATE policies SET settings = $1 WHERE id = $2", p.Settings, p.ID)
	return err
}

// SetRedirectEncoded is SetRedirect through saveSettings.
func SetRedirectEncoded(ctx context.Context, db *sql.DB, id int64, url string) error { // want SetRedirectEncoded:`writes param 3 to settings on param 1 \(pool\)`
	p, err := getPolicy(ctx, db, id)
	if err != nil {
		return err
	}
	p.Settings.Redirect = url
	return saveSettings(ctx, db, p) // want `^lost update: p\.Settings is read at columnparts\.go:\d+ \(by columnparts\.getPolicy, at columnparts\.go:\d+\) and written back here by columnparts\.saveSettings outside a locking transaction`
}

// SetRedirect changes one setting and writes the settings back through
// savePolicy: a concurrent change of the chunk size is lost.
func SetRedirect(ctx context.Context, db *sql.DB, id int64, url string) error { // want SetRedirect:`writes param 3 to settings on param 1 \(pool\)`
	p, err := getPolicy(ctx, db, id)
	if err != nil {
		return err
	}
	p.Settings.Redirect = url
	return savePolicy(ctx, db, p) // want `^lost update: p\.Settings is read at columnparts\.go:\d+ \(by columnparts\.getPolicy, at columnparts\.go:\d+\) and written back here by columnparts\.savePolicy outside a locking transaction`
}

// Rename changes the name alone and writes it: the settings are not
// written.
func Rename(ctx context.Context, db *sql.DB, id int64, name string) error { // want Rename:`writes param 3 to name on param 1 \(pool\)`
	p, err := getPolicy(ctx, db, id)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "UPDATE policies SET name = $1 WHERE id = $2", name, p.ID)
	return err
}
