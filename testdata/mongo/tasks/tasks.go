// Package tasks keeps workflow tasks and their queue in two collections, // want package:`writes mongo:workflow_queue\.status, mongo:workflow_task\.runs, mongo:workflow_task\.status, mongofield:example\.com/mongocases/tasks\.JobColl\.Collection\.state, mongofield:example\.com/mongocases/tasks\.JobColl\.Collection\.tries, mongofield:example\.com/mongocases/tasks\.LogColl\.Collection\.state`
// each held by a wrapper type that embeds *mongo.Collection, made with
// the name a model's TableName method gives in another package; and jobs
// and their logs, whose collections are named with a prefix the
// deployment sets, which the analysis does not know: what one field
// holds is one collection there, and two fields two. A status read from
// one collection and written to the other is no race on the first.
package tasks

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"example.com/mongocases/tasks/models"
)

// TaskColl is the collection of tasks.
type TaskColl struct{ *mongo.Collection }

// NewTaskColl opens the collection of tasks.
func NewTaskColl(db *mongo.Database) *TaskColl {
	return &TaskColl{Collection: db.Collection(models.Task{}.TableName())}
}

// QueueColl is the collection of the queue.
type QueueColl struct{ *mongo.Collection }

// NewQueueColl opens the collection of the queue.
func NewQueueColl(db *mongo.Database) *QueueColl {
	return &QueueColl{Collection: db.Collection(models.QueueItem{}.TableName())}
}

// Find reads a task.
func (c *TaskColl) Find(ctx context.Context, id string) (*models.Task, error) { // want Find:`loads result 0 on param 1`
	t := new(models.Task)
	err := c.FindOne(ctx, bson.M{"_id": id}).Decode(t)
	return t, err
}

// SetRuns writes a task's count of runs.
func (c *TaskColl) SetRuns(ctx context.Context, id string, runs int) error { // want SetRuns:`writes param 3 to runs on param 1`
	_, err := c.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"runs": runs}})
	return err
}

// SetStatus writes a task's status.
func (c *TaskColl) SetStatus(ctx context.Context, id, status string) error { // want SetStatus:`writes param 3 to status on param 1`
	_, err := c.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"status": status}})
	return err
}

// SetQueued writes a queue item's status.
func (c *QueueColl) SetQueued(ctx context.Context, id, status string) error { // want SetQueued:`writes param 3 to status on param 1`
	_, err := c.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"status": status}})
	return err
}

// Rerun counts a run of the task: read and written through the same
// wrapper, one collection, a lost update.
func Rerun(ctx context.Context, db *mongo.Database, id string) error { // want Rerun:`changes the database`
	tasks := NewTaskColl(db)
	t, err := tasks.Find(ctx, id)
	if err != nil {
		return err
	}
	return tasks.SetRuns(ctx, id, t.Runs+1) // want `^lost update: t\.Runs is read at tasks\.go:\d+ \(by TaskColl\.Find, at tasks\.go:\d+\) and written back here by TaskColl\.SetRuns`
}

// Cancel marks the task cancelled unless it passed: the check and the
// write are of the task's own status, a check then write.
func Cancel(ctx context.Context, db *mongo.Database, id string) error { // want Cancel:`changes the database`
	tasks := NewTaskColl(db)
	t, err := tasks.Find(ctx, id)
	if err != nil {
		return err
	}
	if t.Status == "passed" {
		return nil
	}
	return tasks.SetStatus(ctx, id, "cancelled") // want `^check then write: t\.Status is read at tasks\.go:\d+ \(by TaskColl\.Find, at tasks\.go:\d+\) and checked at tasks\.go:\d+`
}

// Dequeue marks the queue item done unless its task passed: the status
// checked is the task's, the one written the queue item's, in another
// collection; nothing another request does to the task is undone.
func Dequeue(ctx context.Context, db *mongo.Database, id string) error { // want Dequeue:`changes the database`
	t, err := NewTaskColl(db).Find(ctx, id)
	if err != nil {
		return err
	}
	if t.Status == "passed" {
		return nil
	}
	return NewQueueColl(db).SetQueued(ctx, id, "done")
}

// Job is a document of the jobs collection.
type Job struct {
	ID    string `bson:"_id"`
	State string `bson:"state"`
	Tries int    `bson:"tries"`
}

// JobColl is the collection of jobs, named with the deployment's prefix.
type JobColl struct{ *mongo.Collection }

// LogColl is the collection of job logs, named with the same prefix.
type LogColl struct{ *mongo.Collection }

// Stores opens both.
func Stores(db *mongo.Database) (*JobColl, *LogColl) {
	return &JobColl{Collection: db.Collection(models.Prefix + "jobs")}, &LogColl{Collection: db.Collection(models.Prefix + "logs")}
}

// Retry counts a try of the job: read and written through one field's
// collection, a lost update.
func Retry(ctx context.Context, db *mongo.Database, id string) error { // want Retry:`changes the database`
	jobs, _ := Stores(db)
	var j Job
	if err := jobs.FindOne(ctx, bson.M{"_id": id}).Decode(&j); err != nil {
		return err
	}
	_, err := jobs.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"tries": j.Tries + 1}}) // want `^lost update: j\.Tries is read at tasks\.go:\d+ and written back here`
	return err
}

// Archive gives the job's log the state the caller asks for unless the
// job still runs: the state checked is the job's, the one written the
// log's.
func Archive(ctx context.Context, db *mongo.Database, id, state string) error { // want Archive:`writes param 3 to state on param 0`
	jobs, logs := Stores(db)
	var j Job
	if err := jobs.FindOne(ctx, bson.M{"_id": id}).Decode(&j); err != nil {
		return err
	}
	if j.State == "running" {
		return nil
	}
	_, err := logs.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"state": state}})
	return err
}

// Finish gives the job the state the caller asks for unless it was
// cancelled: its own state, checked and written, a check then write.
func Finish(ctx context.Context, db *mongo.Database, id, state string) error { // want Finish:`writes param 3 to state on param 0`
	jobs, _ := Stores(db)
	var j Job
	if err := jobs.FindOne(ctx, bson.M{"_id": id}).Decode(&j); err != nil {
		return err
	}
	if j.State == "cancelled" {
		return nil
	}
	_, err := jobs.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"state": state}}) // want `^check then write: j\.State is read at tasks\.go:\d+ and checked at tasks\.go:\d+`
	return err
}
