package bank_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/bank"
	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
	"github.com/lostupdate/lostupdate/correct_fixtures/httpjson/httpjsontest"
	"github.com/lostupdate/lostupdate/correct_fixtures/strategy/strategytest"
)

// replayed is the Idempotent-Replayed header of a.
func replayed(a httpjsontest.Answer) string { return a.Header.Get(bank.ReplayedHeader) }

// serve opens strategy name on a private share of k and serves it.
func serve(t *testing.T, name string, k backend.Kind) (*httptest.Server, bank.Store, *backend.Env) {
	t.Helper()
	s, err := bank.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	st, env := strategytest.Open(t, s, k, bank.Options{})
	srv := httptest.NewServer(bank.NewHandler(st))
	t.Cleanup(srv.Close)
	return srv, st, env
}

func TestHTTPBadInputChangesNothing(t *testing.T) {
	const js = "application/json"
	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		wantStatus  int
		wantError   string
	}{
		{"malformed JSON", "POST", "/accounts/joint/deposit", js, `{"amount": 5, "request_id": "r1"`, 400, "malformed JSON"},
		{"not JSON", "POST", "/accounts/joint/deposit", js, `amount=5`, 400, "malformed JSON at byte"},
		{"empty body", "POST", "/accounts/joint/withdraw", js, ``, 400, "request body is empty"},
		{"two objects", "POST", "/accounts/joint/deposit", js, `{"amount": 5, "request_id": "r1"} {}`, 400, "send exactly one object"},
		{"array", "POST", "/accounts/joint/deposit", js, `[5]`, 400, "must be a JSON object"},
		{"unknown field", "POST", "/accounts/joint/deposit", js, `{"amount": 5, "request_id": "r1", "currency": "EUR"}`, 400, `unknown field "currency"`},
		{"missing amount", "POST", "/accounts/joint/deposit", js, `{"request_id": "r1"}`, 400, "amount is missing"},
		{"null amount", "POST", "/accounts/joint/deposit", js, `{"amount": null, "request_id": "r1"}`, 400, "amount is missing"},
		{"zero amount", "POST", "/accounts/joint/deposit", js, `{"amount": 0, "request_id": "r1"}`, 400, "amount must be between 1 and 1000000000, got 0"},
		{"negative amount", "POST", "/accounts/joint/withdraw", js, `{"amount": -50, "request_id": "r1"}`, 400, "amount must be between 1 and 1000000000, got -50"},
		{"amount above the limit", "POST", "/accounts/joint/deposit", js, `{"amount": 1000000001, "request_id": "r1"}`, 400, "got 1000000001"},
		{"amount overflowing int64", "POST", "/accounts/joint/deposit", js, `{"amount": 9223372036854775808, "request_id": "r1"}`, 400, `field "amount" must be an integer in the int64 range, got number 9223372036854775808`},
		{"fractional amount", "POST", "/accounts/joint/deposit", js, `{"amount": 1.5, "request_id": "r1"}`, 400, `field "amount" must be an integer`},
		{"string amount", "POST", "/accounts/joint/deposit", js, `{"amount": "5", "request_id": "r1"}`, 400, "got string"},
		{"missing request_id", "POST", "/accounts/joint/deposit", js, `{"amount": 5}`, 400, "request_id is missing"},
		{"empty request_id", "POST", "/accounts/joint/withdraw", js, `{"amount": 5, "request_id": ""}`, 400, "request_id is missing"},
		{"oversized request_id", "POST", "/accounts/joint/deposit", js, `{"amount": 5, "request_id": "` + strings.Repeat("r", 65) + `"}`, 400, "request_id is 65 bytes long, at most 64 allowed"},
		{"request_id with a space", "POST", "/accounts/joint/deposit", js, `{"amount": 5, "request_id": "r 1"}`, 400, "visible ASCII characters without spaces"},
		{"numeric request_id", "POST", "/accounts/joint/deposit", js, `{"amount": 5, "request_id": 7}`, 400, `field "request_id" must be a string`},
		{"oversized body", "POST", "/accounts/joint/deposit", js, `{"amount": 5, "request_id": "r1", "x": "` + strings.Repeat("a", 2048) + `"}`, 413, "larger than 1024 bytes"},
		{"wrong content type", "POST", "/accounts/joint/deposit", "text/plain", `{"amount": 5, "request_id": "r1"}`, 415, "want application/json"},
		{"bad account id", "POST", "/accounts/no%20spaces/deposit", js, `{"amount": 5, "request_id": "r1"}`, 400, `account id "no spaces" must be 1 to 64 letters`},
		{"long account id", "PUT", "/accounts/" + strings.Repeat("a", 65), "", "", 400, "must be 1 to 64"},
		{"unknown account", "POST", "/accounts/nobody/deposit", js, `{"amount": 5, "request_id": "r1"}`, 404, `account "nobody": account not found`},
		{"unknown account balance", "GET", "/accounts/nobody", "", "", 404, "account not found"},
		{"unknown account statement", "GET", "/accounts/nobody/statement", "", "", 404, "account not found"},
		{"unknown route", "POST", "/accounts/joint/transfer", js, `{}`, 404, "no route for POST /accounts/joint/transfer"},
		{"GET on deposit", "GET", "/accounts/joint/deposit", "", "", 405, "method GET is not allowed on /accounts/joint/deposit; allowed: POST"},
		{"PUT on withdraw", "PUT", "/accounts/joint/withdraw", js, `{"amount": 5, "request_id": "r1"}`, 405, "method PUT is not allowed on /accounts/joint/withdraw; allowed: POST"},
		{"duplicate amount", "POST", "/accounts/joint/deposit", js, `{"amount": 1, "amount": 7, "request_id": "r1"}`, 400, `duplicate key "amount" in the request body; send each key once`},
		{"duplicate amount in another case", "POST", "/accounts/joint/withdraw", js, `{"amount": 1, "request_id": "r1", "Amount": 70}`, 400, `duplicate key "Amount" in the request body (the same key as "amount"`},
		{"duplicate request_id", "POST", "/accounts/joint/deposit", js, `{"amount": 5, "request_id": "seed", "request_id": "r1"}`, 400, `duplicate key "request_id"`},
		{"overdraft", "POST", "/accounts/joint/withdraw", js, `{"amount": 101, "request_id": "r-over"}`, 409, `account "joint" cannot cover a withdrawal of 101: insufficient funds`},
		{"request_id reused", "POST", "/accounts/joint/withdraw", js, `{"amount": 7, "request_id": "seed"}`, 422, `request_id "seed" was first used for a deposit of 100 on account "joint"`},
		{"overflowing the balance", "POST", "/accounts/rich/deposit", js, `{"amount": 10, "request_id": "r-rich"}`, 422, "balance would overflow int64"},
	}
	for _, k := range []backend.Kind{backend.SQLite, backend.Postgres, backend.MariaDB} {
		t.Run(string(k), func(t *testing.T) {
			srv, st, env := serve(t, "atomic", k)
			ctx := context.Background()
			if a := httpjsontest.Call(t, "PUT", srv.URL+"/accounts/joint", "", ""); a.Status != http.StatusCreated || a.Body["balance"] != 0.0 {
				t.Fatalf("PUT /accounts/joint = %d %s, want 201 with balance 0", a.Status, a.Raw)
			}
			if a := httpjsontest.Call(t, "PUT", srv.URL+"/accounts/joint", "", ""); a.Status != http.StatusOK {
				t.Errorf("PUT /accounts/joint again = %d %s, want 200", a.Status, a.Raw)
			}
			if _, err := st.Apply(ctx, bank.Request{Account: "joint", Op: bank.Deposit, Amount: 100, RequestID: "seed"}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.CreateAccount(ctx, "rich"); err != nil {
				t.Fatal(err)
			}
			q := `UPDATE accounts SET balance = ? WHERE id = 'rich'`
			if k == backend.Postgres {
				q = `UPDATE accounts SET balance = $1 WHERE id = 'rich'`
			}
			const nearMax = 1<<63 - 1 - 5
			if _, err := env.DB.ExecContext(ctx, q, int64(nearMax)); err != nil {
				t.Fatal(err)
			}
			before := map[string]bank.Statement{}
			for _, id := range []string{"joint", "rich"} {
				s, err := st.Statement(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				before[id] = s
			}
			for _, tt := range tests {
				a := httpjsontest.Call(t, tt.method, srv.URL+tt.path, tt.contentType, tt.body)
				if a.Status != tt.wantStatus {
					t.Errorf("%s: status %d %s, want %d", tt.name, a.Status, a.Raw, tt.wantStatus)
				}
				if msg, _ := a.Body["error"].(string); !strings.Contains(msg, tt.wantError) {
					t.Errorf("%s: error %q, want it to contain %q", tt.name, msg, tt.wantError)
				}
				for id, want := range before {
					got, err := st.Statement(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					if got.Balance != want.Balance || len(got.Ledger) != len(want.Ledger) {
						t.Errorf("after %s: account %s has balance %d and %d ledger entries, want %d and %d",
							tt.name, id, got.Balance, len(got.Ledger), want.Balance, len(want.Ledger))
					}
				}
			}
			// The refused and rejected requests' ids were not all burned: the ones
			// that never reached a decision (bad input, unknown account) are free.
			if a := httpjsontest.Call(t, "POST", srv.URL+"/accounts/joint/withdraw", js, `{"amount": 30, "request_id": "r1"}`); a.Status != 200 || a.Body["balance"] != 70.0 {
				t.Errorf("a good withdrawal with request_id r1 after all that: %d %s, want 200 with balance 70", a.Status, a.Raw)
			}
		})
	}
}

func TestHTTPRetryGetsTheSameAnswer(t *testing.T) {
	srv, _, _ := serve(t, "forupdate", backend.SQLite)
	const js = "application/json"
	httpjsontest.Call(t, "PUT", srv.URL+"/accounts/joint", "", "")
	post := func(op, body string) httpjsontest.Answer {
		return httpjsontest.Call(t, "POST", srv.URL+"/accounts/joint/"+op, js, body)
	}

	first := post("deposit", `{"amount": 80, "request_id": "d1"}`)
	if first.Status != 200 || replayed(first) != "false" || first.Body["balance"] != 80.0 {
		t.Fatalf("first deposit: %d, replayed %q, %s", first.Status, replayed(first), first.Raw)
	}
	post("withdraw", `{"amount": 30, "request_id": "w1"}`)
	again := post("deposit", `{"amount": 80, "request_id": "d1"}`)
	if again.Status != 200 || replayed(again) != "true" || !bytes.Equal(again.Raw, first.Raw) {
		t.Errorf("deposit d1 again: %d, replayed %q, %s; want 200, true and the first body %s", again.Status, replayed(again), again.Raw, first.Raw)
	}
	refused := post("withdraw", `{"amount": 500, "request_id": "w2"}`)
	refusedAgain := post("withdraw", `{"amount": 500, "request_id": "w2"}`)
	if refused.Status != 409 || replayed(refused) != "false" || refusedAgain.Status != 409 || replayed(refusedAgain) != "true" ||
		!bytes.Equal(refused.Raw, refusedAgain.Raw) || refused.Body["code"] != bank.CodeInsufficientFunds {
		t.Errorf("overdraft twice: %d %q %s, then %d %q %s; want 409 twice with the same body, replayed false then true",
			refused.Status, replayed(refused), refused.Raw, refusedAgain.Status, replayed(refusedAgain), refusedAgain.Raw)
	}

	// Eight copies at once, as a client that retried over several connections.
	var wg sync.WaitGroup
	answers := make([]httpjsontest.Answer, 8)
	for i := range answers {
		wg.Go(func() { answers[i] = post("withdraw", `{"amount": 20, "request_id": "w3"}`) })
	}
	wg.Wait()
	fresh := 0
	for _, a := range answers {
		if a.Status != 200 || !bytes.Equal(a.Raw, answers[0].Raw) || a.Body["balance"] != 30.0 {
			t.Errorf("copy of w3: %d %s; want 200 with balance 30, the same body for all", a.Status, a.Raw)
		}
		if replayed(a) == "false" {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d copies of w3 were applied afresh, want 1", fresh)
	}
	if a := httpjsontest.Call(t, "GET", srv.URL+"/accounts/joint", "", ""); a.Body["balance"] != 30.0 {
		t.Errorf("GET /accounts/joint: %s, want balance 30", a.Raw)
	}
	st := httpjsontest.Call(t, "GET", srv.URL+"/accounts/joint/statement", "", "")
	if ledger, _ := st.Body["ledger"].([]any); st.Status != 200 || len(ledger) != 3 {
		t.Errorf("statement: %d %s; want 3 ledger entries (d1, w1, w3)", st.Status, st.Raw)
	}
}

func TestHarnessOverHTTP(t *testing.T) {
	for _, name := range []string{"atomic", "optimistic"} {
		t.Run(name, func(t *testing.T) {
			srv, _, _ := serve(t, name, backend.SQLite)
			client := bank.NewClient(srv.URL, srv.Client())
			r, err := harness.Run(context.Background(), harness.Labels{Service: "bank", Strategy: name, Backend: "sqlite"},
				bank.NewWorkload(client, "joint"), harness.Config{Workers: 8, Ops: 300})
			if err != nil {
				t.Fatal(err)
			}
			if r.Succeeded != 300 || r.Final != r.Expected || r.Lost != 0 || r.Violation != "" {
				t.Errorf("over HTTP: succeeded %d, final %d, expected %d, lost %d, check %q; first error %s",
					r.Succeeded, r.Final, r.Expected, r.Lost, r.Violation, r.FirstError)
			}
			ctx := context.Background()
			if _, err := client.Balance(ctx, "never"); err == nil || !strings.Contains(err.Error(), "account not found") {
				t.Errorf("Balance(never) over HTTP = %v, want account not found", err)
			}
			_, err = client.Apply(ctx, bank.Request{Account: "joint", Op: bank.Withdraw, Amount: 1, RequestID: r.Strategy + "-x"})
			if err != nil {
				t.Errorf("a withdrawal over HTTP: %v", err)
			}
			rc, err := client.Apply(ctx, bank.Request{Account: "joint", Op: bank.Withdraw, Amount: 1, RequestID: r.Strategy + "-x"})
			if err != nil || !rc.Replayed {
				t.Errorf("the same withdrawal again over HTTP = %+v, %v; want a replayed receipt", rc, err)
			}
		})
	}
}

func TestHTTPWrongMethod(t *testing.T) {
	tests := []httpjsontest.RouteCase{
		{Name: "GET on deposit", Method: "GET", Path: "/accounts/joint/deposit", Status: 405, Allow: "POST", Error: "method GET is not allowed on /accounts/joint/deposit; allowed: POST"},
		{Name: "GET on withdraw", Method: "GET", Path: "/accounts/joint/withdraw", Status: 405, Allow: "POST", Error: "method GET is not allowed on /accounts/joint/withdraw; allowed: POST"},
		{Name: "PUT on deposit", Method: "PUT", Path: "/accounts/joint/deposit", Status: 405, Allow: "POST", Error: "method PUT is not allowed on /accounts/joint/deposit; allowed: POST"},
		{Name: "DELETE on an account", Method: "DELETE", Path: "/accounts/joint", Status: 405, Allow: "GET, HEAD, PUT", Error: "method DELETE is not allowed on /accounts/joint; allowed: GET, HEAD, PUT"},
		{Name: "POST on an account", Method: "POST", Path: "/accounts/joint", Status: 405, Allow: "GET, HEAD, PUT", Error: "method POST is not allowed on /accounts/joint; allowed: GET, HEAD, PUT"},
		{Name: "POST on a statement", Method: "POST", Path: "/accounts/joint/statement", Status: 405, Allow: "GET, HEAD", Error: "method POST is not allowed on /accounts/joint/statement; allowed: GET, HEAD"},
		{Name: "unknown path", Method: "POST", Path: "/accounts/joint/transfer", Status: 404, Allow: "", Error: "no route for POST /accounts/joint/transfer"},
		{Name: "unknown path, GET", Method: "GET", Path: "/nowhere", Status: 404, Allow: "", Error: "no route for GET /nowhere"},
	}
	srv, st, _ := serve(t, "atomic", backend.SQLite)
	ctx := context.Background()
	if _, err := st.CreateAccount(ctx, "joint"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, bank.Request{Account: "joint", Op: bank.Deposit, Amount: 100, RequestID: "seed"}); err != nil {
		t.Fatal(err)
	}
	httpjsontest.CheckRoutes(t, srv.URL, `{"amount": 5, "request_id": "r1"}`, tests, func(t *testing.T) {
		if stmt, err := st.Statement(ctx, "joint"); err != nil || stmt.Balance != 100 || len(stmt.Ledger) != 1 {
			t.Errorf("statement %+v, %v; want balance 100 and the one seed entry", stmt, err)
		}
	})
}
