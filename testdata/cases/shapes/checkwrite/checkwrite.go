// Package checkwrite reads a value, checks it in Go and then writes // want package:`writes banners\.status, coupons\.code, coupons\.status, docs\.data, docs\.owner_id, pages\.title, rotation_state\.position, rotation_state\.version, sessions\.last_used_at, users\.plan, users\.role; updates atomically docs\.version`
// without checking it again: two requests can both pass the check before
// either writes. A coupon redeemed twice, a document edited over a newer
// version.
package checkwrite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
)

var (
	ErrConflict  = errors.New("document changed since it was read")
	ErrUsed      = errors.New("coupon already used")
	ErrForbidden = errors.New("forbidden")
)

type Doc struct {
	ID      int64
	Data    string
	Version int64
}

type Coupon struct {
	ID     uint
	Code   string
	Status string
}

// Banner is a row of banners, which are only switched on and off.
type Banner struct {
	ID     uint
	Status string
}

// saveDocRacy compares the version the editor started from with the
// stored one, then writes unconditionally.
func saveDocRacy(ctx context.Context, db *sql.DB, req Doc) error {
	var cur Doc
	if err := db.QueryRowContext(ctx, "SELECT id, version FROM docs WHERE id = $1", req.ID).Scan(&cur.ID, &cur.Version); err != nil {
		return err
	}
	if cur.Version != req.Version {
		return ErrConflict
	}
	_, err := db.ExecContext(ctx, "UPDATE docs SET data = $1, version = version + 1 WHERE id = $2", req.Data, cur.ID) // want `^check then write: cur\.Version is read at checkwrite.go:45 and checked at checkwrite.go:48, but the write here does not check it again`
	return err
}

// saveDocVersioned repeats the comparison in the WHERE and reports a
// conflict when no row matched.
func saveDocVersioned(ctx context.Context, db *sql.DB, req Doc) error {
	var cur Doc
	if err := db.QueryRowContext(ctx, "SELECT id, version FROM docs WHERE id = $1", req.ID).Scan(&cur.ID, &cur.Version); err != nil {
		return err
	}
	if cur.Version != req.Version {
		return ErrConflict
	}
	res, err := db.ExecContext(ctx, "UPDATE docs SET data = $1, version = version + 1 WHERE id = $2 AND version = $3", req.Data, cur.ID, req.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return ErrConflict
	}
	return nil
}

// redeemRacy checks that the coupon is still enabled, credits the user and
// marks the coupon used whatever its status has become: two requests both
// credit.
func redeemRacy(ctx context.Context, db *sql.DB, code string, userID int64) error {
	var c Coupon
	if err := db.QueryRowContext(ctx, "SELECT id, status FROM coupons WHERE code = $1", code).Scan(&c.ID, &c.Status); err != nil {
		return err
	}
	if c.Status != "enabled" {
		return ErrUsed
	}
	if _, err := db.ExecContext(ctx, "UPDATE wallets SET balance = balance + 100 WHERE user_id = $1", userID); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "UPDATE coupons SET status = 'used' WHERE id = $1", c.ID) // want `^check then write: c\.Status is read at checkwrite.go:80 and checked at checkwrite.go:83, but the write here does not check it again`
	return err
}

// redeemCheckedInWhere repeats the check in the write: only one request
// changes the row.
func redeemCheckedInWhere(ctx context.Context, db *sql.DB, code string) error {
	var c Coupon
	if err := db.QueryRowContext(ctx, "SELECT id, status FROM coupons WHERE code = $1", code).Scan(&c.ID, &c.Status); err != nil {
		return err
	}
	if c.Status != "enabled" {
		return ErrUsed
	}
	res, err := db.ExecContext(ctx, "UPDATE coupons SET status = 'used' WHERE id = $1 AND status = 'enabled'", c.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return ErrUsed
	}
	return nil
}

// redeemLocked reads the status under a row lock in the transaction that
// writes.
func redeemLocked(ctx context.Context, db *sql.DB, code string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var c Coupon
	if err := tx.QueryRowContext(ctx, "SELECT id, status FROM coupons WHERE code = $1 FOR UPDATE", code).Scan(&c.ID, &c.Status); err != nil {
		return err
	}
	if c.Status != "enabled" {
		return ErrUsed
	}
	if _, err := tx.ExecContext(ctx, "UPDATE coupons SET status = 'used' WHERE id = $1", c.ID); err != nil {
		return err
	}
	return tx.Commit()
}

// redeemGormRacy is the same race with GORM.
func redeemGormRacy(db *gorm.DB, code string, userID int64) error {
	var c Coupon
	if err := db.Where("code = ?", code).First(&c).Error; err != nil {
		return err
	}
	if c.Status != "enabled" {
		return ErrUsed
	}
	if err := db.Table("wallets").Where("user_id = ?", userID).Update("balance", gorm.Expr("balance + ?", 100)).Error; err != nil {
		return err
	}
	return db.Model(&c).Update("status", "used").Error // want `^check then write: c\.Status is read at checkwrite.go:137 and checked at checkwrite.go:140, but the write here does not check it again`
}

// redeemGormCheckedInWhere repeats the check with Where and counts the
// rows it changed.
func redeemGormCheckedInWhere(db *gorm.DB, code string) error {
	var c Coupon
	if err := db.Where("code = ?", code).First(&c).Error; err != nil {
		return err
	}
	if c.Status != "enabled" {
		return ErrUsed
	}
	res := db.Model(&c).Where("status = ?", "enabled").Update("status", "used")
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrUsed
	}
	return nil
}

// promoteByAdmin checks the role of the caller's own row, then changes
// another user's: authorisation, not a race on the row written.
func promoteByAdmin(ctx context.Context, db *sql.DB, adminID, userID int64) error {
	var role string
	if err := db.QueryRowContext(ctx, "SELECT role FROM users WHERE id = $1", adminID).Scan(&role); err != nil {
		return err
	}
	if role != "admin" {
		return ErrForbidden
	}
	_, err := db.ExecContext(ctx, "UPDATE users SET role = 'moderator' WHERE id = $1", userID)
	return err
}

// disableIfEnabled checks a flag and flips it, and does nothing else: two
// requests that both pass write the same status, and nothing happens
// twice. (Disabling a coupon under the check that redeeming it also
// passes would race with the redemption: see package invites.)
func disableIfEnabled(ctx context.Context, db *sql.DB, id int64) error {
	var b Banner
	if err := db.QueryRowContext(ctx, "SELECT id, status FROM banners WHERE id = $1", id).Scan(&b.ID, &b.Status); err != nil {
		return err
	}
	if b.Status != "enabled" {
		return nil
	}
	_, err := db.ExecContext(ctx, "UPDATE banners SET status = 'disabled' WHERE id = $1", b.ID)
	return err
}

// renameCoupon renames a coupon that exists: how many codes the read
// found (none: not found) is not a code the write relies on, so the write
// is not a check-then-write of code.
func renameCoupon(db *gorm.DB, id uint, code string) error {
	var codes []string
	if err := db.Model(&Coupon{}).Where("id = ?", id).Pluck("code", &codes).Error; err != nil {
		return err
	}
	if len(codes) == 0 {
		return errors.New("no such coupon")
	}
	return db.Model(&Coupon{}).Where("id = ?", id).Update("code", code).Error
}

// saveCoupon is a repository method: it writes the coupon's status.
func saveCoupon(db *gorm.DB, c *Coupon) error {
	return db.Model(c).Updates(map[string]any{"status": c.Status}).Error
}

// saveBanner is a repository method: it writes the banner's status.
func saveBanner(db *gorm.DB, b *Banner) error {
	return db.Model(b).Updates(map[string]any{"status": b.Status}).Error
}

// disableThroughRepo is disableIfEnabled through the repository: the
// status set to a constant and written by the callee is the same flag
// for two requests that both pass.
func disableThroughRepo(db *gorm.DB, id uint) error {
	var b Banner
	if err := db.First(&b, id).Error; err != nil {
		return err
	}
	if b.Status != "enabled" {
		return nil
	}
	b.Status = "disabled"
	return saveBanner(db, &b)
}

// redeemThroughRepo is the racy twin: the check also guards a credit,
// which two requests that both pass give twice.
func redeemThroughRepo(db *gorm.DB, id uint, userID int64) error {
	var c Coupon
	if err := db.First(&c, id).Error; err != nil {
		return err
	}
	if c.Status != "enabled" {
		return ErrUsed
	}
	if err := db.Table("wallets").Where("user_id = ?", userID).Update("balance", gorm.Expr("balance + ?", 100)).Error; err != nil {
		return err
	}
	c.Status = "used"
	return saveCoupon(db, &c) // want `^check then write: c\.Status is read at checkwrite.go:242 and checked at checkwrite.go:245, but the write here by checkwrite\.saveCoupon does not check it again`
}

type Session struct {
	ID           uint
	KeyID        string
	TokenVersion int
	LastUsedAt   time.Time
}

// touchSession accepts a session whose token version is current and
// records when it was used: two requests that both pass each record a
// time, and lose nothing.
func touchSession(db *gorm.DB, keyID string, version int) error {
	var s Session
	if err := db.First(&s, "key_id = ?", keyID).Error; err != nil {
		return err
	}
	if s.TokenVersion != version {
		return ErrForbidden
	}
	return db.Model(&Session{}).Where("key_id = ?", keyID).Update("last_used_at", time.Now()).Error
}

// setPlanIfChanged skips the write when the stored plan already is the
// one asked for: two requests that both pass each write their own plan,
// which is what they would do without the check.
func setPlanIfChanged(ctx context.Context, db *sql.DB, id int64, plan string) error {
	var cur string
	if err := db.QueryRowContext(ctx, "SELECT plan FROM users WHERE id = $1", id).Scan(&cur); err != nil {
		return err
	}
	if cur == plan {
		return nil
	}
	_, err := db.ExecContext(ctx, "UPDATE users SET plan = $1 WHERE id = $2", plan, id)
	return err
}

// transferIfOwner gives a document away when the caller owns it: two
// transfers by the owner both pass, and the second is made by someone who
// no longer owns the document.
func transferIfOwner(ctx context.Context, db *sql.DB, docID, caller, to int64) error {
	var owner int64
	if err := db.QueryRowContext(ctx, "SELECT owner_id FROM docs WHERE id = $1", docID).Scan(&owner); err != nil {
		return err
	}
	if owner != caller {
		return ErrForbidden
	}
	_, err := db.ExecContext(ctx, "UPDATE docs SET owner_id = $1 WHERE id = $2", to, docID) // want `^check then write: owner is read at checkwrite\.go:\d+ and checked at checkwrite\.go:\d+, but the write here does not check it again`
	return err
}

// titleOf stands for fetching a page and reading its HTML title.
func titleOf(domain, path string) string { return strings.ToUpper(domain + path) }

// fillTitle stores the title of a page that has none yet, fetched for the
// page's own domain and path: two requests that both find none store the
// same title.
func fillTitle(ctx context.Context, db *sql.DB, domain, path string) error {
	var title string
	if err := db.QueryRowContext(ctx, "SELECT title FROM pages WHERE domain = $1 AND path = $2", domain, path).Scan(&title); err != nil {
		return err
	}
	if title != "" {
		return nil
	}
	_, err := db.ExecContext(ctx, "UPDATE pages SET title = $3 WHERE domain = $1 AND path = $2", domain, path, titleOf(domain, path))
	return err
}

// nameIfUnnamed stores the name a request brings for a page that has none
// yet: two requests that both find none store their own names, and the
// first is overwritten.
func nameIfUnnamed(ctx context.Context, db *sql.DB, domain, path, name string) error {
	var title string
	if err := db.QueryRowContext(ctx, "SELECT title FROM pages WHERE domain = $1 AND path = $2", domain, path).Scan(&title); err != nil {
		return err
	}
	if title != "" {
		return nil
	}
	_, err := db.ExecContext(ctx, "UPDATE pages SET title = $3 WHERE domain = $1 AND path = $2", domain, path, name) // want `^check then write: title is read at checkwrite\.go:\d+ and checked at checkwrite\.go:\d+, but the write here does not check it again`
	return err
}

// rotationState is a rotation's position, in the format of its version
// (0: no state yet).
type rotationState struct {
	Position int
	Version  int
}

func loadRotation(ctx context.Context, db *sql.DB, id int64) (st rotationState, err error) {
	err = db.QueryRowContext(ctx, "SELECT position, version FROM rotation_state WHERE rotation_id = $1", id).Scan(&st.Position, &st.Version)
	return st, err
}

func startRotation(ctx context.Context, db *sql.DB, id int64) error {
	_, err := db.ExecContext(ctx, "UPDATE rotation_state SET position = 0, version = 2 WHERE rotation_id = $1", id)
	return err
}

func advanceRotation(ctx context.Context, db *sql.DB, id int64, pos int) error {
	_, err := db.ExecContext(ctx, "UPDATE rotation_state SET position = $1, version = 2 WHERE rotation_id = $2", pos, id)
	return err
}

// advance starts a rotation that has no state yet, or moves it to the
// position its schedule gives. The version tested is the format of the
// row (0: none yet), not a version a request brought: two runs that both
// pass write the same.
func advance(ctx context.Context, db *sql.DB, id int64, next int) error {
	st, err := loadRotation(ctx, db, id)
	if err != nil {
		return err
	}
	if st.Version == 0 {
		return startRotation(ctx, db, id)
	}
	return advanceRotation(ctx, db, id, next)
}
