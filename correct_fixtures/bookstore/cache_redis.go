package bookstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// redisBooks keeps the cache strategy's books in Redis: the hash <prefix>book:<id>
// with fields title, stock, sold and pending, and the set <prefix>dirty of ids that
// may have pending sales. A hash without a stock field is not seeded (it can hold
// pending sales given back after a restart).
type redisBooks struct {
	c      *redis.Client
	prefix string
}

func (r *redisBooks) key(id int64) string { return r.prefix + "book:" + strconv.FormatInt(id, 10) }
func (r *redisBooks) dirtyKey() string    { return r.prefix + "dirty" }

// buyScript sells ARGV[1] copies if the stock allows, all or nothing: {1, stock,
// sold, title} after a sale, {0, stock, sold, title} when the stock is short, nil
// when the book is not cached.
var buyScript = redis.NewScript(`
local stock = redis.call('HGET', KEYS[1], 'stock')
if not stock then return false end
local qty = tonumber(ARGV[1])
if tonumber(stock) < qty then
	return {0, tonumber(stock), tonumber(redis.call('HGET', KEYS[1], 'sold')), redis.call('HGET', KEYS[1], 'title')}
end
redis.call('HINCRBY', KEYS[1], 'pending', qty)
redis.call('SADD', KEYS[2], ARGV[2])
local left = redis.call('HINCRBY', KEYS[1], 'stock', -qty)
local sold = redis.call('HINCRBY', KEYS[1], 'sold', qty)
return {1, left, sold, redis.call('HGET', KEYS[1], 'title')}
`)

// seedScript caches a book read from the database unless it is cached already,
// taking the sales still pending in the cache off its stock.
var seedScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], 'stock') == 1 then return 0 end
local pending = tonumber(redis.call('HGET', KEYS[1], 'pending') or '0')
redis.call('HSET', KEYS[1], 'title', ARGV[1], 'stock', tonumber(ARGV[2]) - pending, 'sold', tonumber(ARGV[3]) + pending)
return 1
`)

// takeScript zeroes the pending sales and returns them.
var takeScript = redis.NewScript(`
local pending = tonumber(redis.call('HGET', KEYS[1], 'pending') or '0')
if pending ~= 0 then redis.call('HSET', KEYS[1], 'pending', 0) end
return pending
`)

func (r *redisBooks) buy(ctx context.Context, id, qty int64) (Book, bool, error) {
	vals, err := buyScript.Run(ctx, r.c, []string{r.key(id), r.dirtyKey()}, qty, id).Slice()
	if errors.Is(err, redis.Nil) {
		return Book{}, false, nil
	}
	if err != nil {
		return Book{}, false, err
	}
	if len(vals) != 4 {
		return Book{}, false, fmt.Errorf("buy script returned %v, want 4 values", vals)
	}
	sold, _ := vals[0].(int64)
	b := Book{ID: id}
	b.Stock, _ = vals[1].(int64)
	b.Sold, _ = vals[2].(int64)
	b.Title, _ = vals[3].(string)
	if sold != 1 {
		return Book{}, true, fmt.Errorf("book %d: %d in stock, %d asked: %w", id, b.Stock, qty, ErrSoldOut)
	}
	return b, true, nil
}

func (r *redisBooks) get(ctx context.Context, id int64) (Book, bool, error) {
	vals, err := r.c.HMGet(ctx, r.key(id), "title", "stock", "sold").Result()
	if err != nil {
		return Book{}, false, err
	}
	if vals[1] == nil {
		return Book{}, false, nil
	}
	b := Book{ID: id}
	b.Title, _ = vals[0].(string)
	if b.Stock, err = parseField(vals[1]); err == nil {
		b.Sold, err = parseField(vals[2])
	}
	if err != nil {
		return Book{}, false, fmt.Errorf("redis hash %s: %w", r.key(id), err)
	}
	return b, true, nil
}

func parseField(v any) (int64, error) {
	s, _ := v.(string)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("field holds %v, not a number: %w", v, err)
	}
	return n, nil
}

func (r *redisBooks) seed(ctx context.Context, b Book) error {
	return seedScript.Run(ctx, r.c, []string{r.key(b.ID)}, b.Title, b.Stock, b.Sold).Err()
}

func (r *redisBooks) dirty(ctx context.Context) ([]int64, error) {
	// SPOP takes the ids out atomically; a sale after this adds its id back.
	members, err := r.c.SPopN(ctx, r.dirtyKey(), 1<<20).Result()
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(members))
	for _, m := range members {
		id, err := strconv.ParseInt(m, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("redis set %s holds %q, not a book id: %w", r.dirtyKey(), m, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (r *redisBooks) take(ctx context.Context, id int64) (int64, error) {
	return takeScript.Run(ctx, r.c, []string{r.key(id)}).Int64()
}

func (r *redisBooks) giveBack(ctx context.Context, id, qty int64) error {
	_, err := r.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HIncrBy(ctx, r.key(id), "pending", qty)
		p.SAdd(ctx, r.dirtyKey(), id)
		return nil
	})
	return err
}
