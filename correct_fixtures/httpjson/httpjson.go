// Package httpjson is the HTTP/JSON layer the fixture services share: strict request
// decoding, JSON responses, and errors as {"error": "..."} whose status says whose fault
// it is and whose text says what is wrong.
//
// A service writes its handlers as [HandlerFunc]s: decode with [Decode], validate, call
// its store, and either [Write] a response or return an error. Returning an [*Error]
// (made with [Errorf]) sends its status; any other error is a 500. Because a handler
// decodes and validates everything before it calls the store, bad input changes nothing.
package httpjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
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

// NotFound answers every request with a JSON 404; mount it at "/" so that unknown
// paths get the same kind of error as everything else.
func NotFound(w http.ResponseWriter, r *http.Request) {
	WriteError(w, http.StatusNotFound, fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path))
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
// object with no unknown fields and values of the right types (else 400). Its errors
// are *Error values ready to be returned from a HandlerFunc.
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
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
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
