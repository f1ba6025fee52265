// Package httpjsontest sends requests to a JSON service in tests: [Call] sends one
// and returns the answer decoded, failing the test if the answer is not JSON.
package httpjsontest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Answer is one HTTP response with a JSON body.
type Answer struct {
	Status int
	Header http.Header
	// Raw is the body as received; Body is the same decoded.
	Raw  []byte
	Body map[string]any
}

// Call sends one request with body (and a Content-Type header unless contentType is
// empty) and returns the answer. A request that fails or a body that is not a JSON
// object fails t; a Content-Type other than application/json is reported as an error.
func Call(t testing.TB, method, url, contentType, body string) Answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", method, url, ct)
	}
	a := Answer{Status: resp.StatusCode, Header: resp.Header}
	if a.Raw, err = io.ReadAll(resp.Body); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(a.Raw, &a.Body); err != nil {
		t.Fatalf("%s %s: body %q is not JSON: %v", method, url, a.Raw, err)
	}
	return a
}

// RouteCase is a request that no route of a service takes as sent, and the JSON error
// it must get: 405 with an Allow header for a wrong method, 404 for an unknown path.
type RouteCase struct {
	Name, Method, Path string
	Status             int
	Allow, Error       string
}

// CheckRoutes sends each case, with body, to the service at baseURL, and checks its
// status, its Allow header and that its body is exactly {"error": Error}; after each,
// unchanged checks that the service's state is as it was.
func CheckRoutes(t *testing.T, baseURL, body string, cases []RouteCase, unchanged func(t *testing.T)) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			a := Call(t, c.Method, baseURL+c.Path, "application/json", body)
			if a.Status != c.Status || a.Header.Get("Allow") != c.Allow {
				t.Errorf("%s %s: %d with Allow %q, want %d with Allow %q", c.Method, c.Path, a.Status, a.Header.Get("Allow"), c.Status, c.Allow)
			}
			if len(a.Body) != 1 || a.Body["error"] != c.Error {
				t.Errorf("%s %s: body %s, want exactly {\"error\": %q}", c.Method, c.Path, a.Raw, c.Error)
			}
			unchanged(t)
		})
	}
}
