// Package versions numbers the versions of an app, like tsuru's app // want package:`writes mongofield:example\.com/mongocases/versions\.Store\.coll\.count`
// versions: the count read is incremented in Go, put in the new version's
// record, and set back with $set. The finding names the count read, not
// the field of the record it was put in.
package versions

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Versions is the document of an app's versions.
type Versions struct {
	App      string                 `bson:"appname"`
	Count    int                    `bson:"count"`
	Versions map[string]VersionInfo `bson:"versions"`
}

// VersionInfo is one version.
type VersionInfo struct {
	Description string
	Version     int
	CreatedAt   time.Time
}

// Store keeps the versions.
type Store struct {
	coll *mongo.Collection
}

func (s *Store) versionsOf(ctx context.Context, app string) (*Versions, error) {
	var v Versions
	err := s.coll.FindOne(ctx, bson.M{"appname": app}).Decode(&v)
	return &v, err
}

// NewVersion adds a version numbered one past the count.
func (s *Store) NewVersion(ctx context.Context, app, desc string) (*VersionInfo, error) { // want NewVersion:`loads result 0\.Version on param 1 \(computed\); result 0\.Description from param 3`
	vs, err := s.versionsOf(ctx, app)
	if err != nil {
		return nil, err
	}
	current := vs.Count + 1
	info := VersionInfo{Description: desc, Version: current, CreatedAt: time.Now()}
	_, err = s.coll.UpdateOne(ctx, bson.M{"appname": app}, bson.M{ // want `^lost update: vs\.Count is read at versions\.go:\d+ \(by Store\.versionsOf, at versions\.go:\d+\) and written back here outside a transaction`
		"$set": bson.M{
			"count":                                  info.Version,
			fmt.Sprintf("versions.%d", info.Version): info,
		},
	}, options.Update().SetUpsert(true))
	return &info, err
}
