package bank_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/bank"
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
