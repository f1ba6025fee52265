package bank

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
)

// redisAccounts keeps the cache strategy's accounts in Redis:
// <prefix>acct:<id>:balance (the balance), <prefix>acct:<id>:pending (the list of
// decisions not written through yet, oldest first), <prefix>acct:<id>:epoch (set for
// IdempotencyTTL when the balance was seeded over a history the cache may have
// forgotten), <prefix>dirty (the set of accounts that may have pending decisions)
// and <prefix>req:<request_id> (the decision on a request, kept for IdempotencyTTL).
type redisAccounts struct {
	c      *redis.Client
	prefix string
}

func (r *redisAccounts) balanceKey(id string) string  { return r.prefix + "acct:" + id + ":balance" }
func (r *redisAccounts) pendingKey(id string) string  { return r.prefix + "acct:" + id + ":pending" }
func (r *redisAccounts) epochKey(id string) string    { return r.prefix + "acct:" + id + ":epoch" }
func (r *redisAccounts) requestKey(rid string) string { return r.prefix + "req:" + rid }
func (r *redisAccounts) dirtyKey() string             { return r.prefix + "dirty" }

// decideScript decides a request all or nothing. A request ID with a stored
// decision gets it back ({1, decision}) and nothing changes. A missing balance
// changes nothing either ({0, ""}): the caller seeds it first. Within an epoch (the
// balance was seeded over a history the cache may have forgotten) a request ID the
// cache does not know must have been looked up in the database during this epoch
// (ARGV[6]); if not, the script answers {3, epoch} and changes nothing. Otherwise
// the floor is checked, the balance changed (INCRBY comes first: if it overflows,
// the script stops before writing anything), and the decision is stored under the
// request ID with SET NX, appended to the pending list and the account marked
// dirty ({2, decision}). A decision is "outcome op amount balance account
// request_id". Lua numbers are doubles, but the comparison is exact where it matters
// (a balance near an amount of at most MaxAmount), and the balance in the decision
// is read back as the string Redis keeps.
var decideScript = redis.NewScript(`
local prev = redis.call('GET', KEYS[4])
if prev then return {1, prev} end
local balance = redis.call('GET', KEYS[1])
if not balance then return {0, ''} end
local epoch = redis.call('GET', KEYS[5])
if epoch and epoch ~= ARGV[6] then return {3, epoch} end
local outcome = 'applied'
if ARGV[1] == 'withdraw' then
  if tonumber(balance) < tonumber(ARGV[2]) then
    outcome = 'refused'
  else
    redis.call('DECRBY', KEYS[1], ARGV[2])
  end
else
  redis.call('INCRBY', KEYS[1], ARGV[2])
end
local after = '0'
if outcome == 'applied' then after = redis.call('GET', KEYS[1]) end
local decision = outcome .. ' ' .. ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. after .. ' ' .. ARGV[3] .. ' ' .. ARGV[4]
redis.call('SET', KEYS[4], decision, 'NX', 'EX', ARGV[5])
redis.call('RPUSH', KEYS[2], decision)
redis.call('SADD', KEYS[3], ARGV[3])
return {2, decision}
`)

// decide runs decideScript, and looks the request ID up in the database when the
// script asks for it (the account is in an epoch) before running it again. A
// connection to Redis that could not be made is an error wrapping ErrUnavailable:
// the script was not sent, so nothing changed. Any other failure of the script may
// have come after it ran, and its outcome is unknown.
func (r *redisAccounts) decide(ctx context.Context, req Request, durable func(context.Context, string) (record, bool, error)) (record, bool, bool, error) {
	keys := []string{r.balanceKey(req.Account), r.pendingKey(req.Account), r.dirtyKey(), r.requestKey(req.RequestID), r.epochKey(req.Account)}
	checkedIn := ""
	for range 3 {
		res, err := decideScript.Run(ctx, r.c, keys, string(req.Op), req.Amount, req.Account, req.RequestID, int64(IdempotencyTTL.Seconds()), checkedIn).Slice()
		if err != nil {
			if strings.Contains(err.Error(), "would overflow") {
				return record{}, false, true, overflow(req)
			}
			if dberr.NotConnected(err) {
				// No connection to Redis: the script was not sent, nothing ran.
				return record{}, false, true, unavailable(fmt.Errorf("%s (cache): Redis is unavailable: %w", req, err))
			}
			// The script may or may not have run: the outcome is unknown, and the
			// client's retry with the same request ID will find out.
			return record{}, false, true, fmt.Errorf("%s (cache, redis): %w", req, err)
		}
		code, _ := res[0].(int64)
		s, _ := res[1].(string)
		switch code {
		case 0:
			return record{}, false, false, nil
		case 3:
			rec, found, err := durable(ctx, req.RequestID)
			if err != nil {
				return record{}, false, true, notApplied(err)
			}
			if found {
				return rec, true, true, nil
			}
			checkedIn = s
			continue
		}
		rec, err := parseRecord(s)
		if err != nil {
			return record{}, false, true, fmt.Errorf("%s (cache, redis): %w", req, err)
		}
		return rec, code == 1, true, nil
	}
	return record{}, false, true, notApplied(fmt.Errorf("%s (cache, redis): the account's epoch changed three times while looking the request up", req))
}

func (r *redisAccounts) balance(ctx context.Context, id string) (int64, bool, error) {
	n, err := r.c.Get(ctx, r.balanceKey(id)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, false, nil
	}
	if dberr.NotConnected(err) {
		err = unavailable(fmt.Errorf("Redis is unavailable: %w", err))
	}
	return n, err == nil, err
}

// seedScript sets the balance unless it exists and, if the account has a history
// the cache may have forgotten (ARGV[2] is "1"), starts a new epoch.
var seedScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[2] == '1' then redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[4]) end
return 1
`)

func (r *redisAccounts) seed(ctx context.Context, id string, v int64, forgetful bool) error {
	flag := "0"
	if forgetful {
		flag = "1"
	}
	epoch := strconv.FormatUint(rand.Uint64(), 36)
	return seedScript.Run(ctx, r.c, []string{r.balanceKey(id), r.epochKey(id)}, v, flag, epoch, int64(IdempotencyTTL.Seconds())).Err()
}

func (r *redisAccounts) dirty(ctx context.Context) ([]string, error) {
	return r.c.SMembers(ctx, r.dirtyKey()).Result()
}

func (r *redisAccounts) keepDirty(ctx context.Context, id string) error {
	return r.c.SAdd(ctx, r.dirtyKey(), id).Err()
}

func (r *redisAccounts) pending(ctx context.Context, id string, max int) ([]record, error) {
	vals, err := r.c.LRange(ctx, r.pendingKey(id), 0, int64(max)-1).Result()
	if err != nil {
		return nil, err
	}
	rs := make([]record, 0, len(vals))
	for _, v := range vals {
		rec, err := parseRecord(v)
		if err != nil {
			return nil, err
		}
		rs = append(rs, rec)
	}
	return rs, nil
}

// removeScript pops the written-through decisions ARGV[2…] off the head of the
// pending list, where they are unless another flusher removed them already (then
// the head is something newer, which stays), and clears the account's dirty mark
// if nothing is left.
var removeScript = redis.NewScript(`
local n = 0
for i = 2, #ARGV do
  if redis.call('LINDEX', KEYS[1], 0) == ARGV[i] then
    redis.call('LPOP', KEYS[1])
    n = n + 1
  end
end
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
return n
`)

func (r *redisAccounts) remove(ctx context.Context, id string, rs []record) error {
	args := make([]any, 0, len(rs)+1)
	args = append(args, id)
	for _, rec := range rs {
		args = append(args, rec.String())
	}
	return removeScript.Run(ctx, r.c, []string{r.pendingKey(id), r.dirtyKey()}, args...).Err()
}
