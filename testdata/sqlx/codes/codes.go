// Package codes is a one-time code store on the sqlx fork // want package:`writes audit_code\.revoked, one_time_code\.consumed, one_time_code\.revoked`
// github.com/rpadovani/sqlx-v2, written as services keep their SQL: each
// statement built once in the constructor from a format and a table name,
// kept in an unexported field and rebound for PostgreSQL's placeholders,
// with a nullable consumed time (sql.NullTime) named by a db tag.
package codes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/rpadovani/sqlx-v2"
)

const tableCodes = "one_time_code"

const (
	queryFmtSelectCode = `
		SELECT id, signature, consumed, revoked
		FROM %s
		WHERE signature = ?;`

	queryFmtConsumeCode = `
		UPDATE %s
		SET consumed = ?
		WHERE signature = ?;`

	queryFmtConsumeCodeOnce = `
		UPDATE %s
		SET consumed = ?
		WHERE signature = ? AND consumed IS NULL;`
)

// Code is a row of one_time_code.
type Code struct {
	ID         int64        `db:"id"`
	Signature  string       `db:"signature"`
	ConsumedAt sql.NullTime `db:"consumed"`
	RevokedAt  sql.NullTime `db:"revoked"`
}

// Store keeps its statements in fields.
type Store struct {
	db *sqlx.DB

	sqlSelectCode      string
	sqlConsumeCode     string
	sqlConsumeCodeOnce string
}

// NewStore builds the statements from their formats.
func NewStore(db *sqlx.DB) *Store { // want NewStore:`result 0.db from param 0`
	return &Store{
		db:                 db,
		sqlSelectCode:      fmt.Sprintf(queryFmtSelectCode, tableCodes),
		sqlConsumeCode:     fmt.Sprintf(queryFmtConsumeCode, tableCodes),
		sqlConsumeCodeOnce: fmt.Sprintf(queryFmtConsumeCodeOnce, tableCodes),
	}
}

// NewPostgresStore rebinds them for PostgreSQL: the same statements.
func NewPostgresStore(db *sqlx.DB) *Store { // want NewPostgresStore:`result 0.db from param 0`
	s := NewStore(db)
	s.sqlSelectCode = db.Rebind(s.sqlSelectCode)
	s.sqlConsumeCode = db.Rebind(s.sqlConsumeCode)
	s.sqlConsumeCodeOnce = db.Rebind(s.sqlConsumeCodeOnce)
	return s
}

// Load finds a code by its signature.
func (s *Store) Load(ctx context.Context, signature string) (*Code, error) { // want Load:`loads result 0`
	c := &Code{}
	if err := s.db.GetContext(ctx, c, s.sqlSelectCode, signature); err != nil {
		return nil, err
	}
	return c, nil
}

// Consume marks a code used, whatever it holds now.
func (s *Store) Consume(ctx context.Context, c *Code) error { // want Consume:`writes param 2.ConsumedAt to consumed on param 0.db`
	_, err := s.db.ExecContext(ctx, s.sqlConsumeCode, c.ConsumedAt, c.Signature)
	return err
}

// ConsumeOnce marks a code used only while it is unused, and says when it
// was not.
func (s *Store) ConsumeOnce(ctx context.Context, c *Code) error { // want ConsumeOnce:`writes param 2.ConsumedAt to consumed on param 0.db`
	res, err := s.db.ExecContext(ctx, s.sqlConsumeCodeOnce, c.ConsumedAt, c.Signature)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.New("the code was used already")
	}
	return nil
}

// ErrUsed is returned for a code that was consumed before.
var ErrUsed = errors.New("the code was used already")

// redeem checks in Go that the code is unused, then marks it used with a
// write that does not check again: two requests with the same code both
// pass the check, and the code is redeemed twice.
func redeem(ctx context.Context, s *Store, signature string) error {
	c, err := s.Load(ctx, signature)
	if err != nil {
		return err
	}
	if c.ConsumedAt.Valid {
		return ErrUsed
	}
	c.ConsumedAt = sql.NullTime{Time: time.Now(), Valid: true}
	return s.Consume(ctx, c) // want `^check then write: c.ConsumedAt.Valid is read at codes.go:\d+ \(by Store.Load, at codes.go:\d+\) and checked at codes.go:\d+, but the write here by Store.Consume does not check it again, .*Repeat the check in the write \(UPDATE … WHERE … AND consumed IS NULL, then check RowsAffected\)`
}

// redeemOnce repeats the check in the write's WHERE clause.
func redeemOnce(ctx context.Context, s *Store, signature string) error {
	c, err := s.Load(ctx, signature)
	if err != nil {
		return err
	}
	if c.ConsumedAt.Valid {
		return ErrUsed
	}
	c.ConsumedAt = sql.NullTime{Time: time.Now(), Valid: true}
	return s.ConsumeOnce(ctx, c)
}

// revoke formats the table into the statements where it runs them, and
// checks in Go that the code is not revoked yet.
func revoke(ctx context.Context, db *sqlx.DB, signature string) error {
	var c Code
	if err := db.GetContext(ctx, &c, fmt.Sprintf(queryFmtSelectCode, tableCodes), signature); err != nil {
		return err
	}
	if c.RevokedAt.Valid {
		return nil
	}
	_, err := db.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET revoked = ? WHERE signature = ?", tableCodes), time.Now(), signature) // want `^check then write: c.RevokedAt.Valid is read at codes.go:\d+ and checked at codes.go:\d+, .*AND revoked IS NULL`
	return err
}

// revokeOtherTable formats another table into the write: a check of a code
// does not decide what happens to a row of another table.
func revokeOtherTable(ctx context.Context, db *sqlx.DB, signature string) error {
	var c Code
	if err := db.GetContext(ctx, &c, fmt.Sprintf(queryFmtSelectCode, tableCodes), signature); err != nil {
		return err
	}
	if c.RevokedAt.Valid {
		return nil
	}
	_, err := db.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET revoked = ? WHERE signature = ?", "audit_code"), time.Now(), signature)
	return err
}
