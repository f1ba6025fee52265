package httpjson_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/httpjson"
)

type payload struct {
	By    *int64 `json:"by"`
	Name  string `json:"name"`
	Items []item `json:"items"`
	Meta  *meta  `json:"meta"`
}

type item struct {
	Qty   int64             `json:"qty"`
	Notes map[string]string `json:"notes"`
}

type meta struct {
	Source string `json:"source"`
	Inner  *meta  `json:"inner"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		contentType string
		opts        httpjson.DecodeOptions
		wantStatus  int // 0: no error
		wantError   string
	}{
		{name: "valid", body: `{"by": 3, "name": "x"}`},
		{name: "empty body allowed", body: ``, opts: httpjson.DecodeOptions{AllowEmpty: true}},
		{name: "empty body refused", body: ``, wantStatus: 400, wantError: "request body is empty"},
		{name: "malformed", body: `{"by": 3,`, wantStatus: 400, wantError: "malformed JSON"},
		{name: "syntax error", body: `{"by": x}`, wantStatus: 400, wantError: "malformed JSON at byte"},
		{name: "unknown field", body: `{"bye": 3}`, wantStatus: 400, wantError: `unknown field "bye"`},
		{name: "wrong type", body: `{"by": "3"}`, wantStatus: 400, wantError: `field "by" must be an integer in the int64 range, got string`},
		{name: "overflowing number", body: `{"by": 9223372036854775808}`, wantStatus: 400, wantError: `field "by" must be an integer in the int64 range, got number 9223372036854775808`},
		{name: "fraction", body: `{"by": 1.5}`, wantStatus: 400, wantError: `got number 1.5`},
		{name: "not an object", body: `[1]`, wantStatus: 400, wantError: "must be a JSON object, got array"},
		{name: "two values", body: `{"by": 1} {"by": 2}`, wantStatus: 400, wantError: "more after the JSON object"},
		{name: "trailing whitespace is fine", body: "{\"by\": 1}\n\n"},
		{name: "too large", body: `{"name": "` + strings.Repeat("a", 2000) + `"}`, opts: httpjson.DecodeOptions{MaxBody: 1024}, wantStatus: 413, wantError: "larger than 1024 bytes"},
		{name: "too large after a complete value", body: `{"by": 1}` + strings.Repeat(" ", 2000), opts: httpjson.DecodeOptions{MaxBody: 1024}, wantStatus: 413, wantError: "larger than 1024 bytes"},
		{name: "wrong content type", body: `{"by": 1}`, contentType: "text/plain", wantStatus: 415, wantError: "want application/json"},
		{name: "content type with charset", body: `{"by": 1}`, contentType: "application/json; charset=utf-8"},
		{name: "nested objects and arrays", body: `{"by": 1, "items": [{"qty": 1, "notes": {"a": "x", "b": "y"}}, {"qty": 2}], "meta": {"source": "s", "inner": {"source": "t"}}}`},

		// Duplicate keys: refused wherever they are, before dst is touched.
		{name: "duplicate key", body: `{"by": 1, "by": 7}`, wantStatus: 400, wantError: `duplicate key "by" in the request body; send each key once`},
		{name: "duplicate key, same value", body: `{"by": 1, "name": "x", "by": 1}`, wantStatus: 400, wantError: `duplicate key "by" in the request body`},
		{name: "duplicate key of another type", body: `{"by": 1, "by": "7"}`, wantStatus: 400, wantError: `duplicate key "by"`},
		{name: "duplicate key of an unknown field", body: `{"bye": 1, "bye": 2}`, wantStatus: 400, wantError: `duplicate key "bye"`},
		{name: "duplicate key spelt with an escape", body: `{"by": 1, "\u0062y": 7}`, wantStatus: 400, wantError: `duplicate key "by" in the request body`},
		{name: "duplicate key in another case", body: `{"by": 1, "BY": 7}`, wantStatus: 400, wantError: `duplicate key "BY" in the request body (the same key as "by": keys are matched ignoring case)`},
		{name: "duplicate key in a nested object", body: `{"meta": {"source": "a", "source": "b"}}`, wantStatus: 400, wantError: `duplicate key "source" in meta of the request body`},
		{name: "duplicate key deep down", body: `{"meta": {"inner": {"inner": {"source": "a", "inner": null, "source": "b"}}}}`, wantStatus: 400, wantError: `duplicate key "source" in meta.inner.inner of the request body`},
		{name: "duplicate key in an object in an array", body: `{"items": [{"qty": 1}, {"qty": 2, "qty": 3}]}`, wantStatus: 400, wantError: `duplicate key "qty" in items[1] of the request body`},
		{name: "duplicate key in a map in an array", body: `{"items": [{"notes": {"a": "x", "a": "y"}}]}`, wantStatus: 400, wantError: `duplicate key "a" in items[0].notes of the request body`},
		{name: "duplicate empty key", body: `{"": 1, "": 2}`, wantStatus: 400, wantError: `duplicate key "" in the request body`},
		{name: "duplicate key after an empty one", body: `{"meta": {"": 1, "source": "a", "source": "b"}}`, wantStatus: 400, wantError: `duplicate key "source" in meta of the request body`},
		{name: "duplicate array", body: `{"items": [], "items": [{"qty": 1}]}`, wantStatus: 400, wantError: `duplicate key "items" in the request body`},
		{name: "duplicate key after a nested one", body: `{"meta": {"source": "a"}, "by": 1, "meta": {"source": "b"}}`, wantStatus: 400, wantError: `duplicate key "meta" in the request body`},
		{name: "duplicate key in a malformed body", body: `{"by": 1, "by": 2`, wantStatus: 400, wantError: "malformed JSON"},
		{name: "duplicate key in an oversized body", body: `{"by": 1, "by": 2, "name": "` + strings.Repeat("a", 2000) + `"}`, opts: httpjson.DecodeOptions{MaxBody: 1024}, wantStatus: 413, wantError: "larger than 1024 bytes"},
		{name: "duplicate key with a wrong content type", body: `{"by": 1, "by": 2}`, contentType: "text/plain", wantStatus: 415, wantError: "want application/json"},
		{name: "duplicate key in a second value", body: `{"by": 1} {"by": 1, "by": 2}`, wantStatus: 400, wantError: "more after the JSON object"},
		{name: "same key in sibling objects", body: `{"items": [{"qty": 1}, {"qty": 2}], "meta": {"source": "a", "inner": {"source": "b"}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			var p payload
			err := httpjson.Decode(httptest.NewRecorder(), r, &p, tt.opts)
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("Decode(%q) = %v, want no error", tt.body, err)
				}
				return
			}
			he, ok := err.(*httpjson.Error)
			if !ok {
				t.Fatalf("Decode(%q) = %v (%T), want *httpjson.Error", tt.body, err, err)
			}
			if he.Status != tt.wantStatus || !strings.Contains(he.Message, tt.wantError) {
				t.Errorf("Decode(%q) = %d %q, want %d containing %q", tt.body, he.Status, he.Message, tt.wantStatus, tt.wantError)
			}
			if strings.HasPrefix(tt.wantError, "duplicate key") && !reflect.DeepEqual(p, payload{}) {
				t.Errorf("Decode(%q) refused a duplicate key but filled dst with %+v; want it untouched", tt.body, p)
			}
		})
	}
}

func TestHandlerFuncWritesJSONErrors(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantBody   string
	}{
		{name: "client error", err: httpjson.Errorf(http.StatusConflict, "out of stock: %d left", 2), wantStatus: 409, wantBody: "out of stock: 2 left"},
		{name: "other error", err: http.ErrHandlerTimeout, wantStatus: 500, wantBody: http.ErrHandlerTimeout.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := httpjson.HandlerFunc(func(http.ResponseWriter, *http.Request) error { return tt.err })
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			var body httpjson.ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q is not a JSON error: %v", rec.Body, err)
			}
			if rec.Code != tt.wantStatus || body.Error != tt.wantBody || rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("got %d %q (%s), want %d %q", rec.Code, body.Error, rec.Header().Get("Content-Type"), tt.wantStatus, tt.wantBody)
			}
		})
	}
}

func TestWriteErrorBodyIsOnlyTheError(t *testing.T) {
	rec := httptest.NewRecorder()
	httpjson.WriteError(rec, http.StatusTeapot, "short and stout")
	if got := strings.TrimSpace(rec.Body.String()); got != `{"error":"short and stout"}` || rec.Code != http.StatusTeapot {
		t.Errorf("WriteError wrote %d %s", rec.Code, got)
	}
}

func TestRoutes(t *testing.T) {
	// The same routes on a plain ServeMux say which Allow header net/http sends.
	register := func(mux *http.ServeMux) {
		ok := func(w http.ResponseWriter, r *http.Request) {
			httpjson.Write(w, http.StatusOK, map[string]string{"route": r.Pattern, "id": r.PathValue("id")})
		}
		mux.HandleFunc("POST /things/{id}/act", ok)
		mux.HandleFunc("GET /things/{id}", ok)
		mux.HandleFunc("PUT /things/{id}", ok)
		mux.HandleFunc("DELETE /things/{id}", ok)
		mux.HandleFunc("POST /things", ok)
	}
	plain := http.NewServeMux()
	register(plain)
	mux := http.NewServeMux()
	register(mux)
	srv := httptest.NewServer(httpjson.Routes(mux))
	defer srv.Close()

	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
		wantAllow  string
		wantError  string // for 200: the id the handler saw
	}{
		{name: "routed", method: "POST", path: "/things/7/act", wantStatus: 200, wantError: "7"},
		{name: "routed by method", method: "DELETE", path: "/things/8", wantStatus: 200, wantError: "8"},
		{name: "HEAD on a GET route", method: "HEAD", path: "/things/9", wantStatus: 200},
		{name: "GET on a POST-only route", method: "GET", path: "/things/7/act", wantStatus: 405, wantAllow: "POST",
			wantError: "method GET is not allowed on /things/7/act; allowed: POST"},
		{name: "PUT on a POST-only route", method: "PUT", path: "/things/7/act", wantStatus: 405, wantAllow: "POST",
			wantError: "method PUT is not allowed on /things/7/act; allowed: POST"},
		{name: "HEAD on a POST-only route", method: "HEAD", path: "/things/7/act", wantStatus: 405, wantAllow: "POST"},
		{name: "POST on a route of three methods (GET brings HEAD)", method: "POST", path: "/things/7", wantStatus: 405, wantAllow: "DELETE, GET, HEAD, PUT",
			wantError: "method POST is not allowed on /things/7; allowed: DELETE, GET, HEAD, PUT"},
		{name: "custom method", method: "FROB", path: "/things", wantStatus: 405, wantAllow: "POST",
			wantError: "method FROB is not allowed on /things; allowed: POST"},
		{name: "unknown path", method: "GET", path: "/nowhere", wantStatus: 404, wantError: "no route for GET /nowhere"},
		{name: "unknown path under a route", method: "POST", path: "/things/7/steal", wantStatus: 404, wantError: "no route for POST /things/7/steal"},
		{name: "unknown path, no method matches", method: "DELETE", path: "/", wantStatus: 404, wantError: "no route for DELETE /"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, resp.StatusCode, tt.wantStatus)
			}
			if got := resp.Header.Get("Allow"); got != tt.wantAllow {
				t.Errorf("%s %s: Allow %q, want %q", tt.method, tt.path, got, tt.wantAllow)
			}
			rec := httptest.NewRecorder()
			plain.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.wantStatus || rec.Header().Get("Allow") != resp.Header.Get("Allow") {
				t.Errorf("%s %s: net/http's ServeMux answers %d with Allow %q; Routes answered %d with Allow %q",
					tt.method, tt.path, rec.Code, rec.Header().Get("Allow"), resp.StatusCode, resp.Header.Get("Allow"))
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("%s %s: Content-Type %q, want application/json", tt.method, tt.path, ct)
			}
			if tt.method == "HEAD" {
				return // no body
			}
			var body map[string]string
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatalf("%s %s: body is not a JSON object of strings: %v", tt.method, tt.path, err)
			}
			if tt.wantStatus == 200 {
				if body["id"] != tt.wantError {
					t.Errorf("%s %s: the handler saw id %q, want %q", tt.method, tt.path, body["id"], tt.wantError)
				}
				return
			}
			if len(body) != 1 || body["error"] != tt.wantError {
				t.Errorf("%s %s: body %v, want exactly {\"error\": %q}", tt.method, tt.path, body, tt.wantError)
			}
		})
	}
}
