package bookstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
)

// Workload drives one book: every worker buys 1 to MaxQty copies of the same book
// (operation n asks for 1 + n mod MaxQty), the worst case for lost updates (a
// bestseller on release day). The measured value is the book's stock: a sale the
// client saw succeed takes qty off it, a sale refused for short stock takes nothing.
// Choose Initial below the total demand and the book sells out during the run, so
// that the floor is tested under contention too.
type Workload struct {
	Store Store
	Title string
	// Initial is the stock the book is added with.
	Initial int64
	// MaxQty bounds one sale; 0 means 3.
	MaxQty int64

	id int64
}

var _ harness.Workload = (*Workload)(nil)

// NewWorkload returns a Workload that adds a book with initial copies and sells
// 1 to 3 at a time.
func NewWorkload(s Store, title string, initial int64) *Workload {
	return &Workload{Store: s, Title: title, Initial: initial, MaxQty: 3}
}

// ID is the id of the book the workload added (0 before Setup).
func (w *Workload) ID() int64 { return w.id }

func (w *Workload) qty(op harness.Op) int64 {
	m := w.MaxQty
	if m <= 0 {
		m = 3
	}
	return 1 + op.Seq%m
}

// Setup adds the book and returns its stock.
func (w *Workload) Setup(ctx context.Context) (int64, error) {
	b, err := w.Store.Add(ctx, w.Title, w.Initial)
	if err != nil {
		return 0, err
	}
	w.id = b.ID
	return b.Stock, nil
}

// Do buys 1 + n mod MaxQty copies. A refusal for short stock is a correct answer
// that changes nothing.
func (w *Workload) Do(ctx context.Context, op harness.Op) (harness.Outcome, error) {
	qty := w.qty(op)
	_, err := w.Store.Buy(ctx, w.id, qty)
	switch {
	case err == nil:
		return harness.Outcome{Delta: -qty}, nil
	case errors.Is(err, ErrSoldOut):
		return harness.Outcome{Delta: 0}, nil
	case errors.Is(err, ErrNotApplied):
		return harness.Outcome{Delta: 0}, err
	}
	return harness.Outcome{Delta: -qty}, err
}

// Final reads the book's stock.
func (w *Workload) Final(ctx context.Context) (int64, error) {
	b, err := w.Store.Get(ctx, w.id)
	return b.Stock, err
}

// Check verifies the bookstore's invariants: the stock is not below zero and every
// copy is either in stock or sold (sold + stock == Initial). For a store that writes
// through a cache, it flushes and verifies that the database then holds exactly
// what the cache says, or, when sales failed with an unknown outcome, a stock in the
// range the clients' view allows, with the same invariants.
func (w *Workload) Check(ctx context.Context, r harness.Result) error {
	b, err := w.Store.Get(ctx, w.id)
	if err != nil {
		return fmt.Errorf("read book %d: %w", w.id, err)
	}
	if err := w.holds(b, "the store"); err != nil {
		return err
	}
	f, ok := w.Store.(Flusher)
	if !ok {
		return nil
	}
	if err := f.Flush(ctx); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	durable, err := f.Durable(ctx, w.id)
	if err != nil {
		return fmt.Errorf("read book %d from the database: %w", w.id, err)
	}
	if err := w.holds(durable, "the database after a flush"); err != nil {
		return err
	}
	if r.UnsureLow == r.UnsureHigh && durable.Stock != b.Stock {
		return fmt.Errorf("after a flush the database holds stock %d but the cache says %d", durable.Stock, b.Stock)
	}
	if durable.Stock < r.UnsureLow || durable.Stock > r.UnsureHigh {
		return fmt.Errorf("after a flush the database holds stock %d, outside [%d, %d] that the acknowledged and unknown sales allow (the cache says %d)",
			durable.Stock, r.UnsureLow, r.UnsureHigh, b.Stock)
	}
	return nil
}

// holds checks the invariants on b as where holds it.
func (w *Workload) holds(b Book, where string) error {
	if b.Stock < 0 {
		return fmt.Errorf("%s: book %d has stock %d, below zero", where, w.id, b.Stock)
	}
	if b.Sold+b.Stock != w.Initial {
		return fmt.Errorf("%s: book %d has sold %d + stock %d = %d, want the initial %d", where, w.id, b.Sold, b.Stock, b.Sold+b.Stock, w.Initial)
	}
	return nil
}
