// Package sessions keeps sessions in Redis through redigo.
package sessions

import "github.com/gomodule/redigo/redis"

// Touch sets a session's expiry.
func Touch(c redis.Conn, id string, seconds int) error {
	_, err := c.Do("EXPIRE", "session:"+id, seconds)
	return err
}
