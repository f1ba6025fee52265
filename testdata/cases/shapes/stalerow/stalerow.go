// Package stalerow saves records whole after changing one field. The // want package:`writes boards\.columns, boards\.update_by, clients\.last_active, customers\.subscribed_until, notes\.update_by, teams\.theme, users\.theme; updates atomically teams\.quota, users\.quota; recounts labels\.photo_count`
// other columns go back as they were read, which undoes what another
// writer did to them in between: the quota a request consumed, the
// subscription a payment webhook extended.
package stalerow

import (
	"context"
	"database/sql"
	"errors"
	"github.com/duke-git/lancet/v2/strutil"
	"time"

	"gorm.io/gorm"
)

var ErrQuota = errors.New("quota exhausted")

type User struct {
	ID    int64
	Name  string
	Email string
	Theme string
	Quota int64
}

// Users is the repository of users.
type Users struct{ db *sql.DB }

func (r *Users) user(ctx context.Context, id int64) (User, error) {
	var u User
	err := r.db.QueryRowContext(ctx, "SELECT id, name, email, theme, quota FROM users WHERE id = $1", id).Scan(&u.ID, &u.Name, &u.Email, &u.Theme, &u.Quota)
	return u, err
}

// updateUser writes every column of the user.
func (r *Users) updateUser(ctx context.Context, u User) error {
	_, err := r.db.ExecContext(ctx, "UPDATE users SET name = $1, email = $2, theme = $3, quota = $4 WHERE id = $5", u.Name, u.Email, u.Theme, u.Quota, u.ID)
	return err
}

// consumeQuota is the other writer of quota: it subtracts in the database.
func (r *Users) consumeQuota(ctx context.Context, id, n int64) error {
	res, err := r.db.ExecContext(ctx, "UPDATE users SET quota = quota - $1 WHERE id = $2 AND quota >= $1", n, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return ErrQuota
	}
	return nil
}

// setThemeRacy changes the theme and saves the user whole: quota goes
// back as it was read, undoing a consumeQuota that ran in between.
func setThemeRacy(ctx context.Context, users *Users, id int64, theme string) error {
	u, err := users.user(ctx, id)
	if err != nil {
		return err
	}
	u.Theme = theme
	return users.updateUser(ctx, u) // want `^stale row: u is read at stalerow.go:57 \(by Users\.user, at stalerow.go:32\) and written back whole here by Users\.updateUser with a new (u\.)?[Tt]heme; quota goes back as read`
}

// setThemeColumn writes only the column that changed.
func setThemeColumn(ctx context.Context, users *Users, id int64, theme string) (User, error) {
	u, err := users.user(ctx, id)
	if err != nil {
		return u, err
	}
	u.Theme = theme
	_, err = users.db.ExecContext(ctx, "UPDATE users SET theme = $1 WHERE id = $2", u.Theme, u.ID)
	return u, err
}

type Customer struct {
	ID              int64
	Name            string
	Email           string
	Phone           string
	SubscribedUntil time.Time
}

// extendSubscription is the payment provider's webhook: it writes one
// column.
func extendSubscription(ctx context.Context, db *sql.DB, id int64, until time.Time) error {
	_, err := db.ExecContext(ctx, "UPDATE customers SET subscribed_until = $1 WHERE id = $2", until, id)
	return err
}

// changeEmailRacy saves the whole profile after a new email: a renewal
// the webhook recorded in between is undone.
func changeEmailRacy(ctx context.Context, db *sql.DB, id int64, email string) error {
	var c Customer
	if err := db.QueryRowContext(ctx, "SELECT id, name, email, phone, subscribed_until FROM customers WHERE id = $1", id).
		Scan(&c.ID, &c.Name, &c.Email, &c.Phone, &c.SubscribedUntil); err != nil {
		return err
	}
	c.Email = email
	_, err := db.ExecContext(ctx, "UPDATE customers SET name = $1, email = $2, phone = $3, subscribed_until = $4 WHERE id = $5", // want `^stale row: c is read at stalerow.go:96 and written back whole here with a new (c\.)?[Ee]mail; subscribed_until goes back as read`
		c.Name, c.Email, c.Phone, c.SubscribedUntil, c.ID)
	return err
}

type Address struct {
	ID      int64
	Street  string
	City    string
	Zip     string
	Country string
}

// moveAddress saves an address whole, but no other code writes its
// columns: nothing to undo, so nothing is reported by default.
func moveAddress(ctx context.Context, db *sql.DB, id int64, street string) error {
	var a Address
	if err := db.QueryRowContext(ctx, "SELECT id, street, city, zip, country FROM addresses WHERE id = $1", id).
		Scan(&a.ID, &a.Street, &a.City, &a.Zip, &a.Country); err != nil {
		return err
	}
	a.Street = street
	_, err := db.ExecContext(ctx, "UPDATE addresses SET street = $1, city = $2, zip = $3, country = $4 WHERE id = $5",
		a.Street, a.City, a.Zip, a.Country, a.ID)
	return err
}

type Team struct {
	ID    uint
	Name  string
	Theme string
	Quota int
}

// useTeamQuota subtracts in the database, with a floor.
func useTeamQuota(db *gorm.DB, id uint, n int) error {
	res := db.Model(&Team{}).Where("id = ? AND quota >= ?", id, n).Update("quota", gorm.Expr("quota - ?", n))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrQuota
	}
	return nil
}

// setTeamThemeRacy saves the whole team after changing its theme: the
// quota goes back as read.
func setTeamThemeRacy(db *gorm.DB, id uint, theme string) error {
	var t Team
	if err := db.First(&t, id).Error; err != nil {
		return err
	}
	t.Theme = theme
	return db.Save(&t).Error // want `^stale row: t is read at stalerow.go:150 and written back whole here with a new (t\.)?[Tt]heme; quota goes back as read`
}

// setTeamThemeCut also cuts the team's name at a separator the request
// gives, with a library function the analysis cannot see into: the name it
// makes from the two is a value of its own (a new name, not the name read
// changed); the quota still goes back as read.
func setTeamThemeCut(db *gorm.DB, id uint, theme, sep string) error {
	var t Team
	if err := db.First(&t, id).Error; err != nil {
		return err
	}
	t.Theme = theme
	t.Name = strutil.Before(t.Name, sep)
	return db.Save(&t).Error // want `^stale row: t is read at stalerow.go:\d+ and written back whole here with a new t\.Name and t\.Theme; quota goes back as read`
}

// setTeamThemeSelected writes only the theme column of the loaded team.
func setTeamThemeSelected(db *gorm.DB, id uint, theme string) error {
	var t Team
	if err := db.First(&t, id).Error; err != nil {
		return err
	}
	t.Theme = theme
	return db.Model(&t).Select("theme").Updates(&t).Error
}

// setTeamThemeMap writes the theme alone, as a map.
func setTeamThemeMap(db *gorm.DB, id uint, theme string) error {
	var t Team
	if err := db.First(&t, id).Error; err != nil {
		return err
	}
	return db.Model(&t).Updates(map[string]any{"theme": theme}).Error
}

type Client struct {
	ID         uint
	Name       string
	LastActive int64
}

// touchClient is the other writer of last_active: it records when the
// client was last seen.
func touchClient(db *gorm.DB, id uint) error {
	return db.Model(&Client{}).Where("id = ?", id).Update("last_active", time.Now().Unix()).Error
}

// renameClient saves the client whole: last_active goes back as read,
// which can only make the last-seen time older. Nothing counts on it, so
// it is not a stale row.
func renameClient(db *gorm.DB, id uint, name string) error {
	var c Client
	if err := db.First(&c, id).Error; err != nil {
		return err
	}
	c.Name = name
	return db.Save(&c).Error
}

// teamByRef finds a team by its id or by its name: two loads, on two
// paths, of one record.
func teamByRef(db *gorm.DB, id uint, name string) (*Team, error) {
	var t Team
	if id != 0 {
		return &t, db.First(&t, id).Error
	}
	return &t, db.Where("name = ?", name).First(&t).Error
}

// setTeamThemeByRef saves the whole team found either way: the quota goes
// back as read, whichever load read it.
func setTeamThemeByRef(db *gorm.DB, id uint, name, theme string) error {
	t, err := teamByRef(db, id, name)
	if err != nil {
		return err
	}
	t.Theme = theme
	return db.Save(t).Error // want `^stale row: t is read at stalerow\.go:227 \(by stalerow\.teamByRef, at stalerow\.go:219\) and written back whole here with a new t\.Theme; quota goes back as read`
}

type Label struct {
	ID         uint
	Name       string
	PhotoCount int
}

// recountLabels sets every label's photo count to what the photos say:
// the next recount restores whatever a stale write put back.
func recountLabels(db *gorm.DB) error {
	return db.Model(&Label{}).Where("1 = 1").
		UpdateColumn("photo_count", gorm.Expr("(SELECT COUNT(*) FROM photos_labels pl WHERE pl.label_id = labels.id)")).Error
}

// recountLabelsSQL recounts in SQL, from a joined subquery.
func recountLabelsSQL(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, "UPDATE labels SET photo_count = b.n FROM (SELECT label_id, COUNT(*) AS n FROM photos_labels GROUP BY label_id) b WHERE b.label_id = labels.id")
	return err
}

// renameLabel saves the label whole: the photo count goes back as read,
// but its only other writers recount it, so that is not a stale row.
func renameLabel(db *gorm.DB, id uint, name string) error {
	var l Label
	if err := db.First(&l, id).Error; err != nil {
		return err
	}
	l.Name = name
	return db.Save(&l).Error
}

// editTeam saves the team form: a theme-only edit puts the quota back as
// read, a full edit sets it from the form. Writing only the theme would
// lose the full edit's quota, so the fix says where the quota belongs.
func editTeam(db *gorm.DB, id uint, themeOnly bool, bind func(any) error) error {
	var req Team
	if err := bind(&req); err != nil {
		return err
	}
	var t Team
	if err := db.First(&t, id).Error; err != nil {
		return err
	}
	t.Theme = req.Theme
	if !themeOnly {
		t.Quota = req.Quota
	}
	return db.Save(&t).Error // want `^stale row: t is read at stalerow\.go:274 and written back whole here with a new t\.Theme; quota goes back as read, .*Write only the columns that changed \(Select\("theme"\)\.Updates\(…\), or Updates\(map\[string\]any\{"theme": …\}\); quota only on the paths that set it\)`
}

// Board is a board whose rows record who last changed them.
type Board struct {
	ID       uint
	Title    string
	Columns  int
	UpdateBy string
}

// reorderBoard is the other writer of the columns and the editor: it
// records who reordered the board.
func reorderBoard(db *gorm.DB, id uint, columns int, user string) error {
	return db.Model(&Board{}).Where("id = ?", id).Updates(map[string]any{"columns": columns, "update_by": user}).Error
}

// retitleBoard saves the board whole: the columns another request
// reordered in between go back as read, a stale row.
func retitleBoard(db *gorm.DB, id uint, title string) error {
	var b Board
	if err := db.First(&b, id).Error; err != nil {
		return err
	}
	b.Title = title
	return db.Save(&b).Error // want `^stale row: b is read at stalerow\.go:\d+ and written back whole here with a new b\.Title; columns goes back as read`
}

// Note is a note whose row records who last changed it.
type Note struct {
	ID       uint
	Text     string
	UpdateBy string
}

// signNote is the other writer of the editor alone.
func signNote(db *gorm.DB, id uint, user string) error {
	return db.Model(&Note{}).Where("id = ?", id).Update("update_by", user).Error
}

// editNote saves the note whole: only the editor's name goes back as
// read, which names an older editor and undoes no one's data, so it is
// not a stale row.
func editNote(db *gorm.DB, id uint, text string) error {
	var n Note
	if err := db.First(&n, id).Error; err != nil {
		return err
	}
	n.Text = text
	return db.Save(&n).Error
}
