package bookstore_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/bookstore"
	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
	"github.com/lostupdate/lostupdate/correct_fixtures/httpjson/httpjsontest"
	"github.com/lostupdate/lostupdate/correct_fixtures/strategy/strategytest"
)

func TestHTTPBadInputChangesNothing(t *testing.T) {
	const js = "application/json"
	// {book} in a path is the id of the book under test, {other} of a second book
	// that no request may touch.
	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		wantStatus  int
		wantError   string
	}{
		{"malformed JSON", "POST", "/books/{book}/buy", js, `{"qty": 1`, 400, "malformed JSON"},
		{"not JSON", "POST", "/books/{book}/buy", js, `qty=1`, 400, "malformed JSON at byte"},
		{"unknown field", "POST", "/books/{book}/buy", js, `{"qty": 1, "coupon": "FREE"}`, 400, `unknown field "coupon"`},
		{"two objects", "POST", "/books/{book}/buy", js, `{"qty": 1} {"qty": 1}`, 400, "more after the JSON object"},
		{"empty body", "POST", "/books/{book}/buy", js, ``, 400, "request body is empty"},
		{"no qty", "POST", "/books/{book}/buy", js, `{}`, 400, "qty is required"},
		{"null qty", "POST", "/books/{book}/buy", js, `{"qty": null}`, 400, "qty is required"},
		{"zero", "POST", "/books/{book}/buy", js, `{"qty": 0}`, 400, "qty must be between 1 and 1000, got 0"},
		{"negative", "POST", "/books/{book}/buy", js, `{"qty": -3}`, 400, "qty must be between 1 and 1000, got -3"},
		{"above the limit", "POST", "/books/{book}/buy", js, `{"qty": 1001}`, 400, "got 1001"},
		{"overflowing int64", "POST", "/books/{book}/buy", js, `{"qty": 99999999999999999999}`, 400, `field "qty" must be an integer in the int64 range, got number 99999999999999999999`},
		{"fraction", "POST", "/books/{book}/buy", js, `{"qty": 0.5}`, 400, `field "qty" must be an integer`},
		{"string amount", "POST", "/books/{book}/buy", js, `{"qty": "1"}`, 400, `got string`},
		{"array body", "POST", "/books/{book}/buy", js, `[1]`, 400, "must be a JSON object"},
		{"oversized body", "POST", "/books/{book}/buy", js, `{"qty": 1, "x": "` + strings.Repeat("a", 2048) + `"}`, 413, "larger than 1024 bytes"},
		{"wrong content type", "POST", "/books/{book}/buy", "text/plain", `{"qty": 1}`, 415, "want application/json"},
		{"id not a number", "POST", "/books/dune/buy", js, `{"qty": 1}`, 400, `book id must be a positive integer, got "dune"`},
		{"id zero", "POST", "/books/0/buy", js, `{"qty": 1}`, 400, `got "0"`},
		{"id negative", "POST", "/books/-1/buy", js, `{"qty": 1}`, 400, `got "-1"`},
		{"id overflowing int64", "POST", "/books/99999999999999999999/buy", js, `{"qty": 1}`, 400, `got "99999999999999999999"`},
		{"unknown id", "POST", "/books/987654/buy", js, `{"qty": 1}`, 404, "book 987654: book not found"},
		{"get unknown id", "GET", "/books/987654", "", "", 404, "book not found"},
		{"get bad id", "GET", "/books/x", "", "", 400, "book id must be a positive integer"},
		{"more than in stock", "POST", "/books/{book}/buy", js, `{"qty": 11}`, 409, "10 in stock, 11 asked: not enough copies in stock"},
		{"unknown route", "POST", "/books/{book}/steal", js, `{"qty": 1}`, 404, "no route for POST /books/"},
		{"GET on buy", "GET", "/books/{book}/buy", "", "", 405, "method GET is not allowed on /books/"},
		{"duplicate qty", "POST", "/books/{book}/buy", js, `{"qty": 1, "qty": 7}`, 400, `duplicate key "qty" in the request body`},
		{"add: duplicate stock", "POST", "/books", js, `{"title": "Ulysses", "stock": 1, "stock": 5}`, 400, `duplicate key "stock"`},
		{"add: no title", "POST", "/books", js, `{"stock": 5}`, 400, "title must be 1 to 200 characters, got 0"},
		{"add: no stock", "POST", "/books", js, `{"title": "Ulysses"}`, 400, "stock is required"},
		{"add: negative stock", "POST", "/books", js, `{"title": "Ulysses", "stock": -1}`, 400, "stock must be between 0 and"},
		{"add: unknown field", "POST", "/books", js, `{"title": "Ulysses", "stock": 1, "sold": 5}`, 400, `unknown field "sold"`},
	}
	type server struct {
		strategy string
		kind     backend.Kind
	}
	servers := []server{
		{"atomic", backend.SQLite}, {"atomic", backend.Postgres}, {"atomic", backend.MariaDB},
		{"gorm-atomic", backend.SQLite}, {"gorm-atomic", backend.Postgres}, {"gorm-atomic", backend.MariaDB},
		{"forupdate", backend.SQLite}, {"cache", backend.Redis}, {"cache", backend.Memcached},
	}
	for _, sv := range servers {
		t.Run(sv.strategy+"/"+string(sv.kind), func(t *testing.T) {
			s, err := bookstore.Lookup(sv.strategy)
			if err != nil {
				t.Fatal(err)
			}
			st, _ := strategytest.Open(t, s, sv.kind, bookstore.Options{})
			srv := httptest.NewServer(bookstore.NewHandler(st))
			defer srv.Close()

			a := httpjsontest.Call(t, "POST", srv.URL+"/books", js, `{"title": "Dune", "stock": 10}`)
			if a.Status != http.StatusCreated || a.Body["stock"] != 10.0 || a.Body["sold"] != 0.0 {
				t.Fatalf("POST /books = %d %v, want 201 with stock 10, sold 0", a.Status, a.Body)
			}
			book := fmt.Sprint(a.Body["id"])
			other := fmt.Sprint(httpjsontest.Call(t, "POST", srv.URL+"/books", js, `{"title": "Emma", "stock": 3}`).Body["id"])
			want := map[string][2]float64{book: {10, 0}, other: {3, 0}} // stock, sold

			for _, tt := range tests {
				path := strings.NewReplacer("{book}", book, "{other}", other).Replace(tt.path)
				a := httpjsontest.Call(t, tt.method, srv.URL+path, tt.contentType, tt.body)
				if a.Status != tt.wantStatus {
					t.Errorf("%s: status %d %v, want %d", tt.name, a.Status, a.Body, tt.wantStatus)
				}
				if msg, _ := a.Body["error"].(string); !strings.Contains(msg, tt.wantError) {
					t.Errorf("%s: error %q, want it to contain %q", tt.name, msg, tt.wantError)
				}
				for id, sw := range want {
					if got := httpjsontest.Call(t, "GET", srv.URL+"/books/"+id, "", "").Body; got["stock"] != sw[0] || got["sold"] != sw[1] {
						t.Errorf("after %s: book %s has stock %v, sold %v; want %v, %v", tt.name, id, got["stock"], got["sold"], sw[0], sw[1])
					}
				}
			}
			// A good request still works after all that, and only on its book.
			if a := httpjsontest.Call(t, "POST", srv.URL+"/books/"+book+"/buy", js, `{"qty": 10}`); a.Status != 200 || a.Body["stock"] != 0.0 || a.Body["sold"] != 10.0 || a.Body["title"] != "Dune" {
				t.Errorf("buying the last 10 copies: %d %v, want 200 with stock 0, sold 10", a.Status, a.Body)
			}
			if got := httpjsontest.Call(t, "GET", srv.URL+"/books/"+other, "", "").Body; got["stock"] != 3.0 || got["sold"] != 0.0 {
				t.Errorf("the other book changed: %v", got)
			}
		})
	}
}

func TestHarnessOverHTTP(t *testing.T) {
	for _, name := range []string{"forupdate", "gorm-optimistic"} {
		t.Run(name, func(t *testing.T) {
			s, _ := bookstore.Lookup(name)
			st, _ := strategytest.Open(t, s, backend.SQLite, bookstore.Options{})
			srv := httptest.NewServer(bookstore.NewHandler(st))
			defer srv.Close()
			client := bookstore.NewClient(srv.URL, srv.Client())
			r, err := harness.Run(context.Background(), harness.Labels{Service: "bookstore", Strategy: name, Backend: "sqlite"},
				bookstore.NewWorkload(client, "Dune", 500), harness.Config{Workers: 8, Ops: 400})
			if err != nil {
				t.Fatal(err)
			}
			if r.Succeeded != 400 || r.Final != r.Expected || r.Final != 0 || r.Lost != 0 || r.Violation != "" {
				t.Errorf("over HTTP: succeeded %d, final %d, expected %d, lost %d, invariant %q; first error %s",
					r.Succeeded, r.Final, r.Expected, r.Lost, r.Violation, r.FirstError)
			}
			if _, err := client.Get(context.Background(), 424242); err == nil || !strings.Contains(err.Error(), "not found") {
				t.Errorf("Get(424242) over HTTP = %v, want not found", err)
			}
		})
	}
}

func TestHTTPWrongMethod(t *testing.T) {
	// {book} in a path is the id of the book under test.
	tests := []httpjsontest.RouteCase{
		{Name: "GET on buy", Method: "GET", Path: "/books/{book}/buy", Status: 405, Allow: "POST", Error: "method GET is not allowed on /books/{book}/buy; allowed: POST"},
		{Name: "PUT on buy", Method: "PUT", Path: "/books/{book}/buy", Status: 405, Allow: "POST", Error: "method PUT is not allowed on /books/{book}/buy; allowed: POST"},
		{Name: "GET on the books", Method: "GET", Path: "/books", Status: 405, Allow: "POST", Error: "method GET is not allowed on /books; allowed: POST"},
		{Name: "POST on a book", Method: "POST", Path: "/books/{book}", Status: 405, Allow: "GET, HEAD", Error: "method POST is not allowed on /books/{book}; allowed: GET, HEAD"},
		{Name: "DELETE on a book", Method: "DELETE", Path: "/books/{book}", Status: 405, Allow: "GET, HEAD", Error: "method DELETE is not allowed on /books/{book}; allowed: GET, HEAD"},
		{Name: "unknown path", Method: "POST", Path: "/books/{book}/steal", Status: 404, Allow: "", Error: "no route for POST /books/{book}/steal"},
		{Name: "unknown path, GET", Method: "GET", Path: "/nowhere", Status: 404, Allow: "", Error: "no route for GET /nowhere"},
	}
	s, _ := bookstore.Lookup("atomic")
	st, _ := strategytest.Open(t, s, backend.SQLite, bookstore.Options{})
	srv := httptest.NewServer(bookstore.NewHandler(st))
	defer srv.Close()
	ctx := context.Background()
	b, err := st.Add(ctx, "Dune", 10)
	if err != nil {
		t.Fatal(err)
	}
	book := fmt.Sprint(b.ID)
	for i := range tests {
		tests[i].Path = strings.ReplaceAll(tests[i].Path, "{book}", book)
		tests[i].Error = strings.ReplaceAll(tests[i].Error, "{book}", book)
	}
	httpjsontest.CheckRoutes(t, srv.URL, `{"qty": 1}`, tests, func(t *testing.T) {
		if got, err := st.Get(ctx, b.ID); err != nil || got.Stock != 10 || got.Sold != 0 {
			t.Errorf("book %+v, %v; want stock 10, sold 0", got, err)
		}
	})
}
