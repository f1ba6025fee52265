// Package allocate numbers rows after the highest of their set: a // want package:`\) writes categories\.display_order, categories\.parent_id, tickets\.seq}$`
// category moved to a new parent goes last among its new siblings. The
// highest display order is read from the top row of the set (ORDER BY …
// DESC LIMIT 1), not from the row written: two moves may give two rows
// one number, which a unique index closes, but no row's update is lost.
// Read from the row itself, the same number is a lost update.
package allocate

import (
	"context"
	"database/sql"

	"gorm.io/gorm"
)

// moveLast moves a category under parent, after its last sibling.
func moveLast(ctx context.Context, db *sql.DB, id, parent int64) error {
	var last int64
	err := db.QueryRowContext(ctx, "SELECT display_order FROM categories WHERE parent_id = $1 ORDER BY display_order DESC LIMIT 1", parent).Scan(&last)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	_, err = db.ExecContext(ctx, "UPDATE categories SET parent_id = $1, display_order = $2 WHERE id = $3", parent, last+1, id)
	return err
}

// bumpOrder reads the category's own display order and writes it plus
// one: a concurrent bump is lost.
func bumpOrder(ctx context.Context, db *sql.DB, id int64) error {
	var order int64
	if err := db.QueryRowContext(ctx, "SELECT display_order FROM categories WHERE id = $1", id).Scan(&order); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE categories SET display_order = $1 WHERE id = $2", order+1, id) // want `^lost update: order is read at allocate\.go:\d+ and written back here`
	return err
}

type Ticket struct {
	ID    uint
	Queue string
	Seq   int
}

// enqueue gives a ticket the next number of its queue with GORM.
func enqueue(db *gorm.DB, id uint, queue string) error {
	var last Ticket
	if err := db.Where("queue = ?", queue).Order("seq desc").First(&last).Error; err != nil {
		return err
	}
	return db.Model(&Ticket{}).Where("id = ?", id).Update("seq", last.Seq+1).Error
}

// renumber reads the ticket itself and writes its number plus one.
func renumber(db *gorm.DB, id uint) error {
	var t Ticket
	if err := db.First(&t, id).Error; err != nil {
		return err
	}
	return db.Model(&t).Update("seq", t.Seq+1).Error // want `^lost update: t\.Seq is read at allocate\.go:\d+ and written back here`
}
