package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreCommitHook installs the hook of .pre-commit-hooks.yaml the way
// pre-commit does (it builds this repository with go install) and runs it
// on two repositories: one with lost updates, where it must fail and show
// them, and a clean one, where it must pass.
func TestPreCommitHook(t *testing.T) {
	if _, err := exec.LookPath("pre-commit"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pre-commit is not installed: .ci/services installs it (apt-get install pre-commit)")
		}
		t.Skip("pre-commit is not installed (apt-get install pre-commit); the hook is not tested")
	}
	home := t.TempDir() // pre-commit's cache: the hook is built afresh

	racy := gitRepo(t, map[string]string{
		"go.mod":  read(t, filepath.Join(root(), "testdata", "cases", "go.mod")),
		"go.sum":  read(t, filepath.Join(root(), "testdata", "cases", "go.sum")),
		"bank.go": read(t, filepath.Join(root(), "testdata", "cases", "bank", "bank.go")),
	})
	out, code := preCommit(t, racy, home)
	if code != 1 {
		t.Fatalf("the hook on code with lost updates exited %d, want 1\n%s", code, out)
	}
	for _, want := range []string{"lostupdate.", "Failed", "exit code: 3", "bank.go:29:12: lost update: balance is read at bank.go:26"} {
		if !strings.Contains(out, want) {
			t.Errorf("the hook's output lacks %q:\n%s", want, out)
		}
	}

	clean := gitRepo(t, map[string]string{
		"go.mod": "module example.com/clean\n\ngo 1.26\n",
		"clean.go": `package clean

import (
	"context"
	"database/sql"
)

// Deposit adds atomically.
func Deposit(ctx context.Context, db *sql.DB, id, amount int64) error {
	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = balance + $1 WHERE id = $2", amount, id)
	return err
}
`,
	})
	out, code = preCommit(t, clean, home)
	if code != 0 || !strings.Contains(out, "Passed") {
		t.Fatalf("the hook on clean code exited %d, want 0 and Passed\n%s", code, out)
	}
}

// preCommit runs the lostupdate hook of this repository's working tree on
// every file of the git repository dir.
func preCommit(t *testing.T, dir, home string) (string, int) {
	t.Helper()
	cmd := exec.Command("pre-commit", "try-repo", root(), "lostupdate", "--all-files", "--color=never")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PRE_COMMIT_HOME="+home)
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); ok {
		return string(out), exit.ExitCode()
	} else if err != nil {
		t.Fatalf("pre-commit: %v\n%s", err, out)
	}
	return string(out), 0
}

// gitRepo creates a git repository with the given files added.
func gitRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		write(t, dir, name, text)
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
