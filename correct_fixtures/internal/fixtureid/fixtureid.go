// Package fixtureid is how a running fixture server says what it runs, so that a
// client driving it over HTTP measures what it thinks it measures.
//
// The server wraps its service's handler with [Handler]: GET /_fixture then answers
// {"service": "counter", "strategy": "upsert", "backend": "postgres"} and every other
// request goes to the service. A client calls [Fetch] before it drives the server; a
// server that does not answer the path (one started before it existed, or something
// that is not a fixture server) gives [ErrNotDeclared].
package fixtureid

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/lostupdate/lostupdate/correct_fixtures/httpjson"
)

// Path is where a fixture server says what it runs.
const Path = "/_fixture"

// Identity is what a fixture server runs: one strategy of one service on one backend.
type Identity struct {
	Service  string `json:"service"`
	Strategy string `json:"strategy"`
	Backend  string `json:"backend"`
}

// String names id as the harness does: "counter/upsert on postgres".
func (id Identity) String() string {
	return id.Service + "/" + id.Strategy + " on " + id.Backend
}

// Handler answers GET (and HEAD) Path with id as JSON, any other method on Path with
// a JSON 405 that lists the allowed ones, and passes every other request to next.
func Handler(id Identity, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != Path {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			httpjson.MethodNotAllowed(w, r, "GET, HEAD")
			return
		}
		httpjson.Write(w, http.StatusOK, id)
	})
}

// ErrNotDeclared is returned by Fetch for a server that answers GET Path with 404:
// it does not say what it runs.
var ErrNotDeclared = errors.New("the server does not say what it runs")

// maxBody bounds the answer Fetch reads: an identity is a few dozen bytes.
const maxBody = 64 << 10

// Fetch asks the fixture server at baseURL what it runs. A 404 is ErrNotDeclared;
// any other answer but a 200 with a JSON object naming the service, the strategy
// and the backend is an error that says what came back.
func Fetch(ctx context.Context, hc *http.Client, baseURL string) (Identity, error) {
	u := strings.TrimRight(baseURL, "/") + Path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Identity{}, fmt.Errorf("ask %s what it runs: %w", baseURL, err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return Identity{}, fmt.Errorf("ask %s what it runs: %w", baseURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return Identity{}, fmt.Errorf("GET %s: read the answer: %w", u, err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return Identity{}, fmt.Errorf("GET %s is 404: %w", u, ErrNotDeclared)
	default:
		return Identity{}, fmt.Errorf("GET %s answered %s: %s", u, resp.Status, snippet(body))
	}
	var id Identity
	if err := json.Unmarshal(body, &id); err != nil {
		return Identity{}, fmt.Errorf("GET %s: the answer is not the JSON object {\"service\", \"strategy\", \"backend\"}: %w: %s", u, err, snippet(body))
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"service", id.Service}, {"strategy", id.Strategy}, {"backend", id.Backend}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return Identity{}, fmt.Errorf("GET %s: the answer does not name the %s: %s", u, strings.Join(missing, ", "), snippet(body))
	}
	return id, nil
}

// snippet returns the start of body, on one line, for an error message.
func snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	if s == "" {
		return "(empty body)"
	}
	return fmt.Sprintf("%q", s)
}
