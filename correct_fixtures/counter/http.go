package counter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/lostupdate/lostupdate/correct_fixtures/httpjson"
	"github.com/lostupdate/lostupdate/correct_fixtures/retry"
)

// RetriesHeader is the response header in which the server says how many times the
// strategy retried while serving the request; the load harness adds them up.
const RetriesHeader = "Lostupdate-Retries"

// IncrRequest is the body of POST /counters/{name}/incr; the body may be empty.
type IncrRequest struct {
	// By is the amount to add, 1 to MaxBy; absent means 1.
	By *int64 `json:"by,omitempty"`
}

// Counter is the body of a successful response.
type Counter struct {
	Name string `json:"name"`
	N    int64  `json:"n"`
}

// NewHandler serves the counter API on s:
//
//	POST /counters/{name}/incr  {"by": 3}  → 200 {"name": "home", "n": 42}
//	GET  /counters/{name}                  → 200 {"name": "home", "n": 42}, or 404
//
// A failed increment is answered 503 when it certainly changed nothing (trying again
// is safe) and 500 when it may have been applied.
//
// Bad input (a bad name, malformed JSON, an unknown or repeated field, by out of range,
// a body over the limit) is answered 4xx with {"error": "..."} before the store is
// touched. A method a path does not take (GET on /incr) is 405 with an Allow header,
// an unknown path 404.
func NewHandler(s Store) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /counters/{name}/incr", httpjson.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		name := r.PathValue("name")
		if err := ValidateName(name); err != nil {
			return httpjson.Errorf(http.StatusBadRequest, "%v", err)
		}
		var req IncrRequest
		if err := httpjson.Decode(w, r, &req, httpjson.DecodeOptions{MaxBody: 1 << 10, AllowEmpty: true}); err != nil {
			return err
		}
		by := int64(1)
		if req.By != nil {
			by = *req.By
		}
		if err := ValidateBy(by); err != nil {
			return httpjson.Errorf(http.StatusBadRequest, "%v", err)
		}
		var retries retry.Counter
		n, err := s.Incr(retry.WithCounter(r.Context(), &retries), name, by)
		w.Header().Set(RetriesHeader, strconv.FormatInt(retries.Load(), 10))
		switch {
		case errors.Is(err, ErrOverflow):
			return httpjson.Errorf(http.StatusUnprocessableEntity, "%v", err)
		case errors.Is(err, ErrNotApplied):
			// Nothing changed: 503 tells the client that trying again is safe.
			return httpjson.Errorf(http.StatusServiceUnavailable, "%v", err)
		case err != nil:
			return err
		}
		httpjson.Write(w, http.StatusOK, Counter{Name: name, N: n})
		return nil
	}))
	mux.Handle("GET /counters/{name}", httpjson.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		name := r.PathValue("name")
		if err := ValidateName(name); err != nil {
			return httpjson.Errorf(http.StatusBadRequest, "%v", err)
		}
		n, err := s.Get(r.Context(), name)
		switch {
		case errors.Is(err, ErrNotFound):
			return httpjson.Errorf(http.StatusNotFound, "counter %q not found", name)
		case err != nil:
			return err
		}
		httpjson.Write(w, http.StatusOK, Counter{Name: name, N: n})
		return nil
	}))
	return httpjson.Routes(mux)
}

// Client is a Store that talks to a counter server over HTTP; the load harness uses
// it to drive a running service.
type Client struct {
	base string
	hc   *http.Client
}

// NewClient returns a Client for the server at baseURL (e.g. "http://127.0.0.1:8080").
func NewClient(baseURL string, hc *http.Client) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{base: baseURL, hc: hc}
}

// Incr posts an increment.
func (c *Client) Incr(ctx context.Context, name string, by int64) (int64, error) {
	body, err := json.Marshal(IncrRequest{By: &by})
	if err != nil {
		return 0, err
	}
	u := c.base + "/counters/" + url.PathEscape(name) + "/incr"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("incr %q: %w", name, err)
	}
	req.Header.Set("Content-Type", "application/json")
	return c.do(req, name)
}

// Get reads a counter.
func (c *Client) Get(ctx context.Context, name string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/counters/"+url.PathEscape(name), nil)
	if err != nil {
		return 0, fmt.Errorf("get %q: %w", name, err)
	}
	return c.do(req, name)
}

// Close does nothing: the server owns the store.
func (c *Client) Close() error { return nil }

func (c *Client) do(req *http.Request, name string) (int64, error) {
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	if n, err := strconv.ParseInt(resp.Header.Get(RetriesHeader), 10, 64); err == nil && n > 0 {
		if rc := retry.CounterFrom(req.Context()); rc != nil {
			rc.Add(n)
		}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return 0, fmt.Errorf("%s %s: read response: %w", req.Method, req.URL, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e httpjson.ErrorBody
		_ = json.Unmarshal(data, &e)
		err := fmt.Errorf("%s %s: %s: %s", req.Method, req.URL, resp.Status, e.Error)
		switch resp.StatusCode {
		case http.StatusNotFound:
			err = fmt.Errorf("counter %q: %w (%w)", name, ErrNotFound, err)
		case http.StatusServiceUnavailable, http.StatusBadRequest, http.StatusUnprocessableEntity:
			err = notApplied(err)
		}
		return 0, err
	}
	var got Counter
	if err := json.Unmarshal(data, &got); err != nil {
		return 0, fmt.Errorf("%s %s: decode %q: %w", req.Method, req.URL, data, err)
	}
	return got.N, nil
}
