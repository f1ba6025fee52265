// Package broken does not type-check: lostupdate names it and goes on
// with the rest of the module.
package broken

// Total adds a number to a string.
func Total(n int) int {
	return n + "1"
}
