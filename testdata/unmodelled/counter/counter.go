// Package counter counts page views in Redis through rueidis, which
// lostupdate does not model: the lost update in View goes unchecked, and
// the command says that it could not check this package.
package counter

import (
	"context"
	"strconv"

	"github.com/redis/rueidis"
)

// View reads the count, adds one and writes it back.
func View(ctx context.Context, c rueidis.Client, page string) error {
	n, err := c.Do(ctx, c.B().Get().Key("views:"+page).Build()).AsInt64()
	if err != nil && !rueidis.IsRedisNil(err) {
		return err
	}
	return c.Do(ctx, c.B().Set().Key("views:"+page).Value(strconv.FormatInt(n+1, 10)).Build()).Error()
}
