package main

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lostupdate/lostupdate/analyzer/configfile"
)

// The pre-commit hooks run the command with one of these flags, then the
// hook's args, then the files that changed.
const (
	hookFlag    = "-precommit"     // analyse with this command
	hookVetFlag = "-precommit-vet" // analyse with go vet -vettool, which caches per package
)

// hookMode reports which hook args ask for: "", "standalone" or "vet".
func hookMode(args []string) string {
	if len(args) == 0 {
		return ""
	}
	switch args[0] {
	case hookFlag, "-" + hookFlag:
		return "standalone"
	case hookVetFlag, "-" + hookVetFlag:
		return "vet"
	}
	return ""
}

// runHook runs the analysis, as a pre-commit hook, on each module that
// holds a changed file: the directory of the nearest go.mod above it, so
// that a repository with go.mod in a subfolder, or several modules, works.
// Each module is analysed whole (./...), since a change in one package can
// make a finding in another through the facts it exports. args are the
// flags to pass on, then the changed files; a package pattern among them
// (./...) is dropped, as the hook chooses the packages. It returns the
// worst exit status.
func runHook(args []string, vet bool) int {
	var flags []string
	modules := make(map[string]bool)
	var outside []string
	for _, a := range args {
		switch {
		case strings.HasPrefix(a, "-"):
			flags = append(flags, a)
		case strings.HasSuffix(a, "..."):
			// a package pattern from an older hook configuration
		default:
			if root, ok := moduleOf(a); ok {
				modules[root] = true
			} else {
				outside = append(outside, a)
			}
		}
	}
	for _, f := range outside {
		fmt.Fprintf(os.Stderr, "lostupdate: %s is in no Go module (no go.mod above it): not analysed\n", f)
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "lostupdate: finding its own executable: %v\n", err)
		return 1
	}
	roots := slices.Sorted(maps.Keys(modules))
	worst := 0
	for _, root := range roots {
		if len(roots) > 1 {
			fmt.Fprintf(os.Stderr, "lostupdate: module in %s\n", root)
		}
		var cmd *exec.Cmd
		if vet {
			cmd = exec.Command("go", slices.Concat([]string{"vet", "-vettool=" + exe}, flags, []string{"./..."})...)
		} else {
			cmd = exec.Command(exe, slices.Concat(flags, []string{"./..."})...)
		}
		cmd.Dir = root
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		code := 0
		var exit *exec.ExitError
		switch err := cmd.Run(); {
		case errors.As(err, &exit):
			code = max(exit.ExitCode(), 1)
		case err != nil:
			fmt.Fprintf(os.Stderr, "lostupdate: %v\n", err)
			code = 1
		}
		worst = max(worst, code)
	}
	return worst
}

// moduleOf returns the directory, relative to the working directory when
// it is below it, of the nearest go.mod at or above the named file's
// directory.
func moduleOf(file string) (string, bool) {
	abs, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		return "", false
	}
	root, ok := configfile.ModuleRoot(abs)
	if !ok {
		return "", false
	}
	if cwd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(cwd, root); err == nil && !strings.HasPrefix(rel, "..") {
			return rel, true
		}
	}
	return root, true
}
