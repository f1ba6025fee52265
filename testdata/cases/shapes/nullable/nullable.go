// Package nullable reads rows whose columns may be NULL (sql.NullInt64, // want package:`writes consents\.preset, consents\.prompts, consents\.responded_at`
// sql.NullTime) and changes them through model methods: a nullable value
// is one column, replaced whole or changed in place, and a method's
// branch on an argument of zero (SetResponded(t, 0)) does not run.
package nullable

import (
	"database/sql"
	"time"
)

// Consent is a row of consents.
type Consent struct {
	ID          int64         `db:"id"`
	RespondedAt sql.NullTime  `db:"responded_at"`
	Preset      sql.NullInt64 `db:"preset"`
	Prompts     sql.NullInt64 `db:"prompts"`
}

// SetResponded records the response, and the preset it came from when
// there was one.
func (c *Consent) SetResponded(t time.Time, preset int64) { // want SetResponded:`changes param 0.Preset \(maybe\); changes param 0.RespondedAt; with param 2 zero: \{changes param 0.RespondedAt\}`
	c.RespondedAt = sql.NullTime{Time: t, Valid: true}
	if preset > 0 {
		c.Preset = sql.NullInt64{Int64: preset, Valid: true}
	}
}

// Prompted counts a prompt, and adds a grace prompt when asked to.
func (c *Consent) Prompted(grace int64) { // want Prompted:`changes param 0.Prompts.Int64 \(maybe\); with param 1 zero: \{\}`
	if grace != 0 {
		c.Prompts.Int64 += grace
	}
}

func load(db *sql.DB, id int64) (*Consent, error) {
	c := &Consent{}
	err := db.QueryRow("SELECT id, responded_at, preset, prompts FROM consents WHERE id = $1", id).Scan(&c.ID, &c.RespondedAt, &c.Preset, &c.Prompts)
	return c, err
}

// respond replaces the preset (or keeps it) and writes it back: the value
// written is the one read or one that came from no read, never one
// computed from what was read.
func respond(db *sql.DB, id, preset int64) error {
	c, err := load(db, id)
	if err != nil {
		return err
	}
	c.SetResponded(time.Now(), preset)
	_, err = db.Exec("UPDATE consents SET responded_at = $1, preset = $2 WHERE id = $3", c.RespondedAt, c.Preset, c.ID)
	return err
}

// countPrompt adds to a nullable count in Go: a lost update of prompts.
func countPrompt(db *sql.DB, id int64) error {
	c, err := load(db, id)
	if err != nil {
		return err
	}
	c.Prompts.Int64++
	c.Prompts.Valid = true
	_, err = db.Exec("UPDATE consents SET prompts = $1 WHERE id = $2", c.Prompts, c.ID) // want `^lost update: c.Prompts.Int64 is read at nullable.go:\d+ \(by nullable.load, at nullable.go:\d+\) and written back here`
	return err
}

// promptWithGrace adds the grace prompts the caller asks for.
func promptWithGrace(db *sql.DB, id, grace int64) error {
	c, err := load(db, id)
	if err != nil {
		return err
	}
	c.Prompted(grace)
	_, err = db.Exec("UPDATE consents SET prompts = $1 WHERE id = $2", c.Prompts, c.ID) // want `^lost update: c.Prompts.Int64 is read at nullable.go:\d+`
	return err
}

// promptNoGrace passes 0: Prompted changes nothing, and the count goes
// back as it was read: not a lost update, but a stale row, since
// countPrompt adds to it.
func promptNoGrace(db *sql.DB, id int64) error {
	c, err := load(db, id)
	if err != nil {
		return err
	}
	c.Prompted(0)
	_, err = db.Exec("UPDATE consents SET prompts = $1, responded_at = $2 WHERE id = $3", c.Prompts, time.Now(), c.ID) // want `^stale row: c is read at nullable.go:\d+ \(by nullable.load, at nullable.go:\d+\) and written back whole here with a new responded_at; prompts goes back as read`
	return err
}

// touch copies the response time and sets it to now when asked: a value
// replaced part by part with no read data in it is not changed from what
// was read.
func touch(db *sql.DB, id int64, now bool) error {
	c, err := load(db, id)
	if err != nil {
		return err
	}
	at := c.RespondedAt
	if now {
		at.Time = time.Now()
		at.Valid = true
	}
	_, err = db.Exec("UPDATE consents SET responded_at = $1 WHERE id = $2", at, c.ID)
	return err
}

// bump copies the count and adds to its parts: changed from what was read.
func bump(db *sql.DB, id int64) error {
	c, err := load(db, id)
	if err != nil {
		return err
	}
	n := c.Prompts
	n.Int64 += 2
	_, err = db.Exec("UPDATE consents SET prompts = $1 WHERE id = $2", n, c.ID) // want `^lost update: n.Int64 is read at nullable.go:\d+`
	return err
}
