package httpjson_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/httpjson"
)

type payload struct {
	By   *int64 `json:"by"`
	Name string `json:"name"`
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
