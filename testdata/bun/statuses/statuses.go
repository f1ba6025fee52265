// Package statuses refreshes remote statuses: a copy loaded earlier is // want package:`updates atomically statuses\.edits`
// compared with the remote one, and an edit is recorded by appending its id
// to the status's list of edits.
package statuses

import (
	"context"
	"sync"

	"github.com/uptrace/bun"

	"example.com/buncases/statuses/store"
)

// Deref refreshes statuses from their servers.
type Deref struct {
	store *store.Store
	mu    sync.Mutex // serialises refreshes in this process
}

// Refresh loads the status and refreshes it. The edit list is read here,
// before enrich takes its lock, and written back by it with one more id:
// two refreshes of one status both append to the list they read, and the
// second write drops the first one's edit.
func (d *Deref) Refresh(ctx context.Context, uri, content, editID string) error { // want Refresh:`writes param 3 to content on own tx; writes param 4 to edits on own tx`
	existing, err := d.store.GetStatusByURI(ctx, uri)
	if err != nil {
		return err
	}
	return d.enrich(ctx, existing, content, editID) // want `^lost update: existing.EditIDs is read at statuses.go:26 \(by Store.GetStatusByURI, at store.go:34\) and written back here by Deref.enrich outside a locking transaction`
}

// enrich takes the lock only after its caller read the status.
func (d *Deref) enrich(ctx context.Context, existing *store.Status, content, editID string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	latest := &store.Status{ID: existing.ID, URI: existing.URI, Content: content}
	cols := handleEdit(existing, latest, editID)
	return d.store.UpdateStatus(ctx, latest, cols...)
}

// handleEdit carries the existing edits over to the latest version and
// appends one when the content changed, named after the version it
// replaces; it returns the columns to write.
func handleEdit(existing, latest *store.Status, editID string) []string {
	cols := []string{"uri"}
	latest.EditIDs = existing.EditIDs
	if existing.Content != latest.Content {
		latest.EditIDs = append(latest.EditIDs, existing.URI+"#"+editID)
		cols = append(cols, "content", "edits")
	}
	return cols
}

// RefreshReloaded reads the status again under the lock, as the service's
// fix does: two refreshes in this process no longer interleave, but the
// lock does not reach another instance of the service.
func (d *Deref) RefreshReloaded(ctx context.Context, uri, content, editID string) error { // want RefreshReloaded:`writes param 3 to content on own tx; writes param 4 to edits on own tx`
	d.mu.Lock()
	defer d.mu.Unlock()
	existing, err := d.store.GetStatusByURI(ctx, uri)
	if err != nil {
		return err
	}
	latest := &store.Status{ID: existing.ID, URI: existing.URI, Content: content}
	cols := handleEdit(existing, latest, editID)
	return d.store.UpdateStatus(ctx, latest, cols...) // want `^lost update: existing.EditIDs is read at statuses.go:61 \(by Store.GetStatusByURI, at store.go:34\) and written back here by Store.UpdateStatus under a sync.Mutex`
}

// RefreshLocked reads the status with a row lock in the transaction that
// writes it.
func (d *Deref) RefreshLocked(ctx context.Context, uri, content, editID string) error { // want RefreshLocked:`writes param 3 to content on own tx; writes param 4 to edits on own tx`
	return d.store.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		existing := new(store.Status)
		if err := tx.NewSelect().Model(existing).Where("uri = ?", uri).For("UPDATE").Scan(ctx); err != nil {
			return err
		}
		latest := &store.Status{ID: existing.ID, URI: existing.URI, Content: content}
		cols := handleEdit(existing, latest, editID)
		_, err := tx.NewUpdate().Model(latest).Column(cols...).WherePK().Exec(ctx)
		return err
	})
}

// AppendInSQL lets the database append: no list is read.
func (d *Deref) AppendInSQL(ctx context.Context, uri, editID string) error { // want AppendInSQL:`changes the database`
	_, err := d.store.DB.NewUpdate().Model((*store.Status)(nil)).
		Set("edits = array_append(edits, ?)", editID).
		Where("uri = ?", uri).Exec(ctx)
	return err
}

// Canonicalize moves a status's URI under its own path. The URI is what the
// status was found by (a bun.Ident column in the store's query): no
// request changes it underneath, so writing it back loses nothing.
func (d *Deref) Canonicalize(ctx context.Context, uri string) error { // want Canonicalize:`changes the database`
	st, err := d.store.GetStatusByURI(ctx, uri)
	if err != nil {
		return err
	}
	st.URI = st.URI + "/" + st.ID
	_, err = d.store.DB.NewUpdate().Model(st).Column("uri").WherePK().Exec(ctx)
	return err
}

// grantRequested grants the tags the status asked for, one by one: the
// list is made of the row's own data, whoever runs it.
func grantRequested(st *store.Status) {
	for _, t := range st.Requested {
		st.GrantTag(t)
	}
}

// Grant grants a status's requested tags. The tags it writes are the
// requested ones, copied, not a change of what it read.
func (d *Deref) Grant(ctx context.Context, uri string) error { // want Grant:`changes the database`
	st, err := d.store.GetStatusByURI(ctx, uri)
	if err != nil {
		return err
	}
	grantRequested(st)
	_, err = d.store.DB.NewUpdate().Model(st).Column("tags").WherePK().Exec(ctx)
	return err
}
