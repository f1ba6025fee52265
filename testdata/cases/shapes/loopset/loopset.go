// Package loopset marks records in a loop, as zadig's hub server does at // want package:`writes nodes\.seen, nodes\.status`
// start-up: each record of a list read is given a new status and written
// through a helper. A field set through the loop's record on every path
// to the write goes out as set, not as read, though the list's elements
// share one place in the analysis.
package loopset

import (
	"time"

	"gorm.io/gorm"
)

// Node is a row of the nodes table.
type Node struct {
	ID     uint
	Status string
	Seen   time.Time
}

// save writes a node's status and when it was last seen.
func save(db *gorm.DB, n *Node) error {
	return db.Model(n).Updates(map[string]any{"status": n.Status, "seen": n.Seen}).Error
}

// ping marks a node up: the other writer of the status.
func ping(db *gorm.DB, id uint) error {
	return db.Model(&Node{}).Where("id = ?", id).Update("status", "up").Error
}

// resetAll marks every node down, each one set before it is saved: nothing
// goes back as read.
func resetAll(db *gorm.DB) error {
	var nodes []*Node
	if err := db.Find(&nodes).Error; err != nil {
		return err
	}
	for _, n := range nodes {
		n.Status = "down"
		n.Seen = time.Now()
		if err := save(db, n); err != nil {
			return err
		}
	}
	return nil
}

// touchAll records when each node was seen and marks it down only when
// asked: otherwise its status goes back as read, over a ping in between.
func touchAll(db *gorm.DB, force bool) error {
	var nodes []*Node
	if err := db.Find(&nodes).Error; err != nil {
		return err
	}
	for _, n := range nodes {
		n.Seen = time.Now()
		if force {
			n.Status = "down"
		}
		if err := save(db, n); err != nil { // want `^stale row: nodes\[i\] is read at loopset\.go:\d+ and written back whole here by loopset\.save with a new seen; status goes back as read, so a change another request made to it in between is undone \(loopset\.ping writes status at loopset\.go:28\)`
			return err
		}
	}
	return nil
}

// last is the node the process marked last, kept in a package variable
// as photoprism keeps its default admin.
var last Node

// markLast marks the kept node down and saves it: a record that is a
// package variable, whose uses the analysis does not list, is looked at
// like any.
func markLast(db *gorm.DB) error {
	last.Status = "down"
	return save(db, &last)
}
