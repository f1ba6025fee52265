// Package once is a service whose helper loads and writes inside itself: // want package:"writes counters\\.hits"
// the lost update is the helper's, reported there once, not again at each
// of its callers.
package once

import (
	"context"
	"database/sql"
	"net/http"
)

type server struct{ db *sql.DB }

// countHit reads the counter, adds one in Go and writes it back.
func (s *server) countHit(ctx context.Context, page string) error {
	var hits int64
	if err := s.db.QueryRowContext(ctx, "SELECT hits FROM counters WHERE page = $1", page).Scan(&hits); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, "UPDATE counters SET hits = $1 WHERE page = $2", hits+1, page) // want `^lost update: hits is read at once.go:17 and written back here`
	return err
}

// home and about call the helper: they are not reported again.
func (s *server) home(w http.ResponseWriter, r *http.Request) {
	if err := s.countHit(r.Context(), "home"); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func (s *server) about(w http.ResponseWriter, r *http.Request) {
	if err := s.countHit(r.Context(), "about"); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}
