// Package stats keeps issue counts as gogs does: a comment adds to the // want package:`writes issue\.updated_unix; updates atomically issue\.num_comments, issue\.num_likes; recounts issue\.num_comments, label\.num_issues`
// issue's count atomically, a daily check recounts it with SQL kept in a
// table of checkers (whose field holds more than one text, so no call's
// SQL is known), and an edit of the issue writes every column back.
package stats

import (
	"log"
	"strconv"
	"time"

	"xorm.io/xorm"
)

// Issue is a row of the issue table.
type Issue struct {
	ID          int64 `xorm:"pk autoincr"`
	Title       string
	NumComments int
	NumLikes    int
	UpdatedUnix int64
}

// x is the engine, set at start-up.
var x *xorm.Engine

// addComment counts a new comment in the database and marks the issue
// updated.
func addComment(issueID int64) error {
	if _, err := x.Exec("UPDATE `issue` SET num_comments=num_comments+1 WHERE id=?", issueID); err != nil {
		return err
	}
	_, err := x.Exec("UPDATE `issue` SET updated_unix = ? WHERE id = ?", time.Now().Unix(), issueID)
	return err
}

// like counts a like in the database.
func like(issueID int64) error {
	_, err := x.Exec("UPDATE `issue` SET num_likes=num_likes+1 WHERE id=?", issueID)
	return err
}

// checker finds the rows whose count is wrong and corrects them.
type checker struct {
	querySQL, correctSQL string
	desc                 string
}

// check runs one checker.
func check(c *checker) {
	results, err := x.Query(c.querySQL)
	if err != nil {
		log.Printf("select %s: %v", c.desc, err)
		return
	}
	for _, r := range results {
		id, _ := strconv.ParseInt(string(r["id"]), 10, 64)
		if _, err := x.Exec(c.correctSQL, id, id); err != nil {
			log.Printf("update %s[%d]: %v", c.desc, id, err)
		}
	}
}

// checkers are the daily checks, kept in a table at package level.
var checkers = []*checker{
	{
		"SELECT `issue`.id FROM `issue` WHERE `issue`.num_comments!=(SELECT COUNT(*) FROM `comment` WHERE issue_id=`issue`.id)",
		"UPDATE `issue` SET num_comments=(SELECT COUNT(*) FROM `comment` WHERE issue_id=?) WHERE id=?",
		"issue count 'num_comments'",
	},
	{
		"SELECT label.id FROM `label` WHERE label.num_issues!=(SELECT COUNT(*) FROM `issue_label` WHERE label_id=label.id)",
		"UPDATE `label` SET num_issues=(SELECT COUNT(*) FROM `issue_label` WHERE label_id=?) WHERE id=?",
		"label count 'num_issues'",
	},
}

// checkStats recounts what the checkers name.
func checkStats() {
	for i := range checkers {
		check(checkers[i])
	}
}

// rename writes the whole issue back with a new title. The comment count
// it read goes back with it, over a comment added in between, and the
// next check recounts it; its older update time loses nothing; the
// likes, which nothing recounts, are lost.
func rename(id int64, title string) error {
	var is Issue
	if _, err := x.ID(id).Get(&is); err != nil {
		return err
	}
	is.Title = title
	_, err := x.ID(id).AllCols().Update(&is) // want `^stale row: is is read at stats.go:91 and written back whole here with a new is.Title; num_likes goes back as read`
	return err
}
