// Package ent is the code ent v0.14.5 generated for the schema in
// ./schema (Post and Item) with the sql/lock feature (ForUpdate, ForShare on queries), committed
// as generated so that the tests need no generator. Regenerate it in a
// scratch module that requires entgo.io/ent and copy it back:
//
//	go run -mod=mod entgo.io/ent/cmd/ent generate --feature sql/lock ./schema
package ent
