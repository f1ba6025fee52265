// Command lostupdate-sarif converts the JSON output of lostupdate -json to
// SARIF 2.1.0 for GitHub code scanning.
//
// Usage:
//
//	lostupdate -json ./... | lostupdate-sarif > lostupdate.sarif
//	lostupdate -json ./... >lostupdate.json 2>lostupdate.log
//	lostupdate-sarif -notices lostupdate.log lostupdate.json > lostupdate.sarif
//	lostupdate-sarif [-base dir] [-level warning|error|note] [-notices file] [file.json]
//
// It reads the named file, or standard input, and writes SARIF to standard
// output. File URIs are made relative to -base (default: the current
// directory), which should be the repository root. Packages that could not
// be analysed are recorded in the SARIF and listed on standard error; so are
// the packages lostupdate could not check, from its notices in the file
// -notices names (its standard error).
//
// It exits with status 2, writing nothing to standard output, when the
// input is not the output of lostupdate -json or the arguments are wrong.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/lostupdate/lostupdate/notice"
	"github.com/lostupdate/lostupdate/sarif"
	"github.com/lostupdate/lostupdate/version"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run runs the command and returns its exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lostupdate-sarif", flag.ContinueOnError)
	fs.SetOutput(stderr)
	opts := sarif.Options{ToolVersion: version.String()}
	fs.StringVar(&opts.Base, "base", "", "directory that file URIs are relative to, usually the repository root (default: the current directory)")
	fs.StringVar(&opts.Level, "level", "warning", "level of every result: "+strings.Join(sarif.Levels(), ", "))
	notices := fs.String("notices", "", "`file` holding lostupdate's standard error: its notices of packages it could not check (a data library it does not model) become SARIF notifications")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: lostupdate -json ./... | lostupdate-sarif [flags] > lostupdate.sarif\n       lostupdate-sarif [flags] file.json\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if !slices.Contains(sarif.Levels(), opts.Level) {
		fmt.Fprintf(stderr, "lostupdate-sarif: -level %q: want one of %s\n", opts.Level, strings.Join(sarif.Levels(), ", "))
		return 2
	}
	if *notices != "" {
		f, err := os.Open(*notices)
		if err != nil {
			fmt.Fprintf(stderr, "lostupdate-sarif: -notices: %v\n", err)
			return 2
		}
		opts.Unmodelled, err = notice.Read(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "lostupdate-sarif: -notices %s: %v\n", *notices, err)
			return 2
		}
	}
	in, name := stdin, "standard input"
	switch fs.NArg() {
	case 0:
	case 1:
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			fmt.Fprintf(stderr, "lostupdate-sarif: %v\n", err)
			return 2
		}
		defer f.Close()
		in, name = f, fs.Arg(0)
	default:
		fmt.Fprintf(stderr, "lostupdate-sarif: want at most one input file, got %d: %s\n", fs.NArg(), strings.Join(fs.Args(), " "))
		return 2
	}

	sum, err := sarif.Convert(in, stdout, opts)
	var inErr *sarif.InputError
	switch {
	case errors.As(err, &inErr):
		fmt.Fprintf(stderr, "lostupdate-sarif: %s: %v\n", name, err)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "lostupdate-sarif: %v\n", err)
		return 1
	}
	for _, f := range sum.Failures {
		fmt.Fprintf(stderr, "lostupdate-sarif: not analysed: %s\n", f)
	}
	for _, u := range sum.Unchecked {
		fmt.Fprintf(stderr, "lostupdate-sarif: not checked: %s\n", u)
	}
	return 0
}
