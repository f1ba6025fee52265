// Package wallets keeps wallet balances in MongoDB through the v2 driver. // want package:`writes mongo:wallets\.points; updates atomically mongo:wallets\.points`
package wallets

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Wallet is a document of the wallets collection; Points has no bson
// tag, so the driver names it points.
type Wallet struct {
	ID     bson.ObjectID `bson:"_id"`
	Points int64
}

// Wallets serves the wallets collection.
type Wallets struct {
	client *mongo.Client
	coll   *mongo.Collection
}

// New returns the wallets of db.
func New(client *mongo.Client) *Wallets { // want New:`result 0\.client from param 0`
	return &Wallets{client: client, coll: client.Database("shop").Collection("wallets")}
}

// earn reads the points and $sets the sum.
func (w *Wallets) earn(ctx context.Context, id bson.ObjectID, n int64) error {
	var wal Wallet
	if err := w.coll.FindOne(ctx, bson.M{"_id": id}).Decode(&wal); err != nil {
		return err
	}
	_, err := w.coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"points": wal.Points + n}}) // want `^lost update: wal\.Points is read at wallets\.go:32 and written back here outside a transaction; .*Use an atomic update \(bson\.M\{"\$inc": bson\.M\{"points": n\}\}\)`
	return err
}

// earnAtomically lets the server add: safe.
func (w *Wallets) earnAtomically(ctx context.Context, id bson.ObjectID, n int64) error {
	_, err := w.coll.UpdateByID(ctx, id, bson.M{"$inc": bson.M{"points": n}})
	return err
}

// spendInTx reads and writes in one transaction: safe.
func (w *Wallets) spendInTx(ctx context.Context, id bson.ObjectID, n int64) error {
	sess, err := w.client.StartSession()
	if err != nil {
		return err
	}
	defer sess.EndSession(ctx)
	_, err = sess.WithTransaction(ctx, func(ctx context.Context) (any, error) {
		var wal Wallet
		if err := w.coll.FindOne(ctx, bson.M{"_id": id}).Decode(&wal); err != nil {
			return nil, err
		}
		return w.coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"points": wal.Points - n}})
	})
	return err
}

// spendAfterCheck checks the points read and subtracts in the server,
// without the check in the filter: the atomic update alone is not enough.
func (w *Wallets) spendAfterCheck(ctx context.Context, id bson.ObjectID, n int64) error {
	var wal Wallet
	if err := w.coll.FindOne(ctx, bson.M{"_id": id}).Decode(&wal); err != nil {
		return err
	}
	if wal.Points < n {
		return nil
	}
	_, err := w.coll.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"points": wal.Points - n}}).Raw() // want `^lost update: wal\.Points is read at wallets\.go:66 and written back here outside a transaction; .*Use an atomic update that repeats the check at wallets\.go:69 in its filter \(bson\.M\{"_id": id, "points": bson\.M\{"\$gte": n\}\} as the filter and bson\.M\{"\$inc": bson\.M\{"points": -n\}\}, then check ModifiedCount\)`
	return err
}
