package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/notice"
)

// unmodelledEnv names the file in which a run of the command, started by
// runReporting, records the packages that import a data library
// lostupdate does not model.
const unmodelledEnv = "LOSTUPDATE_UNMODELLED_LOG"

// reporting reports whether the command, given args, should run the
// analysis in a child and then say which packages it could not check: a
// standalone run over packages that is not itself such a child. go vet's
// runs (one package each, and its -V=full and -flags queries) analyse
// directly.
func reporting(args []string) bool {
	return len(args) > 0 && !strings.HasPrefix(args[len(args)-1], "-") && !vetMode(args) && os.Getenv(unmodelledEnv) == ""
}

// runReporting runs the command again with the same arguments, streams
// and environment, plus a log in which the analysis records the packages
// that import a library it does not model, and then says so on standard
// error, once per library: a run that checked nothing of a service's data
// access must not look like a clean one. It returns the child's exit
// status.
func runReporting(args []string) int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "lostupdate: finding its own executable: %v\n", err)
		return 1
	}
	log, err := os.CreateTemp("", "lostupdate-unmodelled-*.log")
	if err != nil {
		fmt.Fprintf(os.Stderr, "lostupdate: %v\n", err)
		return 1
	}
	log.Close()
	defer os.Remove(log.Name())

	cmd := exec.Command(exe, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), unmodelledEnv+"="+log.Name())
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "lostupdate: %v\n", err)
		return 1
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s) // the child stops, and so do we
		}
	}()
	err = cmd.Wait()
	signal.Stop(signals)
	close(signals)
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = max(exit.ExitCode(), 1) // -1: killed by a signal
	case err != nil:
		fmt.Fprintf(os.Stderr, "lostupdate: %v\n", err)
		return 1
	}
	data, err := os.ReadFile(log.Name())
	if err != nil {
		fmt.Fprintf(os.Stderr, "lostupdate: reading the list of unchecked packages: %v\n", err)
		return max(code, 1)
	}
	writeUnmodelled(os.Stderr, data)
	return code
}

// unmodelledLog returns the analyzer's Unmodelled callback for a run
// started by runReporting: it appends "library path, name, package" lines
// to the log file.
func unmodelledLog(path string) func(apis.UnmodelledLibrary, string) {
	var mu sync.Mutex
	return func(lib apis.UnmodelledLibrary, pkg string) {
		mu.Lock()
		defer mu.Unlock()
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return // the parent says it could not read the log
		}
		defer f.Close()
		fmt.Fprintf(f, "%s\t%s\t%s\n", lib.Path, lib.Name, pkg)
	}
}

// writeUnmodelled says, once per library and in the order of their names,
// how many packages import a library lostupdate does not model, naming a
// few.
func writeUnmodelled(w io.Writer, log []byte) {
	type library struct {
		paths, pkgs []string
	}
	libs := make(map[string]*library)
	sc := bufio.NewScanner(bytes.NewReader(log))
	for sc.Scan() {
		path, rest, ok1 := strings.Cut(sc.Text(), "\t")
		name, pkg, ok2 := strings.Cut(rest, "\t")
		if !ok1 || !ok2 {
			continue
		}
		l := libs[name]
		if l == nil {
			l = &library{}
			libs[name] = l
		}
		if !slices.Contains(l.paths, path) {
			l.paths = append(l.paths, path)
		}
		if !slices.Contains(l.pkgs, pkg) {
			l.pkgs = append(l.pkgs, pkg)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(libs)) {
		l := libs[name]
		slices.Sort(l.paths)
		slices.Sort(l.pkgs)
		u := notice.Unmodelled{Library: name, Paths: l.paths, Packages: len(l.pkgs), Listed: l.pkgs[:min(len(l.pkgs), notice.MaxListed)]}
		fmt.Fprintln(w, u)
	}
}
