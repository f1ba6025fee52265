// Package wrapper wraps database/sql in logging methods that rewrite // want package:`writes clients\.name`
// placeholders, the way many services do: the SQL and its arguments pass
// through the wrapper, and the analyzer follows them.
package wrapper

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"strings"
)

// rebind turns ? placeholders into PostgreSQL's $n.
func rebind(query string) string {
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

type conn struct{ db *sql.DB }

func (c *conn) Exec(query string, args ...any) (sql.Result, error) { // want Exec:"execs the SQL of param 1 on param 0.db \\(pool\\)"
	log.Printf("exec %s", query)
	return c.db.Exec(rebind(query), args...)
}

func (c *conn) QueryRow(query string, args ...any) *sql.Row { // want QueryRow:"queries the SQL of param 1 on param 0.db \\(pool\\)"
	return c.db.QueryRow(rebind(query), args...)
}

type trans struct{ tx *sql.Tx }

func (t *trans) Exec(query string, args ...any) (sql.Result, error) { // want Exec:"execs the SQL of param 1 on param 0.tx \\(tx\\)"
	return t.tx.Exec(rebind(query), args...)
}

func (t *trans) QueryRow(query string, args ...any) *sql.Row { // want QueryRow:"queries the SQL of param 1 on param 0.tx \\(tx\\)"
	return t.tx.QueryRow(rebind(query), args...)
}

// ExecTx runs fn in a transaction.
func (c *conn) ExecTx(fn func(t *trans) error) error { // want ExecTx:"runs param 1 in a tx"
	tx, err := c.db.Begin()
	if err != nil {
		return err
	}
	if err := fn(&trans{tx: tx}); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (c *conn) renameClient(id, name string) error {
	_, err := c.Exec("UPDATE clients SET name = ? WHERE id = ?", name, id)
	return err
}

func (c *conn) useRefreshToken(id string) error {
	var uses int64
	if err := c.QueryRow("SELECT uses FROM refresh_tokens WHERE id = ?", id).Scan(&uses); err != nil {
		return err
	}
	_, err := c.Exec("UPDATE refresh_tokens SET uses = ? WHERE id = ?", uses+1, id) // want `lost update: uses is read at wrapper.go:70 and written back here outside a locking transaction`
	return err
}

func (c *conn) useRefreshTokenLocked(id string) error {
	return c.ExecTx(func(t *trans) error {
		var uses int64
		if err := t.QueryRow("SELECT uses FROM refresh_tokens WHERE id = ? FOR UPDATE", id).Scan(&uses); err != nil {
			return err
		}
		_, err := t.Exec("UPDATE refresh_tokens SET uses = ? WHERE id = ?", uses+1, id)
		return err
	})
}

func (c *conn) useRefreshTokenInTx(ctx context.Context, id string) error {
	return c.ExecTx(func(t *trans) error {
		var uses int64
		if err := t.QueryRow("SELECT uses FROM refresh_tokens WHERE id = ?", id).Scan(&uses); err != nil {
			return err
		}
		_, err := t.Exec("UPDATE refresh_tokens SET uses = ? WHERE id = ?", uses+1, id) // want `lost update: uses is read at wrapper.go:9\d`
		return err
	})
}
