// Package schema is the ent schema of the test module: two entities, Post // want package:`analysed`
// (a download counter and a version) and Item (numbered within its group).
package schema
