// Package accounts keeps account balances in MongoDB through the v1 // want package:`writes mongo:accounts\.balance, mongo:accounts\.owner, mongo:accounts\.theme, mongo:accounts\.touched, mongo:archive\.balance; updates atomically mongo:accounts\.balance, mongo:accounts\.version`
// driver: racy and safe twins of a deposit.
package accounts

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
)

// Account is a document of the accounts collection.
type Account struct {
	ID      primitive.ObjectID `bson:"_id"`
	Owner   string             `bson:"owner"`
	Balance int64              `bson:"balance"`
	Theme   string             `bson:"theme"`
	Version int64              `bson:"version"`
}

// ErrConflict says that the account changed since it was read.
var ErrConflict = errors.New("account changed")

// depositSet reads the balance and $sets the sum: a concurrent deposit
// between the two is lost.
func depositSet(ctx context.Context, db *mongo.Database, id primitive.ObjectID, amt int64) error {
	coll := db.Collection("accounts")
	var a Account
	if err := coll.FindOne(ctx, bson.M{"_id": id}).Decode(&a); err != nil {
		return err
	}
	_, err := coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"balance": a.Balance + amt}}) // want `^lost update: a\.Balance is read at accounts\.go:31 and written back here outside a transaction; a concurrent request can change it in between\. Use an atomic update \(bson\.M\{"\$inc": bson\.M\{"balance": amt\}\}\) or check the value read in the filter \(bson\.M\{"_id": id, "balance": a\.Balance\}\) and that MatchedCount is 1, or read and write it inside session\.WithTransaction`
	return err
}

// depositSetD is depositSet with bson.D documents.
func depositSetD(ctx context.Context, db *mongo.Database, id primitive.ObjectID, amt int64) error {
	coll := db.Collection("accounts")
	var a Account
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&a); err != nil {
		return err
	}
	_, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{{Key: "balance", Value: a.Balance + amt}}}}) // want `^lost update: a\.Balance is read at accounts\.go:42 and written back here outside a transaction; .*Use an atomic update \(bson\.M\{"\$inc": bson\.M\{"balance": amt\}\}\) or check the value read in the filter \(bson\.M\{"_id": id, "balance": a\.Balance\}\) and that MatchedCount is 1, or read and write it inside session\.WithTransaction`
	return err
}

// depositInc lets the server add: safe.
func depositInc(ctx context.Context, db *mongo.Database, id primitive.ObjectID, amt int64) error {
	_, err := db.Collection("accounts").UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"balance": amt}})
	return err
}

// depositChecked writes only where the balance is still the one read,
// and says so when no document matched: safe.
func depositChecked(ctx context.Context, db *mongo.Database, id primitive.ObjectID, amt int64) error {
	coll := db.Collection("accounts")
	var a Account
	if err := coll.FindOne(ctx, bson.M{"_id": id}).Decode(&a); err != nil {
		return err
	}
	res, err := coll.UpdateOne(ctx, bson.M{"_id": id, "balance": a.Balance}, bson.M{"$set": bson.M{"balance": a.Balance + amt}})
	if err != nil {
		return err
	}
	if res.ModifiedCount == 0 {
		return ErrConflict
	}
	return nil
}

// depositVersioned checks and bumps a version field: safe.
func depositVersioned(ctx context.Context, db *mongo.Database, id primitive.ObjectID, amt int64) error {
	coll := db.Collection("accounts")
	var a Account
	if err := coll.FindOne(ctx, bson.M{"_id": id}).Decode(&a); err != nil {
		return err
	}
	res, err := coll.UpdateOne(ctx,
		bson.M{"_id": id, "version": a.Version},
		bson.M{"$set": bson.M{"balance": a.Balance + amt}, "$inc": bson.M{"version": 1}})
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return ErrConflict
	}
	return nil
}

// depositInTx reads and writes in one transaction, whose write fails
// with a write conflict (and is retried) when the document changed since
// the transaction began: safe.
func depositInTx(ctx context.Context, client *mongo.Client, id primitive.ObjectID, amt int64) error {
	coll := client.Database("bank").Collection("accounts")
	sess, err := client.StartSession()
	if err != nil {
		return err
	}
	defer sess.EndSession(ctx)
	_, err = sess.WithTransaction(ctx, func(sc mongo.SessionContext) (any, error) {
		var a Account
		if err := coll.FindOne(sc, bson.M{"_id": id}).Decode(&a); err != nil {
			return nil, err
		}
		return coll.UpdateOne(sc, bson.M{"_id": id}, bson.M{"$set": bson.M{"balance": a.Balance + amt}})
	})
	return err
}

// depositReadOutsideTx reads with the outer context, outside the
// transaction that writes: the write conflict cannot see that change.
func depositReadOutsideTx(ctx context.Context, client *mongo.Client, id primitive.ObjectID, amt int64) error {
	coll := client.Database("bank").Collection("accounts")
	sess, err := client.StartSession()
	if err != nil {
		return err
	}
	defer sess.EndSession(ctx)
	_, err = sess.WithTransaction(ctx, func(sc mongo.SessionContext) (any, error) {
		var a Account
		if err := coll.FindOne(ctx, bson.M{"_id": id}).Decode(&a); err != nil {
			return nil, err
		}
		return coll.UpdateOne(sc, bson.M{"_id": id}, bson.M{"$set": bson.M{"balance": a.Balance + amt}}) // want `^lost update: a\.Balance is read at accounts\.go:123 and written back here outside a transaction; .*Use an atomic update \(bson\.M\{"\$inc": bson\.M\{"balance": amt\}\}\) or check the value read in the filter \(bson\.M\{"_id": id, "balance": a\.Balance\}\) and that MatchedCount is 1, or read and write it inside session\.WithTransaction`
	})
	return err
}

// depositReplace changes the balance and writes the document back whole.
func depositReplace(ctx context.Context, db *mongo.Database, id primitive.ObjectID, amt int64) error {
	coll := db.Collection("accounts")
	var a Account
	if err := coll.FindOne(ctx, bson.M{"_id": id}).Decode(&a); err != nil {
		return err
	}
	a.Balance += amt
	_, err := coll.ReplaceOne(ctx, bson.M{"_id": id}, &a) // want `^lost update: a\.Balance is read at accounts\.go:135 and written back here outside a transaction; .*Use an atomic update \(bson\.M\{"\$inc": bson\.M\{"balance": delta\}\}\)`
	return err
}

// setTheme changes the theme and writes the document back whole: the
// balance goes back as read, undoing a concurrent $inc (depositInc).
func setTheme(ctx context.Context, db *mongo.Database, id primitive.ObjectID, theme string) error {
	coll := db.Collection("accounts")
	var a Account
	if err := coll.FindOne(ctx, bson.M{"_id": id}).Decode(&a); err != nil {
		return err
	}
	a.Theme = theme
	_, err := coll.ReplaceOne(ctx, bson.M{"_id": id}, &a) // want `^stale row: a is read at accounts\.go:148 and written back whole here with a new a\.Theme; balance, version and owner go back as read, so a change another request made to them in between is undone \(accounts\.depositInc updates balance atomically at accounts\.go:51\)\. Write only the columns that changed \(UpdateOne with bson\.M\{"\$set": bson\.M\{"theme": …\}\} instead of the whole document\), or read and write it inside session\.WithTransaction`
	return err
}

// copyToArchive writes the balance read from accounts into another
// collection: nothing of accounts is lost.
func copyToArchive(ctx context.Context, db *mongo.Database, id primitive.ObjectID, fee int64) error {
	var a Account
	if err := db.Collection("accounts").FindOne(ctx, bson.M{"_id": id}).Decode(&a); err != nil {
		return err
	}
	_, err := db.Collection("archive").UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"balance": a.Balance - fee}})
	return err
}

// renameAll reads accounts with Find and writes each back with its
// owner changed from what was read.
func renameAll(ctx context.Context, db *mongo.Database, suffix string) error {
	coll := db.Collection("accounts")
	cur, err := coll.Find(ctx, bson.M{"theme": "dark"})
	if err != nil {
		return err
	}
	var as []Account
	if err := cur.All(ctx, &as); err != nil {
		return err
	}
	for _, a := range as {
		if _, err := coll.UpdateByID(ctx, a.ID, bson.M{"$set": bson.M{"owner": a.Owner + suffix}}); err != nil { // want `^lost update: a\.Owner is read at accounts\.go:176 and written back here outside a transaction; .*Use a version check \(bson\.M\{"_id": id, "version": v\} in the filter, bson\.M\{"\$set": bson\.M\{"owner": …\}, "\$inc": bson\.M\{"version": 1\}\}, retried while ModifiedCount is 0\) or check the value read in the filter \(bson\.M\{"_id": id, "owner": a\.Owner\}\)`
			return err
		}
	}
	return nil
}

// rekey writes back the identity it read: not a lost update.
func rekey(ctx context.Context, db *mongo.Database, owner string) error {
	coll := db.Collection("accounts")
	var a Account
	if err := coll.FindOne(ctx, bson.M{"owner": owner}).Decode(&a); err != nil {
		return err
	}
	_, err := coll.UpdateOne(ctx, bson.M{"_id": a.ID}, bson.M{"$set": bson.M{"theme": "light", "owner": owner}})
	return err
}

// raiseAll reads the owner's accounts one by one with cur.Decode and
// writes each balance plus a bonus back with UpdateMany: a lost update.
func raiseAll(ctx context.Context, db *mongo.Database, owner string, bonus int64) error {
	coll := db.Collection("accounts")
	cur, err := coll.Find(ctx, bson.M{"owner": owner})
	if err != nil {
		return err
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var a Account
		if err := cur.Decode(&a); err != nil {
			return err
		}
		if _, err := coll.UpdateMany(ctx, bson.M{"_id": a.ID}, bson.M{"$set": bson.M{"balance": a.Balance + bonus}}); err != nil { // want `^lost update: a\.Balance is read at accounts\.go:209 and written back here outside a transaction; .*Use an atomic update \(bson\.M\{"\$inc": bson\.M\{"balance": bonus\}\}\)`
			return err
		}
	}
	return cur.Err()
}

// touchThenDebit reads the document FindOneAndUpdate returns, and writes
// a balance computed from it with another update: a lost update.
func touchThenDebit(ctx context.Context, db *mongo.Database, id primitive.ObjectID, amt int64) error {
	coll := db.Collection("accounts")
	var a Account
	if err := coll.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$currentDate": bson.M{"touched": true}}).Decode(&a); err != nil {
		return err
	}
	_, err := coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"balance": a.Balance - amt}}) // want `^lost update: a\.Balance is read at accounts\.go:224 and written back here outside a transaction; .*Use an atomic update \(bson\.M\{"\$inc": bson\.M\{"balance": -amt\}\} with "balance": bson\.M\{"\$gte": amt\} in the filter and a check of ModifiedCount\)`
	return err
}
