// Package bank is the joint-account fixture service: POST
// /accounts/{id}/deposit and /accounts/{id}/withdraw move money with
// {"amount": n, "request_id": "…"}, GET /accounts/{id} reads the balance. Two
// people share the account; the bank must never let it go below zero (a withdrawal
// it cannot cover is refused with 409), must record every accepted operation in a
// ledger (balance == sum(ledger), always), and must apply a request once however
// often the client sends it: a request_id seen before returns the first answer
// again and changes nothing. That is what makes a client's retry after a dropped
// connection safe, and it is what the racy original gets wrong twice over: it
// reads the balance, adds or subtracts in Go and writes it back, so two requests
// that read the same balance lose one of the two changes.
//
// Every strategy that makes the account safe is a [Store] built by [Strategy.Open];
// [Strategies] lists them:
//
//   - forupdate: SELECT … FOR UPDATE in a transaction (BEGIN IMMEDIATE on SQLite);
//   - atomic: UPDATE … SET balance = balance - $1 WHERE id = $2 AND balance >= $1;
//   - optimistic: a version column and a conditional UPDATE, retried with jitter;
//   - serializable: a SERIALIZABLE transaction, retried on serialization failures;
//   - advisory: pg_advisory_xact_lock / GET_LOCK around the read and the write.
//
// Two strategies of the other services do not fit a bank and are refused with the
// reason (see [Unfit]): upsert, the counter's fastest, and cache, which would
// acknowledge a deposit before the database has it.
//
// In every strategy the balance change, the ledger entry and the request's
// record (table bank_requests, keyed by request_id) are written in one transaction,
// so either all three happen or none does. The racy original lives in the module
// github.com/lostupdate/lostupdate/testdata/services (package bank there); it
// implements the same Store, so [NewHandler] serves it and [Workload] drives it.
package bank

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/strategy"
)

// Op is what a request does to an account.
type Op string

// The operations.
const (
	Deposit  Op = "deposit"
	Withdraw Op = "withdraw"
)

// Signed returns amount as the change op makes to a balance: +amount for a
// deposit, -amount for a withdrawal.
func (op Op) Signed(amount int64) int64 {
	if op == Withdraw {
		return -amount
	}
	return amount
}

// Request is one deposit or withdrawal.
type Request struct {
	Account   string
	Op        Op
	Amount    int64
	RequestID string
}

// String describes req for error messages.
func (r Request) String() string {
	return fmt.Sprintf("%s of %d on account %q (request %q)", r.Op, r.Amount, r.Account, r.RequestID)
}

// Receipt is the answer to an accepted request: the account's balance right after
// it. A request_id sent again gets the same Receipt with Replayed set.
type Receipt struct {
	Account   string `json:"account"`
	RequestID string `json:"request_id"`
	Op        Op     `json:"op"`
	Amount    int64  `json:"amount"`
	Balance   int64  `json:"balance"`
	// Replayed reports that the request had been decided before and nothing was
	// changed now. It is not part of the JSON body (the body of a replay is the
	// body of the first answer); the HTTP layer sends it as a header.
	Replayed bool `json:"-"`
}

// Entry is one line of the ledger: an accepted request and the change it made.
type Entry struct {
	RequestID string `json:"request_id"`
	// Amount is signed: positive for a deposit, negative for a withdrawal.
	Amount int64 `json:"amount"`
}

// Statement is an account's durable state: its balance and its ledger, oldest first.
type Statement struct {
	Account string  `json:"account"`
	Balance int64   `json:"balance"`
	Ledger  []Entry `json:"ledger"`
}

// Store moves money in accounts. Implementations are safe for concurrent use (except
// the racy original, which is the point).
type Store interface {
	// CreateAccount opens account id with a balance of 0 unless it exists, and
	// reports whether it created it.
	CreateAccount(ctx context.Context, id string) (created bool, err error)
	// Apply performs req once per request ID. A request ID decided before returns
	// the first decision again, with Receipt.Replayed set, and changes nothing; a
	// request ID used before for another account, operation or amount fails with
	// ErrRequestReused. A withdrawal the balance cannot cover fails with
	// ErrInsufficientFunds (and is remembered as refused). The Receipt is valid
	// also with ErrInsufficientFunds, to say whether the refusal was a replay.
	Apply(ctx context.Context, req Request) (Receipt, error)
	// Balance returns the balance of account id, or an error wrapping ErrNotFound.
	Balance(ctx context.Context, id string) (int64, error)
	// Statement returns the balance and ledger of account id, read together.
	Statement(ctx context.Context, id string) (Statement, error)
	// Close releases what the store holds of its own; it does not close the
	// backend, which belongs to the caller.
	Close() error
}

var (
	// ErrNotFound is returned (wrapped) for an account that does not exist.
	ErrNotFound = errors.New("account not found")
	// ErrInsufficientFunds is returned (wrapped) for a withdrawal larger than the
	// balance; the account is left unchanged and the refusal is remembered.
	ErrInsufficientFunds = errors.New("insufficient funds")
	// ErrOverflow is returned (wrapped) for a deposit that would take the balance past
	// the largest int64.
	ErrOverflow = errors.New("balance would overflow int64")
	// ErrRequestReused is returned (wrapped) when a request ID arrives with another
	// account, operation or amount than the request it was first used for.
	ErrRequestReused = errors.New("request_id already used for another request")
	// ErrInvalid is returned (wrapped) for a bad account id, operation, amount or
	// request ID.
	ErrInvalid = errors.New("invalid bank request")
	// ErrNotApplied marks (wrapped) a failure that certainly changed nothing: it
	// happened before the transaction could commit, or the database rolled it back.
	// A failure without it may or may not have been applied; either way the client
	// can send the same request_id again and have it applied once.
	ErrNotApplied = errors.New("not applied")
)

// notApplied marks err as a failure that changed nothing.
func notApplied(err error) error { return fmt.Errorf("%w (%w)", err, ErrNotApplied) }

// Limits on what a request may carry.
const (
	// MaxAmount is the largest amount one request may move (in the smallest unit
	// of the currency).
	MaxAmount = 1_000_000_000
	// MaxRequestIDLen is the longest request ID accepted.
	MaxRequestIDLen = 64
)

var (
	accountPattern   = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
	requestIDPattern = regexp.MustCompile(`^[!-~]+$`) // visible ASCII, no spaces
)

// ValidateAccount reports whether id can name an account: 1 to 64 letters, digits,
// '_', '.' or '-'.
func ValidateAccount(id string) error {
	if !accountPattern.MatchString(id) {
		return fmt.Errorf("%w: account id %q must be 1 to 64 letters, digits, '_', '.' or '-'", ErrInvalid, id)
	}
	return nil
}

// Validate reports whether req can be applied as sent: a valid account and
// operation, an amount from 1 to MaxAmount, a request ID of 1 to MaxRequestIDLen
// visible ASCII characters.
func Validate(req Request) error {
	if err := ValidateAccount(req.Account); err != nil {
		return err
	}
	if req.Op != Deposit && req.Op != Withdraw {
		return fmt.Errorf("%w: operation %q must be deposit or withdraw", ErrInvalid, req.Op)
	}
	if req.Amount < 1 || req.Amount > MaxAmount {
		return fmt.Errorf("%w: amount must be between 1 and %d, got %d", ErrInvalid, MaxAmount, req.Amount)
	}
	switch {
	case req.RequestID == "":
		return fmt.Errorf("%w: request_id is missing; send a unique id per operation (and the same one when retrying it)", ErrInvalid)
	case len(req.RequestID) > MaxRequestIDLen:
		return fmt.Errorf("%w: request_id is %d bytes long, at most %d allowed", ErrInvalid, len(req.RequestID), MaxRequestIDLen)
	case !requestIDPattern.MatchString(req.RequestID):
		return fmt.Errorf("%w: request_id %q must be visible ASCII characters without spaces", ErrInvalid, req.RequestID)
	}
	return nil
}

// nextBalance returns the balance after req is applied to balance: an error wrapping
// ErrInsufficientFunds for a withdrawal it cannot cover, ErrOverflow for a deposit
// past the largest int64. Strategies that compute the new balance in Go use it.
func nextBalance(req Request, balance int64) (int64, error) {
	if req.Op == Withdraw {
		if balance < req.Amount {
			return 0, insufficient(req)
		}
		return balance - req.Amount, nil
	}
	if balance > math.MaxInt64-req.Amount {
		return 0, overflow(req)
	}
	return balance + req.Amount, nil
}

func insufficient(req Request) error {
	return fmt.Errorf("account %q cannot cover a withdrawal of %d: %w", req.Account, req.Amount, ErrInsufficientFunds)
}

func overflow(req Request) error {
	return fmt.Errorf("deposit of %d to account %q: %w", req.Amount, req.Account, ErrOverflow)
}

func notFound(id string) error { return fmt.Errorf("account %q: %w", id, ErrNotFound) }

// Options tune the strategies.
type Options = strategy.Options

// Strategy is one way of making the account safe.
type Strategy = strategy.Strategy[Store, service]

// service tells package strategy how to open the bank's strategies.
type service struct{}

func (service) Name() string                                        { return "bank" }
func (service) Migrate(ctx context.Context, env *backend.Env) error { return Migrate(ctx, env) }

// Refusal gives the reasons every service shares, but for a cache: the shared reason
// sends the other services to their cache strategy, which the bank does not have.
func (service) Refusal(name string, k backend.Kind) string {
	if k.IsCache() {
		return "the bank runs on a SQL database only (postgres, mariadb or sqlite): a cache has no transaction " +
			"that changes the balance, books the ledger entry and records the request_id together, " +
			"and the bank has no cache strategy"
	}
	return strategy.Refusal(name, k)
}

// Unfit names the strategies of the fixture services that do not fit the bank, with
// the reason.
func Unfit() map[string]string {
	return map[string]string{
		"upsert": "an upsert (INSERT … ON CONFLICT DO UPDATE) creates the row it does not find, " +
			"but a deposit to an account nobody opened must be refused (404), not open one; " +
			"and a withdrawal needs a floor and a ledger entry in the same transaction, " +
			"which is the atomic strategy: UPDATE … SET balance = balance - $1 WHERE id = $2 AND balance >= $1",
		"cache": "the bank has no cache strategy: a cache that acknowledges a deposit before the database has it " +
			"can lose acknowledged money when it restarts; use atomic (or forupdate, optimistic, serializable, advisory)",
	}
}

var sqlKinds = []backend.Kind{backend.Postgres, backend.MariaDB, backend.SQLite}

// Strategies returns every correct strategy, in the order the harness runs them.
func Strategies() []Strategy {
	return []Strategy{
		{Name: "forupdate", Summary: "SELECT balance … FOR UPDATE in a transaction (SQLite: BEGIN IMMEDIATE), floor checked in Go", Backends: sqlKinds, New: openForUpdate},
		{Name: "atomic", Summary: "UPDATE … SET balance = balance - $1 WHERE id = $2 AND balance >= $1, rows affected checked", Backends: sqlKinds, New: openAtomic},
		{Name: "optimistic", Summary: "version column; UPDATE … WHERE version = $3, retried with jitter when no row changed", Backends: sqlKinds, New: openOptimistic},
		{Name: "serializable", Summary: "SERIALIZABLE transaction, retried on 40001 / 1213 / 1205 / SQLITE_BUSY", Backends: sqlKinds, New: openSerializable},
		{Name: "advisory", Summary: "pg_advisory_xact_lock in the transaction / GET_LOCK on one connection", Backends: []backend.Kind{backend.Postgres, backend.MariaDB}, New: openAdvisory},
	}
}

// Lookup returns the strategy called name. A strategy that does not fit the bank
// (upsert, cache; see [Unfit]) is refused with the reason, wrapping
// backend.ErrUnsupported.
func Lookup(name string) (Strategy, error) {
	if why, ok := Unfit()[name]; ok {
		return Strategy{}, fmt.Errorf("bank strategy %q: %w: %s", name, backend.ErrUnsupported, why)
	}
	return strategy.Lookup(Strategies(), name)
}
