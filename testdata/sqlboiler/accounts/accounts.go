// Package accounts keeps account balances with sqlboiler's generated // want package:`writes accounts\.balance, accounts\.owner, accounts\.status, accounts\.version; updates atomically accounts\.balance`
// models: loads by FindAccount and Accounts(…).One, writes by Update with
// boil.Infer, Whitelist and Blacklist, UpdateAll with models.M, and raw
// SQL through queries.Raw; qm.For("update") inside and outside a
// transaction.
package accounts

import (
	"context"
	"database/sql"
	"errors"

	"github.com/volatiletech/sqlboiler/v4/boil"
	"github.com/volatiletech/sqlboiler/v4/queries"
	"github.com/volatiletech/sqlboiler/v4/queries/qm"

	"example.com/boilcases/models"
)

// Accounts serves accounts from a database pool.
type Accounts struct{ db *sql.DB }

// deposit is the shipped bug: the balance is read, added to in Go and
// written back with every column.
func (s *Accounts) deposit(ctx context.Context, id, amount int64) error {
	a, err := models.FindAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	a.Balance += amount
	_, err = a.Update(ctx, s.db, boil.Infer()) // want `^lost update: a.Balance is read at accounts.go:26 and written back here outside a locking transaction; a concurrent request can change it in between. Use an atomic update \(queries.Raw\("UPDATE accounts SET balance = balance \+ \$1 WHERE id = \$2", amount, id\).ExecContext\(ctx, exec\)\) or load it with qm.For\("update"\) in a transaction \(boil.BeginTx or db.BeginTx\) and write it with that tx as the executor.$`
	return err
}

// depositWhitelist writes the balance alone: still computed from the
// value read.
func (s *Accounts) depositWhitelist(ctx context.Context, id, amount int64) error {
	a, err := models.Accounts(models.AccountWhere.ID.EQ(id)).One(ctx, s.db)
	if err != nil {
		return err
	}
	a.Balance = a.Balance + amount
	_, err = a.Update(ctx, s.db, boil.Whitelist(models.AccountColumns.Balance)) // want `^lost update: a.Balance is read at accounts.go:38 and written back here`
	return err
}

// depositBlacklist writes every column but the status.
func (s *Accounts) depositBlacklist(ctx context.Context, id, amount int64) error {
	a, err := models.FindAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	a.Balance += amount
	_, err = a.Update(ctx, s.db, boil.Blacklist("status")) // want `^lost update: a.Balance is read at accounts.go:49 and written back here`
	return err
}

// depositAtomic lets the database add.
func (s *Accounts) depositAtomic(ctx context.Context, id, amount int64) error {
	_, err := queries.Raw("UPDATE accounts SET balance = balance + $1 WHERE id = $2", amount, id).ExecContext(ctx, s.db)
	return err
}

// depositLocked reads the account with qm.For("update") in the
// transaction that writes it.
func (s *Accounts) depositLocked(ctx context.Context, id, amount int64) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	a, err := models.Accounts(models.AccountWhere.ID.EQ(id), qm.For("update")).One(ctx, tx)
	if err != nil {
		return errors.Join(err, tx.Rollback())
	}
	a.Balance += amount
	if _, err := a.Update(ctx, tx, boil.Infer()); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// depositGlobalTx locks in a transaction boil begins on the global
// database.
func depositGlobalTx(ctx context.Context, id, amount int64) error {
	tx, err := boil.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	a, err := models.Accounts(qm.Where("id = ?", id), qm.For("update")).One(ctx, tx)
	if err != nil {
		return errors.Join(err, tx.Rollback())
	}
	a.Balance += amount
	if _, err := a.Update(ctx, tx, boil.Whitelist(models.AccountColumns.Balance)); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// depositInTxNoLock reads in the transaction without a lock: the
// transaction alone does not stop a concurrent writer.
func (s *Accounts) depositInTxNoLock(ctx context.Context, id, amount int64) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	a, err := models.FindAccount(ctx, tx, id)
	if err != nil {
		return errors.Join(err, tx.Rollback())
	}
	a.Balance += amount
	if _, err := a.Update(ctx, tx, boil.Infer()); err != nil { // want `^lost update: a.Balance is read at accounts.go:107 and written back here outside a locking transaction;.*load it with qm.For\("update"\) in a transaction`
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// depositLockedOutsideTx locks on the pool: the lock ends with the
// query.
func (s *Accounts) depositLockedOutsideTx(ctx context.Context, id, amount int64) error {
	a, err := models.Accounts(qm.Where("id = ?", id), qm.For("update")).One(ctx, s.db)
	if err != nil {
		return err
	}
	a.Balance += amount
	_, err = a.Update(ctx, s.db, boil.Infer()) // want `^lost update: a.Balance is read with FOR UPDATE at accounts.go:121 outside a transaction, so the lock is released when that statement ends and the write here is unprotected. Run the locking read and the write in one transaction \(tx, err := boil.BeginTx\(ctx, nil\) … tx.Commit\(\), with tx as the executor of both\), or use an atomic update \(queries.Raw\(.*\)\).$`
	return err
}

// depositUpdateAll writes the new balance through UpdateAll.
func (s *Accounts) depositUpdateAll(ctx context.Context, id, amount int64) error {
	a, err := models.FindAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	_, err = models.Accounts(models.AccountWhere.ID.EQ(id)).UpdateAll(ctx, s.db, models.M{models.AccountColumns.Balance: a.Balance + amount}) // want `^lost update: a.Balance is read at accounts.go:132 and written back here.*balance = balance \+ \$1 WHERE id = \$2", amount, id\)`
	return err
}

// ErrConflict is returned when the account changed since it was read.
var ErrConflict = errors.New("account changed concurrently")

// depositOptimistic writes only where the version is the one it read,
// and says so when no row changed.
func (s *Accounts) depositOptimistic(ctx context.Context, id, amount int64) error {
	a, err := models.FindAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	n, err := models.Accounts(
		models.AccountWhere.ID.EQ(id),
		models.AccountWhere.Version.EQ(a.Version),
	).UpdateAll(ctx, s.db, models.M{"balance": a.Balance + amount, "version": a.Version + 1})
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrConflict
	}
	return nil
}

// freeze changes the status and writes every column back: the balance
// goes back as it was read, undoing a deposit made in between.
func (s *Accounts) freeze(ctx context.Context, id int64) error {
	a, err := models.FindAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	a.Status = "frozen"
	_, err = a.Update(ctx, s.db, boil.Infer()) // want `^stale row: a is read at accounts.go:166 and written back whole here with a new a.Status; balance, owner and version go back as read, so a change another request made to them in between is undone \(Accounts.depositAtomic updates balance atomically at accounts.go:60\). Write only the columns that changed \(Update\(ctx, exec, boil.Whitelist\("status"\)\)\), or load it with qm.For\("update"\)`
	return err
}

// freezeWhitelist writes the status alone.
func (s *Accounts) freezeWhitelist(ctx context.Context, id int64) error {
	a, err := models.FindAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	a.Status = "frozen"
	_, err = a.Update(ctx, s.db, boil.Whitelist(models.AccountColumns.Status))
	return err
}

// rename writes the owner the caller gave, not a value derived from the
// load.
func (s *Accounts) rename(ctx context.Context, id int64, owner string) error {
	a, err := models.FindAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	a.Owner = owner
	_, err = a.Update(ctx, s.db, boil.Whitelist("owner"))
	return err
}

// ErrInsufficient is returned when a withdrawal would overdraw.
var ErrInsufficient = errors.New("insufficient funds")

// withdraw checks the balance it read before it subtracts: the atomic
// update must repeat the check.
func (s *Accounts) withdraw(ctx context.Context, id, amount int64) error {
	a, err := models.FindAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	if a.Balance < amount {
		return ErrInsufficient
	}
	a.Balance -= amount
	_, err = a.Update(ctx, s.db, boil.Whitelist(models.AccountColumns.Balance)) // want `^lost update: a.Balance is read at accounts.go:204 and written back here.*balance = balance - \$1 WHERE id = \$2 AND balance >= \$1.*and a RowsAffected check`
	return err
}

// transferOwner checks the version the caller saw and writes without
// repeating the check.
func (s *Accounts) transferOwner(ctx context.Context, id int64, version int, owner string) error {
	a, err := models.FindAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	if a.Version != version {
		return ErrConflict
	}
	a.Owner = owner
	_, err = a.Update(ctx, s.db, boil.Whitelist(models.AccountColumns.Owner)) // want `^check then write: a.Version is read at accounts.go:219 and checked at accounts.go:223, but the write here does not check it again, so two requests can both pass the check before either writes. Repeat the check in the write \(qm.Where\("version = \?", …\) in the mods of models.Accounts\(…\).UpdateAll, then check the count it returns\)`
	return err
}

// transferOwnerChecked repeats the check in the write and counts the rows
// it changed.
func (s *Accounts) transferOwnerChecked(ctx context.Context, id int64, version int, owner string) error {
	n, err := models.Accounts(
		models.AccountWhere.ID.EQ(id),
		models.AccountWhere.Version.EQ(version),
	).UpdateAll(ctx, s.db, models.M{models.AccountColumns.Owner: owner, models.AccountColumns.Version: version + 1})
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrConflict
	}
	return nil
}

// transferOwnerEither writes where the version matches or the owner is
// the old one: an OR makes the check hold of no row for sure.
func (s *Accounts) transferOwnerEither(ctx context.Context, id int64, owner string) error {
	a, err := models.FindAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	n, err := models.Accounts( // want `^lost update: a.Version is read at accounts.go:250 and written back here outside a locking transaction`
		models.AccountWhere.ID.EQ(id),
		qm.Where("version = ?", a.Version),
		qm.Or("owner = ?", a.Owner),
	).UpdateAll(ctx, s.db, models.M{"owner": owner, "version": a.Version + 1})
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrConflict
	}
	return nil
}

// depositUpsert writes the account back with Upsert, whose conflict
// action puts every column over the row.
func (s *Accounts) depositUpsert(ctx context.Context, id, amount int64) error {
	a, err := models.FindAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	a.Balance += amount
	return a.Upsert(ctx, s.db, true, []string{models.AccountColumns.ID}, boil.Infer(), boil.Infer()) // want `^lost update: a.Balance is read at accounts.go:271 and written back here`
}

// copyAccount inserts the account under a new owner, or leaves the row
// that is there: an upsert that does nothing on conflict writes nothing
// back.
func (s *Accounts) copyAccount(ctx context.Context, id int64, owner string) error {
	a, err := models.FindAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	a.Owner = owner
	a.Balance++
	return a.Upsert(ctx, s.db, false, []string{models.AccountColumns.Owner}, boil.Infer(), boil.Infer())
}

// freezeBlacklist writes every column but those it did not change.
func (s *Accounts) freezeBlacklist(ctx context.Context, id int64) error {
	a, err := models.FindAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	a.Status = "frozen"
	_, err = a.Update(ctx, s.db, boil.Blacklist("balance", "version", "owner"))
	return err
}

// depositReloaded reads the account again with Reload before it adds.
func (s *Accounts) depositReloaded(ctx context.Context, a *models.Account, amount int64) error {
	if err := a.Reload(ctx, s.db); err != nil {
		return err
	}
	a.Balance += amount
	_, err := a.Update(ctx, s.db, boil.Whitelist("balance")) // want `^lost update: a.Balance is read at accounts.go:305 and written back here`
	return err
}

// depositGlobal reads and writes on the global database boil.SetDB set.
func depositGlobal(ctx context.Context, id, amount int64) error {
	a, err := models.FindAccount(ctx, boil.GetContextDB(), id)
	if err != nil {
		return err
	}
	a.Balance += amount
	_, err = a.Update(ctx, boil.GetContextDB(), boil.Infer()) // want `^lost update: a.Balance is read at accounts.go:315 and written back here`
	return err
}

// depositGlobalLocked locks on the global database, outside a
// transaction.
func depositGlobalLocked(ctx context.Context, id, amount int64) error {
	a, err := models.Accounts(models.AccountWhere.ID.EQ(id), qm.For("update")).One(ctx, boil.GetContextDB())
	if err != nil {
		return err
	}
	a.Balance += amount
	_, err = a.Update(ctx, boil.GetContextDB(), boil.Infer()) // want `^lost update: a.Balance is read with FOR UPDATE at accounts.go:327 outside a transaction`
	return err
}

// depositOptimisticWhere checks the version with qm.Where in the write.
func (s *Accounts) depositOptimisticWhere(ctx context.Context, id, amount int64) error {
	a, err := models.FindAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	n, err := models.Accounts(qm.Where("id = ? AND version = ?", id, a.Version)).
		UpdateAll(ctx, s.db, models.M{"balance": a.Balance + amount, "version": a.Version + 1})
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrConflict
	}
	return nil
}

// openFrom gives a new account half the balance of the account it is
// opened from: a value of one row written to another is not a lost
// update of either.
func (s *Accounts) openFrom(ctx context.Context, fromID, newID int64) error {
	from, err := models.FindAccount(ctx, s.db, fromID)
	if err != nil {
		return err
	}
	_, err = models.Accounts(models.AccountWhere.ID.EQ(newID)).UpdateAll(ctx, s.db, models.M{"balance": from.Balance / 2})
	return err
}

// depositChecked adds once the account is known to exist: the generated
// method that runs a statement (Exists) changes nothing of the account,
// so what is written is the balance read plus the amount.
func (s *Accounts) depositChecked(ctx context.Context, id, amount int64) error {
	a, err := models.FindAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	ok, err := a.Exists(ctx, s.db)
	if err != nil || !ok {
		return err
	}
	a.Balance += amount
	_, err = a.Update(ctx, s.db, boil.Infer()) // want `^lost update: a.Balance is read at accounts.go:369 and written back here`
	return err
}

// edit writes the fields a request changes, each named in the whitelist
// on the path that changes it.
func (s *Accounts) edit(ctx context.Context, id int64, owner, status *string) error {
	a, err := models.FindAccount(ctx, s.db, id)
	if err != nil {
		return err
	}
	var cols []string
	if owner != nil {
		a.Owner = *owner
		cols = append(cols, models.AccountColumns.Owner)
	}
	if status != nil {
		a.Status = *status
		cols = append(cols, models.AccountColumns.Status)
	}
	_, err = a.Update(ctx, s.db, boil.Whitelist(cols...))
	return err
}
