// Package storage names the collections of a service: helpers that return // want package:`analysed`
// them, as many services keep next to their database connection.
package storage

import "go.mongodb.org/mongo-driver/mongo"

// Collection returns the collection of db named name.
func Collection(db *mongo.Database, name string) (*mongo.Collection, error) { // want Collection:`returns as result 0 the collection named by param 1`
	return db.Collection(name), nil
}

// Instances returns the collection of service instances.
func Instances(db *mongo.Database) (*mongo.Collection, error) { // want Instances:`returns as result 0 collection service_instances`
	return Collection(db, "service_instances")
}

// Bindings returns the collection of the instances' bindings to apps.
func Bindings(db *mongo.Database) (*mongo.Collection, error) { // want Bindings:`returns as result 0 collection bindings`
	return Collection(db, "bindings")
}
