package testfiles

import (
	"context"
	"database/sql"
	"os"
	"testing"
)

// failJobForTest ages a job by one attempt, the racy way; the test below
// runs it from several goroutines.
func failJobForTest(ctx context.Context, t *testing.T, db *sql.DB, id int64) {
	t.Helper()
	var attempts int
	if err := db.QueryRowContext(ctx, "SELECT attempts FROM jobs WHERE id = $1", id).Scan(&attempts); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "UPDATE jobs SET attempts = $1 WHERE id = $2", attempts+1, id); err != nil { // want `^lost update: attempts is read at racy_test.go:15 and written back here`
		t.Fatal(err)
	}
}

func TestRetryGivesUp(t *testing.T) { // want TestRetryGivesUp:`changes the database`
	dsn := os.Getenv("TEST_DATABASE_URL")
	if dsn == "" {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for range 3 {
		failJobForTest(ctx, t, db, 1)
	}
	if err := retryJobRacy(ctx, db, 1); err != nil {
		t.Fatal(err)
	}
}
