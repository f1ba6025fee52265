// Package service grants credits through the store package. // want package:`writes mongo:users\.credits; updates atomically mongo:users\.credits`
package service

import (
	"context"

	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"

	"example.com/mongocases/store"
)

// Service grants credits.
type Service struct {
	client *mongo.Client
	users  *store.Users
}

// Grant reads the credits through the store and writes the sum back
// through it: a lost update, reported here through the store's facts.
func (s *Service) Grant(ctx context.Context, id primitive.ObjectID, n int64) error { // want Grant:`writes param 3 to credits on param 1`
	u, err := s.users.Get(ctx, id)
	if err != nil {
		return err
	}
	return s.users.SetCredits(ctx, id, u.Credits+n) // want `^lost update: u\.Credits is read at service\.go:22 \(by Users\.Get, at store\.go:29\) and written back here by Users\.SetCredits outside a transaction; .*Use an atomic update \(bson\.M\{"\$inc": bson\.M\{"credits": delta\}\}\)`
}

// GrantAtomically lets the server add: safe.
func (s *Service) GrantAtomically(ctx context.Context, id primitive.ObjectID, n int64) error { // want GrantAtomically:`^adds param 3 to credits on param 1$`
	return s.users.AddCredits(ctx, id, n)
}

// GrantInTx reads and writes through the store on the session context of
// one transaction: safe.
func (s *Service) GrantInTx(ctx context.Context, id primitive.ObjectID, n int64) error { // want GrantInTx:`writes param 3 to credits on own tx`
	sess, err := s.client.StartSession()
	if err != nil {
		return err
	}
	defer sess.EndSession(ctx)
	_, err = sess.WithTransaction(ctx, func(sc mongo.SessionContext) (any, error) {
		u, err := s.users.Get(sc, id)
		if err != nil {
			return nil, err
		}
		return nil, s.users.SetCredits(sc, id, u.Credits+n)
	})
	return err
}
