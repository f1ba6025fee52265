// Package perm keeps roles. FindRole returns the role by value, after a // want package:`writes mongofield:example\.com/mongocases/roles/perm\.Store\.Roles\.contexttype, mongofield:example\.com/mongocases/roles/perm\.Store\.Roles\.description, mongofield:example\.com/mongocases/roles/perm\.Store\.Roles\.members, mongofield:example\.com/mongocases/roles/perm\.Store\.Roles\.schemes`
// method drops the scheme names no longer registered: that filters one
// field and changes no other.
package perm

import (
	"context"
	"sort"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// Role is a document of the roles collection.
type Role struct {
	Name        string   `bson:"_id"`
	ContextType string   `bson:"contexttype"`
	Description string   `bson:"description"`
	SchemeNames []string `bson:"schemes"`
	Members     int      `bson:"members"`
}

// Registered are the permission schemes that exist.
type Registered map[string]bool

// Store reads and writes roles.
type Store struct {
	Roles   *mongo.Collection
	Schemes Registered
}

// filterValidSchemes drops the scheme names that are not registered.
func (r *Role) filterValidSchemes(reg Registered) {
	sort.Strings(r.SchemeNames)
	for i := 0; i < len(r.SchemeNames); i++ {
		if !reg[r.SchemeNames[i]] {
			r.SchemeNames = append(r.SchemeNames[:i], r.SchemeNames[i+1:]...)
			i--
		}
	}
}

// FindRole returns the role called name, its schemes filtered.
func (s *Store) FindRole(ctx context.Context, name string) (Role, error) { // want FindRole:`^loads result 0\.SchemeNames on param 1 \(computed\); loads result 0 on param 1$`
	var r Role
	err := s.Roles.FindOne(ctx, bson.M{"_id": name}).Decode(&r)
	if err != nil {
		return r, err
	}
	r.filterValidSchemes(s.Schemes)
	return r, nil
}

// Update writes the role's context type and description.
func (s *Store) Update(ctx context.Context, r *Role) error { // want Update:`writes param 2\.ContextType to contexttype on param 1; writes param 2\.Description to description on param 1`
	return s.Roles.FindOneAndUpdate(ctx, bson.M{"_id": r.Name}, bson.M{"$set": bson.M{"contexttype": r.ContextType, "description": r.Description}}).Err()
}

// SetSchemes writes the role's scheme names.
func (s *Store) SetSchemes(ctx context.Context, r *Role) error { // want SetSchemes:`writes param 2\.SchemeNames to schemes on param 1`
	_, err := s.Roles.UpdateOne(ctx, bson.M{"_id": r.Name}, bson.M{"$set": bson.M{"schemes": r.SchemeNames}})
	return err
}

// SetMembers writes the role's count of members.
func (s *Store) SetMembers(ctx context.Context, r *Role) error { // want SetMembers:`writes param 2\.Members to members on param 1`
	_, err := s.Roles.UpdateOne(ctx, bson.M{"_id": r.Name}, bson.M{"$set": bson.M{"members": r.Members}})
	return err
}
