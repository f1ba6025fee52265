// Command lostupdate reports database writes that can lose a concurrent
// update: load → change in Go → save outside a locking transaction.
//
// Usage:
//
//	lostupdate [-flag] [package]
//	go vet -vettool=$(which lostupdate) ./...
//
// It exits with status 3 when it reports a finding.
package main

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/lostupdate/lostupdate/analyzer"
	"github.com/lostupdate/lostupdate/analyzer/configfile"
	"github.com/lostupdate/lostupdate/baseline"
)

func main() {
	if ok, err := versionQuery(os.Args[1:], os.Stdout); ok {
		if err != nil {
			fmt.Fprintf(os.Stderr, "lostupdate: %v\n", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if mode := hookMode(os.Args[1:]); mode != "" {
		os.Exit(runHook(os.Args[2:], mode == "vet"))
	}
	if args, file, ok, err := cutWriteBaseline(os.Args[1:]); ok && !vetMode(os.Args[1:]) && os.Getenv(childLogEnv) == "" {
		if err != nil {
			fmt.Fprintf(os.Stderr, "lostupdate: %v\n", err)
			os.Exit(1)
		}
		os.Exit(runWriteBaseline(args, file))
	}
	cfg := analyzer.DefaultConfig()
	// go vet runs the command with the path of a .cfg file and analyses
	// only the test variant of a package that has tests; the standalone
	// command analyses the package and its test variant, and reports a
	// finding once.
	cfg.OncePerPackage = !vetMode(os.Args[1:])
	cfg.Nolint = true // as golangci-lint does
	cfg.NoBaseline = os.Getenv(writingBaselineEnv) != ""
	if reporting(os.Args[1:]) {
		if !checkConfig(os.Args[1:]) {
			os.Exit(1)
		}
		os.Exit(runReporting(os.Args[1:]))
	}
	if log := os.Getenv(childLogEnv); log != "" {
		r := &childRecorder{path: log, entries: cfg.NoBaseline}
		cfg.Unmodelled, cfg.Reported = r.unmodelled, r.reported
	}
	singlechecker.Main(analyzer.New(cfg))
}

// checkConfig reads the baseline args name and the configuration file of
// the module in the working directory (unless args say -no-config), and
// says what is wrong with them once, before the analysis would say it for
// every package. It reports whether the run may go on.
func checkConfig(args []string) bool {
	if name, ok := flagValue(args, "baseline"); ok {
		if _, err := baseline.Read(name); err != nil {
			fmt.Fprintf(os.Stderr, "lostupdate: %v\n", err)
			return false
		}
	}
	if hasFlag(args, "no-config") {
		return true
	}
	dir, err := os.Getwd()
	if err != nil {
		return true // the analysis reads the files of the packages themselves
	}
	if _, err := configfile.NewFinder(analyzer.Categories).For(dir); err != nil {
		fmt.Fprintf(os.Stderr, "lostupdate: %v\n", err)
		return false
	}
	return true
}

// vetMode reports whether the arguments are those go vet passes to a
// vettool: flags, then one .cfg file.
func vetMode(args []string) bool {
	return len(args) > 0 && strings.HasSuffix(args[len(args)-1], ".cfg")
}
