// Package notice formats and reads the notices that lostupdate prints on
// standard error at the end of a run, after its findings: that packages of
// the analysed module import a data library lostupdate does not model, so
// that their data access was not checked. lostupdate writes them;
// lostupdate-sarif reads them back and records them in SARIF.
package notice

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// MaxListed bounds the packages a notice names.
const MaxListed = 3

// Unmodelled says that packages import a data library lostupdate does not
// model.
type Unmodelled struct {
	// Library is what users call the library: "go-redis v7".
	Library string
	// Paths are the import paths of its modules or root packages.
	Paths []string
	// Packages is how many packages import it.
	Packages int
	// Listed are the first MaxListed of those packages, sorted.
	Listed []string
}

// String renders the notice as lostupdate prints it: one line, without
// the newline.
func (u Unmodelled) String() string {
	n, its := "1 package imports", "its"
	if u.Packages != 1 {
		n, its = fmt.Sprintf("%d packages import", u.Packages), "their"
	}
	listed := strings.Join(u.Listed, ", ")
	if more := u.Packages - len(u.Listed); more > 0 {
		listed += fmt.Sprintf(" and %d more", more)
	}
	return fmt.Sprintf("lostupdate: %s %s (%s), which lostupdate does not model: %s data access through it was not checked (%s)",
		n, u.Library, strings.Join(u.Paths, ", "), its, listed)
}

// Text is the notice without the command's name, as a sentence for a
// report.
func (u Unmodelled) Text() string { return strings.TrimPrefix(u.String(), "lostupdate: ") }

var unmodelledLine = regexp.MustCompile(`^lostupdate: (\d+) packages? imports? (.+) \(([^()]*)\), which lostupdate does not model: (?:its|their) data access through it was not checked \((.*?)(?: and (\d+) more)?\)$`)

// Parse reads a notice from one line of lostupdate's standard error; ok
// is false for any other line.
func Parse(line string) (u Unmodelled, ok bool) {
	m := unmodelledLine.FindStringSubmatch(strings.TrimRight(line, "\r\n"))
	if m == nil {
		return Unmodelled{}, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return Unmodelled{}, false
	}
	u = Unmodelled{Library: m[2], Paths: strings.Split(m[3], ", "), Packages: n}
	if m[4] != "" {
		u.Listed = strings.Split(m[4], ", ")
	}
	return u, true
}

// Read returns the notices among the lines of r (lostupdate's standard
// error, which holds its findings and errors too).
func Read(r io.Reader) ([]Unmodelled, error) {
	var out []Unmodelled
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if u, ok := Parse(sc.Text()); ok {
			out = append(out, u)
		}
	}
	return out, sc.Err()
}
