// Package callerlock has a chat bot's message handling, like hortbot's: // want package:`writes actions\.uses, autoreplies\.count, channels\.filters, channels\.links, channels\.messages, channels\.msgs, channels\.quotes, channels\.seen, channels\.title, channels\.topic, channels\.views, repeats\.count, timers\.count, variables\.resets, variables\.value; updates atomically channels\.msgs, channels\.views`
// every message is handled in a transaction kept in a session, and the one
// function that handles sessions takes an advisory lock on the channel
// first, so that a channel's messages run one at a time. The functions it
// calls, directly, through a map of command handlers or through a method
// value, read and write the channel's rows on s.Tx without a lock of their
// own: their callers' lock serialises them, also where the handler map's
// dispatcher runs a handler that runs the dispatcher again. The same functions reached by
// a caller that does not lock, from a goroutine, or from another package
// (an exported function) are lost updates.
package callerlock

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// session is the handling of one chat message.
type session struct {
	Tx        *sql.Tx
	ChannelID int64
	Message   string
}

// pgLock serialises the handling of a channel's messages.
func pgLock(ctx context.Context, tx *sql.Tx, channelID int64) error {
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", channelID)
	return err
}

// Handle handles one message in a transaction.
func Handle(ctx context.Context, db *sql.DB, channelID int64, msg string) error { // want Handle:`changes the database`
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	s := &session{Tx: tx, ChannelID: channelID, Message: msg}
	if err := handleSession(ctx, s); err != nil {
		return err
	}
	return tx.Commit()
}

func handleSession(ctx context.Context, s *session) error {
	if err := pgLock(ctx, s.Tx, s.ChannelID); err != nil {
		return err
	}
	if err := countAutoreply(ctx, s); err != nil {
		return err
	}
	if err := bumpMessages(ctx, s); err != nil {
		return err
	}
	name, args, _ := strings.Cut(s.Message, " ")
	if err := commands.run(ctx, s, name, args); err != nil {
		return err
	}
	return walk(ctx, args, s.doAction)
}

// countAutoreply is only called under the channel's lock.
func countAutoreply(ctx context.Context, s *session) error {
	var n int64
	if err := s.Tx.QueryRowContext(ctx, "SELECT count FROM autoreplies WHERE channel_id = $1", s.ChannelID).Scan(&n); err != nil {
		return err
	}
	n++
	_, err := s.Tx.ExecContext(ctx, "UPDATE autoreplies SET count = $1 WHERE channel_id = $2", n, s.ChannelID)
	return err
}

// handler is a command a message runs.
type handler struct {
	fn func(ctx context.Context, s *session, args string) error
}

// handlerMap runs the command a message names.
type handlerMap map[string]handler

func (m handlerMap) run(ctx context.Context, s *session, name, args string) error {
	if h, ok := m[name]; ok {
		return h.fn(ctx, s, args)
	}
	return nil
}

var commands = handlerMap{
	"increment": {fn: cmdIncrement},
	"var":       {fn: cmdVar},
}

// varCommands are the subcommands of "var": run by a command that the
// same dispatcher ran, a cycle entered only under the lock.
var varCommands = handlerMap{
	"reset": {fn: cmdVarReset},
}

func cmdVar(ctx context.Context, s *session, args string) error {
	name, rest, _ := strings.Cut(args, " ")
	return varCommands.run(ctx, s, name, rest)
}

func cmdVarReset(ctx context.Context, s *session, name string) error {
	var resets int64
	if err := s.Tx.QueryRowContext(ctx, "SELECT resets FROM variables WHERE channel_id = $1 AND name = $2", s.ChannelID, name).Scan(&resets); err != nil {
		return err
	}
	_, err := s.Tx.ExecContext(ctx, "UPDATE variables SET value = '0', resets = $1 WHERE channel_id = $2 AND name = $3", resets+1, s.ChannelID, name)
	return err
}

func cmdIncrement(ctx context.Context, s *session, args string) error {
	return s.varIncrement(ctx, args)
}

// varIncrement is reached through the command map, from handleSession.
func (s *session) varIncrement(ctx context.Context, name string) error {
	var v string
	err := s.Tx.QueryRowContext(ctx, "SELECT value FROM variables WHERE channel_id = $1 AND name = $2", s.ChannelID, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return s.varSet(ctx, name, "1")
	}
	if err != nil {
		return err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return err
	}
	_, err = s.Tx.ExecContext(ctx, "UPDATE variables SET value = $1 WHERE channel_id = $2 AND name = $3", strconv.FormatInt(n+1, 10), s.ChannelID, name)
	return err
}

// varSet stores a variable, over the one there is.
func (s *session) varSet(ctx context.Context, name, value string) error {
	_, err := s.Tx.ExecContext(ctx, "INSERT INTO variables (channel_id, name, value) VALUES ($1, $2, $3) ON CONFLICT (channel_id, name) DO UPDATE SET value = EXCLUDED.value", s.ChannelID, name, value)
	return err
}

// walk runs an action for each word of a reply.
func walk(ctx context.Context, text string, do func(ctx context.Context, action string) error) error {
	for _, w := range strings.Fields(text) {
		if err := do(ctx, w); err != nil {
			return err
		}
	}
	return nil
}

// doAction is reached as a method value, through walk.
func (s *session) doAction(ctx context.Context, action string) error {
	var uses int64
	if err := s.Tx.QueryRowContext(ctx, "SELECT uses FROM actions WHERE channel_id = $1 AND name = $2", s.ChannelID, action).Scan(&uses); err != nil {
		return err
	}
	_, err := s.Tx.ExecContext(ctx, "UPDATE actions SET uses = $1 WHERE channel_id = $2 AND name = $3", uses+1, s.ChannelID, action)
	return err
}

// Repeat runs a channel's repeated message without the channel's lock:
// the counts it changes race with the messages handled meanwhile.
func Repeat(ctx context.Context, db *sql.DB, channelID int64) error { // want Repeat:`upserts variables over value on own tx`
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	s := &session{Tx: tx, ChannelID: channelID}
	if err := countRepeat(ctx, s); err != nil {
		return err
	}
	if err := defaultGreeting(ctx, s); err != nil {
		return err
	}
	if err := countView(ctx, s); err != nil {
		return err
	}
	return tx.Commit()
}

// countRepeat is called only where no lock is held.
func countRepeat(ctx context.Context, s *session) error {
	var n int64
	if err := s.Tx.QueryRowContext(ctx, "SELECT count FROM repeats WHERE channel_id = $1", s.ChannelID).Scan(&n); err != nil {
		return err
	}
	_, err := s.Tx.ExecContext(ctx, "UPDATE repeats SET count = $1 WHERE channel_id = $2", n+1, s.ChannelID) // want `^lost update: n is read at callerlock\.go:\d+ and written back here outside a locking transaction`
	return err
}

// defaultGreeting sets a greeting where there is none, outside the lock:
// a greeting a message sets in between is overwritten.
func defaultGreeting(ctx context.Context, s *session) error {
	var v string
	err := s.Tx.QueryRowContext(ctx, "SELECT value FROM variables WHERE channel_id = $1 AND name = 'greeting'", s.ChannelID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return s.varSet(ctx, "greeting", "hello") // want `^check then write: no variables row is found at callerlock\.go:\d+, and only then the upsert here by session\.varSet runs`
	}
	return err
}

// HandleLater locks, then counts in a goroutine, which runs outside the
// lock (and outside the transaction it commits).
func HandleLater(ctx context.Context, s *session) error { // want HandleLater:`locks param 1\.Tx \(tx\) \(advisory\)`
	if err := pgLock(ctx, s.Tx, s.ChannelID); err != nil {
		return err
	}
	go countLater(ctx, s)
	return nil
}

func countLater(ctx context.Context, s *session) {
	var n int64
	if err := s.Tx.QueryRowContext(ctx, "SELECT count FROM timers WHERE channel_id = $1", s.ChannelID).Scan(&n); err != nil {
		return
	}
	s.Tx.ExecContext(ctx, "UPDATE timers SET count = $1 WHERE channel_id = $2", n+1, s.ChannelID) // want `^lost update: n is read at callerlock\.go:\d+ and written back here outside a locking transaction`
}

// CountLinks is called under the lock here, and by other packages,
// which may not lock.
func CountLinks(ctx context.Context, tx *sql.Tx, channelID int64) error { // want CountLinks:`changes the database`
	var n int64
	if err := tx.QueryRowContext(ctx, "SELECT links FROM channels WHERE id = $1", channelID).Scan(&n); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "UPDATE channels SET links = $1 WHERE id = $2", n+1, channelID) // want `^lost update: n is read at callerlock\.go:\d+ and written back here outside a locking transaction`
	return err
}

func handleLinks(ctx context.Context, s *session) error {
	if err := pgLock(ctx, s.Tx, s.ChannelID); err != nil {
		return err
	}
	return CountLinks(ctx, s.Tx, s.ChannelID)
}

// lockAfter calls countQuotes before it locks, and again after.
func lockAfter(ctx context.Context, s *session) error {
	if err := countQuotes(ctx, s); err != nil {
		return err
	}
	if err := pgLock(ctx, s.Tx, s.ChannelID); err != nil {
		return err
	}
	return countQuotes(ctx, s)
}

func countQuotes(ctx context.Context, s *session) error {
	var n int64
	if err := s.Tx.QueryRowContext(ctx, "SELECT quotes FROM channels WHERE id = $1", s.ChannelID).Scan(&n); err != nil {
		return err
	}
	_, err := s.Tx.ExecContext(ctx, "UPDATE channels SET quotes = $1 WHERE id = $2", n+1, s.ChannelID) // want `^lost update: n is read at callerlock\.go:\d+ and written back here outside a locking transaction`
	return err
}

// poolLock takes the transaction lock outside a transaction, where it is
// released at once: countFilters is not protected.
func poolLock(ctx context.Context, db *sql.DB, s *session) error {
	if _, err := db.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", s.ChannelID); err != nil {
		return err
	}
	return countFilters(ctx, s)
}

func countFilters(ctx context.Context, s *session) error {
	var n int64
	if err := s.Tx.QueryRowContext(ctx, "SELECT filters FROM channels WHERE id = $1", s.ChannelID).Scan(&n); err != nil {
		return err
	}
	_, err := s.Tx.ExecContext(ctx, "UPDATE channels SET filters = $1 WHERE id = $2", n+1, s.ChannelID) // want `^lost update: n is read at callerlock\.go:\d+ and written back here outside a locking transaction`
	return err
}

var _ = handleLinks
var _ = lockAfter
var _ = poolLock

// counter is how a statistics job counts a session's messages: bumpStats
// can be called through it, by code that does not lock.
type counter interface {
	bumpStats(ctx context.Context) error
}

func asCounter(s *session) counter { return s }

func handleStats(ctx context.Context, s *session) error {
	if err := pgLock(ctx, s.Tx, s.ChannelID); err != nil {
		return err
	}
	return s.bumpStats(ctx)
}

func (s *session) bumpStats(ctx context.Context) error {
	var n int64
	if err := s.Tx.QueryRowContext(ctx, "SELECT messages FROM channels WHERE id = $1", s.ChannelID).Scan(&n); err != nil {
		return err
	}
	_, err := s.Tx.ExecContext(ctx, "UPDATE channels SET messages = $1 WHERE id = $2", n+1, s.ChannelID) // want `^lost update: n is read at callerlock\.go:\d+ and written back here outside a locking transaction`
	return err
}

var _ = asCounter
var _ = handleStats

// seenAll marks every session seen under the lock, and markSeen is also
// given to slices.ContainsFunc, which calls it outside the lock.
func seenAll(ctx context.Context, ss []*session) bool {
	if len(ss) == 0 || pgLock(ctx, ss[0].Tx, ss[0].ChannelID) != nil {
		return false
	}
	for _, s := range ss {
		markSeen(s)
	}
	return true
}

func anySeen(ss []*session) bool {
	return slices.ContainsFunc(ss, markSeen)
}

func markSeen(s *session) bool {
	ctx := context.Background()
	var n int64
	if err := s.Tx.QueryRowContext(ctx, "SELECT seen FROM channels WHERE id = $1", s.ChannelID).Scan(&n); err != nil {
		return false
	}
	_, err := s.Tx.ExecContext(ctx, "UPDATE channels SET seen = $1 WHERE id = $2", n+1, s.ChannelID) // want `^lost update: n is read at callerlock\.go:\d+ and written back here outside a locking transaction`
	return err == nil
}

var _ = seenAll
var _ = anySeen

// renameChannel, under the lock (handleTitle), writes back the message
// count it read; bumpMessages, the count's other writer, runs under the
// lock too, so nothing it adds is undone.
func renameChannel(ctx context.Context, s *session, title string) error {
	var msgs int64
	var old string
	if err := s.Tx.QueryRowContext(ctx, "SELECT title, msgs FROM channels WHERE id = $1", s.ChannelID).Scan(&old, &msgs); err != nil {
		return err
	}
	if old == title {
		return nil
	}
	_, err := s.Tx.ExecContext(ctx, "UPDATE channels SET title = $1, msgs = $2 WHERE id = $3", title, msgs, s.ChannelID)
	return err
}

func bumpMessages(ctx context.Context, s *session) error {
	_, err := s.Tx.ExecContext(ctx, "UPDATE channels SET msgs = msgs + 1 WHERE id = $1", s.ChannelID)
	return err
}

// retopicChannel, under the lock, writes back the view count it read;
// countView, the count's other writer, runs in Repeat without the lock,
// and the view it adds in between is undone.
func retopicChannel(ctx context.Context, s *session, topic string) error {
	var views int64
	var old string
	if err := s.Tx.QueryRowContext(ctx, "SELECT topic, views FROM channels WHERE id = $1", s.ChannelID).Scan(&old, &views); err != nil {
		return err
	}
	if old == topic {
		return nil
	}
	_, err := s.Tx.ExecContext(ctx, "UPDATE channels SET topic = $1, views = $2 WHERE id = $3", topic, views, s.ChannelID) // want `^stale row: views is read at callerlock\.go:\d+ and written back whole here with a new topic; .*\(callerlock\.countView updates views atomically`
	return err
}

func countView(ctx context.Context, s *session) error {
	_, err := s.Tx.ExecContext(ctx, "UPDATE channels SET views = views + 1 WHERE id = $1", s.ChannelID)
	return err
}

func handleTitle(ctx context.Context, s *session, title, topic string) error {
	if err := pgLock(ctx, s.Tx, s.ChannelID); err != nil {
		return err
	}
	if err := renameChannel(ctx, s, title); err != nil {
		return err
	}
	return retopicChannel(ctx, s, topic)
}

var _ = handleTitle
