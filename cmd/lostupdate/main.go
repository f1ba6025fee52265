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
)

func main() {
	if ok, err := versionQuery(os.Args[1:], os.Stdout); ok {
		if err != nil {
			fmt.Fprintf(os.Stderr, "lostupdate: %v\n", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	cfg := analyzer.DefaultConfig()
	// go vet runs the command with the path of a .cfg file and analyses
	// only the test variant of a package that has tests; the standalone
	// command analyses the package and its test variant, and reports a
	// finding once.
	cfg.OncePerPackage = !vetMode(os.Args[1:])
	cfg.Nolint = true // as golangci-lint does
	if reporting(os.Args[1:]) {
		os.Exit(runReporting(os.Args[1:]))
	}
	if log := os.Getenv(childLogEnv); log != "" {
		r := &childRecorder{path: log}
		cfg.Unmodelled, cfg.Reported = r.unmodelled, r.reported
	}
	singlechecker.Main(analyzer.New(cfg))
}

// vetMode reports whether the arguments are those go vet passes to a
// vettool: flags, then one .cfg file.
func vetMode(args []string) bool {
	return len(args) > 0 && strings.HasSuffix(args[len(args)-1], ".cfg")
}
