// Package teams grants teams access to services kept in MongoDB: a // want package:`analysed`
// service read whole, given one more team or one fewer and replaced whole
// loses a concurrent grant or revocation. The service is passed to the
// store by value.
package teams

import (
	"context"
	"errors"
	"slices"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// Service is a document of the services collection.
type Service struct {
	Name  string   `bson:"_id"`
	Teams []string `bson:"teams"`
	Doc   string   `bson:"doc"`
}

// Team is a team.
type Team struct{ Name string }

// GrantAccess gives a team access to the service.
func (s *Service) GrantAccess(t *Team) error { // want GrantAccess:`changes param 0.Teams`
	for _, n := range s.Teams {
		if n == t.Name {
			return errors.New("already granted")
		}
	}
	s.Teams = append(s.Teams, t.Name)
	return nil
}

// RevokeAccess takes a team's access away, keeping the others in order.
func (s *Service) RevokeAccess(t *Team) error { // want RevokeAccess:`changes param 0.Teams`
	i := slices.Index(s.Teams, t.Name)
	if i < 0 {
		return errors.New("not granted")
	}
	copy(s.Teams[i:], s.Teams[i+1:])
	s.Teams = s.Teams[:len(s.Teams)-1]
	return nil
}

// Store keeps services.
type Store struct{ DB *mongo.Database }

// Get loads a service.
func (st *Store) Get(ctx context.Context, name string) (Service, error) { // want Get:`loads result 0`
	var s Service
	err := st.DB.Collection("services").FindOne(ctx, bson.M{"_id": name}).Decode(&s)
	return s, err
}

// Update replaces a service whole.
func (st *Store) Update(ctx context.Context, s Service) error { // want Update:`writes param 2 \(whole\) on param 1`
	_, err := st.DB.Collection("services").ReplaceOne(ctx, bson.M{"_id": s.Name}, s)
	return err
}

// grant gives a team access.
func grant(ctx context.Context, st *Store, name string, t *Team) error {
	s, err := st.Get(ctx, name)
	if err != nil {
		return err
	}
	if err := s.GrantAccess(t); err != nil {
		return err
	}
	return st.Update(ctx, s) // want `^lost update: s\.Teams is read at teams.go:\d+ \(by Store.Get, at teams.go:\d+\) and written back here by Store.Update outside a transaction; .*Use a version check \(bson.M\{"_id": id, "version": v\} in the filter, bson.M\{"\$set": bson.M\{"teams": …\}, "\$inc"`
}

// revoke takes a team's access away: two revocations of two teams both
// read the list, and the second write gives back the team the first took
// away.
func revoke(ctx context.Context, st *Store, name string, t *Team) error {
	s, err := st.Get(ctx, name)
	if err != nil {
		return err
	}
	if err := s.RevokeAccess(t); err != nil {
		return err
	}
	return st.Update(ctx, s) // want `^lost update: s\.Teams is read at teams.go:\d+ \(by Store.Get, at teams.go:\d+\) and written back here by Store.Update outside a transaction`
}

// setDoc replaces the service's documentation with the one given: the
// teams go back as read, a stale row, which is reported by default only
// where a column written back is also written atomically or on its own
// elsewhere (here every writer writes the service whole).
func setDoc(ctx context.Context, st *Store, name, doc string) error {
	s, err := st.Get(ctx, name)
	if err != nil {
		return err
	}
	s.Doc = doc
	return st.Update(ctx, s)
}

// revokeAt takes away the team at index i of the list the caller showed,
// by the usual removal idiom: a lost revocation, as in revoke.
func revokeAt(ctx context.Context, st *Store, name string, i int) error {
	s, err := st.Get(ctx, name)
	if err != nil {
		return err
	}
	if i < 0 || i >= len(s.Teams) {
		return errors.New("no such team")
	}
	s.Teams = append(s.Teams[:i], s.Teams[i+1:]...)
	return st.Update(ctx, s) // want `^lost update: s\.Teams is read at teams.go:\d+ \(by Store.Get, at teams.go:\d+\) and written back here by Store.Update outside a transaction`
}
