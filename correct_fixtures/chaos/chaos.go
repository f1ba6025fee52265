// Package chaos drops a run's connections to its backend while the run goes on, the
// way a failover, a restart or a network blip would: PostgreSQL's pg_terminate_backend,
// MariaDB's KILL and Redis's CLIENT KILL, aimed only at the connections of one run
// (those on the run's private database, or those carrying the run's client name), so
// that other runs and other users of the server are left alone. Memcached has no such
// command; there a Proxy on loopback, which the run connects through, drops them.
//
// The monkey uses a connection of its own, which it never kills.
package chaos

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
)

// Monkey drops connections on demand; it implements harness.Chaos.
type Monkey interface {
	// Kill drops the run's current connections and returns how many it dropped.
	Kill(ctx context.Context) (int, error)
	// Close releases the monkey's own connection.
	Close() error
}

// Prepare readies chaos for a run on kind before the run's Env exists. For Memcached
// it starts a Proxy to the server at opts' address and points opts at the proxy; the
// proxy is the Monkey. For the other kinds it returns nil: call For on the Env.
func Prepare(kind backend.Kind, opts *backend.Options) (*Proxy, error) {
	if kind != backend.Memcached {
		return nil, nil
	}
	target := opts.DSN
	if target == "" {
		target = backend.DefaultDSN(kind)
	}
	p, err := NewProxy(target)
	if err != nil {
		return nil, err
	}
	opts.DSN = p.Addr()
	return p, nil
}

// For returns a Monkey aimed at env's connections: for PostgreSQL and MariaDB the
// connections to env's database, for Redis those named env.Name. SQLite has no
// connections to drop and Memcached no command to drop one; they get an error that
// wraps backend.ErrUnsupported.
func For(env *backend.Env) (Monkey, error) {
	switch env.Kind {
	case backend.Postgres, backend.MariaDB:
		db, err := backend.OpenDB(env.Kind, env.DSN)
		if err != nil {
			return nil, fmt.Errorf("chaos: open %s: %w", env.Kind, err)
		}
		db.SetMaxOpenConns(1)
		return &sqlMonkey{db: db, kind: env.Kind}, nil
	case backend.Redis:
		o := *env.Redis.Options()
		o.ClientName = env.Name + "-chaos"
		o.PoolSize = 1
		return &redisMonkey{c: redis.NewClient(&o), victims: env.Name}, nil
	case backend.SQLite:
		return nil, fmt.Errorf("chaos on sqlite: %w: SQLite is embedded, there is no server connection to drop", backend.ErrUnsupported)
	case backend.Memcached:
		return nil, fmt.Errorf("chaos on memcached: %w: Memcached has no command that drops a client's connection; route the run through a Proxy (see Prepare)", backend.ErrUnsupported)
	}
	return nil, fmt.Errorf("chaos on %q: unknown backend", env.Kind)
}

type sqlMonkey struct {
	db   *sql.DB
	kind backend.Kind
}

func (m *sqlMonkey) Close() error { return m.db.Close() }

func (m *sqlMonkey) Kill(ctx context.Context) (int, error) {
	if m.kind == backend.Postgres {
		var n int
		err := m.db.QueryRowContext(ctx, `SELECT count(*) FROM (
			SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()) AS killed`).Scan(&n)
		if err != nil {
			return 0, fmt.Errorf("chaos: pg_terminate_backend: %w", err)
		}
		return n, nil
	}
	rows, err := m.db.QueryContext(ctx, `SELECT id FROM information_schema.PROCESSLIST WHERE db = DATABASE() AND id <> CONNECTION_ID()`)
	if err != nil {
		return 0, fmt.Errorf("chaos: list mariadb connections: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("chaos: list mariadb connections: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return 0, fmt.Errorf("chaos: list mariadb connections: %w", err)
	}
	n := 0
	for _, id := range ids {
		// KILL takes no placeholder; id is an integer read from the server.
		if _, err := m.db.ExecContext(ctx, fmt.Sprintf("KILL CONNECTION %d", id)); err != nil {
			if my := (*mysql.MySQLError)(nil); errors.As(err, &my) && my.Number == 1094 { // unknown thread: it ended by itself
				continue
			}
			return n, fmt.Errorf("chaos: KILL CONNECTION %d: %w", id, err)
		}
		n++
	}
	return n, nil
}

type redisMonkey struct {
	c       *redis.Client
	victims string
}

func (m *redisMonkey) Close() error { return m.c.Close() }

func (m *redisMonkey) Kill(ctx context.Context) (int, error) {
	list, err := m.c.ClientList(ctx).Result()
	if err != nil {
		return 0, fmt.Errorf("chaos: CLIENT LIST: %w", err)
	}
	n := 0
	sc := bufio.NewScanner(strings.NewReader(list))
	for sc.Scan() {
		id, name := clientField(sc.Text(), "id"), clientField(sc.Text(), "name")
		if name != m.victims || id == "" {
			continue
		}
		killed, err := m.c.ClientKillByFilter(ctx, "ID", id).Result()
		if err != nil {
			return n, fmt.Errorf("chaos: CLIENT KILL ID %s: %w", id, err)
		}
		n += int(killed)
	}
	return n, nil
}

// clientField returns the value of key in one line of CLIENT LIST output.
func clientField(line, key string) string {
	for _, f := range strings.Fields(line) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			return v
		}
	}
	return ""
}
