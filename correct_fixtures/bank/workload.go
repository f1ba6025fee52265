package bank

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
	"github.com/lostupdate/lostupdate/correct_fixtures/retry"
)

// Workload drives one joint account: every operation is a deposit or a withdrawal of
// 1 to MaxMove, half and half, so that the balance wanders and now and then cannot
// cover a withdrawal. All workers hit the same account, the worst case for lost
// updates.
//
// Like a careful client, it sends every operation with a request_id of its own and,
// when the answer is not definite (a dropped connection, a 500, a 503), sends the
// same request again until it gets one. Because the service applies a request_id
// once, the outcome of every operation ends up known: the final balance must equal
// the opening deposit plus the accepted deposits minus the accepted withdrawals,
// exactly, even when connections are killed during the run. Check proves it against
// the ledger, request by request.
type Workload struct {
	Store   Store
	Account string
	// Initial is the opening deposit Setup makes; MaxMove bounds one operation.
	Initial, MaxMove int64
	// Retry is how the client sends a request again when it does not know its outcome.
	Retry retry.Policy

	mu       sync.Mutex
	run      string                // prefix of this run's request IDs
	outcomes map[string]clientView // request ID → what the client saw
}

// clientView is what the client knows of one request.
type clientView struct {
	req   Request
	state viewState
}

type viewState int

const (
	accepted viewState = iota
	refusedFunds
	notDone // failed with nothing applied
	unknown // failed, maybe applied
)

var _ harness.Workload = (*Workload)(nil)

// NewWorkload returns a Workload on account, opened with 500 and moved by 1 to 100.
func NewWorkload(s Store, account string) *Workload {
	return &Workload{
		Store: s, Account: account, Initial: 500, MaxMove: 100,
		Retry: retry.Policy{Attempts: 50, Base: 2 * time.Millisecond, Max: 100 * time.Millisecond},
	}
}

// Setup opens the account and makes the opening deposit; it returns the balance then.
func (w *Workload) Setup(ctx context.Context) (int64, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, fmt.Errorf("bank workload: make run id: %w", err)
	}
	w.mu.Lock()
	w.run, w.outcomes = "run-"+hex.EncodeToString(b[:]), map[string]clientView{}
	w.mu.Unlock()
	if _, err := w.Store.CreateAccount(ctx, w.Account); err != nil {
		return 0, fmt.Errorf("bank workload: open account %q: %w", w.Account, err)
	}
	open := Request{Account: w.Account, Op: Deposit, Amount: w.Initial, RequestID: w.run + "-open"}
	rc, err := w.send(ctx, open)
	if err != nil {
		return 0, fmt.Errorf("bank workload: opening deposit: %w", err)
	}
	w.note(open, accepted)
	return rc.Balance, nil
}

// request returns the request of operation seq: deposit or withdrawal and amount
// are drawn from seq, the request ID is the run's prefix and seq.
func (w *Workload) request(seq int64) Request {
	h := splitmix(uint64(seq))
	op := Deposit
	if h&1 == 1 {
		op = Withdraw
	}
	return Request{Account: w.Account, Op: op, Amount: 1 + int64((h>>1)%uint64(w.MaxMove)), RequestID: w.run + "-" + strconv.FormatInt(seq, 10)}
}

// splitmix is SplitMix64's finaliser: a well-mixed hash of x.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Do performs one operation, sending it again with the same request ID until its
// outcome is known or the retry policy gives up.
func (w *Workload) Do(ctx context.Context, op harness.Op) (harness.Outcome, error) {
	req := w.request(op.Seq)
	delta := req.Op.Signed(req.Amount)
	maybe := false // an attempt failed in a way that may have applied it
	_, err := w.send(ctx, req, func(err error) {
		if !errors.Is(err, ErrNotApplied) {
			maybe = true
		}
	})
	switch {
	case err == nil:
		w.note(req, accepted)
		return harness.Outcome{Delta: delta}, nil
	case errors.Is(err, ErrInsufficientFunds):
		w.note(req, refusedFunds)
		return harness.Outcome{}, nil
	case !maybe:
		w.note(req, notDone)
		return harness.Outcome{}, err
	}
	w.note(req, unknown)
	return harness.Outcome{Delta: delta}, err
}

// send applies req, retrying with the same request ID while the answer is not
// definite; failed, if given, sees every failed attempt.
func (w *Workload) send(ctx context.Context, req Request, failed ...func(error)) (Receipt, error) {
	var rc Receipt
	err := w.Retry.Do(ctx, indefinite, func(ctx context.Context) error {
		var err error
		rc, err = w.Store.Apply(ctx, req)
		if err != nil && !errors.Is(err, ErrInsufficientFunds) {
			for _, f := range failed {
				f(err)
			}
		}
		return err
	})
	return rc, err
}

// indefinite reports whether err leaves the client without an answer, so that it
// sends the request again: anything but a refusal or a request the service can
// never accept as sent.
func indefinite(err error) bool {
	for _, definite := range []error{ErrInsufficientFunds, ErrInvalid, ErrNotFound, ErrOverflow, ErrRequestReused} {
		if errors.Is(err, definite) {
			return false
		}
	}
	return true
}

func (w *Workload) note(req Request, s viewState) {
	w.mu.Lock()
	w.outcomes[req.RequestID] = clientView{req: req, state: s}
	w.mu.Unlock()
}

// Final reads the balance.
func (w *Workload) Final(ctx context.Context) (int64, error) { return w.Store.Balance(ctx, w.Account) }

// Check verifies the bank's invariants against the statement:
//   - the balance equals the sum of the ledger, and is not negative;
//   - no request is booked twice;
//   - every request the client saw accepted is booked once, with its amount;
//   - no request the client saw refused, or failed with nothing applied, is booked;
//   - when every outcome is known, the balance is exactly the opening deposit plus
//     the accepted deposits minus the accepted withdrawals.
func (w *Workload) Check(ctx context.Context, r harness.Result) error {
	st, err := w.Store.Statement(ctx, w.Account)
	if err != nil {
		return fmt.Errorf("read the statement of account %q: %w", w.Account, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var p problems
	var sum int64
	booked := map[string]int{}
	for _, e := range st.Ledger {
		sum += e.Amount
		booked[e.RequestID]++
		v, ours := w.outcomes[e.RequestID]
		switch {
		case !ours && strings.HasPrefix(e.RequestID, w.run):
			p.add("booked a request the client never sent", e.RequestID)
		case !ours:
		case v.state == refusedFunds:
			p.add("booked a withdrawal refused for insufficient funds", e.RequestID)
		case v.state == notDone:
			p.add("booked a request answered as not applied", e.RequestID)
		case e.Amount != v.req.Op.Signed(v.req.Amount):
			p.add(fmt.Sprintf("booked %d for a %s of %d", e.Amount, v.req.Op, v.req.Amount), e.RequestID)
		}
	}
	if sum != st.Balance {
		p.add(fmt.Sprintf("balance %d is not the sum of the ledger, %d (%d entries): %d lost", st.Balance, sum, len(st.Ledger), sum-st.Balance), "")
	}
	if st.Balance < 0 {
		p.add(fmt.Sprintf("balance is negative: %d", st.Balance), "")
	}
	if st.Balance != r.Final {
		p.add(fmt.Sprintf("the statement shows a balance of %d, the account reads %d", st.Balance, r.Final), "")
	}
	for id, n := range booked {
		if n > 1 {
			p.add(fmt.Sprintf("booked %d times", n), id)
		}
	}
	for id, v := range w.outcomes {
		if v.state == accepted && booked[id] == 0 {
			p.add("accepted but not in the ledger (lost)", id)
		}
	}
	if r.UnsureLow == r.UnsureHigh && st.Balance != r.Expected {
		p.add(fmt.Sprintf("balance %d, but the opening deposit plus the accepted deposits minus the accepted withdrawals is %d", st.Balance, r.Expected), "")
	}
	return p.err()
}

// problems collects invariant violations, counting each kind and keeping an example.
type problems struct {
	kinds   []string
	count   map[string]int
	example map[string]string
}

func (p *problems) add(kind, requestID string) {
	if p.count == nil {
		p.count, p.example = map[string]int{}, map[string]string{}
	}
	if p.count[kind] == 0 {
		p.kinds = append(p.kinds, kind)
		p.example[kind] = requestID
	}
	p.count[kind]++
}

func (p *problems) err() error {
	if len(p.kinds) == 0 {
		return nil
	}
	var parts []string
	for _, k := range p.kinds {
		s := k
		if id := p.example[k]; id != "" {
			s = fmt.Sprintf("%d requests %s (e.g. %s)", p.count[k], k, id)
		}
		parts = append(parts, s)
	}
	return errors.New(strings.Join(parts, "; "))
}
