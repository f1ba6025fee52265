// Package made writes values that code the analysis cannot see into made // want package:`writes users\.host`
// from a loaded column: from the row's own columns alone, such a value may
// be the column changed; from the row and a value of another origin (the
// request's resolver), it is a value of its own.
package made

import (
	"context"
	"database/sql"
	"net"
	"strings"
)

// canonical asks the resolver for a host's canonical name.
func canonical(ctx context.Context, r *net.Resolver, host string) (string, error) {
	return r.LookupCNAME(ctx, host)
}

// Rehost writes the host a resolver gives for the user's host, in the
// zone the request names: a value the lookup made from the host read and
// the resolver, not the host read changed, so nothing read is written back.
func Rehost(ctx context.Context, db *sql.DB, r *net.Resolver, id int64, zone string) error { // want Rehost:`writes param 2 to host on param 1 \(pool\); writes param 4 to host`
	var host string
	if err := db.QueryRowContext(ctx, "SELECT host FROM users WHERE id = $1", id).Scan(&host); err != nil {
		return err
	}
	cname, err := canonical(ctx, r, host)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "UPDATE users SET host = $1 WHERE id = $2", strings.ToLower(cname)+zone, id)
	return err
}

// AddPort writes the host joined with a port the row holds too: made of
// the row's own columns, it is the host read changed, and a host another
// request set in between is lost.
func AddPort(ctx context.Context, db *sql.DB, id int64) error { // want AddPort:`changes the database`
	var host, port string
	if err := db.QueryRowContext(ctx, "SELECT host, port FROM users WHERE id = $1", id).Scan(&host, &port); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE users SET host = $1 WHERE id = $2", net.JoinHostPort(host, port)+"/"+port, id) // want `^lost update: host is read at made\.go:\d+ and written back here`
	return err
}
