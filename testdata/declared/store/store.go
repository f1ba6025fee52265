// Package store reaches accounts through a remote ledger service, by calls // want package:`analysed`
// lostupdate cannot see into; .lostupdate.yml declares what each does.
package store

import "context"

// Remote calls the ledger service.
type Remote interface {
	Call(ctx context.Context, method string, args ...any) (any, error)
}

// Client is a connection to the ledger; Tx a transaction on it.
type (
	Client struct{ Remote Remote }
	Tx     struct{ Remote Remote }
)

// Handle is a client or a transaction.
type Handle interface {
	Call(ctx context.Context, method string, args ...any) (any, error)
}

// Call calls the ledger.
func (c *Client) Call(ctx context.Context, method string, args ...any) (any, error) { // want Call:`result 0 from param 0\.Remote\.Remote \(made\)`
	return c.Remote.Call(ctx, method, args...)
}

// Call calls the ledger in the transaction.
func (t *Tx) Call(ctx context.Context, method string, args ...any) (any, error) { // want Call:`result 0 from param 0\.Remote \(made\)`
	return t.Remote.Call(ctx, "tx."+method, args...)
}

// Balance reads an account's balance.
func Balance(ctx context.Context, h Handle, account string) (int64, error) { // want Balance:`result 0 from param 0 \(made\)`
	v, err := h.Call(ctx, "balance", account)
	n, _ := v.(int64)
	return n, err
}

// SetBalance writes an account's balance.
func SetBalance(ctx context.Context, h Handle, account string, n int64) error {
	_, err := h.Call(ctx, "set_balance", account, n)
	return err
}

// LockAccount locks an account until the transaction ends.
func LockAccount(ctx context.Context, tx *Tx, account string) error {
	_, err := tx.Call(ctx, "lock", account)
	return err
}

// InTx runs fn in a transaction.
func (c *Client) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx := &Tx{Remote: c.Remote}
	if err := fn(tx); err != nil {
		_, _ = tx.Call(ctx, "rollback")
		return err
	}
	_, err := tx.Call(ctx, "commit")
	return err
}

// Acquire takes the ledger's own lock on an account, which every writer
// of the account takes, until release is called.
func Acquire(ctx context.Context, c *Client, account string) (release func(), err error) {
	if _, err := c.Call(ctx, "acquire", account); err != nil {
		return nil, err
	}
	return func() { _, _ = c.Call(ctx, "release", account) }, nil
}
