// Package fields is an account service whose records are built from // want package:"writes .*users\\.token.*updates atomically users\\.quota"
// several sources at once: a session from another package, a struct from
// a local constructor, a model saved by its own method. Each field keeps
// its own origin: a field that holds the request or the clock is not
// derived from the load next to it.
package fields

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"

	"gorm.io/gorm"

	"example.com/cases/shapes/fields/sessions"
)

type User struct {
	ID       uint
	Name     string
	Password string
	Token    string
	Quota    int
}

type Server struct {
	db  *sql.DB
	orm *gorm.DB
}

// startSession loads the user and records the session's address: the
// address comes from the request, not from the user's name.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.FormValue("user"), 10, 64)
	if err != nil {
		http.Error(w, "bad user id", http.StatusBadRequest)
		return
	}
	var u User
	if err := s.db.QueryRowContext(r.Context(), "SELECT id, name FROM users WHERE id = $1", id).Scan(&u.ID, &u.Name); err != nil {
		http.Error(w, "no such user", http.StatusNotFound)
		return
	}
	sess := sessions.New(r, u.Name)
	if _, err := s.db.ExecContext(r.Context(), "UPDATE sessions SET ip = $1, started_at = $2 WHERE user_id = $3", sess.IP, sess.Started, u.ID); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// recordLastIP writes the session's address into the user's own row.
func (s *Server) recordLastIP(r *http.Request, id uint) error {
	var u User
	if err := s.db.QueryRowContext(r.Context(), "SELECT id, name FROM users WHERE id = $1", id).Scan(&u.ID, &u.Name); err != nil {
		return err
	}
	sess := sessions.New(r, u.Name)
	_, err := s.db.ExecContext(r.Context(), "UPDATE users SET last_ip = $1 WHERE id = $2", sess.IP, u.ID)
	return err
}

// record is a subscription as the service writes it.
type record struct {
	UserID int64
	Status string
	EndsAt time.Time
}

func build(uid int64, st string, end time.Time) record {
	return record{UserID: uid, Status: st, EndsAt: end}
}

// renewSubscription builds a record from the loaded owner and a new end
// computed from the clock, and writes only the end.
func (s *Server) renewSubscription(ctx context.Context, id int64, period time.Duration) (time.Time, error) {
	var uid int64
	var ends time.Time
	if err := s.db.QueryRowContext(ctx, "SELECT user_id, ends_at FROM subscriptions WHERE id = $1", id).Scan(&uid, &ends); err != nil {
		return time.Time{}, err
	}
	rec := build(uid, "active", time.Now().Add(period))
	_, err := s.db.ExecContext(ctx, "UPDATE subscriptions SET ends_at = $1 WHERE id = $2", rec.EndsAt, id)
	return ends, err
}

func hashIt(pw string) string {
	sum := sha256.Sum256([]byte(pw))
	return hex.EncodeToString(sum[:])
}

// Update saves every field of the user, hashing the password first when
// asked to.
func (u *User) Update(db *gorm.DB, hash bool) error { // want Update:"writes param 0 \\(whole\\) on param 1"
	if hash {
		u.Password = hashIt(u.Password)
	}
	return db.Model(u).Updates(u).Error
}

// chargeQuota is the targeted writer of quota.
func (s *Server) chargeQuota(id uint, n int) error {
	return s.orm.Model(&User{}).Where("id = ?", id).Update("quota", gorm.Expr("quota - ?", n)).Error
}

// rotateToken sets a new token and saves the whole user through its
// method: the quota it read goes back as read, undoing chargeQuota.
func (s *Server) rotateToken(id uint, t string) error {
	var u User
	if err := s.orm.First(&u, id).Error; err != nil {
		return err
	}
	u.Token = t
	return u.Update(s.orm, false) // want `^stale row: u is read at fields.go:114 and written back whole here by User.Update with a new u\.Token; quota goes back as read`
}

// rotateTokenOnly writes the one column it changed.
func (s *Server) rotateTokenOnly(id uint, t string) error {
	var u User
	if err := s.orm.First(&u, id).Error; err != nil {
		return err
	}
	return s.orm.Model(&u).Update("token", t).Error
}
