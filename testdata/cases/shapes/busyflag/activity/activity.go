// Package activity keeps a background job to one run at a time in a // want package:`analysed`
// process: Start refuses while a run is under way. It knows nothing of the
// database; its summaries say which flag each method sets or clears.
package activity

import (
	"errors"
	"sync"
)

// Activity is work that can be started and stopped.
type Activity struct {
	mu       sync.Mutex
	busy     bool
	canceled bool
}

// Start marks the activity as running, or says that it already is.
func (a *Activity) Start() error { // want Start:"sets busy flag example.com/cases/shapes/busyflag/activity.Activity.busy; clears busy flag example.com/cases/shapes/busyflag/activity.Activity.canceled"
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.canceled {
		return errors.New("still stopping")
	}
	if a.busy {
		return errors.New("already running")
	}
	a.busy = true
	a.canceled = false
	return nil
}

// Stop marks the activity as stopped.
func (a *Activity) Stop() { // want Stop:"clears busy flag example.com/cases/shapes/busyflag/activity.Activity.busy; clears busy flag example.com/cases/shapes/busyflag/activity.Activity.canceled"
	a.mu.Lock()
	defer a.mu.Unlock()
	a.busy = false
	a.canceled = false
}

// Cancel asks a running activity to stop. It tests one flag and sets
// another: it takes no turn.
func (a *Activity) Cancel() { // want Cancel:`changes param 0.canceled \(maybe\)`
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.busy {
		a.canceled = true
	}
}

// MarkBusy sets the flag without testing it: every caller passes, so it
// keeps nothing to one run at a time.
func (a *Activity) MarkBusy() error { // want MarkBusy:`changes param 0.busy`
	a.mu.Lock()
	defer a.mu.Unlock()
	a.busy = true
	return nil
}

// Share is the share worker's activity.
var Share Activity
