// Package missingrow keeps a schedule's overrides in one JSON document per // want package:`writes limits\.updated_at, limits\.value, schedule_data\.data`
// schedule, created on first use. A SELECT … FOR UPDATE that finds no row
// locks nothing: two requests both find none, both build a document from
// nothing and upsert it, and ON CONFLICT DO UPDATE lets the second
// overwrite what the first inserted. Without a lock, a read that finds no
// row and then stores defaults with such an upsert writes over a row
// another request inserted meanwhile.
package missingrow

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
)

// The upserts: insert the document, or replace the one stored.
const (
	upsertParam    = "INSERT INTO schedule_data (schedule_id, data) VALUES ($1, $2) ON CONFLICT (schedule_id) DO UPDATE SET data = $2"
	upsertExcluded = "INSERT INTO schedule_data (schedule_id, data) VALUES ($1, $2) ON CONFLICT (schedule_id) DO UPDATE SET data = EXCLUDED.data"
)

// Data is the stored document.
type Data struct {
	Overrides []string `json:"overrides"`
}

// updateRacy goes on with an empty document when the row is missing and
// upserts: the lock protects an existing row only.
func updateRacy(ctx context.Context, db *sql.DB, id string, apply func(*Data) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var raw json.RawMessage
	err = tx.QueryRowContext(ctx, "SELECT data FROM schedule_data WHERE schedule_id = $1 FOR UPDATE", id).Scan(&raw)
	if err == sql.ErrNoRows {
		err = nil
	}
	if err != nil {
		return err
	}
	var d Data
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &d); err != nil {
			return err
		}
	}
	if err := apply(&d); err != nil {
		return err
	}
	raw, err = json.Marshal(d)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, upsertParam, id, raw) // want `^lost update: raw is read with FOR UPDATE at missingrow\.go:37, but when no schedule_data row exists yet the lock holds nothing: two requests can both find none, and the upsert here then overwrites the row the other inserted \(its conflict action sets data\)\. Create the row first`
	if err != nil {
		return err
	}
	return tx.Commit()
}

// addOverrideRacy tolerates the missing row with errors.Is and changes the
// document in place.
func addOverrideRacy(ctx context.Context, db *sql.DB, id, o string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var raw []byte
	if err := tx.QueryRowContext(ctx, "SELECT data FROM schedule_data WHERE schedule_id = $1 FOR UPDATE", id).Scan(&raw); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var d Data
	if raw != nil {
		if err := json.Unmarshal(raw, &d); err != nil {
			return err
		}
	}
	d.Overrides = append(d.Overrides, o)
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, upsertExcluded, id, b); err != nil { // want `^lost update: (raw|d\.Overrides) is read with FOR UPDATE at missingrow\.go:73, but when no schedule_data row exists yet the lock holds nothing`
		return err
	}
	return tx.Commit()
}

// updateInsertFirst is the fix: when the row is missing it inserts an
// empty one and locks that, so the write is always to a locked row, and a
// plain UPDATE.
func updateInsertFirst(ctx context.Context, db *sql.DB, id string, apply func(*Data) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var raw json.RawMessage
	err = tx.QueryRowContext(ctx, "SELECT data FROM schedule_data WHERE schedule_id = $1 FOR UPDATE", id).Scan(&raw)
	if err == sql.ErrNoRows {
		_, err = tx.ExecContext(ctx, "INSERT INTO schedule_data (schedule_id, data) VALUES ($1, '{}') ON CONFLICT DO NOTHING", id)
		if err == nil {
			err = tx.QueryRowContext(ctx, "SELECT data FROM schedule_data WHERE schedule_id = $1 FOR UPDATE", id).Scan(&raw)
		}
	}
	if err != nil {
		return err
	}
	var d Data
	if err := json.Unmarshal(raw, &d); err != nil {
		return err
	}
	if err := apply(&d); err != nil {
		return err
	}
	raw, err = json.Marshal(d)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE schedule_data SET data = $2 WHERE schedule_id = $1", id, raw); err != nil {
		return err
	}
	return tx.Commit()
}

// updateExisting refuses a missing row, so the upsert only ever meets the
// row it locked.
func updateExisting(ctx context.Context, db *sql.DB, id, o string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var raw []byte
	err = tx.QueryRowContext(ctx, "SELECT data FROM schedule_data WHERE schedule_id = $1 FOR UPDATE", id).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return errors.New("schedule has no data yet")
	}
	if err != nil {
		return err
	}
	var d Data
	if err := json.Unmarshal(raw, &d); err != nil {
		return err
	}
	d.Overrides = append(d.Overrides, o)
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, upsertExcluded, id, b); err != nil {
		return err
	}
	return tx.Commit()
}

// setOverridesBlind writes a document that does not depend on what was
// read: whichever request upserts last wins, as each asked.
func setOverridesBlind(ctx context.Context, db *sql.DB, id string, overrides []string) (int, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var raw []byte
	err = tx.QueryRowContext(ctx, "SELECT data FROM schedule_data WHERE schedule_id = $1 FOR UPDATE", id).Scan(&raw)
	if err != nil && err != sql.ErrNoRows {
		return 0, err
	}
	b, err := json.Marshal(Data{Overrides: overrides})
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, upsertExcluded, id, b); err != nil {
		return 0, err
	}
	return len(raw), tx.Commit()
}

// Limit is a row of limits: one per tenant and resource.
type Limit struct {
	Resource string
	Value    int
}

// saveLimits stores limits, replacing those a tenant has.
func saveLimits(ctx context.Context, db *sql.DB, tenant string, limits []Limit) error {
	for _, l := range limits {
		if _, err := db.ExecContext(ctx, `INSERT INTO limits (tenant, resource, value, updated_at) VALUES ($1, $2, $3, now())
			ON CONFLICT (tenant, resource) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`, tenant, l.Resource, l.Value); err != nil {
			return err
		}
	}
	return nil
}

// insertLimits stores limits a tenant does not have yet.
func insertLimits(ctx context.Context, db *sql.DB, tenant string, limits []Limit) error {
	for _, l := range limits {
		if _, err := db.ExecContext(ctx, "INSERT INTO limits (tenant, resource, value) VALUES ($1, $2, $3) ON CONFLICT (tenant, resource) DO NOTHING", tenant, l.Resource, l.Value); err != nil {
			return err
		}
	}
	return nil
}

var defaults = []Limit{{"runs", 1000}, {"workers", 4}}

// limitRacy stores the defaults when the tenant has no limit yet, with an
// upsert: a limit an admin set meanwhile (a paid plan) is overwritten.
func limitRacy(ctx context.Context, db *sql.DB, tenant, resource string) (int, error) {
	var v int
	err := db.QueryRowContext(ctx, "SELECT value FROM limits WHERE tenant = $1 AND resource = $2", tenant, resource).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 1000, saveLimits(ctx, db, tenant, defaults) // want `^check then write: no limits row is found at missingrow\.go:\d+, and only then the upsert here by missingrow\.saveLimits runs, whose conflict action writes value over the row that is there`
	}
	return v, err
}

// limitInsertOnly is the fix: the defaults go in only where no limit is.
func limitInsertOnly(ctx context.Context, db *sql.DB, tenant, resource string) (int, error) {
	var v int
	err := db.QueryRowContext(ctx, "SELECT value FROM limits WHERE tenant = $1 AND resource = $2", tenant, resource).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		if err := insertLimits(ctx, db, tenant, defaults); err != nil {
			return 0, err
		}
		err = db.QueryRowContext(ctx, "SELECT value FROM limits WHERE tenant = $1 AND resource = $2", tenant, resource).Scan(&v)
	}
	return v, err
}

// saveLimitMySQL stores a limit with MySQL's upsert, replacing the one a
// tenant has.
func saveLimitMySQL(ctx context.Context, db *sql.DB, tenant, resource string, value int) error {
	_, err := db.ExecContext(ctx, "INSERT INTO limits (tenant, resource, value) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)", tenant, resource, value)
	return err
}

// limitRacyMySQL is limitRacy on MySQL.
func limitRacyMySQL(ctx context.Context, db *sql.DB, tenant, resource string) (int, error) {
	var v int
	err := db.QueryRowContext(ctx, "SELECT value FROM limits WHERE tenant = ? AND resource = ?", tenant, resource).Scan(&v)
	if err == sql.ErrNoRows {
		return 1000, saveLimitMySQL(ctx, db, tenant, resource, 1000) // want `^check then write: no limits row is found at missingrow\.go:\d+, and only then the upsert here by missingrow\.saveLimitMySQL runs, whose conflict action writes value over the row that is there`
	}
	return v, err
}
