// Package handlers serves wallet top-ups through the repo package: the // want package:`updates atomically wallet\.balance`
// loads and saves happen in another package, known here only through
// facts.
package handlers

import (
	"encoding/json"
	"net/http"
	"strconv"

	"xorm.io/xorm"

	"example.com/xormcases/repo"
)

// Handlers are the wallet endpoints.
type Handlers struct {
	wallets *repo.Wallets
}

type topUpRequest struct {
	Amount int64 `json:"amount"`
}

// TopUp is POST /wallets/{id}/top-up.
func (h *Handlers) TopUp(w http.ResponseWriter, r *http.Request) { // want TopUp:`changes the database`
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	var req topUpRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	if err := h.topUp(id, req.Amount); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// topUp is the lost update a repository layer hides.
func (h *Handlers) topUp(id, amount int64) error {
	wallet, err := h.wallets.Get(id)
	if err != nil {
		return err
	}
	wallet.Balance += amount
	return h.wallets.SaveBalance(wallet) // want `^lost update: wallet.Balance is read at handlers.go:46 \(by Wallets.Get, at repo.go:27\) and written back here by Wallets.SaveBalance outside a locking transaction`
}

// topUpLocked locks in the transaction the repository runs it in and
// saves on the same session.
func (h *Handlers) topUpLocked(id, amount int64) error {
	return h.wallets.InTx(func(sess *xorm.Session) error {
		wallet, err := repo.GetForUpdate(sess, id)
		if err != nil {
			return err
		}
		wallet.Balance += amount
		return repo.SaveBalanceIn(sess, wallet)
	})
}

// topUpLockedSavedOnEngine locks in the transaction but saves through the
// engine.
func (h *Handlers) topUpLockedSavedOnEngine(id, amount int64) error {
	return h.wallets.InTx(func(sess *xorm.Session) error {
		wallet, err := repo.GetForUpdate(sess, id)
		if err != nil {
			return err
		}
		wallet.Balance += amount
		return h.wallets.SaveBalance(wallet) // want `^lost update: wallet.Balance is locked at handlers.go:71 \(by repo.GetForUpdate, at repo.go:49\) through sess but written back here by Wallets.SaveBalance through h.wallets.Engine`
	})
}

// topUpInSession locks in the transaction the repository begins on a
// session and saves on that session.
func (h *Handlers) topUpInSession(id, amount int64) error {
	return h.wallets.InSession(func(sess *xorm.Session) error {
		wallet, err := repo.GetForUpdate(sess, id)
		if err != nil {
			return err
		}
		wallet.Balance += amount
		return repo.SaveBalanceIn(sess, wallet)
	})
}

// topUpInSessionUnlocked reads without a lock in that transaction.
func (h *Handlers) topUpInSessionUnlocked(id, amount int64) error {
	return h.wallets.InSession(func(sess *xorm.Session) error {
		wallet, err := repo.GetIn(sess, id)
		if err != nil {
			return err
		}
		wallet.Balance += amount
		return repo.SaveBalanceIn(sess, wallet) // want `^lost update: wallet.Balance is read at handlers.go:\d+ \(by repo.GetIn, at repo.go:\d+\) and written back here by repo.SaveBalanceIn outside a locking transaction`
	})
}

// topUpThroughInterface reads and writes through helpers that take an
// engine or a session (xorm.Interface), here the engine.
func (h *Handlers) topUpThroughInterface(id, amount int64) error {
	balance, err := repo.Balance(h.wallets.Engine, id)
	if err != nil {
		return err
	}
	return repo.SetBalance(h.wallets.Engine, id, balance+amount) // want `^lost update: balance is read at handlers.go:\d+ \(by repo.Balance, at repo.go:\d+\) and written back here by repo.SetBalance outside a locking transaction`
}

// topUpThroughInterfaceLocked passes the transaction's session to the
// same helpers, after locking the row.
func (h *Handlers) topUpThroughInterfaceLocked(id, amount int64) error {
	return h.wallets.InTx(func(sess *xorm.Session) error {
		if _, err := repo.GetForUpdate(sess, id); err != nil {
			return err
		}
		balance, err := repo.Balance(sess, id)
		if err != nil {
			return err
		}
		return repo.SetBalance(sess, id, balance+amount)
	})
}

// topUpAtomic uses the atomic repository method.
func (h *Handlers) topUpAtomic(id, amount int64) error {
	return h.wallets.AddBalance(id, amount)
}

// topUpDirect loads and saves a model of the repo package with the
// engine itself: the fix names the model with its package
// (new(repo.Wallet)).
func (h *Handlers) topUpDirect(id, amount int64) error {
	var w repo.Wallet
	if _, err := h.wallets.Engine.ID(id).Get(&w); err != nil {
		return err
	}
	w.Balance += amount
	_, err := h.wallets.Engine.ID(id).Cols("balance").Update(&w) // want `^lost update: w.Balance is read at handlers.go:\d+ and written back here outside a locking transaction.*Incr\("balance", amount\)\.Update\(new\(repo\.Wallet\)\)`
	return err
}
