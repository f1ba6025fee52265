// Package events keeps the teams of a service instance, and a copy of // want package:`writes mongo:bindings\.teams, mongo:service_instances\.teams`
// them in the instance's binding: a value read from one collection and
// written to a document of another is no lost update of the first. The
// collections are named through helpers of another package.
package events

import (
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"example.com/mongocases/events/storage"
)

// Instance is a document of the service_instances collection.
type Instance struct {
	Name  string   `bson:"_id"`
	Teams []string `bson:"teams"`
}

// getInstance reads an instance.
func getInstance(ctx context.Context, db *mongo.Database, name string) (Instance, error) {
	var inst Instance
	coll, err := storage.Instances(db)
	if err != nil {
		return inst, err
	}
	err = coll.FindOne(ctx, bson.M{"_id": name}).Decode(&inst)
	return inst, err
}

// Bind gives the instance's binding of the same name the instance's
// teams and the admins: the list goes to the bindings collection, not
// back to the instance.
func Bind(ctx context.Context, db *mongo.Database, name string) error { // want Bind:`changes the database`
	inst, err := getInstance(ctx, db, name)
	if err != nil {
		return err
	}
	teams := append(slices.Clone(inst.Teams), "admin")
	coll, err := storage.Bindings(db)
	if err != nil {
		return err
	}
	_, err = coll.UpdateOne(ctx, bson.M{"_id": name}, bson.M{"$set": bson.M{"teams": teams}})
	return err
}

// AddTeam gives the instance one more team and writes the list back to
// the instance: two requests adding teams both read the list, and the
// second write drops the first one's team.
func AddTeam(ctx context.Context, db *mongo.Database, name, team string) error { // want AddTeam:`writes param 3 to teams on param 0`
	inst, err := getInstance(ctx, db, name)
	if err != nil {
		return err
	}
	inst.Teams = append(inst.Teams, team)
	coll, err := storage.Instances(db)
	if err != nil {
		return err
	}
	_, err = coll.UpdateOne(ctx, bson.M{"_id": name}, bson.M{"$set": bson.M{"teams": inst.Teams}}) // want `^lost update: inst\.Teams is read at events\.go:\d+ \(by events\.getInstance, at events\.go:\d+\) and written back here outside a transaction`
	return err
}
