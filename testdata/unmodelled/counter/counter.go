// Package counter counts page views in Redis through redigo, which
// lostupdate does not model: the lost update in View goes unchecked, and
// the command says that it could not check this package.
package counter

import "github.com/gomodule/redigo/redis"

// View reads the count, adds one and writes it back.
func View(c redis.Conn, page string) error {
	n, err := redis.Int(c.Do("GET", "views:"+page))
	if err != nil && err != redis.ErrNil {
		return err
	}
	_, err = c.Do("SET", "views:"+page, n+1)
	return err
}
