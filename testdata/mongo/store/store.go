// Package store is a repository of users over the MongoDB driver: it // want package:`writes mongo:users\.credits; updates atomically mongo:users\.credits`
// hides the collection behind Get and the writes.
package store

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
)

// User is a document of the users collection.
type User struct {
	ID      primitive.ObjectID `bson:"_id"`
	Name    string             `bson:"name"`
	Credits int64              `bson:"credits"`
}

// Users reads and writes the users collection.
type Users struct{ coll *mongo.Collection }

// New returns the repository over db's users collection.
func New(db *mongo.Database) *Users { return &Users{coll: db.Collection("users")} }

// Get reads a user, through the session ctx carries, if any.
func (s *Users) Get(ctx context.Context, id primitive.ObjectID) (*User, error) { // want Get:`loads result 0 on param 1`
	var u User
	if err := s.coll.FindOne(ctx, bson.M{"_id": id}).Decode(&u); err != nil {
		return nil, err
	}
	return &u, nil
}

// SetCredits writes a user's credits.
func (s *Users) SetCredits(ctx context.Context, id primitive.ObjectID, credits int64) error { // want SetCredits:`writes param 3 to credits on param 1`
	_, err := s.coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"credits": credits}})
	return err
}

// AddCredits adds to a user's credits in the server.
func (s *Users) AddCredits(ctx context.Context, id primitive.ObjectID, delta int64) error { // want AddCredits:`^adds param 3 to credits on param 1$`
	_, err := s.coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"credits": delta}})
	return err
}
