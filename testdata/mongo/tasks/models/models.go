// Package models holds the documents of the task queue; each names its // want package:`analysed`
// collection with a method, as a repository layer over MongoDB often
// does, or with a prefix the deployment chooses.
package models

// Task is a run of a workflow.
type Task struct { // want Task:`table workflow_task`
	ID     string `bson:"_id"`
	Status string `bson:"status"`
	Runs   int    `bson:"runs"`
}

// TableName names the collection of tasks.
func (Task) TableName() string { return "workflow_task" }

// QueueItem is a task waiting in the queue.
type QueueItem struct { // want QueueItem:`table workflow_queue`
	ID     string `bson:"_id"`
	Status string `bson:"status"`
}

// TableName names the collection of the queue.
func (QueueItem) TableName() string { return "workflow_queue" }

// Prefix begins the name of every collection of jobs and logs.
var Prefix = "ci_"
