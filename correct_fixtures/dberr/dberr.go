// Package dberr classifies the database errors that the fixture services act on:
// failures after which a transaction may simply be run again, broken connections
// and values out of range.
// It knows the error types of the three SQL drivers in use (pgx, go-sql-driver/mysql,
// modernc.org/sqlite) so that a strategy can write one retry loop for all of them.
package dberr

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// SQLite result codes used here (the low byte of an extended code is its primary code).
const (
	sqliteBusy            = 5
	sqliteLocked          = 6
	sqliteConstraintCheck = 275
)

// Retryable reports whether err means the database gave up on the transaction because
// of a concurrent one, so that running the whole transaction again may succeed and
// nothing of the failed attempt was applied:
//   - PostgreSQL 40001 serialization_failure and 40P01 deadlock_detected;
//   - MySQL/MariaDB 1213 (deadlock: the transaction was rolled back) and 1205 (lock
//     wait timeout: only the statement was rolled back, so the caller must roll back
//     the transaction before it runs it again, as every retry loop here does);
//   - SQLite SQLITE_BUSY and SQLITE_LOCKED, with their extended codes
//     (SQLITE_BUSY_SNAPSHOT: a read transaction cannot become a write transaction
//     because another connection wrote after its snapshot).
func Retryable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	var my *mysql.MySQLError
	if errors.As(err, &my) {
		return my.Number == 1213 || my.Number == 1205
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		c := lite.Code() & 0xff
		return c == sqliteBusy || c == sqliteLocked
	}
	return false
}

// OutOfRange reports whether err means a value did not fit its column: PostgreSQL
// 22003 numeric_value_out_of_range, MySQL 1264 and 1690, and on SQLite the failure
// of a CHECK constraint (the fixture schemas use CHECK (typeof(n) = 'integer') because
// SQLite turns an overflowing integer into a float instead of failing).
func OutOfRange(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "22003"
	}
	var my *mysql.MySQLError
	if errors.As(err, &my) {
		return my.Number == 1264 || my.Number == 1690
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code() == sqliteConstraintCheck
	}
	return false
}

// ConnectionLost reports whether err means the connection to the server broke
// (killed by an administrator, a restart, a network failure), as opposed to the server
// refusing the statement. Whether the statement took effect is unknown unless the
// caller knows that it had not yet sent its commit.
func ConnectionLost(err error) bool {
	if err == nil {
		return false
	}
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, mysql.ErrInvalidConn),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNREFUSED):
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		// Class 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown,
		// cannot connect now.
		return strings.HasPrefix(pg.Code, "08") || pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03"
	}
	var my *mysql.MySQLError
	if errors.As(err, &my) {
		return my.Number == 1927 // ER_CONNECTION_KILLED
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	// pgx reports a connection it closed after a failure as "conn closed" in
	// an error type of its own.
	return strings.Contains(err.Error(), "conn closed")
}
