package dberr_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	_ "modernc.org/sqlite"

	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

func TestClassify(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("incr %q: %w", "x", err) }
	tests := []struct {
		name                        string
		err                         error
		retryable, lost, outOfRange bool
	}{
		{name: "pg serialization failure", err: wrap(&pgconn.PgError{Code: "40001"}), retryable: true},
		{name: "pg deadlock", err: wrap(&pgconn.PgError{Code: "40P01"}), retryable: true},
		{name: "pg unique violation", err: wrap(&pgconn.PgError{Code: "23505"})},
		{name: "pg out of range", err: wrap(&pgconn.PgError{Code: "22003"}), outOfRange: true},
		{name: "pg terminated", err: wrap(&pgconn.PgError{Code: "57P01"}), lost: true},
		{name: "mysql deadlock", err: wrap(&mysql.MySQLError{Number: 1213}), retryable: true},
		{name: "mysql lock wait timeout", err: wrap(&mysql.MySQLError{Number: 1205}), retryable: true},
		{name: "mysql out of range", err: wrap(&mysql.MySQLError{Number: 1690}), outOfRange: true},
		{name: "mysql duplicate", err: wrap(&mysql.MySQLError{Number: 1062})},
		{name: "mysql invalid connection", err: wrap(mysql.ErrInvalidConn), lost: true},
		{name: "bad conn", err: wrap(driver.ErrBadConn), lost: true},
		{name: "eof", err: wrap(io.ErrUnexpectedEOF), lost: true},
		{name: "connection refused", err: wrap(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}), lost: true},
		{name: "dial timeout", err: wrap(&net.OpError{Op: "dial", Net: "tcp", Err: context.DeadlineExceeded}), lost: true},
		{name: "connection reset", err: wrap(&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), lost: true},
		{name: "broken pipe", err: wrap(&net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.EPIPE)}), lost: true},
		{name: "closed", err: wrap(net.ErrClosed), lost: true},
		{name: "nil", err: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dberr.Retryable(tt.err); got != tt.retryable {
				t.Errorf("Retryable(%v) = %v", tt.err, got)
			}
			if got := dberr.ConnectionLost(tt.err); got != tt.lost {
				t.Errorf("ConnectionLost(%v) = %v", tt.err, got)
			}
			if got := dberr.OutOfRange(tt.err); got != tt.outOfRange {
				t.Errorf("OutOfRange(%v) = %v", tt.err, got)
			}
		})
	}
}

// TestSQLiteErrors gets real errors from SQLite, whose error type cannot be built by hand.
func TestSQLiteErrors(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (n INTEGER CHECK (typeof(n) = 'integer'))`); err != nil {
		t.Fatal(err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO t (n) VALUES (9223372036854775807 + 1)`)
	if !dberr.OutOfRange(err) || dberr.Retryable(err) {
		t.Errorf("integer overflow into a CHECK: OutOfRange %v, Retryable %v (%v)", dberr.OutOfRange(err), dberr.Retryable(err), err)
	}

	holder, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer holder.ExecContext(ctx, "ROLLBACK")
	_, err = db.ExecContext(ctx, `INSERT INTO t (n) VALUES (1)`)
	if !dberr.Retryable(err) || dberr.OutOfRange(err) {
		t.Errorf("write while another connection holds the write lock: Retryable %v (%v)", dberr.Retryable(err), err)
	}
}

// TestNetworkErrors gets a real reset and a real refusal from the network stack: both
// are connections lost.
func TestNetworkErrors(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			accepted <- c
		}
		close(accepted)
	}()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	server, ok := <-accepted
	if !ok {
		t.Fatal("the listener accepted no connection")
	}
	// Closing with SO_LINGER 0 sends a reset instead of a FIN.
	if err := server.(*net.TCPConn).SetLinger(0); err != nil {
		t.Fatal(err)
	}
	server.Close()
	_, err = c.Read(make([]byte, 1))
	if !errors.Is(err, syscall.ECONNRESET) || !dberr.ConnectionLost(err) {
		t.Errorf("read after a reset: %v; want ECONNRESET, ConnectionLost true (%v)", err, dberr.ConnectionLost(err))
	}

	l.Close() // nothing listens at addr now
	_, err = net.Dial("tcp", addr)
	if !errors.Is(err, syscall.ECONNREFUSED) || !dberr.ConnectionLost(err) {
		t.Errorf("dial where nothing listens: %v; want ECONNREFUSED, ConnectionLost true (%v)", err, dberr.ConnectionLost(err))
	}
}
