package fixtureid

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

var upsert = Identity{Service: "counter", Strategy: "upsert", Backend: "postgres"}

// service stands in for a fixture service behind Handler: it answers every request
// with 418 and the path, so a test sees what reached it.
var service = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusTeapot)
	io.WriteString(w, "service saw "+r.Method+" "+r.URL.Path)
})

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(Handler(upsert, service))
	defer srv.Close()
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantAllow          string
		wantBody           string
	}{
		{"GET says what runs", "GET", Path, 200, "", `{"service":"counter","strategy":"upsert","backend":"postgres"}`},
		{"HEAD is answered without a body", "HEAD", Path, 200, "", ""},
		{"POST is a JSON 405 with Allow", "POST", Path, 405, "GET, HEAD", `{"error":"method POST is not allowed on /_fixture; allowed: GET, HEAD"}`},
		{"DELETE too", "DELETE", Path, 405, "GET, HEAD", `"method DELETE is not allowed`},
		{"the service's paths reach the service", "POST", "/counters/home/incr", 418, "", "service saw POST /counters/home/incr"},
		{"so does a path below /_fixture", "GET", Path + "/x", 418, "", "service saw GET /_fixture/x"},
		{"and the root", "GET", "/", 418, "", "service saw GET /"},
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
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus || resp.Header.Get("Allow") != tt.wantAllow {
				t.Errorf("%s %s = %d, Allow %q; want %d, Allow %q", tt.method, tt.path, resp.StatusCode, resp.Header.Get("Allow"), tt.wantStatus, tt.wantAllow)
			}
			if !strings.Contains(string(body), tt.wantBody) || (tt.wantBody == "" && len(body) > 0) {
				t.Errorf("%s %s body = %q, want %q", tt.method, tt.path, body, tt.wantBody)
			}
			if tt.path == Path && resp.StatusCode != 418 && resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", resp.Header.Get("Content-Type"))
			}
		})
	}
}

func TestFetch(t *testing.T) {
	answer := func(status int, body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			io.WriteString(w, body)
		})
	}
	tests := []struct {
		name       string
		server     http.Handler
		suffix     string // appended to the base URL
		want       Identity
		wantErr    string
		notDeclare bool
	}{
		{name: "a fixture server", server: Handler(upsert, service), want: upsert},
		{name: "a trailing slash on the base URL", server: Handler(upsert, service), suffix: "/", want: upsert},
		{name: "unknown fields are ignored", server: answer(200, `{"service":"bank","strategy":"atomic","backend":"redis","flush_to":"sqlite"}`),
			want: Identity{Service: "bank", Strategy: "atomic", Backend: "redis"}},
		{name: "another status is an error, not ErrNotDeclared", server: service, wantErr: `answered 418 I'm a teapot: "service saw GET /_fixture"`},
		{name: "a 404 is ErrNotDeclared", server: http.NotFoundHandler(), wantErr: "/_fixture is 404: the server does not say what it runs", notDeclare: true},
		{name: "a 500 says what came back", server: answer(500, `{"error": "database down"}`), wantErr: `answered 500 Internal Server Error: "{\"error\": \"database down\"}"`},
		{name: "not JSON", server: answer(200, "<html>hello</html>"), wantErr: "the answer is not the JSON object"},
		{name: "a field missing", server: answer(200, `{"service":"counter"}`), wantErr: "the answer does not name the strategy, backend"},
		{name: "an empty body", server: answer(200, ""), wantErr: "(empty body)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.server)
			defer srv.Close()
			got, err := Fetch(context.Background(), srv.Client(), srv.URL+tt.suffix)
			if tt.wantErr == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Fetch = %+v, %v; want %+v", got, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Fetch = %+v, %v; want an error mentioning %q", got, err, tt.wantErr)
			}
			if errors.Is(err, ErrNotDeclared) != tt.notDeclare {
				t.Errorf("errors.Is(%v, ErrNotDeclared) = %v, want %v", err, !tt.notDeclare, tt.notDeclare)
			}
		})
	}
}

func TestFetchUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	_, err = Fetch(context.Background(), http.DefaultClient, "http://"+addr)
	if err == nil || !strings.Contains(err.Error(), "ask http://"+addr+" what it runs") || errors.Is(err, ErrNotDeclared) {
		t.Errorf("Fetch from a closed port = %v; want an error naming the URL, not ErrNotDeclared", err)
	}
}

func TestIdentityJSONAndString(t *testing.T) {
	b, err := json.Marshal(upsert)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"service":"counter","strategy":"upsert","backend":"postgres"}`; got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
	if got, want := upsert.String(), "counter/upsert on postgres"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
