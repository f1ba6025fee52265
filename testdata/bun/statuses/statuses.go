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
	return d.enrich(ctx, existing, content, editID) // want `^lost update: existing.EditIDs is read at statuses.go:26 \(by Store.GetStatusByURI, at store.go:44\) and written back here by Deref.enrich outside a locking transaction`
}

// enrich takes the lock only after its caller read the status.
func (d *Deref) enrich(ctx context.Context, existing *store.Status, content, editID string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.apply(ctx, existing, content, editID)
}

// apply writes the latest version of a status over the existing one.
func (d *Deref) apply(ctx context.Context, existing *store.Status, content, editID string) error {
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
	return d.store.UpdateStatus(ctx, latest, cols...) // want `^lost update: existing.EditIDs is read at statuses.go:66 \(by Store.GetStatusByURI, at store.go:44\) and written back here by Store.UpdateStatus under a sync.Mutex`
}

// RefreshSafely hands the copy it read to enrichSafely, which reads a
// stored status again under the lock, as the service's fix does: the copy
// read here is used only for a status that is new (no id yet), which no
// load returns, so nothing read here is written back.
func (d *Deref) RefreshSafely(ctx context.Context, uri, content, editID string) error { // want RefreshSafely:`^writes param 3 to content on own tx; writes param 4 to edits on own tx$`
	existing, err := d.store.GetStatusByURI(ctx, uri)
	if err != nil {
		return err
	}
	return d.enrichSafely(ctx, existing, content, editID)
}

// RefreshNew refreshes a status met for the first time: a new record, made
// here, that enrichSafely writes as it is given.
func (d *Deref) RefreshNew(ctx context.Context, uri, content, editID string) error { // want RefreshNew:`writes param 2 to edits on own tx`
	return d.enrichSafely(ctx, &store.Status{URI: uri}, content, editID)
}

// enrichSafely takes the lock, then reads a stored status again: the copy
// its caller read may be stale by now. Another instance of the service is
// not kept out by the lock.
func (d *Deref) enrichSafely(ctx context.Context, status *store.Status, content, editID string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if isNew := status.ID == ""; !isNew {
		var err error
		status, err = d.store.GetStatusByID(ctx, status.ID)
		if err != nil {
			return err
		}
	}
	return d.apply(ctx, status, content, editID) // want `^lost update: status.EditIDs is read at statuses.go:\d+ \(by Store.GetStatusByID, at store.go:51\) and written back here by Deref.apply under a sync.Mutex`
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
func (d *Deref) AppendInSQL(ctx context.Context, uri, editID string) error { // want AppendInSQL:`^adds param 3 to edits on param 0\.store\*\.DB \(pool\)$`
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

// fetchByURI refreshes the status at uri and returns it: its list of
// edits, read here, gets one more, named after the URI; the read and the
// write are both here, and so is the lost update.
func (d *Deref) fetchByURI(ctx context.Context, uri string) (*store.Status, error) {
	st, err := d.store.GetStatusByURI(ctx, uri)
	if err != nil {
		return nil, err
	}
	st.EditIDs = append(st.EditIDs, uri+"#refetched")
	_, err = d.store.DB.NewUpdate().Model(st).Column("edits").WherePK().Exec(ctx) // want `^lost update: st\.EditIDs is read at statuses\.go:\d+ \(by Store\.GetStatusByURI, at store\.go:\d+\) and written back here outside a locking transaction`
	return st, err
}

// Ancestors walks up a thread from a status read here, fetching each
// parent by the URI its reply names. What the walk writes is the parents'
// edits, found by that URI: the reply's URI column is the key of another
// row, not this status's edits read and written back.
func (d *Deref) Ancestors(ctx context.Context, uri string) error { // want Ancestors:`changes the database`
	status, err := d.store.GetStatusByURI(ctx, uri)
	if err != nil {
		return err
	}
	current := status
	for range 10 {
		if current.InReplyToURI == "" {
			return nil
		}
		parent, err := d.fetchByURI(ctx, current.InReplyToURI)
		if err != nil {
			return err
		}
		current.InReplyTo = parent
		current = parent
	}
	return nil
}

// Mentioned lists anew the mentions of a status read here, from the
// usernames a remote copy names (keepMentions): a mention the stored
// status has already is kept by its id. The ids are the mention rows'
// identity, and the list is the remote copy's, so no column read here is
// written back changed.
func (d *Deref) Mentioned(ctx context.Context, uri string, usernames []string) error { // want Mentioned:`changes the database`
	existing, err := d.store.GetStatusByURI(ctx, uri)
	if err != nil {
		return err
	}
	latest := &store.Status{ID: existing.ID}
	keepMentions(existing, latest, usernames)
	_, err = d.store.DB.NewUpdate().Model(latest).Column("mentions").WherePK().Exec(ctx)
	return err
}

// keepMentions lists in latest the mentions of usernames that existing
// has, by their ids.
func keepMentions(existing, latest *store.Status, usernames []string) {
	for _, name := range usernames {
		if m, ok := existing.MentionOf(name); ok {
			latest.MentionIDs = append(latest.MentionIDs, m.ID)
		}
	}
}
