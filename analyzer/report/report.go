// Package report is the one place where lostupdate's diagnostics are
// emitted: it drops diagnostics in generated files (and, unless asked
// for, in test files), in files a project's configuration excludes, those
// recorded in a baseline and those silenced by a //lostupdate:ignore
// directive (or, where asked, golangci-lint's //nolint), reports
// directives that give no reason, widens positions to whole call
// expressions, and emits everything in position order so that output is
// deterministic.
package report

import (
	"bytes"
	"go/ast"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/lostupdate/lostupdate/analyzer/configfile"
	"github.com/lostupdate/lostupdate/baseline"
)

// Directive is the comment that silences a diagnostic.
const Directive = "//lostupdate:ignore"

// CategoryDirective is the category of diagnostics about directives.
const CategoryDirective = "ignore-directive"

// directive is one //lostupdate:ignore comment.
type directive struct {
	pos    token.Pos
	file   string
	line   int
	reason string
	// fn is the function whose doc comment holds the directive, if any.
	fn *ast.FuncDecl
	// used reports that the directive silenced a diagnostic.
	used bool
	// nolint reports a golangci-lint //nolint comment that names
	// lostupdate (or every linter): it needs no reason, and one that
	// silences nothing is golangci-lint's nolintlint's to report.
	nolint bool
}

// Reporter collects diagnostics for one pass and emits them.
type Reporter struct {
	pass       *analysis.Pass
	generated  map[string]bool
	directives []directive
	calls      map[token.Pos]*ast.CallExpr
	diags      []analysis.Diagnostic
	disabled   map[string]bool
	tests      bool
	onlyTests  bool
	fold       bool
	exclude    func(filename string) bool
	known      *baseline.Matcher
	roots      map[string]string // directory → module root
	sources    map[string][]byte // file → contents, for baseline entries
}

// Options say what a Reporter drops and how it emits.
type Options struct {
	// Disabled are the categories not to report.
	Disabled []string
	// Tests keeps the diagnostics in _test.go files: tests do not serve
	// concurrent requests, so by default they are dropped.
	Tests bool
	// OnlyTestFiles drops the diagnostics (and directives) of files that
	// are not tests: the package's test variant, whose other files the
	// package itself reports.
	OnlyTestFiles bool
	// Nolint makes golangci-lint's //nolint comments that name
	// lostupdate, or no linter, or all, silence diagnostics as
	// //lostupdate:ignore does, so that the standalone command and go vet
	// agree with golangci-lint. Under golangci-lint itself it must not be
	// set: golangci-lint applies them, and reports those that silence
	// nothing.
	Nolint bool
	// FoldRelated emits diagnostics without related information, for
	// drivers that report each related position as an issue of its own
	// (golangci-lint), which a //nolint on the finding's line does not
	// hide. A related message at the diagnostic's own position is extra
	// text (the evidence of a finding through an interface): it is
	// appended to the message. One at another position points at
	// something the message already names ("balance is read here"): it
	// is dropped.
	FoldRelated bool
	// Exclude, when set, reports the files whose diagnostics are
	// dropped: those a project's configuration excludes.
	Exclude func(filename string) bool
	// Baseline, when set, holds findings recorded earlier: those it
	// holds are dropped, so that only new ones are reported.
	Baseline *baseline.Set
}

// Finding is a diagnostic the reporter emitted, as its Flush callback
// sees it.
type Finding struct {
	// Posn is where it is reported.
	Posn token.Position
	// Message is its message.
	Message string
	// Entry records it in a baseline.
	Entry baseline.Entry
}

// New prepares a reporter for pass.
func New(pass *analysis.Pass, opts Options) *Reporter {
	r := &Reporter{pass: pass, generated: make(map[string]bool), disabled: make(map[string]bool),
		tests: opts.Tests, onlyTests: opts.OnlyTestFiles, fold: opts.FoldRelated,
		exclude: opts.Exclude, roots: make(map[string]string), sources: make(map[string][]byte)}
	if opts.Baseline != nil {
		r.known = opts.Baseline.Matcher()
	}
	for _, c := range opts.Disabled {
		r.disabled[c] = true
	}
	for _, f := range pass.Files {
		name := pass.Fset.File(f.Pos()).Name()
		if ast.IsGenerated(f) || !r.tests && isTestFile(name) {
			r.generated[name] = true
			continue
		}
		if r.onlyTests && !isTestFile(name) {
			continue // the package itself reports this file, directives included
		}
		r.scanDirectives(f, name, opts.Nolint)
	}
	return r
}

// nolintNamesUs reports whether comment is a //nolint directive that
// applies to lostupdate: //nolint, //nolint:all, //nolint:lostupdate or a
// list that holds it, optionally followed by an explanation.
func nolintNamesUs(comment string) bool {
	rest, ok := strings.CutPrefix(comment, "//nolint")
	if !ok {
		return false
	}
	if rest == "" || rest[0] == ' ' || rest[0] == '\t' {
		return true
	}
	if rest[0] != ':' {
		return false // //nolintfoo
	}
	list, _, _ := strings.Cut(rest[1:], " ")
	list, _, _ = strings.Cut(list, "\t")
	for _, name := range strings.Split(list, ",") {
		if name == "lostupdate" || name == "all" {
			return true
		}
	}
	return false
}

// funcDocs maps the doc comments of a file's functions to them.
func funcDocs(f *ast.File) map[*ast.CommentGroup]*ast.FuncDecl {
	docs := make(map[*ast.CommentGroup]*ast.FuncDecl)
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Doc != nil {
			docs[fd.Doc] = fd
		}
	}
	return docs
}

// isTestFile reports whether a file is a Go test file.
func isTestFile(name string) bool { return strings.HasSuffix(name, "_test.go") }

// scanDirectives records the ignore directives of a file and, with
// nolint, its //nolint comments that name lostupdate.
func (r *Reporter) scanDirectives(f *ast.File, name string, nolint bool) {
	docs := funcDocs(f)
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if nolint && nolintNamesUs(c.Text) {
				r.directives = append(r.directives, directive{
					pos: c.Pos(), file: name, line: r.pass.Fset.Position(c.Pos()).Line, fn: docs[cg], nolint: true,
				})
				continue
			}
			rest, ok := strings.CutPrefix(c.Text, Directive)
			if !ok || rest != "" && rest[0] != ' ' && rest[0] != '\t' {
				continue
			}
			reason := strings.TrimSpace(rest)
			if strings.HasPrefix(reason, "//") {
				reason = "" // another comment follows, not a reason
			}
			r.directives = append(r.directives, directive{
				pos:    c.Pos(),
				file:   name,
				line:   r.pass.Fset.Position(c.Pos()).Line,
				reason: reason,
				fn:     docs[cg],
			})
		}
	}
}

// CallAt returns the call expression whose opening parenthesis is at pos
// (the position SSA gives a call), or nil.
func (r *Reporter) CallAt(pos token.Pos) *ast.CallExpr {
	if r.calls == nil {
		r.calls = make(map[token.Pos]*ast.CallExpr)
		for _, f := range r.pass.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					r.calls[call.Lparen] = call
				}
				return true
			})
		}
	}
	return r.calls[pos]
}

// FileOf returns the syntax tree of the file containing pos.
func (r *Reporter) FileOf(pos token.Pos) *ast.File {
	for _, f := range r.pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

// Report queues a diagnostic. A diagnostic (or related position) at the
// opening parenthesis of a call covers the whole call expression.
func (r *Reporter) Report(d analysis.Diagnostic) {
	if !d.Pos.IsValid() {
		return
	}
	if call := r.CallAt(d.Pos); call != nil {
		d.Pos, d.End = call.Pos(), call.End()
	}
	for i, rel := range d.Related {
		if call := r.CallAt(rel.Pos); call != nil {
			d.Related[i].Pos, d.Related[i].End = call.Pos(), call.End()
		}
	}
	if r.Silenced(d.Pos, d.Category) {
		return
	}
	r.diags = append(r.diags, d)
}

// Silenced reports whether a diagnostic of category at pos would be
// dropped: disabled, in a generated, test or excluded file, or silenced by
// an ignore directive (which then counts as used).
func (r *Reporter) Silenced(pos token.Pos, category string) bool {
	posn := r.pass.Fset.Position(pos)
	return r.generated[posn.Filename] || !r.tests && isTestFile(posn.Filename) || r.onlyTests && !isTestFile(posn.Filename) ||
		r.exclude != nil && r.exclude(posn.Filename) || r.ignored(posn) || r.disabled[category]
}

// ignored reports whether a directive with a reason silences a diagnostic
// at posn: on the same line, on the line above, or in the doc comment of
// the function that contains it.
func (r *Reporter) ignored(posn token.Position) bool {
	ignored := false
	for i := range r.directives {
		d := &r.directives[i]
		if d.reason == "" && !d.nolint || d.file != posn.Filename {
			continue
		}
		if d.line == posn.Line || d.line == posn.Line-1 {
			d.used, ignored = true, true
		}
		if d.fn != nil {
			start, end := r.pass.Fset.Position(d.fn.Pos()), r.pass.Fset.Position(d.fn.End())
			if start.Offset <= posn.Offset && posn.Offset <= end.Offset {
				d.used, ignored = true, true
			}
		}
	}
	return ignored
}

// Flush reports directives without a reason and directives that silence
// nothing, drops the findings the baseline holds, and emits the rest in
// position order, telling reported (if not nil) of each.
func (r *Reporter) Flush(reported func(Finding)) {
	for _, d := range r.directives {
		if r.disabled[CategoryDirective] {
			break
		}
		if d.nolint {
			continue
		}
		if d.reason != "" && !d.used {
			r.diags = append(r.diags, analysis.Diagnostic{
				Pos:      d.pos,
				End:      d.pos + token.Pos(len(Directive)),
				Category: CategoryDirective,
				URL:      "#" + CategoryDirective,
				Message:  "lostupdate:ignore silences nothing here: no lost update is reported on this line, the next one or in this function; remove the directive",
			})
		}
		if d.reason == "" {
			r.diags = append(r.diags, analysis.Diagnostic{
				Pos:      d.pos,
				End:      d.pos + token.Pos(len(Directive)),
				Category: CategoryDirective,
				URL:      "#" + CategoryDirective,
				Message:  "lostupdate:ignore needs a reason: say why this write cannot lose an update, e.g. //lostupdate:ignore only the nightly job writes this row",
			})
		}
	}
	slices.SortStableFunc(r.diags, func(a, b analysis.Diagnostic) int {
		pa, pb := r.pass.Fset.Position(a.Pos), r.pass.Fset.Position(b.Pos)
		if pa.Filename != pb.Filename {
			return strings.Compare(pa.Filename, pb.Filename)
		}
		if pa.Offset != pb.Offset {
			return pa.Offset - pb.Offset
		}
		return strings.Compare(a.Message, b.Message)
	})
	for _, d := range r.diags {
		var entry baseline.Entry
		if r.known != nil || reported != nil {
			entry = r.entry(d)
		}
		if r.known != nil && d.Category != CategoryDirective && r.known.Known(entry) {
			continue
		}
		if r.fold {
			for _, rel := range d.Related {
				if rel.Pos == d.Pos {
					d.Message += " (" + rel.Message + ")"
				}
			}
			d.Related = nil
		}
		r.pass.Report(d)
		if reported != nil {
			reported(Finding{Posn: r.pass.Fset.Position(d.Pos), Message: d.Message, Entry: entry})
		}
	}
	r.diags = nil
}

// entry identifies a diagnostic in a baseline (before related
// information is folded into its message, so that the same finding has
// the same entry under every driver).
func (r *Reporter) entry(d analysis.Diagnostic) baseline.Entry {
	posn := r.pass.Fset.Position(d.Pos)
	file := filepath.ToSlash(posn.Filename)
	if root := r.moduleRoot(filepath.Dir(posn.Filename)); root != "" {
		if rel, err := filepath.Rel(root, posn.Filename); err == nil {
			file = filepath.ToSlash(rel)
		}
	}
	fn := enclosingFunc(r.FileOf(d.Pos), d.Pos)
	return baseline.Entry{
		File:        file,
		Function:    fn,
		Category:    d.Category,
		Fingerprint: baseline.Fingerprint(d.Category, file, fn, d.Message, r.lineText(posn)),
		Message:     d.Message,
	}
}

// lineText returns the text of the line at posn, or "" if the file cannot
// be read.
func (r *Reporter) lineText(posn token.Position) string {
	data, ok := r.sources[posn.Filename]
	if !ok {
		read := r.pass.ReadFile
		if read == nil {
			read = os.ReadFile
		}
		data, _ = read(posn.Filename) // nil if unreadable: no line text
		r.sources[posn.Filename] = data
	}
	if posn.Offset < 0 || posn.Offset > len(data) {
		return ""
	}
	start := bytes.LastIndexByte(data[:posn.Offset], '\n') + 1
	end := len(data)
	if i := bytes.IndexByte(data[posn.Offset:], '\n'); i >= 0 {
		end = posn.Offset + i
	}
	return string(data[start:end])
}

// moduleRoot returns the directory of the go.mod that holds dir, or "",
// asking the file system once per directory.
func (r *Reporter) moduleRoot(dir string) string {
	root, ok := r.roots[dir]
	if !ok {
		root, _ = configfile.ModuleRoot(dir)
		r.roots[dir] = root
	}
	return root
}

// enclosingFunc names the function declaration of f that holds pos:
// "F", "T.M" or "(*T).M"; "" at package level.
func enclosingFunc(f *ast.File, pos token.Pos) string {
	if f == nil {
		return ""
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || pos < fd.Pos() || pos > fd.End() {
			continue
		}
		if fd.Recv == nil || len(fd.Recv.List) == 0 {
			return fd.Name.Name
		}
		t := fd.Recv.List[0].Type
		star := false
		if s, ok := t.(*ast.StarExpr); ok {
			star, t = true, s.X
		}
		switch g := t.(type) {
		case *ast.IndexExpr:
			t = g.X
		case *ast.IndexListExpr:
			t = g.X
		}
		name := "?"
		if id, ok := t.(*ast.Ident); ok {
			name = id.Name
		}
		if star {
			return "(*" + name + ")." + fd.Name.Name
		}
		return name + "." + fd.Name.Name
	}
	return ""
}
