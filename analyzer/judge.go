package analyzer

import (
	"cmp"
	"go/token"
	"slices"
	"strings"

	"github.com/lostupdate/lostupdate/analyzer/flow"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// The categories of diagnostics. Each has a section of the README with a
// before/after example; the diagnostic URL points to it.
const (
	// CategoryLostUpdate: a value read without a lock is written back.
	CategoryLostUpdate = "lost-update"
	// CategoryLockOutsideTx: a row lock taken outside a transaction,
	// released when its statement ends.
	CategoryLockOutsideTx = "lock-outside-tx"
	// CategoryStaleRead: a lock taken after the value was read.
	CategoryStaleRead = "stale-read"
	// CategoryOtherHandle: a locked load on one handle, the write on
	// another.
	CategoryOtherHandle = "lock-other-handle"
	// CategoryQueryOption: GORM v1's Set("gorm:query_option", "FOR
	// UPDATE"), a no-op under GORM v2.
	CategoryQueryOption = "gorm-query-option"
	// CategoryShareLock: FOR SHARE / LOCK IN SHARE MODE before a write.
	CategoryShareLock = "share-lock"
	// CategoryMutex: a sync.Mutex held around the sequence.
	CategoryMutex = "mutex"
)

// Categories lists every category, in the order of the README.
var Categories = []string{
	CategoryLostUpdate, CategoryLockOutsideTx, CategoryStaleRead, CategoryOtherHandle,
	CategoryQueryOption, CategoryShareLock, CategoryMutex, categoryDirective,
}

// Title describes a category in one line, for lists of rules (the title
// of a code scanning alert); "" for an unknown category.
func Title(category string) string {
	switch category {
	case CategoryLostUpdate:
		return "A value read without a row lock is changed and written back outside a locking transaction"
	case CategoryLockOutsideTx:
		return "A row lock taken outside a transaction is released before the write"
	case CategoryStaleRead:
		return "A value read before the row lock was taken is written back"
	case CategoryOtherHandle:
		return "The row is locked on one database handle and written on another"
	case CategoryQueryOption:
		return `GORM v1's Set("gorm:query_option", "FOR UPDATE") locks nothing under GORM v2`
	case CategoryShareLock:
		return "A shared row lock (FOR SHARE, LOCK IN SHARE MODE) taken before a write"
	case CategoryMutex:
		return "A sync.Mutex around a read and write does not span server processes"
	case categoryDirective:
		return "A //lostupdate:ignore directive without a reason, or one that silences nothing"
	}
	return ""
}

// finding is one lost update: a write, the value it writes, the load that
// value came from, and why the load does not protect it.
type finding struct {
	category string
	write    *flow.Write
	value    flow.Written
	label    *flow.Label
	// lock is the lock that matters to the message (the late lock of a
	// stale read), if any.
	lock *flow.LockEvent
	// others name the other written values computed from the same load.
	others []string
}

// judge decides whether a write loses updates: for each value it writes
// that was computed from a load, whether that load was protected. It
// returns the finding for the earliest unprotected load, or nil.
func judge(w *flow.Write) *finding {
	type cand struct {
		value flow.Written
		label *flow.Label
	}
	var cands []cand
	for _, v := range w.Values {
		for _, l := range v.Labels {
			if l.Load != nil && l.Changed && sameTable(l.Load.Table, w.Table) {
				cands = append(cands, cand{v, l})
			}
		}
	}
	// The earliest load first; for one load, the values in the order the
	// write stores them (SET order, struct field order).
	slices.SortStableFunc(cands, func(a, b cand) int {
		return cmp.Compare(a.label.Load.Pos, b.label.Load.Pos)
	})
	for _, c := range cands {
		if cat, lock := classify(w, c.label.Load); cat != "" {
			f := &finding{category: cat, write: w, value: c.value, label: c.label, lock: lock}
			for _, o := range cands {
				if o.label.Load == c.label.Load && o.label.Name != c.label.Name && !slices.Contains(f.others, o.label.Name) {
					f.others = append(f.others, o.label.Name)
				}
			}
			// "tree.Name and tree", where tree is the record whose fields
			// are named: the fields say it.
			names := append([]string{c.label.Name}, f.others...)
			f.others = slices.DeleteFunc(f.others, func(n string) bool {
				return slices.ContainsFunc(names, func(m string) bool { return within(m, n) })
			})
			return f
		}
	}
	return nil
}

// sameTable reports whether a load and a write may touch the same table: a
// value read from one table and written to another cannot lose an update
// of the row it was read from. Unknown tables, or tables named in
// different ways (SQL name, GORM model), may be the same.
func sameTable(load, write string) bool {
	if load == "" || write == "" || load[:3] != write[:3] {
		return true
	}
	return load == write
}

// classify returns the category of a write of a value read by load l, or
// "" when the load protects the write.
func classify(w *flow.Write, l *flow.Load) (string, *flow.LockEvent) {
	hw := w.Handle
	switch l.Lock {
	case summary.QueryOption:
		return CategoryQueryOption, nil
	case summary.Share:
		return CategoryShareLock, nil
	case summary.Row:
		if l.Handle.Same(hw) {
			if (l.InTx || hw.Kind == summary.Unknown) && heldOn(w.Held, hw) {
				return "", nil
			}
			if l.InTx {
				return CategoryLockOutsideTx, endedTx // committed before the write
			}
			return CategoryLockOutsideTx, nil
		}
		if heldThrough(l, w) {
			return "", nil
		}
		switch {
		case l.Handle.Kind == summary.Tx || hw.Kind == summary.Tx || l.InTx || w.InTx:
			return CategoryOtherHandle, nil
		case l.Handle.Kind == summary.Unknown || hw.Kind == summary.Unknown:
			return "", nil // two parameters: they may be the same transaction
		}
		return CategoryLockOutsideTx, nil
	}
	if heldThrough(l, w) || w.Serializable && l.Handle.Same(hw) {
		// SERIALIZABLE protects what the transaction itself read, not a
		// read through another handle.
		return "", nil
	}
	if lk := lateLock(w, l); lk != nil {
		return CategoryStaleRead, lk
	}
	if w.LockedFirst {
		return CategoryStaleRead, nil
	}
	if w.Mutex && l.Mutex {
		return CategoryMutex, nil
	}
	return CategoryLostUpdate, nil
}

// endedTx stands for the end of the locking transaction in a finding's
// lock: the load was locked in a transaction that ended before the write.
var endedTx = &flow.LockEvent{}

// heldOn reports whether an effective lock on handle h is among held.
func heldOn(held []*flow.LockEvent, h flow.Handle) bool {
	for _, lk := range held {
		if lk.Protects(h) {
			return true
		}
	}
	return false
}

// heldThrough reports whether an effective lock on the write's handle was
// held from before the load until the write.
func heldThrough(l *flow.Load, w *flow.Write) bool {
	for _, lk := range l.Held {
		if lk.Protects(w.Handle) && slices.Contains(w.Held, lk) {
			return true
		}
	}
	return false
}

// lateLock returns the earliest effective lock on the write's handle that
// was taken after the load.
func lateLock(w *flow.Write, l *flow.Load) *flow.LockEvent {
	var late *flow.LockEvent
	for _, lk := range w.Held {
		if !lk.Protects(w.Handle) || slices.Contains(l.Held, lk) || lk.Kind == flow.LockWrite {
			continue
		}
		if late == nil || lk.Pos < late.Pos || lk.Pos == late.Pos && lk.Pos == token.NoPos {
			late = lk
		}
	}
	return late
}

// within reports whether the value named m is part of the one named n:
// "tree.Name" of "tree", "ps[i].Stock" of "ps[i]".
func within(m, n string) bool {
	return strings.HasPrefix(m, n+".") || strings.HasPrefix(m, n+"[")
}
