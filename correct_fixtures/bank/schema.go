package bank

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/dberr"
	"github.com/lostupdate/lostupdate/correct_fixtures/migrate"
	"github.com/lostupdate/lostupdate/correct_fixtures/retry"
)

// Migrations are the bank's tables:
//
//   - accounts: the balance (never below zero: the CHECK is the last line of
//     defence, the strategies refuse an overdraft before it) and the version the
//     optimistic strategy checks;
//   - ledger: one row per accepted request, the signed amount it moved; its
//     request_id is unique, so no request can be booked twice;
//   - bank_requests: the decision on every request ID, applied or refused, with
//     the balance the first answer reported; a request ID found here is answered
//     from here and changes nothing.
//
// On MariaDB the ids are ascii_bin, so that "Joint" and "joint" are two accounts
// and two request IDs, as on the other databases. On SQLite the CHECK also turns an
// overflowing balance (which SQLite would silently make a float) into an error.
func Migrations() []migrate.Migration {
	return []migrate.Migration{{
		ID: "bank/1-create-accounts-ledger-requests",
		Postgres: []string{
			`CREATE TABLE IF NOT EXISTS accounts (
				id      VARCHAR(64) PRIMARY KEY,
				balance BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),
				version BIGINT NOT NULL DEFAULT 0)`,
			`CREATE TABLE IF NOT EXISTS ledger (
				id         BIGSERIAL PRIMARY KEY,
				account_id VARCHAR(64) NOT NULL REFERENCES accounts (id),
				request_id VARCHAR(64) NOT NULL UNIQUE,
				amount     BIGINT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
			`CREATE INDEX IF NOT EXISTS ledger_account ON ledger (account_id, id)`,
			`CREATE TABLE IF NOT EXISTS bank_requests (
				request_id VARCHAR(64) PRIMARY KEY,
				account_id VARCHAR(64) NOT NULL,
				op         VARCHAR(8) NOT NULL,
				amount     BIGINT NOT NULL,
				outcome    VARCHAR(8) NOT NULL,
				balance    BIGINT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
			`CREATE INDEX IF NOT EXISTS bank_requests_account ON bank_requests (account_id)`,
		},
		MariaDB: []string{
			`CREATE TABLE IF NOT EXISTS accounts (
				id      VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin PRIMARY KEY,
				balance BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),
				version BIGINT NOT NULL DEFAULT 0) ENGINE=InnoDB`,
			`CREATE TABLE IF NOT EXISTS ledger (
				id         BIGINT AUTO_INCREMENT PRIMARY KEY,
				account_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
				request_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL UNIQUE,
				amount     BIGINT NOT NULL,
				created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
				INDEX ledger_account (account_id, id),
				FOREIGN KEY (account_id) REFERENCES accounts (id)) ENGINE=InnoDB`,
			`CREATE TABLE IF NOT EXISTS bank_requests (
				request_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin PRIMARY KEY,
				account_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
				op         VARCHAR(8) NOT NULL,
				amount     BIGINT NOT NULL,
				outcome    VARCHAR(8) NOT NULL,
				balance    BIGINT NOT NULL,
				created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
				INDEX bank_requests_account (account_id)) ENGINE=InnoDB`,
		},
		SQLite: []string{
			`CREATE TABLE IF NOT EXISTS accounts (
				id      TEXT PRIMARY KEY,
				balance INTEGER NOT NULL DEFAULT 0 CHECK (typeof(balance) = 'integer' AND balance >= 0),
				version INTEGER NOT NULL DEFAULT 0)`,
			`CREATE TABLE IF NOT EXISTS ledger (
				id         INTEGER PRIMARY KEY AUTOINCREMENT,
				account_id TEXT NOT NULL REFERENCES accounts (id),
				request_id TEXT NOT NULL UNIQUE,
				amount     INTEGER NOT NULL,
				created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)`,
			`CREATE INDEX IF NOT EXISTS ledger_account ON ledger (account_id, id)`,
			`CREATE TABLE IF NOT EXISTS bank_requests (
				request_id TEXT PRIMARY KEY,
				account_id TEXT NOT NULL,
				op         TEXT NOT NULL,
				amount     INTEGER NOT NULL,
				outcome    TEXT NOT NULL,
				balance    INTEGER NOT NULL,
				created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)`,
			`CREATE INDEX IF NOT EXISTS bank_requests_account ON bank_requests (account_id)`,
		},
	}}
}

// Migrate creates the bank's tables in env's database if they are missing.
func Migrate(ctx context.Context, env *backend.Env) error {
	if env.DB == nil {
		return fmt.Errorf("bank: migrate: backend %s has no SQL database", env.Kind)
	}
	return migrate.Apply(ctx, env.DB, env.Dialect, Migrations())
}

// The outcomes recorded in bank_requests.
const (
	applied = "applied"
	refused = "refused"
)

// record is a row of bank_requests: what was decided for a request ID.
type record struct {
	RequestID string
	Account   string
	Op        Op
	Amount    int64
	Outcome   string
	// Balance is the balance right after an applied request (0 for a refusal).
	Balance int64
}

// appliedRecord and refusedRecord are the records of req's two possible outcomes.
func appliedRecord(req Request, balance int64) record {
	return record{RequestID: req.RequestID, Account: req.Account, Op: req.Op, Amount: req.Amount, Outcome: applied, Balance: balance}
}

func refusedRecord(req Request) record {
	return record{RequestID: req.RequestID, Account: req.Account, Op: req.Op, Amount: req.Amount, Outcome: refused}
}

// answer turns the record of an earlier decision into the answer to req: the same
// Receipt (Replayed) or the same refusal, or ErrRequestReused if req is not the
// request the ID was first used for.
func (r record) answer(req Request) (Receipt, error) {
	if r.Account != req.Account || r.Op != req.Op || r.Amount != req.Amount {
		return Receipt{}, fmt.Errorf("request_id %q was first used for a %s of %d on account %q, not a %s of %d on account %q; send a new request_id for a new request: %w",
			req.RequestID, r.Op, r.Amount, r.Account, req.Op, req.Amount, req.Account, ErrRequestReused)
	}
	rc := Receipt{Account: r.Account, RequestID: r.RequestID, Op: r.Op, Amount: r.Amount, Balance: r.Balance, Replayed: true}
	if r.Outcome == refused {
		rc.Balance = 0
		return rc, insufficient(req)
	}
	return rc, nil
}

// querier is what a transaction, a dedicated connection and the pool have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// sqlStore holds what every SQL strategy needs and the statements they share:
// open and read accounts, look up, record and replay decisions, book ledger entries.
type sqlStore struct {
	db      *sql.DB
	dialect backend.Kind
	policy  retry.Policy
}

func newSQLStore(env *backend.Env, o Options) sqlStore {
	return sqlStore{db: env.DB, dialect: env.Dialect, policy: o.RetryPolicy()}
}

// Close does nothing: the database belongs to the caller.
func (s *sqlStore) Close() error { return nil }

// CreateAccount opens account id at 0 unless it exists.
func (s *sqlStore) CreateAccount(ctx context.Context, id string) (bool, error) {
	var res sql.Result
	var err error
	switch s.dialect {
	case backend.Postgres:
		res, err = s.db.ExecContext(ctx, `INSERT INTO accounts (id) VALUES ($1) ON CONFLICT (id) DO NOTHING`, id)
	case backend.MariaDB:
		res, err = s.db.ExecContext(ctx, `INSERT INTO accounts (id) VALUES (?) ON DUPLICATE KEY UPDATE id = id`, id)
	default:
		res, err = s.db.ExecContext(ctx, `INSERT INTO accounts (id) VALUES (?) ON CONFLICT (id) DO NOTHING`, id)
	}
	if err != nil {
		return false, fmt.Errorf("create account %q on %s: %w", id, s.dialect, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("create account %q on %s: rows affected: %w", id, s.dialect, err)
	}
	return n == 1, nil
}

// Balance reads account id's balance.
func (s *sqlStore) Balance(ctx context.Context, id string) (int64, error) {
	return s.balanceOn(ctx, s.db, id)
}

func (s *sqlStore) balanceOn(ctx context.Context, q querier, id string) (int64, error) {
	var balance int64
	var err error
	switch s.dialect {
	case backend.Postgres:
		err = q.QueryRowContext(ctx, `SELECT balance FROM accounts WHERE id = $1`, id).Scan(&balance)
	default:
		err = q.QueryRowContext(ctx, `SELECT balance FROM accounts WHERE id = ?`, id).Scan(&balance)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound(id)
	}
	if err != nil {
		return 0, fmt.Errorf("read balance of account %q on %s: %w", id, s.dialect, err)
	}
	return balance, nil
}

// Statement reads the balance and the ledger of account id in one read-only
// snapshot, so that the two agree with each other even while requests go on.
func (s *sqlStore) Statement(ctx context.Context, id string) (Statement, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return Statement{}, fmt.Errorf("statement of account %q on %s: begin: %w", id, s.dialect, err)
	}
	defer tx.Rollback()
	st := Statement{Account: id, Ledger: []Entry{}}
	if st.Balance, err = s.balanceOn(ctx, tx, id); err != nil {
		return Statement{}, err
	}
	var rows *sql.Rows
	switch s.dialect {
	case backend.Postgres:
		rows, err = tx.QueryContext(ctx, `SELECT request_id, amount FROM ledger WHERE account_id = $1 ORDER BY id`, id)
	default:
		rows, err = tx.QueryContext(ctx, `SELECT request_id, amount FROM ledger WHERE account_id = ? ORDER BY id`, id)
	}
	if err != nil {
		return Statement{}, fmt.Errorf("statement of account %q on %s: read ledger: %w", id, s.dialect, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.RequestID, &e.Amount); err != nil {
			return Statement{}, fmt.Errorf("statement of account %q on %s: read ledger: %w", id, s.dialect, err)
		}
		st.Ledger = append(st.Ledger, e)
	}
	if err := rows.Err(); err != nil {
		return Statement{}, fmt.Errorf("statement of account %q on %s: read ledger: %w", id, s.dialect, err)
	}
	return st, tx.Commit()
}

// lookup reads the decision recorded for requestID; ok is false if there is none.
func (s *sqlStore) lookup(ctx context.Context, q querier, requestID string) (r record, ok bool, err error) {
	r.RequestID = requestID
	switch s.dialect {
	case backend.Postgres:
		err = q.QueryRowContext(ctx, `SELECT account_id, op, amount, outcome, balance FROM bank_requests WHERE request_id = $1`, requestID).
			Scan(&r.Account, &r.Op, &r.Amount, &r.Outcome, &r.Balance)
	default:
		err = q.QueryRowContext(ctx, `SELECT account_id, op, amount, outcome, balance FROM bank_requests WHERE request_id = ?`, requestID).
			Scan(&r.Account, &r.Op, &r.Amount, &r.Outcome, &r.Balance)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return record{}, false, nil
	}
	if err != nil {
		return record{}, false, fmt.Errorf("look up request %q on %s: %w", requestID, s.dialect, err)
	}
	return r, true, nil
}

// remember records a decision unless its request ID has one already. It returns
// false when the ID was taken: by an earlier request, or by a concurrent one that
// has just committed (the insert waits for it).
func (s *sqlStore) remember(ctx context.Context, q querier, r record) (bool, error) {
	var res sql.Result
	var err error
	switch s.dialect {
	case backend.Postgres:
		res, err = q.ExecContext(ctx, `INSERT INTO bank_requests (request_id, account_id, op, amount, outcome, balance)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (request_id) DO NOTHING`, r.RequestID, r.Account, r.Op, r.Amount, r.Outcome, r.Balance)
	case backend.MariaDB:
		res, err = q.ExecContext(ctx, `INSERT INTO bank_requests (request_id, account_id, op, amount, outcome, balance)
			VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE request_id = request_id`, r.RequestID, r.Account, r.Op, r.Amount, r.Outcome, r.Balance)
	default:
		res, err = q.ExecContext(ctx, `INSERT INTO bank_requests (request_id, account_id, op, amount, outcome, balance)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING`, r.RequestID, r.Account, r.Op, r.Amount, r.Outcome, r.Balance)
	}
	if err != nil {
		return false, fmt.Errorf("record request %q (%s) on %s: %w", r.RequestID, r.Outcome, s.dialect, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record request %q on %s: rows affected: %w", r.RequestID, s.dialect, err)
	}
	return n == 1, nil
}

// book adds req's ledger entry.
func (s *sqlStore) book(ctx context.Context, q querier, req Request) error {
	var err error
	switch s.dialect {
	case backend.Postgres:
		_, err = q.ExecContext(ctx, `INSERT INTO ledger (account_id, request_id, amount) VALUES ($1, $2, $3)`, req.Account, req.RequestID, req.Op.Signed(req.Amount))
	default:
		_, err = q.ExecContext(ctx, `INSERT INTO ledger (account_id, request_id, amount) VALUES (?, ?, ?)`, req.Account, req.RequestID, req.Op.Signed(req.Amount))
	}
	if err != nil {
		return fmt.Errorf("book %s of %d on account %q (request %q) on %s: %w", req.Op, req.Amount, req.Account, req.RequestID, s.dialect, err)
	}
	return nil
}

// errDecided is what a transaction attempt returns, after rolling back, when it
// finds its request ID already decided; run answers from the record instead.
var errDecided = errors.New("request already decided")

// errVersionConflict means the optimistic strategy's conditional UPDATE found a
// newer version than it read.
var errVersionConflict = errors.New("version changed since read")

// run performs req with attempt under the retry policy, retrying the failures
// retryable accepts (the database rolled the attempt back). An attempt that found
// the request ID decided is answered from its record. A failure the database
// rolled back is marked not applied, even when it came from the commit.
func (s *sqlStore) run(ctx context.Context, req Request, retryable func(error) bool, attempt func(context.Context) (Receipt, error)) (Receipt, error) {
	var rc Receipt
	err := s.policy.Do(ctx, retryable, func(ctx context.Context) error {
		var err error
		rc, err = attempt(ctx)
		return err
	})
	if errors.Is(err, errDecided) {
		return s.replay(ctx, req)
	}
	if err != nil && !errors.Is(err, ErrNotApplied) && (dberr.Retryable(err) || errors.Is(err, errVersionConflict)) {
		err = notApplied(err)
	}
	return rc, err
}

// replay answers req from the decision recorded for its request ID.
func (s *sqlStore) replay(ctx context.Context, req Request) (Receipt, error) {
	r, ok, err := s.lookup(ctx, s.db, req.RequestID)
	if err != nil {
		return Receipt{}, notApplied(err)
	}
	if !ok {
		return Receipt{}, notApplied(fmt.Errorf("request %q was decided by a transaction whose record is gone", req.RequestID))
	}
	return r.answer(req)
}

// refuse records on q that req was refused for insufficient funds, then commits.
func (s *sqlStore) refuse(ctx context.Context, q querier, req Request, commit func() error) (Receipt, error) {
	ok, err := s.remember(ctx, q, refusedRecord(req))
	if err != nil {
		return Receipt{}, notApplied(err)
	}
	if !ok {
		return Receipt{}, errDecided
	}
	if err := commit(); err != nil {
		return Receipt{}, fmt.Errorf("%s on %s: commit the refusal: %w", req, s.dialect, err)
	}
	return Receipt{Account: req.Account, RequestID: req.RequestID, Op: req.Op, Amount: req.Amount}, insufficient(req)
}

// receipt is the answer to req, applied now, leaving balance.
func receipt(req Request, balance int64) Receipt {
	return Receipt{Account: req.Account, RequestID: req.RequestID, Op: req.Op, Amount: req.Amount, Balance: balance}
}

// orDecided is the error of an attempt whose look-up of its request ID failed
// (err) or found it decided.
func orDecided(err error, decided bool) error {
	if err != nil {
		return notApplied(err)
	}
	if decided {
		return errDecided
	}
	return nil
}

// rememberAndBook records req as applied with the balance it left and books its
// ledger entry, on q, in the transaction that changed the balance. If the request ID
// was taken meanwhile it returns errDecided, and the caller's rollback undoes the
// balance change.
func (s *sqlStore) rememberAndBook(ctx context.Context, q querier, req Request, balance int64) error {
	ok, err := s.remember(ctx, q, appliedRecord(req, balance))
	if err != nil {
		return notApplied(err)
	}
	if !ok {
		return errDecided
	}
	if err := s.book(ctx, q, req); err != nil {
		return notApplied(err)
	}
	return nil
}
