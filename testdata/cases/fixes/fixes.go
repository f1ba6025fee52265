// Package fixes holds writes whose rewrite to an atomic update is // want package:`writes accounts\.balance`
// mechanical; lostupdate -fix rewrites them (see fixes.go.golden).
package fixes

import (
	"context"
	"database/sql"

	g "gorm.io/gorm"
)

type Post struct {
	ID    uint
	Likes int
	Stock int
}

func like(ctx context.Context, db *sql.DB, id int64) error {
	var likes int64
	if err := db.QueryRowContext(ctx, "SELECT likes FROM posts WHERE id = $1", id).Scan(&likes); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE posts SET likes = $1 WHERE id = $2", likes+1, id) // want `lost update: likes is read`
	return err
}

func withdraw(ctx context.Context, db *sql.DB, id, amount int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, `SELECT balance FROM accounts WHERE id = ?`, id).Scan(&balance); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, `UPDATE accounts SET balance = ? WHERE id = ?`, balance-amount, id) // want `lost update: balance is read`
	return err
}

func addBonus(ctx context.Context, db *sql.DB, id, bonus int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", bonus+balance, id) // want `lost update: balance is read`
	return err
}

// double is not mechanical: the new value is not "old ± delta".
func double(ctx context.Context, db *sql.DB, id int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance*2, id) // want `lost update: balance is read`
	return err
}

// reused is not mechanical: $1 is used twice in the statement.
func reused(ctx context.Context, db *sql.DB, id int64) error {
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT n FROM t WHERE id = $1", id).Scan(&n); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE t SET n = $1, m = $1 WHERE id = $2", n+1, id) // want `lost update: n is read`
	return err
}

func likePost(db *g.DB, id uint) error {
	var p Post
	if err := db.First(&p, id).Error; err != nil {
		return err
	}
	return db.Model(&p).Update("likes", p.Likes+1).Error // want `lost update: p.Likes is read`
}

func sell(db *g.DB, id uint, qty int) error {
	var p Post
	if err := db.First(&p, id).Error; err != nil {
		return err
	}
	return db.Model(&p).UpdateColumn("stock", (p.Stock - qty)).Error // want `lost update: p.Stock is read`
}

// sign appends the caller's signature to a loaded string: a lost update,
// but not arithmetic, so no atomic rewrite is offered.
func sign(ctx context.Context, db *sql.DB, id int64, signature string) error {
	var note string
	if err := db.QueryRowContext(ctx, "SELECT note FROM posts WHERE id = $1", id).Scan(&note); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE posts SET note = $1 WHERE id = $2", note+signature, id) // want `lost update: note is read`
	return err
}
