package counter_test

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/counter"
	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
	"github.com/lostupdate/lostupdate/correct_fixtures/httpjson/httpjsontest"
	"github.com/lostupdate/lostupdate/correct_fixtures/strategy/strategytest"
)

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
		{"malformed JSON", "POST", "/counters/page/incr", js, `{"by": 1`, 400, "malformed JSON"},
		{"not JSON", "POST", "/counters/page/incr", js, `by=1`, 400, "malformed JSON at byte"},
		{"unknown field", "POST", "/counters/page/incr", js, `{"by": 1, "step": 2}`, 400, `unknown field "step"`},
		{"zero", "POST", "/counters/page/incr", js, `{"by": 0}`, 400, "by must be between 1 and 1000000000, got 0"},
		{"negative", "POST", "/counters/page/incr", js, `{"by": -3}`, 400, "by must be between 1 and 1000000000, got -3"},
		{"above the limit", "POST", "/counters/page/incr", js, `{"by": 1000000001}`, 400, "got 1000000001"},
		{"overflowing int64", "POST", "/counters/page/incr", js, `{"by": 99999999999999999999}`, 400, `field "by" must be an integer in the int64 range, got number 99999999999999999999`},
		{"fraction", "POST", "/counters/page/incr", js, `{"by": 0.5}`, 400, `field "by" must be an integer`},
		{"string amount", "POST", "/counters/page/incr", js, `{"by": "1"}`, 400, `got string`},
		{"null amount", "POST", "/counters/page/incr", js, `{"by": null}`, 200, ""}, // null is "absent": by defaults to 1
		{"oversized body", "POST", "/counters/page/incr", js, `{"by": 1, "x": "` + strings.Repeat("a", 4096) + `"}`, 413, "larger than 1024 bytes"},
		{"wrong content type", "POST", "/counters/page/incr", "text/plain", `{"by": 1}`, 415, "want application/json"},
		{"bad name", "POST", "/counters/no%20spaces/incr", js, `{"by": 1}`, 400, `name "no spaces" must be 1 to 64 letters`},
		{"long name", "POST", "/counters/" + strings.Repeat("n", 65) + "/incr", js, `{"by": 1}`, 400, "must be 1 to 64"},
		{"unknown counter", "GET", "/counters/nobody", "", "", 404, `counter "nobody" not found`},
		{"unknown route", "POST", "/counters/page/decr", js, `{}`, 404, "no route for POST /counters/page/decr"},
		{"GET on incr", "GET", "/counters/page/incr", "", "", 405, "method GET is not allowed on /counters/page/incr; allowed: POST"},
		{"duplicate by", "POST", "/counters/page/incr", js, `{"by": 1, "by": 7}`, 400, `duplicate key "by" in the request body`},
		{"overflow of the stored count", "POST", "/counters/full/incr", js, `{"by": 10}`, 422, "counter would overflow int64"},
	}
	for _, k := range []backend.Kind{backend.SQLite, backend.Postgres, backend.MariaDB} {
		t.Run(string(k), func(t *testing.T) {
			s, _ := counter.Lookup("atomic")
			st, env := strategytest.Open(t, s, k, counter.Options{})
			srv := httptest.NewServer(counter.NewHandler(st))
			defer srv.Close()
			ctx := context.Background()
			if _, err := st.Incr(ctx, "page", 5); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Incr(ctx, "full", 1); err != nil {
				t.Fatal(err)
			}
			q := `UPDATE counters SET n = ? WHERE name = 'full'`
			if k == backend.Postgres {
				q = `UPDATE counters SET n = $1 WHERE name = 'full'`
			}
			if _, err := env.DB.ExecContext(ctx, q, int64(math.MaxInt64-5)); err != nil {
				t.Fatal(err)
			}
			want := map[string]float64{"page": 5, "full": math.MaxInt64 - 5}
			for _, tt := range tests {
				a := httpjsontest.Call(t, tt.method, srv.URL+tt.path, tt.contentType, tt.body)
				if tt.wantStatus == http.StatusOK {
					want["page"]++
				}
				if a.Status != tt.wantStatus {
					t.Errorf("%s: status %d %v, want %d", tt.name, a.Status, a.Body, tt.wantStatus)
				}
				if tt.wantError != "" && !strings.Contains(a.Body["error"].(string), tt.wantError) {
					t.Errorf("%s: error %q, want it to contain %q", tt.name, a.Body["error"], tt.wantError)
				}
				for name, n := range want {
					if got := httpjsontest.Call(t, "GET", srv.URL+"/counters/"+name, "", "").Body; got["n"] != n {
						t.Errorf("after %s: counter %s = %v, want %v", tt.name, name, got["n"], n)
					}
				}
			}
			// A good request still works after all that.
			if a := httpjsontest.Call(t, "POST", srv.URL+"/counters/page/incr", "", ""); a.Status != 200 || a.Body["n"] != want["page"]+1 {
				t.Errorf("empty-body increment: %d %v, want 200 with n = %v", a.Status, a.Body, want["page"]+1)
			}
		})
	}
}

func TestHarnessOverHTTP(t *testing.T) {
	for _, name := range []string{"forupdate", "optimistic"} {
		t.Run(name, func(t *testing.T) {
			s, _ := counter.Lookup(name)
			st, _ := strategytest.Open(t, s, backend.SQLite, counter.Options{})
			srv := httptest.NewServer(counter.NewHandler(st))
			defer srv.Close()
			client := counter.NewClient(srv.URL, srv.Client())
			r, err := harness.Run(context.Background(), harness.Labels{Service: "counter", Strategy: name, Backend: "sqlite"},
				counter.NewWorkload(client, "hot"), harness.Config{Workers: 8, Ops: 400})
			if err != nil {
				t.Fatal(err)
			}
			if r.Succeeded != 400 || r.Final != r.Expected || r.Lost != 0 {
				t.Errorf("over HTTP: succeeded %d, final %d, expected %d, lost %d; first error %s", r.Succeeded, r.Final, r.Expected, r.Lost, r.FirstError)
			}
			if _, err := client.Get(context.Background(), "never"); err == nil || !strings.Contains(err.Error(), "not found") {
				t.Errorf("Get(never) over HTTP = %v, want not found", err)
			}
		})
	}
}

func TestHTTPWrongMethod(t *testing.T) {
	tests := []httpjsontest.RouteCase{
		{Name: "GET on incr", Method: "GET", Path: "/counters/page/incr", Status: 405, Allow: "POST", Error: "method GET is not allowed on /counters/page/incr; allowed: POST"},
		{Name: "PUT on incr", Method: "PUT", Path: "/counters/page/incr", Status: 405, Allow: "POST", Error: "method PUT is not allowed on /counters/page/incr; allowed: POST"},
		{Name: "POST on a counter", Method: "POST", Path: "/counters/page", Status: 405, Allow: "GET, HEAD", Error: "method POST is not allowed on /counters/page; allowed: GET, HEAD"},
		{Name: "DELETE on a counter", Method: "DELETE", Path: "/counters/page", Status: 405, Allow: "GET, HEAD", Error: "method DELETE is not allowed on /counters/page; allowed: GET, HEAD"},
		{Name: "unknown path", Method: "POST", Path: "/counters/page/decr", Status: 404, Allow: "", Error: "no route for POST /counters/page/decr"},
		{Name: "unknown path, GET", Method: "GET", Path: "/nowhere", Status: 404, Allow: "", Error: "no route for GET /nowhere"},
	}
	s, _ := counter.Lookup("atomic")
	st, _ := strategytest.Open(t, s, backend.SQLite, counter.Options{})
	srv := httptest.NewServer(counter.NewHandler(st))
	defer srv.Close()
	if _, err := st.Incr(context.Background(), "page", 5); err != nil {
		t.Fatal(err)
	}
	httpjsontest.CheckRoutes(t, srv.URL, `{"by": 1}`, tests, func(t *testing.T) {
		if n, err := st.Get(context.Background(), "page"); err != nil || n != 5 {
			t.Errorf("counter page = %d, %v; want 5", n, err)
		}
	})
}
