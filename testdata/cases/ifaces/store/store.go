// Package store is a service's store that reaches its database through an
// interface, Driver, whose implementations live in packages this one does
// not import (sqlitedb); the application wires them (app).
package store

import (
	"context"
	"encoding/json"
	"sync"
)

// Setting is one user setting, its value a JSON document.
type Setting struct {
	UserID int64
	Key    string
	Value  string
}

// User is a user of the service.
type User struct {
	ID      int64
	Name    string
	Credits int64
	Version int64
	// ReferrerID is the user who referred this one; Referrer that user,
	// when loaded.
	ReferrerID int64
	Referrer   *User   `db:"-"`
	Friends    []*User `db:"-"`
}

// Driver is what the store needs of a database.
type Driver interface {
	GetSetting(ctx context.Context, userID int64, key string) (*Setting, error)
	UpsertSetting(ctx context.Context, s *Setting) error
	AddCredits(ctx context.Context, userID, n int64) error
	Views(ctx context.Context, pageID int64) (int64, error)
	SetViews(ctx context.Context, pageID, n int64) error
	GetUser(ctx context.Context, id int64) (*User, error)
	UpdateUser(ctx context.Context, u *User) error
	UpdateUserChecked(ctx context.Context, u *User) error
	UpdateUserColumns(ctx context.Context, u *User, columns ...string) error
	ListSettings(ctx context.Context, find *FindSetting) ([]*Setting, error)
	PutSetting(ctx context.Context, s *Setting) (*Setting, error)
	DeleteSettings(ctx context.Context, find *FindSetting) error
}

// Store is the service's store.
type Store struct {
	driver Driver
	mu     sync.Mutex
}

// New returns a store on a driver.
func New(d Driver) *Store { return &Store{driver: d} }

// AddTag reads the user's tags, adds one and writes the list back: two
// requests that add a tag at once both read the same list, and one tag is
// lost.
func (s *Store) AddTag(ctx context.Context, userID int64, tag string) error {
	set, err := s.driver.GetSetting(ctx, userID, "tags")
	if err != nil {
		return err
	}
	var tags []string
	if err := json.Unmarshal([]byte(set.Value), &tags); err != nil {
		return err
	}
	tags = append(tags, tag)
	b, err := json.Marshal(tags)
	if err != nil {
		return err
	}
	return s.driver.UpsertSetting(ctx, &Setting{UserID: userID, Key: "tags", Value: string(b)}) // want `^lost update: set\.Value is read at store\.go:61 through store\.Driver\.GetSetting and written back here through store\.Driver\.UpsertSetting outside a locking transaction; a concurrent request can change user_settings\.value in between\. Give store\.Driver a method that makes the change in one statement or in one transaction that reads the row with SELECT … FOR UPDATE, or check a version in the write\.\n\tpgdb.DB implements store.Driver: its GetSetting reads user_settings.value at db.go:\d+ without a lock, and its UpsertSetting writes it at db.go:\d+ whatever the row holds$` `^lost update: set\.Value is read at store\.go:61 through store\.Driver\.GetSetting and written back here through store\.Driver\.UpsertSetting outside a locking transaction; a concurrent request can change user_settings\.value in between\. Give store\.Driver a method that makes the change in one statement or in one transaction that reads the row with SELECT … FOR UPDATE, or check a version in the write\.\n\tsqlitedb.DB implements store.Driver: its GetSetting reads user_settings.value at db.go:\d+ without a lock, and its UpsertSetting writes it at db.go:\d+ whatever the row holds$`
}

// AddTagLocked is AddTag under a mutex: it serialises the requests of this
// process, not those of the service's other instances.
func (s *Store) AddTagLocked(ctx context.Context, userID int64, tag string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	set, err := s.driver.GetSetting(ctx, userID, "tags")
	if err != nil {
		return err
	}
	var tags []string
	if err := json.Unmarshal([]byte(set.Value), &tags); err != nil {
		return err
	}
	b, err := json.Marshal(append(tags, tag))
	if err != nil {
		return err
	}
	set.Value = string(b)
	return s.driver.UpsertSetting(ctx, set) // want `^lost update: set\.Value is read at store\.go:82 through store\.Driver\.GetSetting and written back here through store\.Driver\.UpsertSetting under a sync\.Mutex, which serialises requests in this process only; another instance of the service can change user_settings\.value in between\. Give store\.Driver a method that makes the change in one statement or in one transaction that reads the row with SELECT … FOR UPDATE, or check a version in the write\.\n\tpgdb.DB implements store.Driver: its GetSetting reads user_settings.value at db.go:\d+ without a lock, and its UpsertSetting writes it at db.go:\d+ whatever the row holds$` `^lost update: set\.Value is read at store\.go:82 through store\.Driver\.GetSetting and written back here through store\.Driver\.UpsertSetting under a sync\.Mutex, which serialises requests in this process only; another instance of the service can change user_settings\.value in between\. Give store\.Driver a method that makes the change in one statement or in one transaction that reads the row with SELECT … FOR UPDATE, or check a version in the write\.\n\tsqlitedb.DB implements store.Driver: its GetSetting reads user_settings.value at db.go:\d+ without a lock, and its UpsertSetting writes it at db.go:\d+ whatever the row holds$`
}

// ClearTags writes a value that comes from the request alone.
func (s *Store) ClearTags(ctx context.Context, userID int64) error {
	return s.driver.UpsertSetting(ctx, &Setting{UserID: userID, Key: "tags", Value: "[]"})
}

// Reward adds credits atomically: the driver computes in the database.
func (s *Store) Reward(ctx context.Context, userID, n int64) error {
	return s.driver.AddCredits(ctx, userID, n)
}

// View counts a page view by reading the count and writing it plus one.
func (s *Store) View(ctx context.Context, pageID int64) error {
	n, err := s.driver.Views(ctx, pageID)
	if err != nil {
		return err
	}
	return s.driver.SetViews(ctx, pageID, n+1) // want `^lost update: n is read at store\.go:110 through store\.Driver\.Views and written back here through store\.Driver\.SetViews outside a locking transaction; a concurrent request can change pages\.views in between\. Give store\.Driver a method that makes the change in one statement \(UPDATE pages SET views = views \+ \?\) or in one transaction that reads the row with SELECT … FOR UPDATE, or check a version in the write\.\n\tpgdb.DB implements store.Driver: its Views reads pages.views at db.go:\d+ without a lock, and its SetViews writes it at db.go:\d+ whatever the row holds$` `^lost update: n is read at store\.go:110 through store\.Driver\.Views and written back here through store\.Driver\.SetViews outside a locking transaction; a concurrent request can change pages\.views in between\. Give store\.Driver a method that makes the change in one statement \(UPDATE pages SET views = views \+ \?\) or in one transaction that reads the row with SELECT … FOR UPDATE, or check a version in the write\.\n\tsqlitedb.DB implements store.Driver: its Views reads pages.views at db.go:\d+ without a lock, and its SetViews writes it at db.go:\d+ whatever the row holds$`
}

// ApproximateView is View, accepted as approximate.
func (s *Store) ApproximateView(ctx context.Context, pageID int64) error {
	n, err := s.driver.Views(ctx, pageID)
	if err != nil {
		return err
	}
	//lostupdate:ignore a lost page view is acceptable here
	return s.driver.SetViews(ctx, pageID, n+1)
}

// User returns a user: a wrapper of the driver, so that the store's
// callers load through it (see package web).
func (s *Store) User(ctx context.Context, id int64) (*User, error) {
	return s.driver.GetUser(ctx, id)
}

// SaveUser saves a user whole.
func (s *Store) SaveUser(ctx context.Context, u *User) error {
	return s.driver.UpdateUser(ctx, u)
}

// SaveUserChecked saves a user if its version did not change.
func (s *Store) SaveUserChecked(ctx context.Context, u *User) error {
	return s.driver.UpdateUserChecked(ctx, u)
}

// Rename changes a user's name only: the credits are written back as read
// (a stale row, not a lost update of the name).
func (s *Store) Rename(ctx context.Context, id int64, name string) error {
	u, err := s.driver.GetUser(ctx, id)
	if err != nil {
		return err
	}
	u.Name = name
	return s.driver.UpdateUser(ctx, u)
}

// NameAfter names a user after another user's credits: a value read from
// one column (credits) and written to another (name) is not a lost update
// of the column it was read from.
func (s *Store) NameAfter(ctx context.Context, id, otherID int64) error {
	other, err := s.driver.GetUser(ctx, otherID)
	if err != nil {
		return err
	}
	return s.driver.UpdateUser(ctx, &User{ID: id, Name: "fan no. " + digits(other.Credits)})
}

// digits renders n in decimal.
func digits(n int64) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return digits(n/10) + digits(n%10)
}

// GrantBonus adds a bonus to a user read before applyBonus takes its lock:
// two grants both add to the credits read here, and one bonus is lost.
func (s *Store) GrantBonus(ctx context.Context, id, bonus int64) error {
	u, err := s.driver.GetUser(ctx, id)
	if err != nil {
		return err
	}
	return s.applyBonus(ctx, u, bonus) // want `^lost update: u\.Credits is read at store\.go:176 through store\.Driver\.GetUser and written back here through store\.Driver\.UpdateUser outside a locking transaction; a concurrent request can change users\.credits in between\..*\n\tpgdb.DB implements store.Driver: its GetUser reads users.credits at db.go:\d+ without a lock, and its UpdateUser writes it at db.go:\d+ whatever the row holds$` `^lost update: u\.Credits is read at store\.go:176 through store\.Driver\.GetUser and written back here through store\.Driver\.UpdateUser outside a locking transaction; a concurrent request can change users\.credits in between\..*\n\tsqlitedb.DB implements store.Driver: its GetUser reads users.credits at db.go:\d+ without a lock, and its UpdateUser writes it at db.go:\d+ whatever the row holds$`
}

// applyBonus adds a bonus under the store's lock.
func (s *Store) applyBonus(ctx context.Context, u *User, bonus int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u.Credits += bonus
	return s.driver.UpdateUser(ctx, u)
}

// GrantBonusSafely hands the user it read to applyBonusSafely, which reads
// a stored user again under the lock: the copy read here is used only for
// a user that is new (no id yet), which no load returns.
func (s *Store) GrantBonusSafely(ctx context.Context, id, bonus int64) error {
	u, err := s.driver.GetUser(ctx, id)
	if err != nil {
		return err
	}
	return s.applyBonusSafely(ctx, u, bonus)
}

// applyBonusSafely reads a stored user again under the store's lock,
// which keeps out the grants of this process only.
func (s *Store) applyBonusSafely(ctx context.Context, u *User, bonus int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if isNew := u.ID == 0; !isNew {
		var err error
		if u, err = s.driver.GetUser(ctx, u.ID); err != nil {
			return err
		}
	}
	u.Credits += bonus
	return s.driver.UpdateUser(ctx, u) // want `^lost update: u\.Credits is read at store\.go:209 through store\.Driver\.GetUser and written back here through store\.Driver\.UpdateUser under a sync\.Mutex, which serialises requests in this process only; another instance of the service can change users\.credits in between\..*\n\tpgdb.DB implements store.Driver: its GetUser reads users.credits at db.go:\d+ without a lock, and its UpdateUser writes it at db.go:\d+ whatever the row holds$` `^lost update: u\.Credits is read at store\.go:209 through store\.Driver\.GetUser and written back here through store\.Driver\.UpdateUser under a sync\.Mutex, which serialises requests in this process only; another instance of the service can change users\.credits in between\..*\n\tsqlitedb.DB implements store.Driver: its GetUser reads users.credits at db.go:\d+ without a lock, and its UpdateUser writes it at db.go:\d+ whatever the row holds$`
}

// GrantBonusLater hands the user it read on through applyBonusVia, which
// passes it to applyBonusSafely: the stored user is read again there too.
func (s *Store) GrantBonusLater(ctx context.Context, id, bonus int64) error {
	u, err := s.driver.GetUser(ctx, id)
	if err != nil {
		return err
	}
	return s.applyBonusVia(ctx, u, bonus)
}

// applyBonusVia applies a bonus through applyBonusSafely.
func (s *Store) applyBonusVia(ctx context.Context, u *User, bonus int64) error {
	return s.applyBonusSafely(ctx, u, bonus)
}

// RenameShowingBonus renames a user and returns it with the day's bonus
// added to the credits it shows; only the name is written, so the credits
// read are not written back.
func (s *Store) RenameShowingBonus(ctx context.Context, id int64, name string, bonus int64) (*User, error) {
	u, err := s.driver.GetUser(ctx, id)
	if err != nil {
		return nil, err
	}
	u.Name = name
	u.Credits += bonus
	return u, s.driver.UpdateUserColumns(ctx, u, "name")
}

// AddBonusColumn writes the credits it added to: two bonuses at once both
// add to the credits read, and one is lost.
func (s *Store) AddBonusColumn(ctx context.Context, id, bonus int64) error {
	u, err := s.driver.GetUser(ctx, id)
	if err != nil {
		return err
	}
	u.Credits += bonus
	return s.driver.UpdateUserColumns(ctx, u, "credits") // want `^lost update: u\.Credits is read at store\.go:248 through store\.Driver\.GetUser and written back here through store\.Driver\.UpdateUserColumns outside a locking transaction; a concurrent request can change users\.credits in between\..*\n\tpgdb.DB implements store.Driver: its GetUser reads users.credits at db.go:\d+ without a lock, and its UpdateUserColumns writes it at db.go:\d+ whatever the row holds$` `^lost update: u\.Credits is read at store\.go:248 through store\.Driver\.GetUser and written back here through store\.Driver\.UpdateUserColumns outside a locking transaction; a concurrent request can change users\.credits in between\..*\n\tsqlitedb.DB implements store.Driver: its GetUser reads users.credits at db.go:\d+ without a lock, and its UpdateUserColumns writes it at db.go:\d+ whatever the row holds$`
}

// RewardReferrers rewards the referrers up a user's chain of referrals
// (rewardChain), each found by the id its referral names. The chain's
// writes are the referrers' credits (rewardOne's lost update): the id a
// referral names is the key of another row, not this user's credits read
// and written back.
func (s *Store) RewardReferrers(ctx context.Context, id int64) error {
	u, err := s.driver.GetUser(ctx, id)
	if err != nil {
		return err
	}
	return s.rewardChain(ctx, u)
}

// rewardChain rewards the referrers up from u.
func (s *Store) rewardChain(ctx context.Context, u *User) error {
	current := u
	for range 3 {
		if current.ReferrerID == 0 {
			return nil
		}
		ref, err := s.rewardOne(ctx, current.ReferrerID)
		if err != nil {
			return err
		}
		current.Referrer = ref
		current = ref
	}
	return nil
}

// rewardOne adds a credit to the user with id: two rewards at once both
// add to the credits read, and one is lost.
func (s *Store) rewardOne(ctx context.Context, id int64) (*User, error) {
	u, err := s.driver.GetUser(ctx, id)
	if err != nil {
		return nil, err
	}
	u.Credits++
	return u, s.driver.UpdateUser(ctx, u) // want `^lost update: u\.Credits is read at store\.go:\d+ through store\.Driver\.GetUser and written back here through store\.Driver\.UpdateUser outside a locking transaction; a concurrent request can change users\.credits in between\..*\n\tpgdb.DB implements store.Driver: its GetUser reads users.credits at db.go:\d+ without a lock, and its UpdateUser writes it at db.go:\d+ whatever the row holds$` `^lost update: u\.Credits is read at store\.go:\d+ through store\.Driver\.GetUser and written back here through store\.Driver\.UpdateUser outside a locking transaction; a concurrent request can change users\.credits in between\..*\n\tsqlitedb.DB implements store.Driver: its GetUser reads users.credits at db.go:\d+ without a lock, and its UpdateUser writes it at db.go:\d+ whatever the row holds$`
}

// FriendOf returns the friend of u called name, if u lists one.
func (u *User) FriendOf(name string) (*User, bool) {
	for _, f := range u.Friends {
		if f.Name == name {
			return f, true
		}
	}
	return nil, false
}

// MatchFriend gives a user one credit more than a friend the user lists
// has (matchFriend): the credits written are computed from the friend
// row's, so the user's own credits are not read and written back.
func (s *Store) MatchFriend(ctx context.Context, id int64, friend string) error {
	u, err := s.driver.GetUser(ctx, id)
	if err != nil {
		return err
	}
	return s.matchFriend(ctx, u, friend)
}

// matchFriend gives u one credit more than its friend called friend.
func (s *Store) matchFriend(ctx context.Context, u *User, friend string) error {
	f, ok := u.FriendOf(friend)
	if !ok {
		return nil
	}
	u.Credits = f.Credits + 1
	return s.driver.UpdateUserColumns(ctx, u, "credits")
}
