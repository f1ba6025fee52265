package bank

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

// Response headers of the bank API.
const (
	// RetriesHeader says how many times the strategy retried while serving the
	// request; the load harness adds them up.
	RetriesHeader = "Lostupdate-Retries"
	// ReplayedHeader is "true" on the answer to a request_id decided before: the
	// body is the first answer's and nothing changed now.
	ReplayedHeader = "Idempotent-Replayed"
)

// MaxBody is the largest request body the API accepts.
const MaxBody = 1 << 10

// MoveRequest is the body of POST /accounts/{id}/deposit and /withdraw.
type MoveRequest struct {
	// Amount is what to move, 1 to MaxAmount.
	Amount *int64 `json:"amount"`
	// RequestID identifies the operation: send a new one per operation and the
	// same one when retrying it.
	RequestID string `json:"request_id"`
}

// Account is the body of GET and PUT /accounts/{id}.
type Account struct {
	Account string `json:"account"`
	Balance int64  `json:"balance"`
}

// ErrorBody is the body of an error answer: what is wrong, and for the errors of
// the bank itself (as opposed to malformed requests) a code a client can act on.
type ErrorBody struct {
	Error string `json:"error"`
	Code  string `json:"code,omitempty"`
}

// The codes of ErrorBody.
const (
	CodeNotFound          = "account_not_found"  // 404: open the account first
	CodeInsufficientFunds = "insufficient_funds" // 409: refused, and the refusal is remembered
	CodeOverflow          = "balance_overflow"   // 422: the balance would pass the largest int64
	CodeRequestReused     = "request_id_reused"  // 422: send a new request_id for a new request
	// CodeNotApplied (503): the request certainly changed nothing; send it again.
	CodeNotApplied = "not_applied"
	// CodeUnknownOutcome (500): the request may or may not have been applied; send
	// it again with the same request_id to find out.
	CodeUnknownOutcome = "unknown_outcome"
)

// NewHandler serves the bank API on s:
//
//	PUT  /accounts/{id}                                       → 201 {"account": "joint", "balance": 0} (200 if it existed)
//	POST /accounts/{id}/deposit  {"amount": 50, "request_id": "r1"} → 200 receipt
//	POST /accounts/{id}/withdraw {"amount": 50, "request_id": "r2"} → 200 receipt, or 409 insufficient funds
//	GET  /accounts/{id}                                       → 200 {"account": "joint", "balance": 950}, or 404
//	GET  /accounts/{id}/statement                             → 200 {"account", "balance", "ledger": [...]}
//
// A receipt is {"account", "request_id", "op", "amount", "balance"}. A request_id
// sent again gets the first answer again, byte for byte, with Idempotent-Replayed:
// true, and changes nothing. A failure is 503 when it certainly changed nothing and
// 500 when it may have been applied; either way the client may send the same
// request again and have it applied once.
//
// Bad input (a bad account id, malformed JSON, an unknown or repeated field, a
// missing, zero, negative or overflowing amount, a missing or oversized
// request_id, a body over MaxBody) is answered 4xx with {"error": "..."} before
// the store is touched. A method a path does not take (GET on /deposit) is 405
// with an Allow header, an unknown path 404.
func NewHandler(s Store) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("PUT /accounts/{id}", httpjson.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("id")
		if err := ValidateAccount(id); err != nil {
			return httpjson.Errorf(http.StatusBadRequest, "%v", err)
		}
		created, err := s.CreateAccount(r.Context(), id)
		if err != nil {
			return err
		}
		balance, err := s.Balance(r.Context(), id)
		if err != nil {
			return failure(w, err)
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		httpjson.Write(w, status, Account{Account: id, Balance: balance})
		return nil
	}))
	move := func(op Op) httpjson.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) error {
			id := r.PathValue("id")
			if err := ValidateAccount(id); err != nil {
				return httpjson.Errorf(http.StatusBadRequest, "%v", err)
			}
			var body MoveRequest
			if err := httpjson.Decode(w, r, &body, httpjson.DecodeOptions{MaxBody: MaxBody}); err != nil {
				return err
			}
			if body.Amount == nil {
				return httpjson.Errorf(http.StatusBadRequest, "amount is missing; want an integer from 1 to %d", MaxAmount)
			}
			req := Request{Account: id, Op: op, Amount: *body.Amount, RequestID: body.RequestID}
			if err := Validate(req); err != nil {
				return httpjson.Errorf(http.StatusBadRequest, "%v", err)
			}
			var retries retry.Counter
			rc, err := s.Apply(retry.WithCounter(r.Context(), &retries), req)
			w.Header().Set(RetriesHeader, strconv.FormatInt(retries.Load(), 10))
			if err == nil || errors.Is(err, ErrInsufficientFunds) {
				w.Header().Set(ReplayedHeader, strconv.FormatBool(rc.Replayed))
			}
			if err != nil {
				return failure(w, err)
			}
			httpjson.Write(w, http.StatusOK, rc)
			return nil
		}
	}
	mux.Handle("POST /accounts/{id}/deposit", move(Deposit))
	mux.Handle("POST /accounts/{id}/withdraw", move(Withdraw))
	mux.Handle("GET /accounts/{id}", httpjson.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("id")
		if err := ValidateAccount(id); err != nil {
			return httpjson.Errorf(http.StatusBadRequest, "%v", err)
		}
		balance, err := s.Balance(r.Context(), id)
		if err != nil {
			return failure(w, err)
		}
		httpjson.Write(w, http.StatusOK, Account{Account: id, Balance: balance})
		return nil
	}))
	mux.Handle("GET /accounts/{id}/statement", httpjson.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("id")
		if err := ValidateAccount(id); err != nil {
			return httpjson.Errorf(http.StatusBadRequest, "%v", err)
		}
		st, err := s.Statement(r.Context(), id)
		if err != nil {
			return failure(w, err)
		}
		httpjson.Write(w, http.StatusOK, st)
		return nil
	}))
	return httpjson.Routes(mux)
}

// failure answers a store error with its status and code.
func failure(w http.ResponseWriter, err error) error {
	status, code, msg := http.StatusInternalServerError, CodeUnknownOutcome, err.Error()
	switch {
	case errors.Is(err, ErrNotFound):
		status, code = http.StatusNotFound, CodeNotFound
	case errors.Is(err, ErrInsufficientFunds):
		status, code = http.StatusConflict, CodeInsufficientFunds
	case errors.Is(err, ErrRequestReused):
		status, code = http.StatusUnprocessableEntity, CodeRequestReused
	case errors.Is(err, ErrOverflow):
		status, code = http.StatusUnprocessableEntity, CodeOverflow
	case errors.Is(err, ErrInvalid):
		return httpjson.Errorf(http.StatusBadRequest, "%v", err)
	case errors.Is(err, ErrNotApplied):
		status, code = http.StatusServiceUnavailable, CodeNotApplied
		msg += "; nothing was applied, send the same request again"
	default:
		msg += "; the request may or may not have been applied, send it again with the same request_id to find out"
	}
	httpjson.Write(w, status, ErrorBody{Error: msg, Code: code})
	return nil
}

// Client is a Store that talks to a bank server over HTTP; the load harness uses it
// to drive a running service.
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

func (c *Client) accountURL(id string) string { return c.base + "/accounts/" + url.PathEscape(id) }

// CreateAccount opens an account with PUT /accounts/{id}.
func (c *Client) CreateAccount(ctx context.Context, id string) (bool, error) {
	var acct Account
	status, _, err := c.do(ctx, http.MethodPut, c.accountURL(id), nil, &acct)
	return status == http.StatusCreated, err
}

// Apply posts a deposit or a withdrawal.
func (c *Client) Apply(ctx context.Context, req Request) (Receipt, error) {
	body, err := json.Marshal(MoveRequest{Amount: &req.Amount, RequestID: req.RequestID})
	if err != nil {
		return Receipt{}, err
	}
	var rc Receipt
	_, h, err := c.do(ctx, http.MethodPost, c.accountURL(req.Account)+"/"+string(req.Op), body, &rc)
	rc.Replayed = h.Get(ReplayedHeader) == "true"
	if errors.Is(err, ErrInsufficientFunds) {
		rc = Receipt{Account: req.Account, RequestID: req.RequestID, Op: req.Op, Amount: req.Amount, Replayed: rc.Replayed}
	}
	return rc, err
}

// Balance reads an account's balance.
func (c *Client) Balance(ctx context.Context, id string) (int64, error) {
	var acct Account
	_, _, err := c.do(ctx, http.MethodGet, c.accountURL(id), nil, &acct)
	return acct.Balance, err
}

// Statement reads an account's statement.
func (c *Client) Statement(ctx context.Context, id string) (Statement, error) {
	var st Statement
	_, _, err := c.do(ctx, http.MethodGet, c.accountURL(id)+"/statement", nil, &st)
	return st, err
}

// Close does nothing: the server owns the store.
func (c *Client) Close() error { return nil }

// do sends a request and decodes a 2xx answer into out; an error answer becomes an
// error wrapping the package's error for its code or status.
func (c *Client) do(ctx context.Context, method, u string, body []byte, out any) (int, http.Header, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, u, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, http.Header{}, fmt.Errorf("%s %s: %w", method, u, err)
	}
	defer resp.Body.Close()
	if n, err := strconv.ParseInt(resp.Header.Get(RetriesHeader), 10, 64); err == nil && n > 0 {
		if rc := retry.CounterFrom(ctx); rc != nil {
			rc.Add(n)
		}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return resp.StatusCode, resp.Header, fmt.Errorf("%s %s: read response: %w", method, u, err)
	}
	if resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, resp.Header, fmt.Errorf("%s %s: decode %q: %w", method, u, data, err)
		}
		return resp.StatusCode, resp.Header, nil
	}
	var e ErrorBody
	_ = json.Unmarshal(data, &e)
	err = fmt.Errorf("%s %s: %s: %s", method, u, resp.Status, e.Error)
	switch {
	case e.Code == CodeNotFound:
		err = fmt.Errorf("%w (%w)", ErrNotFound, err)
	case e.Code == CodeInsufficientFunds:
		err = fmt.Errorf("%w (%w)", ErrInsufficientFunds, err)
	case e.Code == CodeOverflow:
		err = fmt.Errorf("%w (%w)", ErrOverflow, err)
	case e.Code == CodeRequestReused:
		err = fmt.Errorf("%w (%w)", ErrRequestReused, err)
	case e.Code == CodeNotApplied:
		err = notApplied(err)
	case resp.StatusCode/100 == 4:
		err = fmt.Errorf("%w (%w)", ErrInvalid, err)
	}
	return resp.StatusCode, resp.Header, err
}
