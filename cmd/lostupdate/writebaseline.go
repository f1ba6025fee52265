package main

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/lostupdate/lostupdate/baseline"
)

// writeBaselineFlag records today's findings in a baseline file. The
// command handles it itself: the analysis runs in a child, and the file
// is written once, when every package has been analysed.
const writeBaselineFlag = "write-baseline"

// writingBaselineEnv tells a child run by -write-baseline to report every
// finding, also those a configured baseline holds.
const writingBaselineEnv = "LOSTUPDATE_WRITING_BASELINE"

// cutWriteBaseline removes -write-baseline FILE (or =FILE) from args and
// returns the file; ok is false when the flag is not there. A flag after
// the first package pattern is not a flag.
func cutWriteBaseline(args []string) (rest []string, file string, ok bool, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name != writeBaselineFlag {
			continue
		}
		rest = slices.Concat(args[:i], args[i+1:])
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
			rest = slices.Concat(args[:i], args[i+2:])
		}
		if value == "" || strings.Contains(value, "...") || len(rest) == 0 {
			return nil, "", true, fmt.Errorf("-write-baseline needs a file name: lostupdate -write-baseline lostupdate-baseline.json ./...")
		}
		return rest, value, true, nil
	}
	return args, "", false, nil
}

// hasFlag reports whether args set the flag name before the first package
// pattern (and not to false).
func hasFlag(args []string, name string) bool {
	v, ok := flagValue(args, name)
	return ok && v != "false"
}

// flagValue returns the value args give the flag name (-name=v, or
// -name v for a flag that is not boolean), and whether they set it.
func flagValue(args []string, name string) (string, bool) {
	for i, a := range args {
		if !strings.HasPrefix(a, "-") {
			return "", false
		}
		n, v, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if n != name {
			continue
		}
		if !hasValue && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			v = args[i+1]
		}
		return v, true
	}
	return "", false
}

// runWriteBaseline analyses the packages args name and records their
// findings in file. It writes nothing when a package could not be
// analysed: a baseline without that package's findings would report
// them all as new once it builds.
func runWriteBaseline(args []string, file string) int {
	switch {
	case hasFlag(args, "baseline"):
		fmt.Fprintf(os.Stderr, "lostupdate: %v\n", baseline.ErrBoth)
		return 1
	case hasFlag(args, "fix") || hasFlag(args, "diff"):
		fmt.Fprintln(os.Stderr, "lostupdate: -write-baseline records the findings as they are: run -fix first, then write the baseline")
		return 1
	}
	if !checkConfig(args) {
		return 1
	}
	code, entries, printed, ok := runChild(args, os.Stderr, writingBaselineEnv+"=1")
	if !ok {
		return 1
	}
	if code == 1 {
		what := "some packages"
		if _, failed := printed.classify(entries.findings); len(failed) > 0 {
			what = strings.Join(failed, ", ")
		}
		fmt.Fprintf(os.Stderr, "lostupdate: the baseline was not written: %s could not be analysed (the errors are above); fix them, or leave them out of the package patterns\n", what)
		return 1
	}
	// Keep the findings the run printed (those of the packages asked
	// for), each once.
	shown := printed.set()
	seen := make(map[string]bool)
	var recorded []baseline.Entry
	for _, e := range entries.entries {
		line := e.Posn + ": " + e.Entry.Message
		if !shown[line] || seen[line] {
			continue
		}
		seen[line] = true
		recorded = append(recorded, e.Entry)
	}
	if err := baseline.Write(file, recorded); err != nil {
		fmt.Fprintf(os.Stderr, "lostupdate: writing the baseline: %v\n", err)
		return 1
	}
	writeUnmodelled(os.Stderr, entries.unmodelled)
	fmt.Fprintf(os.Stderr, "lostupdate: recorded %s in %s; run lostupdate -baseline %s with the same packages to report only new ones\n",
		plural(len(recorded), "finding", "findings"), file, file)
	return 0
}

// set returns the lines printed, as a set.
func (s *stderrLines) set() map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[string]bool, len(s.lines))
	for _, l := range s.lines {
		m[l] = true
	}
	return m
}
