package backend

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bradfitz/gomemcache/memcache"
	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/redis/go-redis/v9"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Env is an open backend: the handles a service uses, the name of this run's private
// share of the server, and what to remove when the run is over.
//
// For a SQL kind, DB is that database. For a cache kind, Redis or Memcache is the cache
// and DB is the SQL database the cache writes its counters through to (SQLite unless
// Options.FlushTo says otherwise).
type Env struct {
	// Kind is the backend under test.
	Kind Kind
	// Name identifies this run on the server: the private database's name, the Redis
	// client name, the root of the key prefix. Chaos uses it to find the run's connections.
	Name string

	// DB is the SQL database; Dialect says which SQL it speaks; DSN opens it again
	// (another process, or the chaos monkey, connects with it).
	DB      *sql.DB
	Dialect Kind
	DSN     string

	// Redis and Memcache are the cache clients of a cache kind (one of them is set).
	// CacheAddr is the cache's address and KeyPrefix begins every key this run writes.
	Redis     *redis.Client
	Memcache  *memcache.Client
	CacheAddr string
	KeyPrefix string

	closers []func(context.Context) error
}

// Options say where a backend's server is and how to connect to it.
type Options struct {
	// DSN is the server's address in the driver's format; empty means DefaultDSN(kind).
	// For SQLite it is a file path (empty: a file in a new temporary directory).
	DSN string
	// MaxConns bounds the SQL pool and the cache client's connections; 0 means 32.
	MaxConns int
	// FlushTo is the SQL database a cache kind's Env gets as its DB; empty means SQLite.
	FlushTo Kind
	// FlushDSN is FlushTo's DSN; empty means DefaultDSN(FlushTo).
	FlushDSN string
	// KeyPrefix is the key prefix used by Open on a cache; Provision makes its own.
	KeyPrefix string
}

func (o Options) maxConns() int {
	if o.MaxConns > 0 {
		return o.MaxConns
	}
	return 32
}

func (o Options) dsn(k Kind) string {
	if o.DSN != "" {
		return o.DSN
	}
	return DefaultDSN(k)
}

func (o Options) flushTo() (Kind, string) {
	k := o.FlushTo
	if k == "" {
		k = SQLite
	}
	if o.FlushDSN != "" {
		return k, o.FlushDSN
	}
	return k, DefaultDSN(k)
}

// Provision creates a private share of kind's server for one run (a new database, a
// new SQLite file, a new key prefix) and returns an Env on it. Close removes it. When
// the server does not answer the error wraps ErrUnavailable.
func Provision(ctx context.Context, kind Kind, opts Options) (*Env, error) {
	name, err := newRunName()
	if err != nil {
		return nil, err
	}
	e := &Env{Kind: kind, Name: name}
	if kind.IsSQL() {
		err = e.provisionSQL(ctx, kind, opts.dsn(kind), opts.maxConns())
	} else {
		err = e.provisionCache(ctx, kind, opts)
	}
	if err != nil {
		return nil, errors.Join(err, e.Close(context.WithoutCancel(ctx)))
	}
	return e, nil
}

// Open returns an Env on kind's server as the DSN names it, without a private share:
// what a long-running service uses. Close closes the handles and removes nothing.
func Open(ctx context.Context, kind Kind, opts Options) (*Env, error) {
	e := &Env{Kind: kind, Name: "lostupdate"}
	var err error
	switch {
	case kind.IsSQL():
		dsn := opts.dsn(kind)
		if kind == SQLite && dsn == "" {
			dsn = "lostupdate.db"
		}
		err = e.openSQL(ctx, kind, dsn, opts.maxConns())
	case kind.IsCache():
		e.KeyPrefix = opts.KeyPrefix
		if e.KeyPrefix == "" {
			e.KeyPrefix = "lostupdate:"
		}
		if err = e.openCache(ctx, kind, opts.dsn(kind), opts.maxConns()); err == nil {
			fk, fdsn := opts.flushTo()
			if fk == SQLite && fdsn == "" {
				fdsn = "lostupdate.db"
			}
			err = e.openSQL(ctx, fk, fdsn, opts.maxConns())
		}
	default:
		err = fmt.Errorf("open backend %q: unknown kind", kind)
	}
	if err != nil {
		return nil, errors.Join(err, e.Close(context.WithoutCancel(ctx)))
	}
	return e, nil
}

// Close closes the Env's handles and, for a provisioned Env, drops its database and
// deletes its keys. It is safe to call more than once.
func (e *Env) Close(ctx context.Context) error {
	var errs []error
	for i := len(e.closers) - 1; i >= 0; i-- {
		errs = append(errs, e.closers[i](ctx))
	}
	e.closers = nil
	return errors.Join(errs...)
}

func (e *Env) onClose(f func(context.Context) error) { e.closers = append(e.closers, f) }

func newRunName() (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make run name: %w", err)
	}
	return "lu_" + hex.EncodeToString(b[:]), nil
}

// provisionSQL creates database e.Name on the server at dsn (or a file for SQLite)
// and opens it.
func (e *Env) provisionSQL(ctx context.Context, kind Kind, dsn string, maxConns int) error {
	switch kind {
	case SQLite:
		dir, err := os.MkdirTemp("", e.Name+"-")
		if err != nil {
			return fmt.Errorf("provision sqlite: %w", err)
		}
		e.onClose(func(context.Context) error { return os.RemoveAll(dir) })
		return e.openSQL(ctx, SQLite, filepath.Join(dir, "lostupdate.db"), maxConns)
	case Postgres:
		u, err := url.Parse(dsn)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return fmt.Errorf("provision postgres: DSN %q is not a postgres:// URL", dsn)
		}
		if err := adminExec(ctx, Postgres, dsn, "CREATE DATABASE "+e.Name); err != nil {
			return err
		}
		e.onClose(func(ctx context.Context) error {
			return adminExec(ctx, Postgres, dsn, "DROP DATABASE IF EXISTS "+e.Name+" WITH (FORCE)")
		})
		u.Path = "/" + e.Name
		return e.openSQL(ctx, Postgres, u.String(), maxConns)
	case MariaDB:
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			return fmt.Errorf("provision mariadb: parse DSN %q: %w", dsn, err)
		}
		if err := adminExec(ctx, MariaDB, dsn, "CREATE DATABASE "+e.Name); err != nil {
			return err
		}
		e.onClose(func(ctx context.Context) error {
			return adminExec(ctx, MariaDB, dsn, "DROP DATABASE IF EXISTS "+e.Name)
		})
		cfg.DBName = e.Name
		return e.openSQL(ctx, MariaDB, cfg.FormatDSN(), maxConns)
	}
	return fmt.Errorf("provision %q: not a SQL backend", kind)
}

// adminExec runs one statement (CREATE or DROP DATABASE) on a short-lived connection.
func adminExec(ctx context.Context, kind Kind, dsn, stmt string) error {
	db, err := OpenDB(kind, dsn)
	if err != nil {
		return fmt.Errorf("%s: open %q: %w", kind, redact(dsn), err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		return fmt.Errorf("%w: %s at %s: %w", ErrUnavailable, kind.Server(), redact(dsn), err)
	}
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %s: %w", kind, stmt, err)
	}
	return nil
}

// OpenDB opens a handle on the SQL database at dsn without connecting yet. For
// SQLite, dsn is a file path (WAL mode and a busy timeout are added); for MariaDB the
// driver's own logging of broken connections is turned off, since the errors it logs
// are returned to the caller anyway.
func OpenDB(kind Kind, dsn string) (*sql.DB, error) {
	switch kind {
	case Postgres:
		return sql.Open("pgx", dsn)
	case MariaDB:
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			return nil, fmt.Errorf("parse DSN: %w", err)
		}
		cfg.Logger = quietLogger{}
		conn, err := mysql.NewConnector(cfg)
		if err != nil {
			return nil, err
		}
		return sql.OpenDB(conn), nil
	case SQLite:
		return sql.Open("sqlite", sqliteDSN(dsn))
	}
	return nil, fmt.Errorf("%q is not a SQL backend", kind)
}

// quietLogger drops go-sql-driver/mysql's log lines.
type quietLogger struct{}

func (quietLogger) Print(...any) {}

// openSQL opens the database at dsn, checks that it answers and sets e.DB.
func (e *Env) openSQL(ctx context.Context, kind Kind, dsn string, maxConns int) error {
	db, err := OpenDB(kind, dsn)
	if err != nil {
		return fmt.Errorf("%s: open %q: %w", kind, redact(dsn), err)
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	e.onClose(func(context.Context) error {
		// Idle connections first, ignoring how they went: one the server killed
		// while it idled (a chaos run leaves some) fails MySQL's goodbye with "bad
		// connection", yet there is nothing left to release.
		db.SetMaxIdleConns(0)
		return db.Close()
	})
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		return fmt.Errorf("%w: %s at %s: %w", ErrUnavailable, kind.Server(), redact(dsn), err)
	}
	e.DB, e.Dialect, e.DSN = db, kind, dsn
	return nil
}

// sqliteDSN turns a file path into a modernc.org/sqlite DSN: WAL so that readers do
// not block the writer, and a busy timeout so that writers wait for each other
// instead of failing at once.
func sqliteDSN(path string) string {
	if strings.HasPrefix(path, "file:") {
		return path
	}
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
}

func (e *Env) provisionCache(ctx context.Context, kind Kind, opts Options) error {
	if !kind.IsCache() {
		return fmt.Errorf("provision backend %q: unknown kind", kind)
	}
	e.KeyPrefix = e.Name + ":"
	if err := e.openCache(ctx, kind, opts.dsn(kind), opts.maxConns()); err != nil {
		return err
	}
	if kind == Redis {
		e.onClose(func(ctx context.Context) error { return deleteRedisKeys(ctx, e.Redis, e.KeyPrefix) })
	}
	// Memcached cannot list keys; the run's keys have a prefix no other run uses and
	// age out of the cache like any other entry.
	fk, fdsn := opts.flushTo()
	return e.provisionSQL(ctx, fk, fdsn, opts.maxConns())
}

func (e *Env) openCache(ctx context.Context, kind Kind, addr string, maxConns int) error {
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	e.CacheAddr = addr
	switch kind {
	case Redis:
		o, err := redis.ParseURL(addr)
		if err != nil {
			return fmt.Errorf("redis: parse URL %q: %w", addr, err)
		}
		// No automatic retries: INCRBY is not idempotent, and a command re-sent after
		// its connection died may already have been applied.
		o.MaxRetries = -1
		o.PoolSize = maxConns
		o.ClientName = e.Name
		c := redis.NewClient(o)
		e.onClose(func(context.Context) error { return c.Close() })
		if err := c.Ping(pctx).Err(); err != nil {
			return fmt.Errorf("%w: Redis at %s: %w", ErrUnavailable, addr, err)
		}
		e.Redis = c
	case Memcached:
		c := memcache.New(addr)
		c.MaxIdleConns = maxConns
		c.Timeout = 2 * time.Second
		e.onClose(func(context.Context) error { return c.Close() })
		if err := c.Ping(); err != nil {
			return fmt.Errorf("%w: Memcached at %s: %w", ErrUnavailable, addr, err)
		}
		e.Memcache = c
	}
	return nil
}

func deleteRedisKeys(ctx context.Context, c *redis.Client, prefix string) error {
	iter := c.Scan(ctx, 0, prefix+"*", 500).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("redis: scan %s*: %w", prefix, err)
	}
	if len(keys) == 0 {
		return nil
	}
	if err := c.Del(ctx, keys...).Err(); err != nil {
		return fmt.Errorf("redis: delete %d keys under %s: %w", len(keys), prefix, err)
	}
	return nil
}

// redact hides a password in a DSN for error messages.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxx")
			return u.String()
		}
	}
	if cfg, err := mysql.ParseDSN(dsn); err == nil && cfg.Passwd != "" {
		cfg.Passwd = "xxx"
		return cfg.FormatDSN()
	}
	return dsn
}
