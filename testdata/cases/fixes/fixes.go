// Package fixes holds writes whose rewrite to an atomic update is // want package:`writes accounts\.balance`
// mechanical; lostupdate -fix rewrites them (see fixes.go.golden).
package fixes

import (
	"context"
	"database/sql"
	"errors"

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

// ErrInsufficient is returned when an account cannot cover a debit.
var ErrInsufficient = errors.New("insufficient funds")

// transfer checks the balance it read before it debits: SET balance =
// balance - $1 alone would keep the check on a stale read, and two
// transfers could both pass it and overdraw the account. Neither write
// gets a fix; the debit's message says to repeat the check in the WHERE.
func transfer(ctx context.Context, db *sql.DB, fromID, toID, amount int64) error {
	var from, to int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", fromID).Scan(&from); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", toID).Scan(&to); err != nil {
		return err
	}
	if from < amount {
		return ErrInsufficient
	}
	if _, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", from-amount, fromID); err != nil { // want `^lost update: from is read at fixes.go:102 .* Use an atomic update that repeats the check at fixes.go:108 in its WHERE clause \(UPDATE accounts SET balance = balance - \$1 WHERE … AND balance >= \$1, then check RowsAffected\) or read it`
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", to+amount, toID) // want `^lost update: to is read at fixes.go:105 .* Use an atomic update \(SET balance = balance \+ \$1\) or read it`
	return err
}

// debitToZero checks the difference, not the balance as read: the message
// does not guess the condition.
func debitToZero(ctx context.Context, db *sql.DB, id, amount int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	if balance-amount < 0 {
		return ErrInsufficient
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance-amount, id) // want `repeats the check at fixes.go:125 in its WHERE clause \(UPDATE accounts SET balance = balance - \$1 WHERE … AND …, then check RowsAffected\)`
	return err
}

// debitAboveFloor runs the write inside the check, against a floor that is
// not the delta.
func debitAboveFloor(ctx context.Context, db *sql.DB, id, amount, floor int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	if floor <= balance {
		_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance-amount, id) // want `repeats the check at fixes.go:139 in its WHERE clause \(UPDATE accounts SET balance = balance - \$1 WHERE … AND balance >= \$n passing floor, then check RowsAffected\)`
		return err
	}
	return ErrInsufficient
}

// sellChecked checks the stock it read before selling, with GORM.
func sellChecked(db *g.DB, id uint, qty int) error {
	var p Post
	if err := db.First(&p, id).Error; err != nil {
		return err
	}
	if p.Stock < qty {
		return ErrInsufficient
	}
	return db.Model(&p).Update("stock", p.Stock-qty).Error // want `repeats the check at fixes.go:152 in its WHERE clause \(Where\("stock >= \?", qty\)\.Update\("stock", gorm\.Expr\("stock - \?", qty\)\), then check RowsAffected\)`
}

// deposit adds to the loaded value in a statement of its own, which the
// fix removes.
func deposit(ctx context.Context, db *sql.DB, id, amount int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	balance += amount
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance, id) // want `^lost update: balance is read at fixes.go:162 .* Use an atomic update \(SET balance = balance \+ \$1\)`
	return err
}

// view counts with ++.
func view(ctx context.Context, db *sql.DB, id int64) error {
	var views int64
	if err := db.QueryRowContext(ctx, "SELECT views FROM pages WHERE id = $1", id).Scan(&views); err != nil {
		return err
	}
	views++
	_, err := db.ExecContext(ctx, "UPDATE pages SET views = $1 WHERE id = $2", views, id) // want `^lost update: views is read at fixes.go:173 .* Use an atomic update \(SET views = views \+ \$1\)`
	return err
}

// withdrawReturning returns the new balance after the write: after an
// atomic update the database would hold another one, so no fix.
func withdrawReturning(ctx context.Context, db *sql.DB, id, amount int64) (int64, error) {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return 0, err
	}
	balance -= amount
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance, id) // want `^lost update: balance is read at fixes.go:185 .* Use an atomic update \(SET balance = balance - \$1, with AND balance >= \$1`
	return balance, err
}

// depositAll adds in a loop: the write does not add one delta to the
// loaded value, so no fix is offered.
func depositAll(ctx context.Context, db *sql.DB, id int64, amounts []int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	for _, a := range amounts {
		balance += a
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance, id) // want `^lost update: balance is read at fixes.go:197`
	return err
}

// depositBonus adds on one path only: no fix.
func depositBonus(ctx context.Context, db *sql.DB, id int64, bonus bool) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	if bonus {
		balance += 10
	}
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance, id) // want `^lost update: balance is read at fixes.go:210`
	return err
}

// depositFee changes the delta after the step: d at the write is not d at
// the step, so no fix.
func depositFee(ctx context.Context, db *sql.DB, id, amount, fee int64) (int64, error) {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return 0, err
	}
	balance += amount
	amount -= fee
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance, id) // want `^lost update: balance is read at fixes.go:224`
	return amount, err
}

// addComposite's delta holds a composite literal, which types.ExprString would
// abbreviate to []int{…}: the fix copies it as written.
func addComposite(ctx context.Context, db *sql.DB, id int64) error {
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT n FROM t WHERE id = $1", id).Scan(&n); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE t SET n = $1 WHERE id = $2", n+int64(len([]int{1, 2})), id) // want `^lost update: n is read`
	return err
}

// withdrawLogged logs the new balance before the write: the fix keeps the
// statement that computes it.
func withdrawLogged(ctx context.Context, db *sql.DB, id, amount int64) error {
	var balance int64
	if err := db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	balance -= amount
	println("withdrawing to", balance)
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance, id) // want `^lost update: balance is read`
	return err
}

// likeSaved loads a post, adds a like and saves the whole post: the fix
// updates the one column atomically and drops the step.
func likeSaved(db *g.DB, id uint) error {
	var p Post
	if err := db.First(&p, id).Error; err != nil {
		return err
	}
	p.Likes++
	return db.Save(&p).Error // want `lost update: p.Likes is read`
}

// sellSaved also sets the post's ID before it saves it: the save writes
// more than the step, so no fix.
func sellSaved(db *g.DB, id uint, qty int) error {
	var p Post
	if err := db.First(&p, id).Error; err != nil {
		return err
	}
	p.Stock -= qty
	p.ID = id
	return db.Save(&p).Error // want `lost update: p.Stock is read`
}
