package main_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// hookRepo is a snapshot of this repository's working tree committed to a
// repository of its own, which pre-commit installs the hooks from: once
// for all the tests, where pre-commit try-repo would build them for every
// run.
var hookRepo struct {
	once     sync.Once
	dir, rev string
	err      error
	home     string
}

// hooks returns the snapshot's directory and commit, and pre-commit's
// cache, beside the test binary.
func hooks(t *testing.T) (repo, rev, home string) {
	t.Helper()
	if _, err := exec.LookPath("pre-commit"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pre-commit is not installed: .ci/services installs it (apt-get install pre-commit)")
		}
		t.Skip("pre-commit is not installed (apt-get install pre-commit); the hooks are not tested")
	}
	hookRepo.once.Do(func() {
		base := filepath.Dir(binary)
		hookRepo.dir, hookRepo.home = filepath.Join(base, "hook-repo"), filepath.Join(base, "pre-commit")
		files, err := exec.Command("git", "-C", root(), "ls-files", "-co", "--exclude-standard", "-z").Output()
		if err != nil {
			hookRepo.err = fmt.Errorf("git ls-files: %v", err)
			return
		}
		for _, f := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
			data, err := os.ReadFile(filepath.Join(root(), f))
			if err != nil {
				continue // deleted in the working tree
			}
			if err := os.MkdirAll(filepath.Dir(filepath.Join(hookRepo.dir, f)), 0o755); err != nil {
				hookRepo.err = err
				return
			}
			if err := os.WriteFile(filepath.Join(hookRepo.dir, f), data, 0o644); err != nil {
				hookRepo.err = err
				return
			}
		}
		for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "snapshot"}} {
			if out, err := exec.Command("git", append([]string{"-C", hookRepo.dir}, args...)...).CombinedOutput(); err != nil {
				hookRepo.err = fmt.Errorf("git %v: %v\n%s", args, err, out)
				return
			}
		}
		rev, err := exec.Command("git", "-C", hookRepo.dir, "rev-parse", "HEAD").Output()
		hookRepo.rev, hookRepo.err = strings.TrimSpace(string(rev)), err
	})
	if hookRepo.err != nil {
		t.Fatal(hookRepo.err)
	}
	return hookRepo.dir, hookRepo.rev, hookRepo.home
}

// preCommit runs a hook of this repository's working tree on every file of
// the git repository dir, and returns its output and exit status.
func preCommit(t *testing.T, dir, hook string) (string, int) {
	t.Helper()
	repo, rev, home := hooks(t)
	config := filepath.Join(t.TempDir(), "pre-commit-config.yaml")
	write(t, filepath.Dir(config), filepath.Base(config), fmt.Sprintf("repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: %s\n", repo, rev, hook))
	cmd := exec.Command("pre-commit", "run", "-c", config, "--all-files", "--color=never", hook)
	cmd.Dir = dir
	// pre-commit builds the hook with a GOPATH of its own; the module
	// cache of this machine spares it fetching every module again.
	cmd.Env = append(os.Environ(), "PRE_COMMIT_HOME="+home, "GOMODCACHE="+goEnv(t, "GOMODCACHE"))
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); ok {
		return string(out), exit.ExitCode()
	} else if err != nil {
		t.Fatalf("pre-commit: %v\n%s", err, out)
	}
	return string(out), 0
}

// monorepo is a repository with a clean module at its root and a module
// with lost updates in a subfolder.
func monorepo(t *testing.T) string {
	return gitRepo(t, map[string]string{
		"go.mod":           "module example.com/tools\n\ngo 1.26\n",
		"clean/clean.go":   "package clean\n\n// Two is 2.\nconst Two = 2\n",
		"svc/go.mod":       read(t, filepath.Join(root(), "testdata", "cases", "go.mod")),
		"svc/go.sum":       read(t, filepath.Join(root(), "testdata", "cases", "go.sum")),
		"svc/bank/bank.go": read(t, filepath.Join(root(), "testdata", "cases", "bank", "bank.go")),
	})
}

// TestPreCommitHooks installs the hooks of .pre-commit-hooks.yaml the way
// pre-commit does (it builds this repository with go install) and runs
// them on a repository with a module at its root and one in a subfolder:
// each hook analyses the modules that hold changed files and fails on the
// lost updates of the one in svc/; on the root module alone it passes.
func TestPreCommitHooks(t *testing.T) {
	t.Parallel() // the slowest tests of the command overlap
	repo := monorepo(t)
	for _, hook := range []string{"lostupdate", "lostupdate-vet"} {
		out, code := preCommit(t, repo, hook)
		if code != 1 {
			t.Errorf("hook %s on a monorepo exited %d, want 1\n%s", hook, code, out)
		}
		for _, want := range []string{"Failed", "bank.go:29:12: lost update: balance is read at bank.go:26", "lostupdate: module in svc", "lostupdate: module in .\n"} {
			if !strings.Contains(out, want) {
				t.Errorf("hook %s: the output lacks %q:\n%s", hook, want, out)
			}
		}
		if strings.Contains(out, "does not contain main module") {
			t.Errorf("hook %s ran outside the modules:\n%s", hook, out)
		}
	}
	if err := os.RemoveAll(filepath.Join(repo, "svc")); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("git", "-C", repo, "add", "-A").CombinedOutput(); err != nil {
		t.Fatalf("git add: %v\n%s", err, out)
	}
	out, code := preCommit(t, repo, "lostupdate")
	if code != 0 || !strings.Contains(out, "Passed") {
		t.Errorf("the hook on the clean module exited %d, want 0 and Passed\n%s", code, out)
	}
}

// TestHookModules runs the hooks' command directly, as pre-commit does,
// with the changed files of one module or of both.
func TestHookModules(t *testing.T) {
	t.Parallel() // the slowest tests of the command overlap
	repo := monorepo(t)
	write(t, filepath.Dir(repo), "loose.go", "package loose\n")
	loose := filepath.Join(filepath.Dir(repo), "loose.go")
	tests := []struct {
		flag  string
		files []string
		code  int
	}{
		{"-precommit", []string{"clean/clean.go"}, 0},
		{"-precommit", []string{"go.mod", "svc/bank/bank.go"}, 3},
		{"-precommit-vet", []string{"clean/clean.go"}, 0},
		{"-precommit-vet", []string{"svc/bank/bank.go"}, 1},
		{"-precommit", []string{"./...", loose}, 0},
	}
	for _, tt := range tests {
		out, code := run(t, repo, binary, append([]string{tt.flag, "-disable=mutex"}, tt.files...)...)
		if code != tt.code {
			t.Errorf("lostupdate %s %v: exit %d, want %d\n%s", tt.flag, tt.files, code, tt.code, out)
		}
		if tt.code != 0 && (!strings.Contains(out, "bank.go:29:12: lost update") || strings.Contains(out, "under a sync.Mutex")) {
			t.Errorf("lostupdate %s %v: want svc's findings, without the disabled mutex category\n%s", tt.flag, tt.files, out)
		}
	}
	out, _ := run(t, repo, binary, "-precommit", loose)
	if !strings.Contains(out, "loose.go is in no Go module (no go.mod above it): not analysed") {
		t.Errorf("a file in no module is not named:\n%s", out)
	}
}

// goEnv returns a go env variable.
func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
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
