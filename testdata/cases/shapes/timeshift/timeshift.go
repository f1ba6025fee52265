// Package timeshift moves times read from the database: a subscription // want package:`writes subscriptions\.ends_at; updates atomically subscriptions\.ends_at`
// extended by a month in Go and written back loses a concurrent extension,
// as a count incremented in Go does.
package timeshift

import (
	"context"
	"database/sql"
	"time"
)

// extend adds a month to the subscription's end in Go: two payments that
// arrive together both read the same end, and one month is lost.
func extend(ctx context.Context, db *sql.DB, id int64) error {
	var ends time.Time
	if err := db.QueryRowContext(ctx, "SELECT ends_at FROM subscriptions WHERE id = $1", id).Scan(&ends); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE subscriptions SET ends_at = $1 WHERE id = $2", ends.AddDate(0, 1, 0), id) // want `^lost update: ends is read at timeshift.go:16 and written back here`
	return err
}

// extendByDuration adds a fixed duration.
func extendByDuration(ctx context.Context, db *sql.DB, id int64, d time.Duration) error {
	var ends time.Time
	if err := db.QueryRowContext(ctx, "SELECT ends_at FROM subscriptions WHERE id = $1", id).Scan(&ends); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE subscriptions SET ends_at = $1 WHERE id = $2", ends.Add(d), id) // want `^lost update: ends is read at timeshift.go:26 and written back here`
	return err
}

// extendAtomic lets the database add the month.
func extendAtomic(ctx context.Context, db *sql.DB, id int64) error {
	_, err := db.ExecContext(ctx, "UPDATE subscriptions SET ends_at = ends_at + interval '1 month' WHERE id = $1", id)
	return err
}

// normalise writes the end back in UTC: the same instant, not a change.
func normalise(ctx context.Context, db *sql.DB, id int64) error {
	var ends time.Time
	if err := db.QueryRowContext(ctx, "SELECT ends_at FROM subscriptions WHERE id = $1", id).Scan(&ends); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE subscriptions SET ends_at = $1 WHERE id = $2", ends.UTC(), id)
	return err
}
