// Package plain uses no data library.
package plain

// Double doubles n.
func Double(n int) int { return 2 * n }
