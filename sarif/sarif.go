// Package sarif converts the JSON that lostupdate prints with -json into
// SARIF 2.1.0, the format GitHub code scanning uploads; x/tools analyzers
// emit no SARIF of their own.
//
// Each diagnostic becomes a result whose rule is its category, with the
// related information as related locations and its suggested fixes as
// SARIF fixes. A package that could not be analysed becomes an error
// notification of a failed invocation; a notice that packages import a
// data library lostupdate does not model, a warning notification.
package sarif

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/lostupdate/lostupdate/analyzer"
	"github.com/lostupdate/lostupdate/baseline"
	"github.com/lostupdate/lostupdate/notice"
)

// Options configures Convert.
type Options struct {
	// Base is the directory that artifact URIs are relative to, usually
	// the repository root: bank/bank.go with uriBaseId %SRCROOT%. Files
	// outside it get absolute file: URIs. Empty means the current
	// directory. Relative file names in the input are taken as relative
	// to the current directory, where lostupdate ran.
	Base string

	// Level is the level of every result: "warning" (the default),
	// "error" or "note". A finding is a likely bug that static analysis
	// cannot confirm, hence warning; "error" makes GitHub's default
	// check-failure threshold ("only errors") fail pull requests.
	Level string

	// ReadFile reads a source file, to turn the byte columns and offsets
	// of x/tools into the UTF-16 code units SARIF counts. Nil means
	// os.ReadFile. When a file cannot be read, byte counts are used
	// as they are; they differ only on lines with non-ASCII text.
	ReadFile func(name string) ([]byte, error)

	// ToolVersion is the version of lostupdate recorded as the tool
	// driver's version (version.String of the converting binary, which
	// is installed with lostupdate), written from a number on as SARIF
	// wants it ("1.2.0", "0.0.0-devel+4f3c2a1b9e0d"); empty records
	// "0.0.0-unknown".
	ToolVersion string

	// Unmodelled are the notices lostupdate printed on standard error
	// (notice.Read): packages whose data library it does not model. Each
	// becomes a warning notification of the invocation, which still
	// succeeded.
	Unmodelled []notice.Unmodelled
}

// Levels lists the values of Options.Level.
func Levels() []string { return []string{"warning", "error", "note"} }

// Summary says what Convert wrote.
type Summary struct {
	// Results is the number of results (duplicate diagnostics, as from
	// a package and its test variant, are written once).
	Results int
	// Failures lists the packages that could not be analysed, as
	// "package: error", written as notifications.
	Failures []string
	// Unchecked lists the notices of Options.Unmodelled, as text, written
	// as notifications.
	Unchecked []string
}

// Convert reads the output of lostupdate -json (one JSON tree, or several
// in a row as go vet -json prints them) from r and writes one SARIF log
// with one run to w. On error it writes nothing; input that is not what
// lostupdate -json prints gives an *InputError.
func Convert(r io.Reader, w io.Writer, opts Options) (Summary, error) {
	c, err := newConverter(opts)
	if err != nil {
		return Summary{}, err
	}
	entries, err := decode(r)
	if err != nil {
		return Summary{}, err
	}
	log := c.log(entries)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // messages quote Go code: keep & < > readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return Summary{}, fmt.Errorf("encoding SARIF: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return Summary{}, fmt.Errorf("writing SARIF: %w", err)
	}
	s := Summary{Results: len(log.Runs[0].Results)}
	for _, n := range log.Runs[0].Invocations[0].ToolExecutionNotifications {
		if n.Properties["library"] != "" {
			s.Unchecked = append(s.Unchecked, n.Message.Text)
		} else {
			s.Failures = append(s.Failures, n.Message.Text)
		}
	}
	return s, nil
}

// converter holds the state of one conversion.
type converter struct {
	base        string // absolute
	cwd         string
	level       string
	readFile    func(string) ([]byte, error)
	unmodelled  []notice.Unmodelled
	toolVersion string
	sources     map[string]*source
	rules       []rule
	ruleIdx     map[string]int
}

func newConverter(opts Options) (*converter, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("finding the current directory: %w", err)
	}
	base := cmp.Or(opts.Base, ".")
	if !filepath.IsAbs(base) {
		base = filepath.Join(cwd, base)
	}
	level := cmp.Or(opts.Level, "warning")
	if !slices.Contains(Levels(), level) {
		return nil, fmt.Errorf("level %q is not a SARIF result level: use one of %s", level, strings.Join(Levels(), ", "))
	}
	c := &converter{
		base:        filepath.Clean(base),
		cwd:         cwd,
		level:       level,
		readFile:    opts.ReadFile,
		unmodelled:  opts.Unmodelled,
		toolVersion: opts.ToolVersion,
		sources:     make(map[string]*source),
		ruleIdx:     make(map[string]int),
	}
	if c.readFile == nil {
		c.readFile = readSource
	}
	// Every category is a rule, in the README's order, whether or not it
	// was reported, so that rule indexes are stable between runs.
	for _, cat := range analyzer.Categories {
		c.rule(cat, "")
	}
	return c, nil
}

// rule returns the index of the rule for a category, adding it if new.
// docURL is the diagnostic's documentation URL, if the input has one.
func (c *converter) rule(id, docURL string) int {
	if i, ok := c.ruleIdx[id]; ok {
		return i
	}
	desc := analyzer.Title(id)
	if desc == "" {
		desc = "lostupdate " + id
	}
	c.rules = append(c.rules, rule{
		ID:                   id,
		Name:                 ruleName(id),
		ShortDescription:     message{Text: desc},
		HelpURI:              helpURI(cmp.Or(docURL, "#"+id)),
		DefaultConfiguration: &configuration{Level: c.level},
	})
	c.ruleIdx[id] = len(c.rules) - 1
	return len(c.rules) - 1
}

// helpURI resolves a diagnostic URL against the analyzer's, as
// analysis.Diagnostic.URL specifies: "#lost-update" names the README's
// section for the category.
func helpURI(ref string) string {
	base, err := url.Parse(analyzer.URL)
	if err != nil {
		return analyzer.URL
	}
	u, err := url.Parse(ref)
	if err != nil {
		return analyzer.URL
	}
	return base.ResolveReference(u).String()
}

// ruleName is the PascalCase name of a rule ("LostUpdate" for
// "lost-update"): SARIF wants a name that is not the id, which the
// validator compares without case, so a one-word id gets a longer name.
func ruleName(id string) string {
	if id == "mutex" {
		return "LostUpdateUnderMutex"
	}
	var b strings.Builder
	for _, w := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	if strings.EqualFold(b.String(), id) {
		b.WriteString("Rule")
	}
	return b.String()
}

// driverVersion is a lostupdate version as SARIF wants it, starting with
// a number: "1.2.0" for "v1.2.0", the pseudo-version of a build from a
// clone without its "v", and "0.0.0-devel+4f3c2a1b9e0d" for "(devel)
// 4f3c2a1b9e0d".
func driverVersion(v string) string {
	if rest, ok := strings.CutPrefix(v, "v"); ok && rest != "" && rest[0] >= '0' && rest[0] <= '9' {
		return rest
	}
	word, rev, _ := strings.Cut(strings.TrimSpace(v), " ")
	word = strings.Trim(word, "()")
	if word == "" {
		word = "unknown"
	}
	out := "0.0.0-" + word
	if rev != "" {
		out += "+" + rev
	}
	return out
}

// located is a result with the key it is sorted by.
type located struct {
	pkg  string
	pos  position
	diag jsonDiagnostic
}

func (c *converter) log(entries []entry) sarifLog {
	inv := invocation{ExecutionSuccessful: true}
	var all []located
	for _, e := range entries {
		if e.failed {
			inv.ExecutionSuccessful = false
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, notification{
				Level:      "error",
				Message:    message{Text: e.pkg + ": " + e.err},
				Properties: map[string]string{"package": e.pkg, "analyzer": e.analyzer},
			})
			continue
		}
		for _, d := range e.diags {
			pos, _ := parsePosn(d.Posn) // checked by decode
			all = append(all, located{pkg: e.pkg, pos: pos, diag: d})
		}
	}
	slices.SortFunc(inv.ToolExecutionNotifications, func(a, b notification) int {
		return cmp.Or(
			strings.Compare(a.Properties["package"], b.Properties["package"]),
			strings.Compare(a.Properties["analyzer"], b.Properties["analyzer"]))
	})
	for _, u := range c.unmodelled {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, notification{
			Level:      "warning",
			Message:    message{Text: u.Text()},
			Properties: map[string]string{"library": u.Library, "packages": strconv.Itoa(u.Packages)},
		})
	}
	slices.SortStableFunc(all, func(a, b located) int {
		return cmp.Or(
			strings.Compare(a.pkg, b.pkg),
			strings.Compare(a.pos.file, b.pos.file),
			cmp.Compare(a.pos.line, b.pos.line),
			cmp.Compare(a.pos.col, b.pos.col),
			strings.Compare(a.diag.Category, b.diag.Category),
			strings.Compare(a.diag.Message, b.diag.Message))
	})

	results := []result{}
	seen := make(map[string]bool)
	occurrences := make(map[string]int)
	for _, l := range all {
		// A package and its test variant ("p [p.test]") report the
		// same diagnostics; code scanning should see them once.
		key := fmt.Sprintf("%s\x00%s\x00%s", l.diag.Posn, l.diag.Category, l.diag.Message)
		if seen[key] {
			continue
		}
		seen[key] = true
		res := c.result(l.diag, l.pos)
		fp := c.fingerprint(res.RuleID, l.diag, l.pos)
		occurrences[fp]++
		res.PartialFingerprints = map[string]string{fingerprintKey: fmt.Sprintf("%s:%d", fp, occurrences[fp])}
		results = append(results, res)
	}

	return sarifLog{
		Schema:  schemaURI,
		Version: "2.1.0",
		Runs: []run{{
			Tool: tool{Driver: driver{
				Name:            "lostupdate",
				Version:         driverVersion(c.toolVersion),
				InformationURI:  informationURI(),
				FullDescription: &message{Text: firstLine(analyzer.Analyzer.Doc)},
				Rules:           c.rules,
			}},
			Invocations:        []invocation{inv},
			OriginalURIBaseIDs: map[string]artifactLocation{srcRoot: {URI: fileURI(c.base) + "/"}},
			ColumnKind:         "utf16CodeUnits",
			Results:            results,
		}},
	}
}

// fingerprintKey names lostupdate's partial fingerprint.
const fingerprintKey = "lostupdateFinding/v1"

// fingerprint identifies a finding without its line number, so that code
// scanning keeps one alert for it while lines move: the rule, the file,
// the message with its file:line references stripped of the lines, and the
// text of the finding's line, trimmed. Findings that agree in all of these
// are told apart by their order in the file (the caller appends it).
func (c *converter) fingerprint(rule string, d jsonDiagnostic, pos position) string {
	line := ""
	if src := c.source(pos.file); src.data != nil && pos.line >= 1 && pos.line <= len(src.lines) {
		start := src.lines[pos.line-1]
		end := len(src.data)
		if pos.line < len(src.lines) {
			end = src.lines[pos.line]
		}
		line = strings.TrimSpace(string(src.data[start:end]))
	}
	return baseline.Hash(rule, c.artifact(pos.file).URI, baseline.StripLines(d.Message), line)
}

func (c *converter) result(d jsonDiagnostic, pos position) result {
	id := cmp.Or(d.Category, "lostupdate")
	res := result{
		RuleID:    id,
		RuleIndex: c.rule(id, d.URL),
		Level:     c.level,
		Message:   message{Text: escapeLinks(d.Message)},
		Locations: []location{},
	}
	if loc := c.physical(pos, d.End); loc != nil {
		res.Locations = append(res.Locations, location{PhysicalLocation: loc})
	}
	for i, r := range d.Related {
		rpos, _ := parsePosn(r.Posn)
		id := i + 1
		res.RelatedLocations = append(res.RelatedLocations, location{
			ID:               &id,
			PhysicalLocation: c.physical(rpos, r.End),
			Message:          &message{Text: escapeLinks(r.Message)},
		})
	}
	for _, f := range d.SuggestedFixes {
		res.Fixes = append(res.Fixes, c.fix(f))
	}
	return res
}

// physical returns the location of a diagnostic from its start and its
// end position, or nil if it has none.
func (c *converter) physical(pos position, end string) *physicalLocation {
	if pos.file == "" {
		return nil
	}
	src := c.source(pos.file)
	reg := &region{StartLine: pos.line}
	if pos.col > 0 {
		reg.StartColumn = src.column(pos.line, pos.col)
	}
	// x/tools gives End as the position after the last byte, which is
	// what SARIF's endColumn is. An end equal to the start means the
	// diagnostic has no extent: leave the end out, and SARIF takes the
	// rest of the line.
	if e, err := parsePosn(end); err == nil && e.file == pos.file && e.col > 0 && pos.col > 0 &&
		(e.line > pos.line || e.line == pos.line && e.col > pos.col) {
		reg.EndLine = e.line
		reg.EndColumn = src.column(e.line, e.col)
	}
	return &physicalLocation{ArtifactLocation: c.artifact(pos.file), Region: reg}
}

// fix converts a suggested fix: its edits, grouped by file in the order
// the files first appear, become replacements.
func (c *converter) fix(f jsonFix) fix {
	out := fix{Description: message{Text: f.Message}, ArtifactChanges: []artifactChange{}}
	index := make(map[string]int)
	for _, e := range f.Edits {
		i, ok := index[e.Filename]
		if !ok {
			i = len(out.ArtifactChanges)
			index[e.Filename] = i
			out.ArtifactChanges = append(out.ArtifactChanges, artifactChange{ArtifactLocation: c.artifact(e.Filename)})
		}
		// x/tools gives byte offsets. SARIF's charOffset and charLength
		// count characters (here UTF-16 code units, the run's
		// columnKind), which differ from bytes after non-ASCII text, so
		// the region carries the exact byte range as a binary region,
		// and the character range too when the source could be read to
		// convert it.
		start, length := e.Start, e.End-e.Start
		reg := region{ByteOffset: &start, ByteLength: &length}
		src := c.source(e.Filename)
		if cs, ok := src.offset(e.Start); ok {
			if ce, ok := src.offset(e.End); ok {
				cl := ce - cs
				reg.CharOffset, reg.CharLength = &cs, &cl
			}
		}
		rep := replacement{DeletedRegion: reg}
		if e.New != "" {
			rep.InsertedContent = &content{Text: e.New}
		}
		out.ArtifactChanges[i].Replacements = append(out.ArtifactChanges[i].Replacements, rep)
	}
	return out
}

// artifact returns the location of a file: relative to the base
// directory if it is inside it, else an absolute file: URI.
func (c *converter) artifact(file string) artifactLocation {
	abs := c.abs(file)
	rel, err := filepath.Rel(c.base, abs)
	if err == nil && !filepath.IsAbs(rel) && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		u := url.URL{Path: filepath.ToSlash(rel)}
		return artifactLocation{URI: u.String(), URIBaseID: srcRoot}
	}
	return artifactLocation{URI: fileURI(abs)}
}

func (c *converter) abs(file string) string {
	if filepath.IsAbs(file) {
		return filepath.Clean(file)
	}
	return filepath.Join(c.cwd, file)
}

// fileURI returns the file: URI of an absolute path.
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/src on Windows
	}
	u := url.URL{Scheme: "file", Path: p}
	return u.String()
}

// escapeLinks escapes square brackets in message text that SARIF viewers
// would otherwise take for an embedded link, "[text](target)".
func escapeLinks(s string) string {
	if !strings.Contains(s, "](") {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`).Replace(s)
}

// informationURI is the analyzer's documentation without the fragment.
func informationURI() string {
	u, _, _ := strings.Cut(analyzer.URL, "#")
	return u
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// source is a file's text, for converting byte positions to UTF-16 code
// units; data is nil when the file could not be read.
type source struct {
	data  []byte
	lines []int // offsets of line starts
}

func (c *converter) source(file string) *source {
	abs := c.abs(file)
	if s, ok := c.sources[abs]; ok {
		return s
	}
	s := &source{}
	if data, err := c.readFile(abs); err == nil {
		s.data = data
		s.lines = []int{0}
		for i, b := range data {
			if b == '\n' {
				s.lines = append(s.lines, i+1)
			}
		}
	}
	c.sources[abs] = s
	return s
}

// maxSource bounds the size of a source file read for snippets and
// UTF-16 columns.
const maxSource = 16 << 20

// readSource reads a diagnostic's source file, for snippets, columns and
// fingerprints: a regular file only, and at most maxSource bytes, so that
// a position naming /dev/zero or a FIFO neither fills memory nor blocks
// (the FIFO is opened without blocking and then refused).
func readSource(name string) ([]byte, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	if st.Size() > maxSource {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, maxSource)
	}
	return io.ReadAll(io.LimitReader(f, maxSource))
}

// column converts a 1-based byte column on a 1-based line to UTF-16 code
// units, or returns it as it is if the file does not have that column.
func (s *source) column(line, col int) int {
	if s.data == nil || line > len(s.lines) {
		return col
	}
	start := s.lines[line-1]
	end := start + col - 1
	if end > len(s.data) || bytes.IndexByte(s.data[start:end], '\n') >= 0 {
		return col
	}
	return utf16Len(s.data[start:end]) + 1
}

// offset converts a 0-based byte offset to UTF-16 code units.
func (s *source) offset(off int) (int, bool) {
	if s.data == nil || off > len(s.data) {
		return 0, false
	}
	return utf16Len(s.data[:off]), true
}

func utf16Len(b []byte) int {
	n := 0
	for _, r := range string(b) {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
