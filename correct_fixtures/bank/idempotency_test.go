package bank_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/bank"
	"github.com/lostupdate/lostupdate/correct_fixtures/httpjson/httpjsontest"
	"github.com/lostupdate/lostupdate/correct_fixtures/strategy/strategytest"
)

// TestRequestIDsApplyOnce sends the same request_id again, one after the other and
// many at once, for accepted and refused requests, on every strategy and backend:
// it is applied once and every copy gets the same answer.
func TestRequestIDsApplyOnce(t *testing.T) {
	strategytest.Each(t, bank.Strategies(), backend.Kinds(), func(t *testing.T, s bank.Strategy, k backend.Kind) {
		st, _ := strategytest.Open(t, s, k, bank.Options{})
		ctx := context.Background()
		for _, id := range []string{"a", "b"} {
			if created, err := st.CreateAccount(ctx, id); err != nil || !created {
				t.Fatalf("CreateAccount(%s) = %v, %v; want created", id, created, err)
			}
		}
		if created, err := st.CreateAccount(ctx, "a"); err != nil || created {
			t.Errorf("CreateAccount(a) again = %v, %v; want not created, no error", created, err)
		}
		apply := func(req bank.Request) (bank.Receipt, error) {
			t.Helper()
			return st.Apply(ctx, req)
		}
		want := func(step string, rc bank.Receipt, err error, balance int64, replayed bool, wantErr error) {
			t.Helper()
			if !errors.Is(err, wantErr) || (wantErr == nil && err != nil) {
				t.Fatalf("%s: error %v, want %v", step, err, wantErr)
			}
			if rc.Balance != balance || rc.Replayed != replayed {
				t.Errorf("%s: receipt %+v, want balance %d, replayed %v", step, rc, balance, replayed)
			}
		}

		// Sequentially: the second copy changes nothing and gets the first answer,
		// also after the balance moved on.
		dep := bank.Request{Account: "a", Op: bank.Deposit, Amount: 100, RequestID: "dep-1"}
		rc, err := apply(dep)
		want("first deposit", rc, err, 100, false, nil)
		rc, err = apply(dep)
		want("same deposit again", rc, err, 100, true, nil)
		rc, err = apply(bank.Request{Account: "a", Op: bank.Deposit, Amount: 5, RequestID: "dep-2"})
		want("another deposit", rc, err, 105, false, nil)
		rc, err = apply(dep)
		want("first deposit a third time", rc, err, 100, true, nil)

		// A refusal is remembered too: the same request stays refused even when
		// the money is there by now (a new request_id would be a new attempt).
		big := bank.Request{Account: "a", Op: bank.Withdraw, Amount: 1000, RequestID: "wd-big"}
		rc, err = apply(big)
		want("overdraft", rc, err, 0, false, bank.ErrInsufficientFunds)
		rc, err = apply(bank.Request{Account: "a", Op: bank.Deposit, Amount: 2000, RequestID: "dep-3"})
		want("deposit that would cover it", rc, err, 2105, false, nil)
		rc, err = apply(big)
		want("overdraft again", rc, err, 0, true, bank.ErrInsufficientFunds)

		// A request_id belongs to one request.
		for _, reused := range []bank.Request{
			{Account: "a", Op: bank.Withdraw, Amount: 100, RequestID: "dep-1"},
			{Account: "a", Op: bank.Deposit, Amount: 101, RequestID: "dep-1"},
			{Account: "b", Op: bank.Deposit, Amount: 100, RequestID: "dep-1"},
		} {
			rc, err = apply(reused)
			want(fmt.Sprintf("dep-1 reused for %s", reused), rc, err, 0, false, bank.ErrRequestReused)
		}
		// A request to an unknown account is not remembered: its id stays free.
		rc, err = apply(bank.Request{Account: "nobody", Op: bank.Deposit, Amount: 1, RequestID: "x-1"})
		want("deposit to an unknown account", rc, err, 0, false, bank.ErrNotFound)
		rc, err = apply(bank.Request{Account: "a", Op: bank.Deposit, Amount: 1, RequestID: "x-1"})
		want("x-1 on a real account", rc, err, 2106, false, nil)

		// Concurrently: eight copies of one withdrawal, eight of one refusal.
		for _, tc := range []struct {
			req     bank.Request
			balance int64
			wantErr error
		}{
			{bank.Request{Account: "a", Op: bank.Withdraw, Amount: 50, RequestID: "wd-c"}, 2056, nil},
			{bank.Request{Account: "b", Op: bank.Withdraw, Amount: 10, RequestID: "wd-b"}, 0, bank.ErrInsufficientFunds},
		} {
			const copies = 8
			var wg sync.WaitGroup
			rcs, errs := make([]bank.Receipt, copies), make([]error, copies)
			for i := range copies {
				wg.Go(func() { rcs[i], errs[i] = st.Apply(ctx, tc.req) })
			}
			wg.Wait()
			fresh := 0
			for i := range copies {
				want(fmt.Sprintf("copy %d of %s", i, tc.req), rcs[i], errs[i], tc.balance, rcs[i].Replayed, tc.wantErr)
				if !rcs[i].Replayed {
					fresh++
				}
			}
			if fresh != 1 {
				t.Errorf("%d copies of %s were decided afresh, want exactly 1", fresh, tc.req)
			}
		}

		// The ledger holds each accepted request once.
		stmt, err := st.Statement(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		wantLedger := []bank.Entry{{"dep-1", 100}, {"dep-2", 5}, {"dep-3", 2000}, {"x-1", 1}, {"wd-c", -50}}
		if fmt.Sprint(stmt.Ledger) != fmt.Sprint(wantLedger) || stmt.Balance != 2056 {
			t.Errorf("statement of a: balance %d, ledger %v; want 2056, %v", stmt.Balance, stmt.Ledger, wantLedger)
		}
		if stmt, err := st.Statement(ctx, "b"); err != nil || stmt.Balance != 0 || len(stmt.Ledger) != 0 {
			t.Errorf("statement of b: %+v, %v; want 0 and an empty ledger", stmt, err)
		}
	})
}

// TestRequestIDReusedOnAnotherAccount: a request_id belongs to the request it was
// first used for, on the account it was first used on. On every strategy and backend
// the same request_id sent for another account is answered 422 request_id_reused,
// whatever became of the first request (applied or refused) and whatever the second
// would have done on its own, and it changes nothing on either account; the first
// request sent again is still replayed. Sent at the same moment for two accounts, a
// request_id is applied to exactly one of them.
func TestRequestIDReusedOnAnotherAccount(t *testing.T) {
	tests := []struct {
		name  string
		first bank.Request // on account a
		// firstStatus is the first request's answer: 200 applied, 409 refused.
		firstStatus int
		// reused is the same request_id on another account: b (balance 10 000) or
		// empty (balance 0).
		reused bank.Request
	}{
		{"deposit applied on a, the same deposit on b", bank.Request{Account: "a", Op: bank.Deposit, Amount: 100, RequestID: "r-dep"}, 200,
			bank.Request{Account: "b", Op: bank.Deposit, Amount: 100, RequestID: "r-dep"}},
		{"deposit applied on a, a withdrawal from b", bank.Request{Account: "a", Op: bank.Deposit, Amount: 40, RequestID: "r-dep-wd"}, 200,
			bank.Request{Account: "b", Op: bank.Withdraw, Amount: 40, RequestID: "r-dep-wd"}},
		{"withdrawal applied on a, the same withdrawal from b", bank.Request{Account: "a", Op: bank.Withdraw, Amount: 30, RequestID: "r-wd"}, 200,
			bank.Request{Account: "b", Op: bank.Withdraw, Amount: 30, RequestID: "r-wd"}},
		{"withdrawal applied on a, the same withdrawal from an account that cannot cover it", bank.Request{Account: "a", Op: bank.Withdraw, Amount: 20, RequestID: "r-wd-empty"}, 200,
			bank.Request{Account: "empty", Op: bank.Withdraw, Amount: 20, RequestID: "r-wd-empty"}},
		{"withdrawal refused on a, the same withdrawal from b, which could cover it", bank.Request{Account: "a", Op: bank.Withdraw, Amount: 5000, RequestID: "r-big"}, 409,
			bank.Request{Account: "b", Op: bank.Withdraw, Amount: 5000, RequestID: "r-big"}},
		{"withdrawal refused on a, a deposit to empty", bank.Request{Account: "a", Op: bank.Withdraw, Amount: 6000, RequestID: "r-big-dep"}, 409,
			bank.Request{Account: "empty", Op: bank.Deposit, Amount: 6000, RequestID: "r-big-dep"}},
	}
	strategytest.Each(t, bank.Strategies(), backend.Kinds(), func(t *testing.T, s bank.Strategy, k backend.Kind) {
		srv, st, _ := serve(t, s.Name, k)
		ctx := context.Background()
		for _, id := range []string{"a", "b", "empty"} {
			if _, err := st.CreateAccount(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		for _, seed := range []bank.Request{
			{Account: "a", Op: bank.Deposit, Amount: 1000, RequestID: "seed-a"},
			{Account: "b", Op: bank.Deposit, Amount: 10_000, RequestID: "seed-b"},
		} {
			if _, err := st.Apply(ctx, seed); err != nil {
				t.Fatal(err)
			}
		}
		post := func(req bank.Request) httpjsontest.Answer {
			t.Helper()
			return httpjsontest.Call(t, "POST", srv.URL+"/accounts/"+req.Account+"/"+string(req.Op), "application/json",
				fmt.Sprintf(`{"amount": %d, "request_id": %q}`, req.Amount, req.RequestID))
		}
		statements := func() map[string]bank.Statement {
			t.Helper()
			out := map[string]bank.Statement{}
			for _, id := range []string{"a", "b", "empty"} {
				stmt, err := st.Statement(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				out[id] = stmt
			}
			return out
		}

		for _, tt := range tests {
			first := post(tt.first)
			if first.Status != tt.firstStatus || replayed(first) != "false" {
				t.Fatalf("%s: first request %s: %d, replayed %q, %s; want %d, not replayed", tt.name, tt.first, first.Status, replayed(first), first.Raw, tt.firstStatus)
			}
			before := statements()
			wantErr := fmt.Sprintf("request_id %q was first used for a %s of %d on account %q, not a %s of %d on account %q",
				tt.first.RequestID, tt.first.Op, tt.first.Amount, tt.first.Account, tt.reused.Op, tt.reused.Amount, tt.reused.Account)
			for _, attempt := range []string{"reused", "reused again"} {
				a := post(tt.reused)
				msg, _ := a.Body["error"].(string)
				if a.Status != http.StatusUnprocessableEntity || a.Body["code"] != bank.CodeRequestReused || !strings.Contains(msg, wantErr) {
					t.Errorf("%s: %s on account %s: %d %s; want 422 %s saying %q", tt.name, attempt, tt.reused.Account, a.Status, a.Raw, bank.CodeRequestReused, wantErr)
				}
				if after := statements(); fmt.Sprint(after) != fmt.Sprint(before) {
					t.Errorf("%s: %s changed the accounts:\nbefore %v\nafter  %v", tt.name, attempt, before, after)
				}
			}
			again := post(tt.first)
			if again.Status != tt.firstStatus || replayed(again) != "true" || !bytes.Equal(again.Raw, first.Raw) {
				t.Errorf("%s: the first request again: %d, replayed %q, %s; want %d, replayed, the first body %s",
					tt.name, again.Status, replayed(again), again.Raw, tt.firstStatus, first.Raw)
			}
		}

		// The same request_ids sent at the same moment, over HTTP, as a deposit of 1
		// to a and to b: each is applied to one account and refused as reused on the
		// other. A careful client sends a request whose answer is not definite again.
		before := statements()
		client := bank.NewClient(srv.URL, srv.Client())
		accounts := [2]string{"a", "b"}
		const ids = 12
		errs := make([][2]error, ids)
		var wg sync.WaitGroup
		for i := range ids {
			for j, acct := range accounts {
				req := bank.Request{Account: acct, Op: bank.Deposit, Amount: 1, RequestID: fmt.Sprintf("race-%d", i)}
				wg.Go(func() {
					for range 20 {
						_, errs[i][j] = client.Apply(ctx, req)
						if errs[i][j] == nil || errors.Is(errs[i][j], bank.ErrRequestReused) {
							return
						}
					}
				})
			}
		}
		wg.Wait()
		accepted := map[string]int64{}
		for i, pair := range errs {
			applied := 0
			for j, err := range pair {
				switch {
				case err == nil:
					applied++
					accepted[accounts[j]]++
				case !errors.Is(err, bank.ErrRequestReused):
					t.Errorf("race-%d on account %s: %v; want it applied or refused as reused", i, accounts[j], err)
				}
			}
			if applied != 1 {
				t.Errorf("race-%d sent to a and b at once was applied %d times (errors %v); want exactly once", i, applied, pair)
			}
		}
		after := statements()
		for _, id := range accounts {
			booked := int64(len(after[id].Ledger) - len(before[id].Ledger))
			if want := before[id].Balance + accepted[id]; after[id].Balance != want || booked != accepted[id] {
				t.Errorf("account %s: balance %d with %d new ledger entries; want %d + %d accepted = %d, and %d entries",
					id, after[id].Balance, booked, before[id].Balance, accepted[id], want, accepted[id])
			}
		}
	})
}
