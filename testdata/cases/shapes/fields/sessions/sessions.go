// Package sessions starts web sessions. It imports no database library: // want package:"analysed"
// what its functions return comes from the request and the clock. It is
// analysed as a package of the module, so its callers know which field of
// a Session holds which argument.
package sessions

import (
	"net/http"
	"time"
)

// Session is a signed-in user's session.
type Session struct {
	Name    string
	IP      string
	Started time.Time
}

// New starts a session for the user called name.
func New(r *http.Request, name string) *Session { // want New:"^result 0\\.IP from param 0\\.RemoteAddr; result 0\\.Name from param 1$"
	return &Session{Name: name, IP: r.RemoteAddr, Started: time.Now()}
}
