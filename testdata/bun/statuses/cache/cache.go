// Package cache is a read-through cache in the shape services wrap around // want package:`analysed`
// their stores: LoadOne returns what the loader it is given returns, once
// for concurrent callers of one key.
package cache

import "golang.org/x/sync/singleflight"

// Cache loads values of type T by key.
type Cache[T any] struct{ group singleflight.Group }

// LoadOne returns the value at key, calling load to read it.
func (c *Cache[T]) LoadOne(key string, load func() (T, error)) (T, error) {
	v, err, _ := c.group.Do(key, func() (any, error) { return load() })
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}
