// Package limits pushes the analysis to the sizes real code reaches: a // want package:"writes accounts\\.balance"
// load and a write twelve closures deep, and a value summed from twenty-one
// parameters and a loaded balance. Both are still lost updates.
package limits

import (
	"context"
	"database/sql"
)

type Ledger struct {
	db *sql.DB
}

// depositNested loads and writes in the innermost of twelve closures,
// each called where it is made.
func (l *Ledger) depositNested(ctx context.Context, id, amount int64) error {
	return func() error {
		return func() error {
			return func() error {
				return func() error {
					return func() error {
						return func() error {
							return func() error {
								return func() error {
									return func() error {
										return func() error {
											return func() error {
												return func() error {
													var balance int64
													if err := l.db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
														return err
													}
													_, err := l.db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id) // want `^lost update: balance is read at limits.go:31 and written back here`
													return err
												}()
											}()
										}()
									}()
								}()
							}()
						}()
					}()
				}()
			}()
		}()
	}()
}

// depositNestedOuterLoad loads in the function and writes twelve
// closures down.
func (l *Ledger) depositNestedOuterLoad(ctx context.Context, id, amount int64) error {
	var balance int64
	if err := l.db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&balance); err != nil {
		return err
	}
	return func() error {
		return func() error {
			return func() error {
				return func() error {
					return func() error {
						return func() error {
							return func() error {
								return func() error {
									return func() error {
										return func() error {
											return func() error {
												return func() error {
													_, err := l.db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id) // want `^lost update: balance is read at limits.go:54 and written back here`
													return err
												}()
											}()
										}()
									}()
								}()
							}()
						}()
					}()
				}()
			}()
		}()
	}()
}

// depositNestedLocked is the safe twin: twelve closures down, the row is
// locked in the transaction that writes it.
func (l *Ledger) depositNestedLocked(ctx context.Context, id, amount int64) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := func() error {
		return func() error {
			return func() error {
				return func() error {
					return func() error {
						return func() error {
							return func() error {
								return func() error {
									return func() error {
										return func() error {
											return func() error {
												return func() error {
													var balance int64
													if err := tx.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", id).Scan(&balance); err != nil {
														return err
													}
													_, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", balance+amount, id)
													return err
												}()
											}()
										}()
									}()
								}()
							}()
						}()
					}()
				}()
			}()
		}()
	}(); err != nil {
		return err
	}
	return tx.Commit()
}

// settle adds a day of twenty-one fee components to the loaded balance.
func (l *Ledger) settle(ctx context.Context, id int64, p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p20 int64) error {
	var bal int64
	if err := l.db.QueryRowContext(ctx, "SELECT balance FROM accounts WHERE id = $1", id).Scan(&bal); err != nil {
		return err
	}
	total := p0 + p1 + p2 + p3 + p4 + p5 + p6 + p7 + p8 + p9 + p10 + p11 + p12 + p13 + p14 + p15 + p16 + p17 + p18 + p19 + p20 + bal
	_, err := l.db.ExecContext(ctx, "UPDATE accounts SET balance = $1 WHERE id = $2", total, id) // want `^lost update: bal is read at limits.go:131 and written back here`
	return err
}
