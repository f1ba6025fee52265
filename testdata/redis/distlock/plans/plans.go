// Package plans bumps the version of a release plan, read from the // want package:`writes plans\.name, plans\.owner, plans\.version`
// database, under a lock every server process takes (redsync, through a
// wrapper of another package, or redislock): what runs under it runs
// once at a time, as under an advisory lock, as long as the lock is
// taken before the read and released after the write.
package plans

import (
	"context"
	"database/sql"
	"time"

	"github.com/bsm/redislock"
	"github.com/go-redsync/redsync/v4"

	"example.com/rediscases/distlock/lock"
)

// Plans keeps release plans.
type Plans struct {
	db      *sql.DB
	locks   *lock.Locker
	rs      *redsync.Redsync
	locker  *redislock.Client
	timeout time.Duration
}

func (p *Plans) version(ctx context.Context, id string) (int, error) {
	var v int
	err := p.db.QueryRowContext(ctx, "SELECT version FROM plans WHERE id = $1", id).Scan(&v)
	return v, err
}

func (p *Plans) setVersion(ctx context.Context, id string, v int) error {
	_, err := p.db.ExecContext(ctx, "UPDATE plans SET version = $1 WHERE id = $2", v, id)
	return err
}

// Bump reads and writes under the plan's lock, taken through the wrapper
// and released when it returns: no other process bumps in between.
func (p *Plans) Bump(ctx context.Context, id string) error { // want Bump:`changes the database`
	l := p.locks.New("plan-" + id)
	if err := l.Lock(); err != nil {
		return err
	}
	defer l.Unlock()
	v, err := p.version(ctx, id)
	if err != nil {
		return err
	}
	return p.setVersion(ctx, id, v+1)
}

// BumpIfFree tries the lock and gives up when another process holds it.
func (p *Plans) BumpIfFree(ctx context.Context, id string) error { // want BumpIfFree:`changes the database`
	l := p.locks.New("plan-" + id)
	if err := l.TryLock(); err != nil {
		return nil
	}
	defer func() { _ = l.Unlock() }()
	v, err := p.version(ctx, id)
	if err != nil {
		return err
	}
	return p.setVersion(ctx, id, v+1)
}

// lockPlan takes the plan's lock and leaves it held for its caller.
func (p *Plans) lockPlan(id string) (*lock.RedisLock, error) {
	l := p.locks.New("plan-" + id)
	return l, l.Lock()
}

// Rename bumps under the lock lockPlan took, released at the end.
func (p *Plans) Rename(ctx context.Context, id string) error { // want Rename:`changes the database`
	l, err := p.lockPlan(id)
	if err != nil {
		return err
	}
	v, err := p.version(ctx, id)
	if err != nil {
		return err
	}
	err = p.setVersion(ctx, id, v+1)
	_ = l.Unlock()
	return err
}

// BumpDirect takes redsync's mutex itself.
func (p *Plans) BumpDirect(ctx context.Context, id string) error { // want BumpDirect:`changes the database`
	m := p.rs.NewMutex("plan-" + id)
	if err := m.LockContext(ctx); err != nil {
		return err
	}
	defer m.UnlockContext(ctx)
	v, err := p.version(ctx, id)
	if err != nil {
		return err
	}
	return p.setVersion(ctx, id, v+1)
}

// BumpObtained holds a redislock lock.
func (p *Plans) BumpObtained(ctx context.Context, id string) error { // want BumpObtained:`changes the database`
	lk, err := p.locker.Obtain(ctx, "plan-"+id, p.timeout, nil)
	if err != nil {
		return err
	}
	defer lk.Release(ctx)
	v, err := p.version(ctx, id)
	if err != nil {
		return err
	}
	return p.setVersion(ctx, id, v+1)
}

// BumpUnlocked takes no lock: two bumps read one version and both write
// it plus one.
func (p *Plans) BumpUnlocked(ctx context.Context, id string) error { // want BumpUnlocked:`changes the database`
	v, err := p.version(ctx, id)
	if err != nil {
		return err
	}
	return p.setVersion(ctx, id, v+1) // want `^lost update: v is read at plans\.go:\d+ \(by Plans\.version, at plans\.go:\d+\) and written back here by Plans\.setVersion outside a locking transaction`
}

// BumpLate takes the lock after the read: another process may have
// written since, and the lock protects nothing.
func (p *Plans) BumpLate(ctx context.Context, id string) error { // want BumpLate:`changes the database`
	v, err := p.version(ctx, id)
	if err != nil {
		return err
	}
	l := p.locks.New("plan-" + id)
	if err := l.Lock(); err != nil {
		return err
	}
	defer l.Unlock()
	return p.setVersion(ctx, id, v+1) // want `^lost update: v is read at plans\.go:\d+ \(by Plans\.version, at plans\.go:\d+\), before the lock taken at plans\.go:\d+, and that stale value is written back here by Plans\.setVersion\. Take the lock before the read`
}

// BumpReleased releases the lock before the write.
func (p *Plans) BumpReleased(ctx context.Context, id string) error { // want BumpReleased:`changes the database`
	lk, err := redislock.Obtain(ctx, nil, "plan-"+id, p.timeout, nil)
	if err != nil {
		return err
	}
	v, err := p.version(ctx, id)
	_ = lk.Release(ctx)
	if err != nil {
		return err
	}
	return p.setVersion(ctx, id, v+1) // want `^lost update: v is read at plans\.go:\d+ \(by Plans\.version, at plans\.go:\d+\) and written back here by Plans\.setVersion outside a locking transaction`
}

// BumpAfterBump bumps under the lock, which Bump releases when it
// returns, and then bumps again without it.
func (p *Plans) BumpAfterBump(ctx context.Context, id string) error { // want BumpAfterBump:`changes the database`
	if err := p.Bump(ctx, id); err != nil {
		return err
	}
	v, err := p.version(ctx, id)
	if err != nil {
		return err
	}
	return p.setVersion(ctx, id, v+1) // want `^lost update: v is read at plans\.go:\d+ \(by Plans\.version, at plans\.go:\d+\) and written back here by Plans\.setVersion outside a locking transaction`
}

// BumpUnlockedFirst releases the wrapper's lock before the write.
func (p *Plans) BumpUnlockedFirst(ctx context.Context, id string) error { // want BumpUnlockedFirst:`changes the database`
	l := p.locks.New("plan-" + id)
	if err := l.Lock(); err != nil {
		return err
	}
	v, err := p.version(ctx, id)
	_ = l.Unlock()
	if err != nil {
		return err
	}
	return p.setVersion(ctx, id, v+1) // want `^lost update: v is read at plans\.go:\d+ \(by Plans\.version, at plans\.go:\d+\) and written back here by Plans\.setVersion outside a locking transaction`
}

// Plan is a plan's row.
type Plan struct {
	ID    string
	Name  string
	Owner string
}

// Find reads a plan.
func (p *Plans) Find(ctx context.Context, id string) (*Plan, error) { // want Find:`loads result 0\.Name on param 0\.db \(pool\); loads result 0\.Owner on param 0\.db \(pool\); result 0\.ID from param 2`
	pl := &Plan{ID: id}
	err := p.db.QueryRowContext(ctx, "SELECT name, owner FROM plans WHERE id = $1", id).Scan(&pl.Name, &pl.Owner)
	return pl, err
}

// SetOwner hands a plan to another owner.
func (p *Plans) SetOwner(ctx context.Context, id, owner string) error { // want SetOwner:`writes param 3 to owner on param 0\.db \(pool\)`
	_, err := p.db.ExecContext(ctx, "UPDATE plans SET owner = $1 WHERE id = $2", owner, id)
	return err
}

// renameLocked renames the plan its caller read, under the plan's lock
// taken here: after the read, so it protects nothing.
func (p *Plans) renameLocked(ctx context.Context, pl *Plan, name string) error {
	l := p.locks.New("plan-" + pl.ID)
	if err := l.Lock(); err != nil {
		return err
	}
	defer l.Unlock()
	pl.Name = name
	_, err := p.db.ExecContext(ctx, "UPDATE plans SET name = $1, owner = $2 WHERE id = $3", pl.Name, pl.Owner, pl.ID)
	return err
}

// RenameLate reads the plan before renameLocked takes the lock: the owner
// it read goes back, and a SetOwner in between is undone.
func (p *Plans) RenameLate(ctx context.Context, id, name string) error { // want RenameLate:`writes param 3 to name on param 0\.db \(pool\)`
	pl, err := p.Find(ctx, id)
	if err != nil {
		return err
	}
	return p.renameLocked(ctx, pl, name) // want `^stale row: pl is read at plans\.go:\d+ \(by Plans\.Find, at plans\.go:\d+\) and written back whole here by Plans\.renameLocked with a new name; owner goes back as read, so a change another request made to it in between is undone \(Plans\.SetOwner writes owner at plans\.go:\d+\)`
}

// setVersionLocked writes a version under the plan's lock.
func (p *Plans) setVersionLocked(ctx context.Context, id string, v int) error {
	l := p.locks.New("plan-" + id)
	if err := l.Lock(); err != nil {
		return err
	}
	defer l.Unlock()
	return p.setVersion(ctx, id, v)
}

// BumpLockedInCallee reads the version before setVersionLocked takes the
// lock: the message says to take it before the read.
func (p *Plans) BumpLockedInCallee(ctx context.Context, id string) error { // want BumpLockedInCallee:`changes the database`
	v, err := p.version(ctx, id)
	if err != nil {
		return err
	}
	return p.setVersionLocked(ctx, id, v+1) // want `^lost update: v is read at plans\.go:\d+ \(by Plans\.version, at plans\.go:\d+\), before the lock Plans\.setVersionLocked takes, and that stale value is written back here by Plans\.setVersionLocked\. Take the lock before the read`
}
