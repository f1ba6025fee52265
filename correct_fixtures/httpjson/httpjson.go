// Package httpjson is the HTTP/JSON layer the fixture services share: strict request
// decoding, JSON responses, and errors as {"error": "..."} whose status says whose fault
// it is and whose text says what is wrong.
//
// A service writes its handlers as [HandlerFunc]s: decode with [Decode], validate, call
// its store, and either [Write] a response or return an error. Returning an [*Error]
// (made with [Errorf]) sends its status; any other error is a 500. Because a handler
// decodes and validates everything before it calls the store, bad input changes nothing.
// It registers them on an http.ServeMux and serves that through [Routes], so that a
// wrong method is a JSON 405 and an unknown path a JSON 404.
package httpjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode"
)

// DefaultMaxBody is the largest request body Decode accepts unless told otherwise.
const DefaultMaxBody = 4 << 10

// Error is an error with the HTTP status it should be answered with.
type Error struct {
	Status  int
	Message string
}

// Error returns the message sent to the client.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given status and a formatted message.
func Errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...)}
}

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	Error string `json:"error"`
}

// Write sends v as JSON with the given status.
func Write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// The status line is sent; a client that went away cannot be told anything more.
	_ = json.NewEncoder(w).Encode(v)
}

// WriteError sends {"error": msg} with the given status.
func WriteError(w http.ResponseWriter, status int, msg string) {
	Write(w, status, ErrorBody{Error: msg})
}

// HandlerFunc is an HTTP handler that reports failure by returning an error.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP runs f and answers a returned *Error with its status and message, and any
// other error with 500 and the error's text.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	err := f(w, r)
	if err == nil {
		return
	}
	var he *Error
	if errors.As(err, &he) {
		WriteError(w, he.Status, he.Message)
		return
	}
	WriteError(w, http.StatusInternalServerError, err.Error())
}

// NotFound answers a request with a JSON 404 naming its method and path. [Routes]
// answers with it when no pattern matches the path.
func NotFound(w http.ResponseWriter, r *http.Request) {
	WriteError(w, http.StatusNotFound, fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path))
}

// Routes serves mux and answers in JSON the requests that none of its patterns take:
// a path that a pattern matches with other methods only (GET on a POST-only route) gets
// 405 Method Not Allowed with an Allow header listing the methods it accepts, exactly
// as net/http's ServeMux would send it, and {"error": "..."} naming the method sent and
// those allowed; any other path gets the 404 of [NotFound]. mux must not have a
// catch-all pattern such as "/": it would take every request, and a wrong method
// would never be told apart from an unknown path.
func Routes(mux *http.ServeMux) http.Handler { return routes{mux} }

type routes struct{ mux *http.ServeMux }

// ServeHTTP asks the mux which handler it would run. A match (or a redirect to the
// canonical path) is served by the mux; otherwise the mux's own answer, a plain-text
// 404 or 405, is sent as JSON instead, with the mux's Allow header.
func (rt routes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, pattern := rt.mux.Handler(r)
	if pattern != "" {
		rt.mux.ServeHTTP(w, r) // sets r.Pattern and the path values
		return
	}
	var probe headerRecorder
	h.ServeHTTP(&probe, r)
	switch probe.status {
	case http.StatusMethodNotAllowed:
		MethodNotAllowed(w, r, probe.Header().Get("Allow"))
	case http.StatusNotFound:
		NotFound(w, r)
	default:
		rt.mux.ServeHTTP(w, r)
	}
}

// MethodNotAllowed answers a request whose method the path does not take with a JSON
// 405 and an Allow header listing the methods it does take ("GET, HEAD").
func MethodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	WriteError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, allow))
}

// headerRecorder keeps the status and headers a handler writes and drops its body.
type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header {
	if h.header == nil {
		h.header = http.Header{}
	}
	return h.header
}

func (h *headerRecorder) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

func (h *headerRecorder) Write(b []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	return len(b), nil
}

// DecodeOptions adjust Decode.
type DecodeOptions struct {
	// MaxBody is the largest body accepted (413 beyond it); 0 means DefaultMaxBody.
	MaxBody int64
	// AllowEmpty accepts an empty body and leaves dst unchanged, for requests whose
	// fields are all optional.
	AllowEmpty bool
}

// Decode reads the request body into dst strictly: at most MaxBody bytes (else 413),
// a Content-Type of application/json if one is given (else 415), exactly one JSON
// object with no unknown fields, no key twice in any object and values of the right
// types (else 400). Its errors are *Error values ready to be returned from a
// HandlerFunc.
//
// A duplicate key is refused at any depth, in objects inside arrays too, before dst
// is touched: encoding/json would keep the last value and drop the others without a
// word. Keys are compared as encoding/json matches them to struct fields, ignoring
// case, so {"amount": 1, "Amount": 7} is refused as well (a map field therefore
// cannot take two keys that differ only in case).
func Decode(w http.ResponseWriter, r *http.Request, dst any, opts DecodeOptions) error {
	limit := opts.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return Errorf(http.StatusUnsupportedMediaType, "Content-Type is %q; want application/json", ct)
		}
	}
	// The whole body is read first (it is at most limit bytes), so that duplicate
	// keys can be looked for before anything is decoded into dst.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		return decodeError(err, limit)
	}
	if d, ok := duplicateKey(body); ok {
		return d.error()
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(dst)
	if errors.Is(err, io.EOF) {
		if opts.AllowEmpty {
			return nil
		}
		return Errorf(http.StatusBadRequest, "request body is empty; want a JSON object")
	}
	if err != nil {
		return decodeError(err, limit)
	}
	// Exactly one value: anything but whitespace after it is an error, and reading on
	// also catches a body that goes past the limit after a complete value.
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err == nil {
			return Errorf(http.StatusBadRequest, "request body has more after the JSON object; send exactly one object")
		}
		return decodeError(err, limit)
	}
	return nil
}

func decodeError(err error, limit int64) error {
	var (
		syntax  *json.SyntaxError
		typ     *json.UnmarshalTypeError
		tooBig  *http.MaxBytesError
		unknown = "json: unknown field "
	)
	switch {
	case errors.As(err, &tooBig):
		return Errorf(http.StatusRequestEntityTooLarge, "request body is larger than %d bytes", limit)
	case errors.As(err, &syntax):
		return Errorf(http.StatusBadRequest, "malformed JSON at byte %d: %v", syntax.Offset, strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Errorf(http.StatusBadRequest, "malformed JSON: the body ends in the middle of a value")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return Errorf(http.StatusBadRequest, "request body must be a JSON object, got %s", typ.Value)
		}
		return Errorf(http.StatusBadRequest, "field %q must be %s, got %s", typ.Field, jsonTypeName(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(err.Error(), unknown):
		return Errorf(http.StatusBadRequest, "unknown field %s", strings.TrimPrefix(err.Error(), unknown))
	}
	return Errorf(http.StatusBadRequest, "cannot read request body: %v", err)
}

// duplicate is a key sent twice in one JSON object.
type duplicate struct {
	key   string // as sent the second time
	first string // as sent the first time
	where string // the object: "" for the top level, else a path like items[1].notes
}

func (d duplicate) error() *Error {
	where := "the request body"
	if d.where != "" {
		where = d.where + " of the request body"
	}
	same := ""
	if d.key != d.first {
		same = fmt.Sprintf(" (the same key as %q: keys are matched ignoring case)", d.first)
	}
	return Errorf(http.StatusBadRequest, "duplicate key %q in %s%s; send each key once", d.key, where, same)
}

// container is an object or array being walked by duplicateKey.
type container struct {
	path    string
	object  bool
	keys    map[string]string // object: folded key → the key as sent
	key     string            // object: the key whose value comes next, if inValue
	inValue bool              // object: a value comes next, not a key
	index   int               // array: the index of the next element
}

// child returns the path of the value that comes next in c.
func (c *container) child() string {
	if c.object {
		if c.path == "" {
			return c.key
		}
		return c.path + "." + c.key
	}
	return fmt.Sprintf("%s[%d]", c.path, c.index)
}

// done moves c past the value that has just ended.
func (c *container) done() {
	if c.object {
		c.inValue = false
	} else {
		c.index++
	}
}

// duplicateKey walks the first JSON value of data and returns the first key that an
// object in it repeats. It finds nothing in a value that is not valid JSON to its end:
// the decoder reports what is wrong with it.
func duplicateKey(data []byte) (duplicate, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var (
		stack []*container
		dup   duplicate
		found bool
	)
	for {
		tok, err := dec.Token()
		if err != nil {
			return duplicate{}, false
		}
		var top *container
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && !top.inValue {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
			} else {
				key, _ := tok.(string) // the decoder accepts only a string here
				folded := foldKey(key)
				if first, seen := top.keys[folded]; seen && !found {
					dup, found = duplicate{key: key, first: first, where: top.path}, true
				} else if !seen {
					top.keys[folded] = key
				}
				top.key, top.inValue = key, true
				continue
			}
		} else if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
			c := &container{object: d == '{'}
			if c.object {
				c.keys = map[string]string{}
			}
			if top != nil {
				c.path = top.child()
			}
			stack = append(stack, c)
			continue
		} else if ok && d == ']' {
			stack = stack[:len(stack)-1]
		}
		// A value has ended: a scalar, or the object or array closed above.
		if len(stack) == 0 {
			return dup, found
		}
		stack[len(stack)-1].done()
	}
}

// foldKey maps s to a key that is the same for exactly the strings strings.EqualFold
// holds equal (as encoding/json matches keys to fields): every rune becomes the
// smallest rune of its case-folding orbit.
func foldKey(s string) string {
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, s)
}

// jsonTypeName says in JSON terms what a Go kind accepts.
func jsonTypeName(kind string) string {
	switch kind {
	case "int", "int8", "int16", "int32", "int64":
		return "an integer in the " + kind + " range"
	case "uint", "uint8", "uint16", "uint32", "uint64":
		return "a non-negative integer in the " + kind + " range"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "float32", "float64":
		return "a number"
	}
	return "a " + kind
}
