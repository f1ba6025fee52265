package apis

// The MongoDB Go driver, v1 (go.mongodb.org/mongo-driver/mongo) and v2
// (go.mongodb.org/mongo-driver/v2/mongo), with the same methods. A
// collection is the table and a document's field the column; the
// operation's handle is its context argument (Ctx), which carries the
// session: inside WithTransaction's callback, the context the callback is
// given runs every operation in the transaction, and any other context
// runs outside it.

const (
	mongoV1Pkg = "go.mongodb.org/mongo-driver/mongo"
	mongoV2Pkg = "go.mongodb.org/mongo-driver/v2/mongo"
)

// mongoPkgs are the driver's module paths (v2 is under v1's path, as a
// major version): what makes a package worth analysing.
var mongoPkgs = []string{"go.mongodb.org/mongo-driver"}

// mongoRows adds the collection's reads and writes, the decoders of their
// results, and WithTransaction, in both versions.
func mongoRows(add func(recv, names string, s Spec)) {
	mongo := func(op Op) Spec { return spec(op, Mongo).in(Document) }
	for _, pkg := range []string{mongoV1Pkg, mongoV2Pkg} {
		coll := "*" + pkg + ".Collection"
		add(coll, "FindOne Find", mongo(Query).ctx(0).filter(1))
		add(coll, "UpdateOne UpdateMany FindOneAndUpdate", mongo(Write).form(UpdateDoc).ctx(0).filter(1).value(2))
		add(coll, "UpdateByID", mongo(Write).form(UpdateDoc).ctx(0).column(1).value(2))
		add(coll, "ReplaceOne FindOneAndReplace", mongo(Write).form(Replace).ctx(0).filter(1).value(2))
		add("*"+pkg+".Database", "Collection", mongo(Collection).column(0))
		add("*"+pkg+".SingleResult", "Decode", mongo(Scan).dest(0))
		add("*"+pkg+".Cursor", "Decode", mongo(Scan).dest(0))
		add("*"+pkg+".Cursor", "All", mongo(Scan).dest(1))
	}
	// WithTransaction runs its callback in a transaction under snapshot
	// isolation, where a write to a document that another transaction
	// (or a plain write) changed since the snapshot fails with a write
	// conflict, and WithTransaction runs the callback again: a document
	// read and written in it is protected, as under SERIALIZABLE.
	add(mongoV1Pkg+".Session", "WithTransaction", mongo(RunInTx).callback(1).txParam(0).conflicts())
	add("*"+mongoV2Pkg+".Session", "WithTransaction", mongo(RunInTx).callback(1).txParam(0).conflicts())
}
