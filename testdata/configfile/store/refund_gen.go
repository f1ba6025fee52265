package store // want package:`writes wallets\.balance`

import "context"

// refund is in a file the configuration excludes (**/*_gen.go).
func (s *Store) refund(ctx context.Context, id, amount int64) error {
	var balance int64
	if err := s.db.QueryRowContext(ctx, "SELECT balance FROM wallets WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, "UPDATE wallets SET balance = $1 WHERE id = $2", balance+amount, id)
	return err
}
