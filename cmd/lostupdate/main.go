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
	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/lostupdate/lostupdate/analyzer"
)

func main() { singlechecker.Main(analyzer.Analyzer) }
