// Package bank is the racy original of the bank fixture service, written the way a
// naive service writes it: read the balance, check the floor and add or subtract in
// Go, write the result back, then book the ledger entry, with plain database/sql
// and no transaction. Two requests that read the same balance both write their own
// result and one of the two changes is gone, while both ledger entries stay: the
// balance drifts away from the sum of the ledger, and a withdrawal checked against a
// stale balance can spend money that was already spent. The load harness shows it;
// the lostupdate analyzer must report the writes (the `want` comments mark where).
//
// It even looks request IDs up, but the look-up and the record are statements apart:
// two copies of a retried request that arrive together can both change the balance,
// while the ledger's unique request_id refuses the second entry.
//
// The correct strategies are in github.com/lostupdate/lostupdate/correct_fixtures/bank,
// whose HTTP handler, schema and harness workload this package reuses.
package bank

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/bank"
)

// Strategy returns the racy original as a bank strategy named "racy", so that the
// harness and the server can select it like the correct ones.
func Strategy() bank.Strategy {
	return bank.Strategy{
		Name:     "racy",
		Summary:  "the racy original: SELECT balance, check and add in Go, UPDATE SET balance = $1, ledger insert, no transaction",
		Backends: []backend.Kind{backend.Postgres, backend.MariaDB, backend.SQLite},
		New: func(_ context.Context, env *backend.Env, _ bank.Options) (bank.Store, error) {
			return &Store{db: env.DB, dialect: env.Dialect}, nil
		},
	}
}

// Store is the racy bank store.
type Store struct {
	db      *sql.DB
	dialect backend.Kind
}

// Apply looks the request ID up, reads the balance, checks and changes it in Go and
// writes it back, then books the ledger entry and records the request.
func (s *Store) Apply(ctx context.Context, req bank.Request) (bank.Receipt, error) {
	rc := bank.Receipt{Account: req.Account, RequestID: req.RequestID, Op: req.Op, Amount: req.Amount}
	if prev, outcome, found, err := s.decided(ctx, req.RequestID); err != nil {
		return bank.Receipt{}, err
	} else if found {
		if prev.Account != req.Account || prev.Op != req.Op || prev.Amount != req.Amount {
			return bank.Receipt{}, fmt.Errorf("request_id %q: %w", req.RequestID, bank.ErrRequestReused)
		}
		prev.Replayed = true
		if outcome == "refused" {
			return prev, fmt.Errorf("account %q cannot cover a withdrawal of %d: %w", req.Account, req.Amount, bank.ErrInsufficientFunds)
		}
		return prev, nil
	}

	balance, err := s.Balance(ctx, req.Account)
	if err != nil {
		return bank.Receipt{}, err
	}
	if req.Op == bank.Withdraw && balance < req.Amount {
		if err := s.record(ctx, rc, "refused"); err != nil {
			return bank.Receipt{}, err
		}
		return rc, fmt.Errorf("account %q cannot cover a withdrawal of %d: %w", req.Account, req.Amount, bank.ErrInsufficientFunds)
	}
	if req.Op == bank.Withdraw {
		balance -= req.Amount
	} else {
		balance += req.Amount
	}
	switch s.dialect {
	case backend.Postgres:
		_, err = s.db.ExecContext(ctx, `UPDATE accounts SET balance = $1 WHERE id = $2`, balance, req.Account) // want "lost update"
	default:
		_, err = s.db.ExecContext(ctx, `UPDATE accounts SET balance = ? WHERE id = ?`, balance, req.Account) // want "lost update"
	}
	if err != nil {
		return bank.Receipt{}, fmt.Errorf("%s (racy, %s): write balance %d: %w", req, s.dialect, balance, err)
	}
	switch s.dialect {
	case backend.Postgres:
		_, err = s.db.ExecContext(ctx, `INSERT INTO ledger (account_id, request_id, amount) VALUES ($1, $2, $3)`, req.Account, req.RequestID, req.Op.Signed(req.Amount))
	default:
		_, err = s.db.ExecContext(ctx, `INSERT INTO ledger (account_id, request_id, amount) VALUES (?, ?, ?)`, req.Account, req.RequestID, req.Op.Signed(req.Amount))
	}
	if err != nil {
		return bank.Receipt{}, fmt.Errorf("%s (racy, %s): book: %w", req, s.dialect, err)
	}
	rc.Balance = balance
	if err := s.record(ctx, rc, "applied"); err != nil {
		return bank.Receipt{}, err
	}
	return rc, nil
}

// decided looks a request ID up.
func (s *Store) decided(ctx context.Context, requestID string) (bank.Receipt, string, bool, error) {
	rc := bank.Receipt{RequestID: requestID}
	var outcome string
	var err error
	switch s.dialect {
	case backend.Postgres:
		err = s.db.QueryRowContext(ctx, `SELECT account_id, op, amount, outcome, balance FROM bank_requests WHERE request_id = $1`, requestID).
			Scan(&rc.Account, &rc.Op, &rc.Amount, &outcome, &rc.Balance)
	default:
		err = s.db.QueryRowContext(ctx, `SELECT account_id, op, amount, outcome, balance FROM bank_requests WHERE request_id = ?`, requestID).
			Scan(&rc.Account, &rc.Op, &rc.Amount, &outcome, &rc.Balance)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return bank.Receipt{}, "", false, nil
	}
	if err != nil {
		return bank.Receipt{}, "", false, fmt.Errorf("look up request %q (racy, %s): %w", requestID, s.dialect, err)
	}
	return rc, outcome, true, nil
}

// record remembers the answer to a request.
func (s *Store) record(ctx context.Context, rc bank.Receipt, outcome string) error {
	var err error
	switch s.dialect {
	case backend.Postgres:
		_, err = s.db.ExecContext(ctx, `INSERT INTO bank_requests (request_id, account_id, op, amount, outcome, balance) VALUES ($1, $2, $3, $4, $5, $6)`,
			rc.RequestID, rc.Account, rc.Op, rc.Amount, outcome, rc.Balance)
	default:
		_, err = s.db.ExecContext(ctx, `INSERT INTO bank_requests (request_id, account_id, op, amount, outcome, balance) VALUES (?, ?, ?, ?, ?, ?)`,
			rc.RequestID, rc.Account, rc.Op, rc.Amount, outcome, rc.Balance)
	}
	if err != nil {
		return fmt.Errorf("record request %q (racy, %s): %w", rc.RequestID, s.dialect, err)
	}
	return nil
}

// CreateAccount opens an account at 0 unless it exists.
func (s *Store) CreateAccount(ctx context.Context, id string) (bool, error) {
	var res sql.Result
	var err error
	switch s.dialect {
	case backend.Postgres:
		res, err = s.db.ExecContext(ctx, `INSERT INTO accounts (id) VALUES ($1) ON CONFLICT (id) DO NOTHING`, id)
	case backend.MariaDB:
		res, err = s.db.ExecContext(ctx, `INSERT IGNORE INTO accounts (id) VALUES (?)`, id)
	default:
		res, err = s.db.ExecContext(ctx, `INSERT INTO accounts (id) VALUES (?) ON CONFLICT (id) DO NOTHING`, id)
	}
	if err != nil {
		return false, fmt.Errorf("create account %q (racy, %s): %w", id, s.dialect, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Balance reads an account's balance.
func (s *Store) Balance(ctx context.Context, id string) (int64, error) {
	var balance int64
	var err error
	switch s.dialect {
	case backend.Postgres:
		err = s.db.QueryRowContext(ctx, `SELECT balance FROM accounts WHERE id = $1`, id).Scan(&balance)
	default:
		err = s.db.QueryRowContext(ctx, `SELECT balance FROM accounts WHERE id = ?`, id).Scan(&balance)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("account %q: %w", id, bank.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("read balance of account %q (racy, %s): %w", id, s.dialect, err)
	}
	return balance, nil
}

// Statement reads the balance, then the ledger.
func (s *Store) Statement(ctx context.Context, id string) (bank.Statement, error) {
	balance, err := s.Balance(ctx, id)
	if err != nil {
		return bank.Statement{}, err
	}
	st := bank.Statement{Account: id, Balance: balance, Ledger: []bank.Entry{}}
	var rows *sql.Rows
	switch s.dialect {
	case backend.Postgres:
		rows, err = s.db.QueryContext(ctx, `SELECT request_id, amount FROM ledger WHERE account_id = $1 ORDER BY id`, id)
	default:
		rows, err = s.db.QueryContext(ctx, `SELECT request_id, amount FROM ledger WHERE account_id = ? ORDER BY id`, id)
	}
	if err != nil {
		return bank.Statement{}, fmt.Errorf("statement of account %q (racy, %s): %w", id, s.dialect, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e bank.Entry
		if err := rows.Scan(&e.RequestID, &e.Amount); err != nil {
			return bank.Statement{}, fmt.Errorf("statement of account %q (racy, %s): %w", id, s.dialect, err)
		}
		st.Ledger = append(st.Ledger, e)
	}
	return st, rows.Err()
}

// Close does nothing; the database belongs to the caller.
func (s *Store) Close() error { return nil }
