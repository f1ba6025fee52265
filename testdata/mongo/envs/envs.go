// Package envs keeps an app's environment variables as a map in its // want package:`writes mongo:apps\.env`
// document: a helper that deletes entries from the map its caller read
// and writes the map back loses a variable another request set in
// between.
package envs

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// App is a document of the apps collection.
type App struct {
	Name string            `bson:"_id"`
	Env  map[string]string `bson:"env"`
}

// get reads an app.
func get(ctx context.Context, coll *mongo.Collection, name string) (*App, error) {
	var a App
	err := coll.FindOne(ctx, bson.M{"_id": name}).Decode(&a)
	return &a, err
}

// unset deletes variables from the app's map and writes the map.
func unset(ctx context.Context, coll *mongo.Collection, a *App, names []string) error {
	for _, n := range names {
		delete(a.Env, n)
	}
	_, err := coll.UpdateOne(ctx, bson.M{"_id": a.Name}, bson.M{"$set": bson.M{"env": a.Env}})
	return err
}

// Unset reads the app and deletes variables through unset.
func Unset(ctx context.Context, db *mongo.Database, name string, names []string) error { // want Unset:`changes the database`
	coll := db.Collection("apps")
	a, err := get(ctx, coll, name)
	if err != nil {
		return err
	}
	return unset(ctx, coll, a, names) // want `^lost update: a\.Env is read at envs\.go:\d+ \(by envs\.get, at envs\.go:\d+\) and written back here by envs\.unset outside a transaction`
}

// UnsetHere deletes the variables itself.
func UnsetHere(ctx context.Context, db *mongo.Database, name string, names []string) error { // want UnsetHere:`changes the database`
	coll := db.Collection("apps")
	a, err := get(ctx, coll, name)
	if err != nil {
		return err
	}
	for _, n := range names {
		delete(a.Env, n)
	}
	_, err = coll.UpdateOne(ctx, bson.M{"_id": name}, bson.M{"$set": bson.M{"env": a.Env}}) // want `^lost update: a\.Env is read at envs\.go:\d+ \(by envs\.get, at envs\.go:\d+\) and written back here outside a transaction`
	return err
}

// UnsetAtomically lets the server delete them: safe.
func UnsetAtomically(ctx context.Context, db *mongo.Database, name string, names []string) error { // want UnsetAtomically:`changes the database`
	unsetDoc := bson.M{}
	for _, n := range names {
		unsetDoc["env."+n] = ""
	}
	_, err := db.Collection("apps").UpdateOne(ctx, bson.M{"_id": name}, bson.M{"$unset": unsetDoc})
	return err
}
