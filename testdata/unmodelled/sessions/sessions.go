// Package sessions keeps sessions in Redis through rueidis.
package sessions

import (
	"context"

	"github.com/redis/rueidis"
)

// Touch sets a session's expiry.
func Touch(ctx context.Context, c rueidis.Client, id string, seconds int64) error {
	return c.Do(ctx, c.B().Expire().Key("session:"+id).Seconds(seconds).Build()).Error()
}
