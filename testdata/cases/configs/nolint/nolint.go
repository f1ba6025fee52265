// Package nolint shows golangci-lint's //nolint comments silencing // want package:`writes stats\.n`
// findings when the analyzer is told to honour them, as the standalone
// command and go vet are: those that name lostupdate, all linters, or no
// linter.
package nolint

import (
	"context"
	"database/sql"
)

func load(ctx context.Context, db *sql.DB, id int64) (int64, error) {
	var n int64
	err := db.QueryRowContext(ctx, "SELECT n FROM stats WHERE id = $1", id).Scan(&n)
	return n, err
}

func named(ctx context.Context, db *sql.DB, id int64) error {
	n, err := load(ctx, db, id)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "UPDATE stats SET n = $1 WHERE id = $2", n+1, id) //nolint:lostupdate // one writer per id
	return err
}

func inAList(ctx context.Context, db *sql.DB, id int64) error {
	n, err := load(ctx, db, id)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "UPDATE stats SET n = $1 WHERE id = $2", n+1, id) //nolint:errcheck,lostupdate
	return err
}

func bare(ctx context.Context, db *sql.DB, id int64) error {
	n, err := load(ctx, db, id)
	if err != nil {
		return err
	}
	//nolint
	_, err = db.ExecContext(ctx, "UPDATE stats SET n = $1 WHERE id = $2", n+1, id)
	return err
}

//nolint:all // the nightly job is the only writer
func wholeFunction(ctx context.Context, db *sql.DB, id int64) error {
	n, err := load(ctx, db, id)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "UPDATE stats SET n = $1 WHERE id = $2", n+1, id)
	return err
}

func otherLinter(ctx context.Context, db *sql.DB, id int64) error {
	n, err := load(ctx, db, id)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "UPDATE stats SET n = $1 WHERE id = $2", n+1, id) //nolint:errcheck // want `^lost update: n is read at nolint.go:\d+`
	return err
}

func notADirective(ctx context.Context, db *sql.DB, id int64) error {
	n, err := load(ctx, db, id)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "UPDATE stats SET n = $1 WHERE id = $2", n+1, id) //nolintlostupdate // want `^lost update: n is read at nolint.go:\d+`
	return err
}
