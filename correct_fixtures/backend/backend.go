// Package backend opens the databases and caches that the fixture services run on and
// gives each run a private share of them: a database of its own on PostgreSQL and
// MariaDB, a file of its own for SQLite, a key prefix of its own on Redis and Memcached.
//
// A service never opens a driver itself: it is handed an [*Env] and uses Env.DB (with
// Env.Dialect to choose its SQL text), Env.Redis or Env.Memcache. The load harness and
// the tests get their Env from [Provision], which creates the private database and
// removes it again on Close; a long-running server gets it from [Open], which uses the
// database named in the DSN as it is.
//
// A new service (bookstore, bank) needs nothing new here: it reads the handles of the
// Env it is given and creates its tables with package migrate.
package backend

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Kind names a backend a service can run on.
type Kind string

// The backends the fixture services support.
const (
	Postgres  Kind = "postgres"
	MariaDB   Kind = "mariadb"
	SQLite    Kind = "sqlite"
	Redis     Kind = "redis"
	Memcached Kind = "memcached"
)

// Kinds returns every backend, SQL databases first.
func Kinds() []Kind { return []Kind{Postgres, MariaDB, SQLite, Redis, Memcached} }

// ParseKind returns the Kind named s; "mysql" is accepted for MariaDB.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(s) {
	case "postgres", "postgresql", "pg":
		return Postgres, nil
	case "mariadb", "mysql":
		return MariaDB, nil
	case "sqlite", "sqlite3":
		return SQLite, nil
	case "redis":
		return Redis, nil
	case "memcached", "memcache":
		return Memcached, nil
	}
	return "", fmt.Errorf("unknown backend %q: want one of postgres, mariadb, sqlite, redis, memcached", s)
}

// IsSQL reports whether k is a SQL database.
func (k Kind) IsSQL() bool { return k == Postgres || k == MariaDB || k == SQLite }

// IsCache reports whether k is a cache (Redis or Memcached).
func (k Kind) IsCache() bool { return k == Redis || k == Memcached }

// Server returns the name of the server process behind k, as a person would look for it.
func (k Kind) Server() string {
	switch k {
	case Postgres:
		return "PostgreSQL"
	case MariaDB:
		return "MariaDB"
	case SQLite:
		return "SQLite (embedded)"
	case Redis:
		return "Redis"
	case Memcached:
		return "Memcached"
	}
	return string(k)
}

// ErrUnavailable is returned (wrapped) when a backend's server does not answer.
var ErrUnavailable = errors.New("backend server unavailable")

// ErrUnsupported is returned (wrapped) when something is asked of a backend that it
// cannot do, such as a strategy it cannot run or chaos it cannot inflict.
var ErrUnsupported = errors.New("not supported on this backend")

// DefaultDSN returns the address of k's server on this machine: the value of the
// environment variable LOSTUPDATE_<KIND>_DSN if set, else the local default. For SQLite
// the default is empty, meaning a file in a temporary directory.
func DefaultDSN(k Kind) string {
	if v := os.Getenv("LOSTUPDATE_" + strings.ToUpper(string(k)) + "_DSN"); v != "" {
		return v
	}
	switch k {
	case Postgres:
		return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	case MariaDB:
		return "root@tcp(127.0.0.1:3306)/test"
	case Redis:
		return "redis://127.0.0.1:6379/0"
	case Memcached:
		return "127.0.0.1:11211"
	}
	return ""
}
