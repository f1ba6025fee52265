// Package keylocks takes a lock per key around a read and a write, as a // want package:`writes pages\.views`
// federated server takes one per URI: go-mutexes' MutexMap keeps out the
// requests of this process for the same key, and no other instance's.
package keylocks

import (
	"context"
	"database/sql"
	"sync"

	"codeberg.org/gruf/go-mutexes"
)

// Pages counts the views of pages by URL.
type Pages struct {
	db    *sql.DB
	locks mutexes.MutexMap
	mu    sync.Mutex
	seen  map[string]bool
}

// Count adds a view under the lock of the page's URL: two requests of this
// process for one page take turns, but another instance's do not.
func (p *Pages) Count(ctx context.Context, url string) error { // want Count:`changes the database`
	unlock := p.locks.Lock(url)
	defer unlock()
	var n int64
	if err := p.db.QueryRowContext(ctx, "SELECT views FROM pages WHERE url = $1", url).Scan(&n); err != nil {
		return err
	}
	_, err := p.db.ExecContext(ctx, "UPDATE pages SET views = $1 WHERE url = $2", n+1, url) // want `^lost update: n is read at keylocks\.go:\d+ and written back here under a mutexes\.MutexMap, which serialises requests in this process only; another instance of the service can change it in between\.`
	return err
}

// CountUnlocked adds a view without a lock.
func (p *Pages) CountUnlocked(ctx context.Context, url string) error { // want CountUnlocked:`changes the database`
	var n int64
	if err := p.db.QueryRowContext(ctx, "SELECT views FROM pages WHERE url = $1", url).Scan(&n); err != nil {
		return err
	}
	_, err := p.db.ExecContext(ctx, "UPDATE pages SET views = $1 WHERE url = $2", n+1, url) // want `^lost update: n is read at keylocks\.go:\d+ and written back here outside a locking transaction`
	return err
}

// CountSeen notes the page under a mutex it releases at once, then counts
// the view under the page's own lock: the lock around the read and the
// write is the MutexMap's, and the message names it.
func (p *Pages) CountSeen(ctx context.Context, url string) error { // want CountSeen:`^changes param 0\.seen\*\{\}$`
	p.mu.Lock()
	p.seen[url] = true
	p.mu.Unlock()
	unlock := p.locks.Lock(url)
	defer unlock()
	var n int64
	if err := p.db.QueryRowContext(ctx, "SELECT views FROM pages WHERE url = $1", url).Scan(&n); err != nil {
		return err
	}
	_, err := p.db.ExecContext(ctx, "UPDATE pages SET views = $1 WHERE url = $2", n+1, url) // want `^lost update: n is read at keylocks\.go:\d+ and written back here under a mutexes\.MutexMap, which serialises`
	return err
}
