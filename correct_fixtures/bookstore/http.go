package bookstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/lostupdate/lostupdate/correct_fixtures/httpjson"
	"github.com/lostupdate/lostupdate/correct_fixtures/retry"
)

// RetriesHeader is the response header in which the server says how many times the
// strategy retried while serving the request; the load harness adds them up.
const RetriesHeader = "Lostupdate-Retries"

// maxBody is the largest request body the bookstore accepts.
const maxBody = 1 << 10

// BuyRequest is the body of POST /books/{id}/buy.
type BuyRequest struct {
	// Qty is the number of copies, 1 to MaxQty; required.
	Qty *int64 `json:"qty"`
}

// AddRequest is the body of POST /books.
type AddRequest struct {
	Title string `json:"title"`
	// Stock is the number of copies, 0 to MaxStock; required.
	Stock *int64 `json:"stock"`
}

// NewHandler serves the bookstore API on s:
//
//	POST /books          {"title": "Dune", "stock": 10} → 201 {"id": 7, "title": "Dune", "stock": 10, "sold": 0}
//	POST /books/{id}/buy {"qty": 3}                     → 200 {"id": 7, …, "stock": 7, "sold": 3}, or 409
//	GET  /books/{id}                                    → 200 {"id": 7, …}, or 404
//
// A sale of more copies than are in stock is 409 and sells nothing. A failed sale is
// answered 503 when it certainly changed nothing (trying again is safe) and 500 when
// it may have been applied.
//
// Bad input (an id that is not a positive integer, malformed JSON, an unknown or
// repeated field, a missing, zero, negative, fractional or overflowing qty, a body
// over 1 KiB, a Content-Type other than JSON) is answered 4xx with {"error": "..."}
// before the store is touched. A method a path does not take (GET on /buy) is 405
// with an Allow header, an unknown path 404.
func NewHandler(s Store) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /books", httpjson.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var req AddRequest
		if err := httpjson.Decode(w, r, &req, httpjson.DecodeOptions{MaxBody: maxBody}); err != nil {
			return err
		}
		if req.Stock == nil {
			return httpjson.Errorf(http.StatusBadRequest, "stock is required")
		}
		if err := ValidateNew(req.Title, *req.Stock); err != nil {
			return httpjson.Errorf(http.StatusBadRequest, "%v", err)
		}
		b, err := s.Add(r.Context(), req.Title, *req.Stock)
		if err != nil {
			return err
		}
		httpjson.Write(w, http.StatusCreated, b)
		return nil
	}))
	mux.Handle("POST /books/{id}/buy", httpjson.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		var req BuyRequest
		if err := httpjson.Decode(w, r, &req, httpjson.DecodeOptions{MaxBody: maxBody}); err != nil {
			return err
		}
		if req.Qty == nil {
			return httpjson.Errorf(http.StatusBadRequest, "qty is required")
		}
		if err := ValidateQty(*req.Qty); err != nil {
			return httpjson.Errorf(http.StatusBadRequest, "%v", err)
		}
		var retries retry.Counter
		b, err := s.Buy(retry.WithCounter(r.Context(), &retries), id, *req.Qty)
		w.Header().Set(RetriesHeader, strconv.FormatInt(retries.Load(), 10))
		if err != nil {
			return statusOf(err)
		}
		httpjson.Write(w, http.StatusOK, b)
		return nil
	}))
	mux.Handle("GET /books/{id}", httpjson.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		b, err := s.Get(r.Context(), id)
		if err != nil {
			return statusOf(err)
		}
		httpjson.Write(w, http.StatusOK, b)
		return nil
	}))
	return httpjson.Routes(mux)
}

// pathID parses the {id} of the request's path.
func pathID(r *http.Request) (int64, error) {
	raw := r.PathValue("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || ValidateID(id) != nil {
		return 0, httpjson.Errorf(http.StatusBadRequest, "book id must be a positive integer, got %q", raw)
	}
	return id, nil
}

// statusOf turns a store error into the HTTP error it is answered with.
func statusOf(err error) error {
	switch {
	case errors.Is(err, ErrNotFound):
		return httpjson.Errorf(http.StatusNotFound, "%v", err)
	case errors.Is(err, ErrSoldOut):
		return httpjson.Errorf(http.StatusConflict, "%v", err)
	case errors.Is(err, ErrNotApplied):
		// Nothing changed: 503 tells the client that trying again is safe.
		return httpjson.Errorf(http.StatusServiceUnavailable, "%v", err)
	}
	return err
}

// Client is a Store that talks to a bookstore server over HTTP; the load harness uses
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

// Add posts a new book.
func (c *Client) Add(ctx context.Context, title string, stock int64) (Book, error) {
	return c.post(ctx, c.base+"/books", AddRequest{Title: title, Stock: &stock}, http.StatusCreated)
}

// Buy posts a sale.
func (c *Client) Buy(ctx context.Context, id, qty int64) (Book, error) {
	return c.post(ctx, c.base+"/books/"+strconv.FormatInt(id, 10)+"/buy", BuyRequest{Qty: &qty}, http.StatusOK)
}

// Get reads a book.
func (c *Client) Get(ctx context.Context, id int64) (Book, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/books/"+strconv.FormatInt(id, 10), nil)
	if err != nil {
		return Book{}, fmt.Errorf("get book %d: %w", id, err)
	}
	return c.do(req, http.StatusOK)
}

// Close does nothing: the server owns the store.
func (c *Client) Close() error { return nil }

func (c *Client) post(ctx context.Context, url string, body any, want int) (Book, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return Book{}, fmt.Errorf("POST %s: encode %v: %w", url, body, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(data))
	if err != nil {
		return Book{}, fmt.Errorf("POST %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	return c.do(req, want)
}

func (c *Client) do(req *http.Request, want int) (Book, error) {
	resp, err := c.hc.Do(req)
	if err != nil {
		return Book{}, fmt.Errorf("%s %s: %w", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	if n, err := strconv.ParseInt(resp.Header.Get(RetriesHeader), 10, 64); err == nil && n > 0 {
		if rc := retry.CounterFrom(req.Context()); rc != nil {
			rc.Add(n)
		}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return Book{}, fmt.Errorf("%s %s: read response: %w", req.Method, req.URL, err)
	}
	if resp.StatusCode != want {
		var e httpjson.ErrorBody
		_ = json.Unmarshal(data, &e)
		err := fmt.Errorf("%s %s: %s: %s", req.Method, req.URL, resp.Status, e.Error)
		switch resp.StatusCode {
		case http.StatusNotFound:
			err = fmt.Errorf("%w (%w)", ErrNotFound, err)
		case http.StatusConflict:
			err = fmt.Errorf("%w (%w)", ErrSoldOut, err)
		case http.StatusServiceUnavailable, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
			err = notApplied(err)
		}
		return Book{}, err
	}
	var b Book
	if err := json.Unmarshal(data, &b); err != nil {
		return Book{}, fmt.Errorf("%s %s: decode %q: %w", req.Method, req.URL, data, err)
	}
	return b, nil
}
