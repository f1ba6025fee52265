// Package helpers is a reader service whose users are loaded through // want package:"writes .*users\\.reading_speed"
// shared scan helpers: one receives its SQL from the caller, the other
// the caller's *sql.Row. The columns come from the caller's query, so a
// value read from users and written to entries is no lost update, and one
// written back to users is.
package helpers

import (
	"database/sql"
	"fmt"
)

type User struct {
	ID    int64
	Name  string
	Speed int // words per minute, the reading_speed column
}

type Store struct {
	db *sql.DB
}

// fetchUser runs the caller's query and scans one user.
func (s *Store) fetchUser(query string, args ...any) (*User, error) {
	var u User
	if err := s.db.QueryRow(query, args...).Scan(&u.ID, &u.Name, &u.Speed); err != nil {
		return nil, fmt.Errorf("fetch user: %w", err)
	}
	return &u, nil
}

func (s *Store) userByID(id int64) (*User, error) {
	return s.fetchUser("SELECT id, name, reading_speed FROM users WHERE id = $1", id)
}

// scanUser scans a row the caller queried.
func scanUser(row *sql.Row) (*User, error) {
	var u User
	if err := row.Scan(&u.ID, &u.Name, &u.Speed); err != nil {
		return nil, fmt.Errorf("scan user: %w", err)
	}
	return &u, nil
}

// setReadingTime stores an entry's reading time for its reader: the speed
// is read from users and the result written to entries.
func (s *Store) setReadingTime(entryID, userID int64, words int) error {
	u, err := s.userByID(userID)
	if err != nil {
		return err
	}
	readingTime := words / u.Speed
	_, err = s.db.Exec("UPDATE entries SET reading_time = $1 WHERE id = $2", readingTime, entryID)
	return err
}

// speedUpRacy raises the reader's speed in Go and writes it back.
func (s *Store) speedUpRacy(userID int64) error {
	u, err := s.userByID(userID)
	if err != nil {
		return err
	}
	_, err = s.db.Exec("UPDATE users SET reading_speed = $1 WHERE id = $2", u.Speed+10, u.ID) // want `^lost update: u.Speed is read at helpers.go:59 \(by Store.userByID, at helpers.go:26\) and written back here .*SET reading_speed = reading_speed \+ \$1`
	return err
}

// speedUpAtomic lets the database add.
func (s *Store) speedUpAtomic(userID int64) error {
	_, err := s.db.Exec("UPDATE users SET reading_speed = reading_speed + $1 WHERE id = $2", 10, userID)
	return err
}

// setReadingTimeScanned is setReadingTime with the caller's *sql.Row.
func (s *Store) setReadingTimeScanned(entryID, userID int64, words int) error {
	u, err := scanUser(s.db.QueryRow("SELECT id, name, reading_speed FROM users WHERE id = $1", userID))
	if err != nil {
		return err
	}
	_, err = s.db.Exec("UPDATE entries SET reading_time = $1 WHERE id = $2", words/u.Speed, entryID)
	return err
}

// speedUpScannedRacy is speedUpRacy with the caller's *sql.Row.
func (s *Store) speedUpScannedRacy(userID int64) error {
	u, err := scanUser(s.db.QueryRow("SELECT id, name, reading_speed FROM users WHERE id = $1", userID))
	if err != nil {
		return err
	}
	_, err = s.db.Exec("UPDATE users SET reading_speed = $1 WHERE id = $2", u.Speed+10, u.ID) // want `^lost update: u.Speed is read at helpers.go:85 \(by helpers.scanUser, at helpers.go:39\) and written back here .*SET reading_speed = reading_speed \+ \$1`
	return err
}
