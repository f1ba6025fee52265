package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/report"
	"github.com/lostupdate/lostupdate/baseline"
	"github.com/lostupdate/lostupdate/notice"
)

// childLogEnv names the file in which a run of the command, started by
// runReporting, records what the parent says at the end: the packages
// that import a data library lostupdate does not model, and the messages
// of the findings it reported.
const childLogEnv = "LOSTUPDATE_CHILD_LOG"

// reporting reports whether the command, given args, should run the
// analysis in a child and then say what the whole run could not do: a
// standalone run over packages that is not itself such a child. go vet's
// runs (one package each, and its -V=full and -flags queries) analyse
// directly.
func reporting(args []string) bool {
	return len(args) > 0 && !strings.HasPrefix(args[len(args)-1], "-") && !vetMode(args) && os.Getenv(childLogEnv) == ""
}

// runReporting runs the command again with the same arguments, streams
// and environment, plus a log in which the analysis records the packages
// that import a library it does not model and the findings it reports.
// It returns the child's exit status, except that a run in which some
// packages could not be loaded (status 1) but the others have findings
// exits 3, so that a CI gate that checks for findings still sees them;
// it says so on standard error. With -fix, a second run without it lists
// the findings that remain, which had no fix, and exits 3 if there are
// any: a run that fixed 3 of 6 findings must not look like a clean one.
// Last, it says, once per library, which packages' data access was not
// checked: a run that checked nothing of a service's data access must
// not look like a clean one.
func runReporting(args []string) int {
	code, entries, printed, ok := runChild(args, os.Stderr)
	if !ok {
		return 1
	}
	if code == 0 && diffing(args) && printed.stdout > 0 {
		// -fix -diff showed changes it did not make: the findings remain,
		// as gofmt -l or a CI gate expects to see.
		code = 3
	}
	if code == 0 && fixing(args) {
		var rest bytes.Buffer
		code, entries, printed, ok = runChild(withoutFix(args), &rest)
		if !ok {
			return 1
		}
		if n, _ := printed.classify(entries.findings); n == 1 {
			fmt.Fprintln(os.Stderr, "lostupdate: -fix applied the fixes there were; 1 finding has no fix and remains:")
		} else if n > 1 {
			fmt.Fprintf(os.Stderr, "lostupdate: -fix applied the fixes there were; %d findings have no fix and remain:\n", n)
		}
		os.Stderr.Write(rest.Bytes())
	}
	if code == 1 {
		if findings, failed := printed.classify(entries.findings); findings > 0 {
			what, their, are := "the packages in "+strings.Join(failed, ", "), "their", "are"
			if len(failed) == 1 {
				what, their = "the package in "+failed[0], "its"
			}
			if findings == 1 {
				are = "is"
			}
			fmt.Fprintf(os.Stderr, "lostupdate: %s could not be analysed (%s errors are above); %s in the other packages %s reported above\n",
				what, their, plural(findings, "finding", "findings"), are)
			code = 3
		}
	}
	writeUnmodelled(os.Stderr, entries.unmodelled)
	return code
}

// fixing reports whether args ask for the suggested fixes to be applied
// (-fix, and not -diff, which only shows them).
func fixing(args []string) bool {
	return slices.ContainsFunc(args, isFixFlag) && !slices.ContainsFunc(args, isDiffFlag)
}

// diffing reports whether args ask for the suggested fixes to be shown as
// a diff (-fix -diff).
func diffing(args []string) bool {
	return slices.ContainsFunc(args, isFixFlag) && slices.ContainsFunc(args, isDiffFlag)
}

func isDiffFlag(a string) bool {
	return a == "-diff" || a == "--diff" || a == "-diff=true" || a == "--diff=true"
}

func isFixFlag(a string) bool {
	return a == "-fix" || a == "--fix" || a == "-fix=true" || a == "--fix=true"
}

// withoutFix returns args without -fix.
func withoutFix(args []string) []string {
	return slices.DeleteFunc(slices.Clone(args), isFixFlag)
}

// runChild runs the command with args as a child that records its run in
// a log, passing its standard error on to stderr. It returns the child's
// exit status, what it recorded and what it printed on standard error;
// ok is false (having said why) when it could not be run.
func runChild(args []string, stderr io.Writer, env ...string) (code int, entries childLog, printed *stderrLines, ok bool) {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "lostupdate: finding its own executable: %v\n", err)
		return 1, childLog{}, nil, false
	}
	log, err := os.CreateTemp("", "lostupdate-run-*.log")
	if err != nil {
		fmt.Fprintf(os.Stderr, "lostupdate: %v\n", err)
		return 1, childLog{}, nil, false
	}
	log.Close()
	defer os.Remove(log.Name())

	printed = &stderrLines{}
	cmd := exec.Command(exe, args...)
	cmd.Stdin, cmd.Stdout = os.Stdin, io.MultiWriter(os.Stdout, stdoutCounter{printed})
	cmd.Stderr = io.MultiWriter(stderr, printed)
	cmd.Env = append(append(os.Environ(), childLogEnv+"="+log.Name()), env...)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "lostupdate: %v\n", err)
		return 1, childLog{}, nil, false
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
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = max(exit.ExitCode(), 1) // -1: killed by a signal
	case err != nil:
		fmt.Fprintf(os.Stderr, "lostupdate: %v\n", err)
		return 1, childLog{}, nil, false
	}
	data, err := os.ReadFile(log.Name())
	if err != nil {
		fmt.Fprintf(os.Stderr, "lostupdate: reading what the analysis recorded: %v\n", err)
		return max(code, 1), childLog{}, printed, true
	}
	return code, readChildLog(data), printed, true
}

// plural renders n things.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// stderrLines keeps the lines the child printed on standard error, and
// counts the bytes it printed on standard output.
type stderrLines struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	lines  []string
	stdout int
}

// stdoutCounter counts what the child prints on standard output.
type stdoutCounter struct{ s *stderrLines }

func (c stdoutCounter) Write(p []byte) (int, error) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	c.s.stdout += len(p)
	return len(p), nil
}

func (s *stderrLines) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	for {
		line, err := s.buf.ReadString('\n')
		if err != nil {
			s.buf.WriteString(line) // an incomplete line: wait for the rest
			break
		}
		s.lines = append(s.lines, strings.TrimSuffix(line, "\n"))
	}
	return len(p), nil
}

// positioned is a line the checker prints for a diagnostic or a package
// error: file:line:col: message.
var positioned = regexp.MustCompile(`^(\S+\.go):\d+:\d+: (.*)$`)

// classify counts the findings among the printed lines (the lines whose
// message is one the analysis reported; related information, indented,
// is not a finding) and returns the directories, relative to the current
// one, of the files of the other positioned lines: the package errors.
func (s *stderrLines) classify(findings map[string]bool) (int, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	dirs := make(map[string]bool)
	cwd, _ := os.Getwd()
	for _, l := range s.lines {
		m := positioned.FindStringSubmatch(l)
		switch {
		case m == nil || strings.HasPrefix(m[2], "\t"):
		case findings[m[2]]:
			n++
		default:
			dir := filepath.Dir(m[1])
			if rel, err := filepath.Rel(cwd, dir); cwd != "" && err == nil && !strings.HasPrefix(rel, "..") {
				dir = "./" + filepath.ToSlash(rel)
			}
			dirs[dir] = true
		}
	}
	return n, slices.Sorted(maps.Keys(dirs))
}

// childLog is what a child recorded: "unmodelled" lines (library path,
// name, package), "finding" lines (a quoted message) and "entry" lines
// (a finding's position and baseline entry, as JSON).
type childLog struct {
	unmodelled []string // "path\tname\tpackage"
	findings   map[string]bool
	entries    []recordedEntry
}

// recordedEntry is a finding as a baseline records it, with where it was
// reported.
type recordedEntry struct {
	Posn  string         `json:"posn"`
	Entry baseline.Entry `json:"entry"`
}

func readChildLog(data []byte) childLog {
	l := childLog{findings: make(map[string]bool)}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		kind, rest, _ := strings.Cut(sc.Text(), "\t")
		switch kind {
		case "unmodelled":
			l.unmodelled = append(l.unmodelled, rest)
		case "finding":
			if msg, err := strconv.Unquote(rest); err == nil {
				l.findings[msg] = true
			}
		case "entry":
			var e recordedEntry
			if json.Unmarshal([]byte(rest), &e) == nil {
				l.entries = append(l.entries, e)
			}
		}
	}
	return l
}

// childRecorder appends to the log of a run started by runReporting.
type childRecorder struct {
	mu   sync.Mutex
	path string
	// entries records each finding's baseline entry too, for
	// -write-baseline.
	entries bool
}

func (r *childRecorder) record(line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f, err := os.OpenFile(r.path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return // the parent says it could not read the log
	}
	defer f.Close()
	fmt.Fprintln(f, line)
}

// unmodelled is the analyzer's Unmodelled callback.
func (r *childRecorder) unmodelled(lib apis.UnmodelledLibrary, pkg string) {
	r.record("unmodelled\t" + lib.Path + "\t" + lib.Name + "\t" + pkg)
}

// reported is the analyzer's Reported callback. It records the finding's
// message and, when writing a baseline, its position and baseline entry.
func (r *childRecorder) reported(f report.Finding) {
	r.record("finding\t" + strconv.Quote(f.Message))
	if !r.entries {
		return
	}
	if data, err := json.Marshal(recordedEntry{Posn: f.Posn.String(), Entry: f.Entry}); err == nil {
		r.record("entry\t" + string(data))
	}
}

// writeUnmodelled says, once per library and in the order of their names,
// how many packages import a library lostupdate does not model, naming a
// few.
func writeUnmodelled(w io.Writer, lines []string) {
	type library struct {
		paths, pkgs []string
	}
	libs := make(map[string]*library)
	for _, line := range lines {
		path, rest, ok1 := strings.Cut(line, "\t")
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
