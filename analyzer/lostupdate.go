package analyzer

import (
	_ "embed"
	"flag"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/configfile"
	"github.com/lostupdate/lostupdate/analyzer/flow"
	"github.com/lostupdate/lostupdate/analyzer/report"
	"github.com/lostupdate/lostupdate/analyzer/summary"
	"github.com/lostupdate/lostupdate/baseline"
)

//go:embed doc.go
var doc string

// URL is the documentation of the analyzer; each category has a section
// there, which a diagnostic's URL names.
const URL = "https://github.com/lostupdate/lostupdate#categories"

const categoryDirective = report.CategoryDirective

// Config configures the analyzer.
type Config struct {
	// Disable lists categories not to report (see Categories).
	Disable []string
	// Enable lists categories to report in full: stale-row then reports
	// every whole-row write of a row read without a lock, not only those
	// that undo a known writer of a column.
	Enable []string
	// Tests reports findings in _test.go files too. Tests do not serve
	// concurrent requests, so by default they are not reported.
	Tests bool
	// OncePerPackage says that the driver analyses a package and its test
	// variant (the package compiled with its _test.go files) as two
	// packages, as the standalone command does: a finding in a file that
	// is not a test is then reported by the package itself, not again by
	// its test variant. go vet analyses only the test variant of a package
	// that has tests, so it must not be set there.
	OncePerPackage bool
	// Nolint makes golangci-lint's //nolint comments that name lostupdate
	// (or every linter) silence findings, as //lostupdate:ignore does: the
	// standalone command and go vet set it; the golangci-lint plugin does
	// not, since golangci-lint applies them itself.
	Nolint bool
	// FoldRelated reports diagnostics without related positions, for
	// golangci-lint, which turns each related position into an issue of
	// its own that a //nolint on the finding's line does not hide: the
	// message already names them, and a related message at the finding's
	// own position (the evidence of a finding through an interface) is
	// appended to it. The golangci-lint plugin sets it.
	FoldRelated bool
	// Unmodelled, when set, is called for each package of the analysed
	// module that imports a data library lostupdate does not model
	// (apis.Unmodelled), once per library the package imports: its data
	// access through that library is not checked. It may be called from
	// several goroutines at once.
	Unmodelled func(lib apis.UnmodelledLibrary, pkgPath string)
	// Reported, when set, is called with each diagnostic the analyzer
	// reports, in any package (the driver prints those of the packages
	// it was asked for). It may be called from several goroutines at
	// once.
	Reported func(report.Finding)
	// Baseline names a baseline file (see package baseline): the
	// findings it records are not reported. A relative name is resolved
	// against the working directory.
	Baseline string
	// NoConfigFile ignores the project's configuration file (see package
	// configfile), which is otherwise read for every package and adds to
	// this configuration.
	NoConfigFile bool
	// Functions declares what the project's functions that the analysis
	// cannot see into do with their data, as the configuration file's
	// functions key does (the golangci-lint plugin's setting); the file's
	// declarations add to these.
	Functions []configfile.Function
	// NoBaseline reports the findings a baseline holds too: lostupdate
	// -write-baseline sets it, to record every finding.
	NoBaseline bool
	// Debug, when set, receives what the analysis saw: each write with
	// the labels of its values and the guards it depends on, each
	// function's summary, and the bounds of the analysis it hit.
	Debug io.Writer
}

// enabled reports whether category c is enabled in full.
func (c Config) enabled(cat string) bool { return slices.Contains(c.Enable, cat) }

// DefaultConfig returns the configuration of the default Analyzer: every
// category reported.
func DefaultConfig() Config { return Config{} }

// Analyzer is the lostupdate analyzer with the default configuration,
// bound to its command-line flags.
var Analyzer = New(DefaultConfig())

// New returns an analyzer that reports lost updates with configuration
// cfg. Its flags (-disable) change cfg, so that the command line, go vet
// and golangci-lint settings share one path.
func New(cfg Config) *analysis.Analyzer {
	r := &runner{cfg: cfg, files: configfile.NewFinder(Categories), baselines: make(map[string]baselineRead)}
	a := &analysis.Analyzer{
		Name:      "lostupdate",
		Doc:       analysisDoc(),
		URL:       URL,
		Run:       r.run,
		FactTypes: []analysis.Fact{(*summary.Summary)(nil), (*summary.Package)(nil), (*summary.Table)(nil)},
	}
	a.Flags.Var((*categoryList)(&r.cfg.Disable), "disable", "comma-separated categories not to report: "+strings.Join(Categories, ", "))
	a.Flags.Var((*categoryList)(&r.cfg.Enable), "enable", "comma-separated categories to report in full: stale-row reports every whole-row write of a row read without a lock")
	a.Flags.BoolVar(&r.cfg.Tests, "tests", r.cfg.Tests, "report findings in _test.go files too")
	a.Flags.StringVar(&r.cfg.Baseline, "baseline", r.cfg.Baseline, "report only the findings not recorded in this baseline file (written by lostupdate -write-baseline)")
	a.Flags.BoolVar(&r.cfg.NoConfigFile, "no-config", r.cfg.NoConfigFile, "ignore the project's .lostupdate.yml")
	a.Flags.Var(debugFlag{&r.cfg.Debug}, "explain", "print what the analysis saw (writes, their values' origins, summaries, bounds hit) to standard error")
	return a
}

// analysisDoc extracts the text under the "# Analyzer lostupdate" heading
// of doc.go, without the "lostupdate: " prefix of its summary line.
func analysisDoc() string {
	var lines []string
	in := false
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "package ") {
			break
		}
		line = strings.TrimPrefix(strings.TrimPrefix(line, "//"), " ")
		if strings.HasPrefix(line, "# Analyzer") {
			in = true
			continue
		}
		if in {
			lines = append(lines, line)
		}
	}
	return strings.TrimPrefix(strings.TrimSpace(strings.Join(lines, "\n")), "lostupdate: ")
}

// categoryList is a comma-separated list of categories, as a flag.
type categoryList []string

var _ flag.Value = (*categoryList)(nil)

func (l *categoryList) String() string { return strings.Join(*l, ",") }

func (l *categoryList) Set(s string) error {
	*l = nil
	for _, c := range strings.Split(s, ",") {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if err := checkCategory(c); err != nil {
			return err
		}
		*l = append(*l, c)
	}
	return nil
}

// Validate reports a category in c.Disable that the analyzer does not
// have, for configuration that does not come through the -disable flag
// (golangci-lint settings).
func (c Config) Validate() error {
	for _, cat := range append(slices.Clone(c.Disable), c.Enable...) {
		if err := checkCategory(cat); err != nil {
			return err
		}
	}
	return nil
}

func checkCategory(c string) error {
	if !slices.Contains(Categories, c) {
		return fmt.Errorf("unknown category %q: the categories are %s", c, strings.Join(Categories, ", "))
	}
	return nil
}

// runner holds an analyzer's configuration and what it reads once: the
// baseline, and the projects' configuration files.
type runner struct {
	cfg       Config
	files     *configfile.Finder
	mu        sync.Mutex
	baselines map[string]baselineRead // by the name it was given
}

// baselineRead is the outcome of reading a baseline.
type baselineRead struct {
	set *baseline.Set
	err error
}

// forPass returns the configuration of a package: the analyzer's, with
// what the project's configuration file adds, and the file (nil if none).
func (r *runner) forPass(pass *analysis.Pass) (Config, *configfile.File, error) {
	cfg := r.cfg
	if cfg.NoConfigFile || len(pass.Files) == 0 {
		return cfg, nil, nil
	}
	dir := filepath.Dir(pass.Fset.File(pass.Files[0].Pos()).Name())
	file, err := r.files.For(dir)
	if err != nil || file == nil {
		return cfg, nil, err
	}
	cfg.Disable = append(slices.Clone(cfg.Disable), file.Disable...)
	cfg.Enable = append(slices.Clone(cfg.Enable), file.Enable...)
	cfg.Tests = cfg.Tests || file.Tests
	cfg.Functions = append(slices.Clone(cfg.Functions), file.Functions...)
	return cfg, file, nil
}

// baselinePath resolves a relative baseline name: against the working
// directory or, if it is not there, each directory above it up to the
// module's root. go vet runs a vettool in the directory of the package it
// analyses, so -baseline=lostupdate-baseline.json given in the module's
// root finds the file there.
func baselinePath(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	if fileExists(name) {
		return name
	}
	dir, err := os.Getwd()
	if err != nil {
		return name
	}
	root, ok := configfile.ModuleRoot(dir)
	if !ok {
		return name
	}
	for d := dir; ; d = filepath.Dir(d) {
		if p := filepath.Join(d, name); fileExists(p) {
			return p
		}
		if d == root || filepath.Dir(d) == d {
			break
		}
	}
	return name // not found: reading it says so
}

// fileExists reports whether name exists.
func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// readBaseline reads the baseline of a package: the one -baseline names,
// else the one its configuration file names, each once.
func (r *runner) readBaseline(file *configfile.File) (*baseline.Set, error) {
	name := r.cfg.Baseline
	if r.cfg.NoBaseline {
		return nil, nil
	}
	if name != "" {
		name = baselinePath(name)
	} else if file != nil {
		name = file.Baseline
	}
	if name == "" {
		return nil, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.baselines[name]
	if !ok {
		b.set, b.err = baseline.Read(name)
		r.baselines[name] = b
	}
	return b.set, b.err
}

func (r *runner) run(pass *analysis.Pass) (any, error) {
	cfg, file, err := r.forPass(pass)
	if err != nil {
		return nil, err
	}
	known, err := r.readBaseline(file)
	if err != nil {
		return nil, err
	}
	r = &runner{cfg: cfg}
	if r.cfg.Unmodelled != nil && ownModule(pass) {
		seen := make(map[string]bool)
		for _, imp := range pass.Pkg.Imports() {
			if lib, ok := apis.Unmodelled(imp.Path()); ok && !seen[lib.Path] {
				seen[lib.Path] = true
				r.cfg.Unmodelled(lib, pass.Pkg.Path())
			}
		}
	}
	exportTableNames(pass)
	exportBoilTables(pass)
	if apis.IsLibrary(pass.Pkg.Path()) || ormGenerated(pass) || strings.HasSuffix(pass.Pkg.Path(), ".test") || !relevant(pass) {
		return nil, nil // .test: the main package go test generates; ent's and sqlboiler's generated code is library code
	}
	quiet := migration(pass.Pkg.Path())
	ssapkg, funcs := flow.Build(pass.Fset, pass.Pkg, pass.Files, pass.TypesInfo)
	facts := passFacts{pass, declared(r.cfg.Functions, file)}
	an := flow.New(pass.Fset, ssapkg, facts)
	module := ""
	if ownModule(pass) {
		module = pass.Module.Path
	}
	an.SetModule(module)
	results := make([]*flow.Result, len(funcs))
	for i, fn := range funcs {
		res, err := analyse(an, fn)
		if err != nil {
			return nil, err
		}
		results[i] = res
	}
	for _, fn := range an.CallerLocks(results) {
		if r.cfg.Debug != nil {
			fmt.Fprintf(r.cfg.Debug, "callers of %s all hold an advisory lock\n", fn)
		}
	}
	imports := importedFacts(pass)
	reg, own := newRegistry(pass, results, imports)
	rep := report.New(pass, report.Options{
		Disabled:      r.cfg.Disable,
		Tests:         r.cfg.Tests,
		OnlyTestFiles: r.cfg.OncePerPackage && testVariant(pass),
		Nolint:        r.cfg.Nolint,
		FoldRelated:   r.cfg.FoldRelated,
		Exclude:       file.Excludes,
		Baseline:      known,
	})
	// Every write is judged first, so that what a function reports of
	// its own loads and writes is known before its callers are reported.
	judged := make([][]*finding, len(results))
	selfReports := make(map[*types.Func][]string)
	for i, res := range results {
		judged[i] = make([]*finding, len(res.Writes))
		obj, _ := res.Fn.Object().(*types.Func)
		for j, w := range res.Writes {
			judged[i][j] = r.judge(w, res, reg)
			if obj == nil {
				continue
			}
			if k := selfReport(pass, judged[i][j]); k != "" {
				selfReports[obj] = append(selfReports[obj], k)
			}
			selfReports[obj] = append(selfReports[obj], ownRewrites(pass, w)...)
		}
		if obj != nil && res.Summary != nil {
			res.Summary.Reports = slices.Compact(slices.Sorted(slices.Values(selfReports[obj])))
		}
	}
	for i, res := range results {
		quiet := quiet || migrationFunc(res.Fn.Name())
		reported := make(map[*flow.Load]bool)
		// One finding per call: a callee's writes of the caller's data
		// and of its own values are two write events at one position.
		at := make(map[token.Pos]bool)
		for j, w := range res.Writes {
			if r.cfg.Debug != nil {
				debugWrite(r.cfg.Debug, pass, w)
			}
			// A write whose failure ends the process is start-up code
			// (startup.go), asked only where there is something to report.
			startup := func() bool { return endsProcessOnFailure(pass, rep.FileOf(w.Pos), rep.CallAt(w.Pos)) }
			if !quiet {
				if ps := r.pending(pass, rep, res, w); len(ps) > 0 && !startup() {
					own.Pending = append(own.Pending, ps...)
				}
			}
			if f := judged[i][j]; f != nil && !quiet && !at[w.Pos] && !reportedByCallee(f, selfReports, facts) && !startup() {
				at[w.Pos] = true
				rep.Report(diagnostic(pass, rep, f))
				if f.label != nil {
					reported[f.label.Load] = true
				}
			}
		}
		for _, l := range res.Loads {
			if l.Lock == summary.QueryOption && l.Via == nil && !reported[l] {
				rep.Report(queryOption(pass, l))
			}
		}
		if r.cfg.Debug != nil && !res.Summary.Empty() {
			fmt.Fprintf(r.cfg.Debug, "summary %s: %s\n", res.Fn, res.Summary)
			for _, l := range res.Summary.Loads {
				fmt.Fprintf(r.cfg.Debug, "  load result %d into %d%s column=%s table=%s keys=%v %s\n", l.Result, l.Into, l.Path, l.Column, l.Table, l.Keys, l.Change)
			}
		}
		for _, b := range res.Bounds {
			if r.cfg.Debug != nil {
				fmt.Fprintf(r.cfg.Debug, "bound %s: %s\n", res.Fn, b)
			}
		}
		if obj, ok := res.Fn.Object().(*types.Func); ok && exported(obj) && !res.Summary.Empty() {
			pass.ExportObjectFact(obj, res.Summary)
		}
	}
	own.Impls = implementations(pass, results, module)
	for _, f := range imports {
		own.Add(f)
	}
	own.Normalize()
	reportResolved(pass, rep, resolvePending(own, imports))
	pass.ExportPackageFact(own)
	rep.Flush(r.cfg.Reported)
	return nil, nil
}

// selfReport returns the key by which a finding of a function's own write
// of a value it read (itself, or through a callee of its own) is known to
// its callers (summary.Summary.Reports): where the value was read, and
// its column; "" for any other finding.
func selfReport(pass *analysis.Pass, f *finding) string {
	if f == nil || f.label == nil || f.label.Load == nil || f.write.Via != nil || f.label.Column == "" {
		return ""
	}
	if site := f.label.Load.Site; site != "" {
		return site + "|" + f.label.Column // read by a callee of its own (a repository's Get)
	}
	p := pass.Fset.Position(f.label.Load.ReadPos())
	if !p.IsValid() {
		return ""
	}
	return filepath.Base(p.Filename) + ":" + strconv.Itoa(p.Line) + "|" + f.label.Column
}

// ownRewrites returns the keys (as selfReport's) of the values a write of
// the function's own stores computed from a read of the same column of
// the same row: a lost update the function judged itself, reported or
// found safe (locked, checked in the write, kept in step with another
// column). A caller that hands it the record adds nothing to that
// judgement.
func ownRewrites(pass *analysis.Pass, w *flow.Write) []string {
	if w.Via != nil {
		return nil
	}
	var out []string
	for _, v := range w.Values {
		for _, l := range v.Labels {
			if l.Load != nil && l.Changed() && sameTable(l.Load.Table, w.Table) && sameColumn(l, v.Column) && sameRow(w, v, l) {
				if k := selfReport(pass, &finding{write: w, label: l}); k != "" {
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// reportedByCallee reports whether a finding at a call is one the callee
// judged itself: the value was read and written back by the callee alone
// (ModifyTransaction reads the old transaction, rebases a column on it and
// writes it), so the caller adds nothing but another path to it.
func reportedByCallee(f *finding, local map[*types.Func][]string, facts passFacts) bool {
	l := f.label
	if l == nil || l.Load == nil || l.Load.Via == nil || f.write.Via != l.Load.Via {
		return false
	}
	reports, ok := local[l.Load.Via]
	if !ok {
		if s := facts.Summary(l.Load.Via); s != nil {
			reports = s.Reports
		}
	}
	return slices.Contains(reports, l.Load.Site+"|"+l.Column)
}

// pending returns the pending lost updates through interfaces of a write
// that would be reported at its position.
func (r *runner) pending(pass *analysis.Pass, rep *report.Reporter, res *flow.Result, w *flow.Write) []summary.Pending {
	fn := res.Fn.Name()
	if obj, ok := res.Fn.Object().(*types.Func); ok {
		fn = flow.FuncName(obj)
	}
	pos := w.Pos
	if call := rep.CallAt(pos); call != nil {
		pos = call.Pos()
	}
	ps := pendingOf(pass, fn, pos, w)
	return slices.DeleteFunc(ps, func(p summary.Pending) bool { return rep.Silenced(pos, pendingCategory(p)) })
}

// importedFacts returns the package facts of the package's direct
// imports. Each holds what its own imports' facts hold, so they are all
// the package needs, under go vet (which gives a package the facts of its
// direct imports only) as under a driver that loads everything.
func importedFacts(pass *analysis.Pass) []*summary.Package {
	var out []*summary.Package
	for _, imp := range pass.Pkg.Imports() {
		f := new(summary.Package)
		if pass.ImportPackageFact(imp, f) {
			out = append(out, f)
		}
	}
	return out
}

// testVariant reports whether the package is the test variant of another
// (it has both _test.go files and files that are not tests).
func testVariant(pass *analysis.Pass) bool {
	tests, others := false, false
	for _, f := range pass.Files {
		if strings.HasSuffix(pass.Fset.File(f.Pos()).Name(), "_test.go") {
			tests = true
		} else {
			others = true
		}
	}
	return tests && others
}

// migration reports whether a package holds schema or data migrations
// (a path element migrations, migrate, patches, …): they run once, at
// deployment or start-up, before requests are served, so their reads and
// writes race with nothing. Their summaries are still exported.
func migration(path string) bool {
	for _, el := range strings.Split(path, "/") {
		switch el {
		case "migration", "migrations", "migrate", "migrator", "patch", "patches", "dbpatch":
			return true
		}
	}
	return false
}

// migrationFunc reports whether a function is named as a migration
// (migrationSpecialUp24, migrateUsers, runMigrations): like a migrations
// package, it runs once, before requests are served.
func migrationFunc(name string) bool {
	return strings.Contains(strings.ToLower(name), "migrat")
}

// analyse analyses one function. A panic is a bug in the analyzer: it
// fails this package with an error that names the function, instead of
// ending the whole run.
func analyse(an *flow.Analysis, fn *ssa.Function) (res *flow.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error while analysing %s: %v at %s; please report it with the function's code at https://github.com/lostupdate/lostupdate/issues", fn.String(), r, panicSite())
		}
	}()
	return an.Func(fn), nil
}

// panicSite returns the function and line of the analyzer's code where a
// recovered panic happened.
func panicSite() string {
	pcs := make([]uintptr, 32)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if strings.Contains(f.Function, "lostupdate/analyzer") {
			return fmt.Sprintf("%s (%s:%d)", f.Function[strings.LastIndexByte(f.Function, '/')+1:], filepath.Base(f.File), f.Line)
		}
		if !more {
			return "an unknown place"
		}
	}
}

// ormGenerated reports whether the package is code that ent or
// sqlboiler generated into the module: ent's client
// (apis.IsEntGenerated), or a package with a file that carries ent's
// header (post, predicate, hook, migrate) or sqlboiler's (its models).
// Like a library's own code, it is not analysed: what its methods do is
// in apis, and its helpers would only add facts nobody calls through.
func ormGenerated(pass *analysis.Pass) bool {
	if apis.IsEntGenerated(pass.Pkg) {
		return true
	}
	for _, f := range pass.Files {
		if generatedBy(f, "ent") || generatedBy(f, "SQLBoiler") {
			return true
		}
	}
	return false
}

// generatedBy reports whether a file carries the header of a generator:
// "// Code generated by ent, DO NOT EDIT.", "// Code generated by
// SQLBoiler 4.19.1 (…). DO NOT EDIT.".
func generatedBy(f *ast.File, tool string) bool {
	if !ast.IsGenerated(f) || len(f.Comments) == 0 {
		return false
	}
	for _, c := range f.Comments[0].List {
		if strings.HasPrefix(c.Text, "// Code generated by "+tool) {
			return true
		}
	}
	return false
}

// relevant reports whether a package can contain a lost update, or
// summaries its importers need: it imports, directly or not, a database
// library; its dependencies have summaries (a repository layer); or it is
// a package of the module being analysed (not a dependency, not the
// standard library), whose helpers pass loaded values on (a session
// constructor, a DTO mapper). Everything else is skipped before SSA is
// built.
func relevant(pass *analysis.Pass) bool {
	seen := make(map[*types.Package]bool)
	var reaches func(p *types.Package) bool
	reaches = func(p *types.Package) bool {
		if seen[p] {
			return false
		}
		seen[p] = true
		if slices.Contains(apis.Libraries, p.Path()) {
			return true
		}
		for _, imp := range p.Imports() {
			if reaches(imp) {
				return true
			}
		}
		return false
	}
	if reaches(pass.Pkg) || len(pass.AllObjectFacts()) > 0 {
		return true
	}
	return ownModule(pass)
}

// ownModule reports whether the package belongs to a module being worked
// on rather than a dependency: a module without a version (the main
// module, a workspace module, a replacement by a directory).
func ownModule(pass *analysis.Pass) bool {
	m := pass.Module
	return m != nil && m.Path != "" && m.Path != "std" && m.Version == ""
}

// exported reports whether other packages can call fn: an exported
// function, or an exported method.
func exported(fn *types.Func) bool {
	return ast.IsExported(fn.Name())
}

// exportTableNames exports, for each model type of the package whose
// TableName method returns one constant (func (Photo) TableName() string
// { return "photos" }), the table it names: a package that uses the model
// sees the table through the fact. It reads the syntax, so that a package
// of models that imports no database library says it too.
func exportTableNames(pass *analysis.Pass) {
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Name.Name != "TableName" || fd.Recv == nil || len(fd.Recv.List) != 1 || fd.Body == nil {
				continue
			}
			fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			sig := fn.Type().(*types.Signature)
			recv := sig.Recv().Type()
			if p, ok := recv.(*types.Pointer); ok {
				recv = p.Elem()
			}
			named, ok := recv.(*types.Named)
			if !ok || named.Obj().Pkg() != pass.Pkg || sig.Params().Len() != 0 {
				continue
			}
			name, ok := constantReturn(pass, fd.Body)
			if ok && name != "" {
				pass.ExportObjectFact(named.Obj(), &summary.Table{Name: name})
			}
		}
	}
}

// exportBoilTables exports, for each model sqlboiler generated into the
// package, the table it maps: the table its query starter reads from
// (func Accounts(mods ...qm.QueryMod) accountQuery { mods = append(mods,
// qm.From("\"accounts\"")) … }). A model's name is the table's in the
// singular, which cannot tell "account" from "accounts".
func exportBoilTables(pass *analysis.Pass) {
	for _, f := range pass.Files {
		if !generatedBy(f, "SQLBoiler") {
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || fd.Body == nil {
				continue
			}
			fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			res := fn.Type().(*types.Signature).Results()
			if res.Len() != 1 {
				continue
			}
			role, m := apis.BoilRoleOf(res.At(0).Type())
			if role != apis.BoilQuery || m.Obj().Pkg() != pass.Pkg {
				continue
			}
			if table := boilFrom(pass, fd.Body); table != "" {
				pass.ExportObjectFact(m.Obj(), &summary.Table{Name: table})
			}
		}
	}
}

// boilFrom returns the table of the first qm.From call in a body with a
// constant argument, unquoted and without its schema ("\"accounts\"",
// "\"billing\".\"accounts\"": accounts).
func boilFrom(pass *analysis.Pass, body *ast.BlockStmt) string {
	table := ""
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || table != "" || len(call.Args) != 1 {
			return table == ""
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "From" {
			return true
		}
		fn, ok := pass.TypesInfo.Uses[sel.Sel].(*types.Func)
		if !ok || fn.Pkg() == nil || !apis.IsBoilPkg(fn.Pkg().Path(), "queries/qm") {
			return true
		}
		tv := pass.TypesInfo.Types[call.Args[0]]
		if tv.Value == nil || tv.Value.Kind() != constant.String {
			return true
		}
		name := constant.StringVal(tv.Value)
		name = name[strings.LastIndexByte(name, '.')+1:]
		table = strings.Trim(name, "\"`[]")
		return false
	})
	return table
}

// constantReturn returns the string constant a body returns, when each of
// its return statements returns the same one.
func constantReturn(pass *analysis.Pass, body *ast.BlockStmt) (string, bool) {
	name, found, ok := "", false, true
	ast.Inspect(body, func(n ast.Node) bool {
		if _, lit := n.(*ast.FuncLit); lit {
			return false
		}
		ret, isRet := n.(*ast.ReturnStmt)
		if !isRet {
			return true
		}
		if len(ret.Results) != 1 {
			ok = false
			return false
		}
		tv, has := pass.TypesInfo.Types[ret.Results[0]]
		if !has || tv.Value == nil || tv.Value.Kind() != constant.String {
			ok = false
			return false
		}
		v := constant.StringVal(tv.Value)
		if found && v != name {
			ok = false
		}
		name, found = v, true
		return true
	})
	return name, ok && found
}

// passFacts gives the flow engine the summaries of imported functions,
// and those the project's configuration declares.
type passFacts struct {
	pass     *analysis.Pass
	declared map[string]*declaration
}

// declaration is a function the configuration file declares, and where.
type declaration struct {
	configfile.Function
	site string // the file and line of the declaration, for messages
	// sum is its summary, built at the first call the analysis meets.
	sum *summary.Summary
}

// declared returns the declared functions, by full name: those of the
// configuration, and then the configuration file's (file, when not nil),
// which say where they were declared.
func declared(fns []configfile.Function, file *configfile.File) map[string]*declaration {
	if len(fns) == 0 {
		return nil
	}
	out := make(map[string]*declaration, len(fns))
	for i, f := range fns {
		site := "the lostupdate settings"
		if file != nil && i >= len(fns)-len(file.Functions) {
			site = fmt.Sprintf("%s:%d", filepath.Base(file.Path), f.Line)
		}
		out[f.Name] = &declaration{Function: f, site: site}
	}
	return out
}

// Declared returns the summary of a function the configuration declares:
// its parameters count from 0 without the receiver, as a call writes
// them, and the summary's with it.
func (f passFacts) Declared(fn *types.Func) *summary.Summary {
	if fn == nil || len(f.declared) == 0 {
		return nil
	}
	d, ok := f.declared[fn.Origin().FullName()]
	if !ok {
		return nil
	}
	if d.sum == nil {
		d.sum = d.summary(fn)
	}
	return d.sum
}

// summary builds the summary the declaration stands for, for fn.
func (d *declaration) summary(fn *types.Func) *summary.Summary {
	sig, _ := fn.Type().(*types.Signature)
	shift := func(n int) int {
		if n >= 0 && sig != nil && sig.Recv() != nil {
			return n + 1
		}
		return n
	}
	s := &summary.Summary{}
	h := summary.HandleRef{Param: shift(d.Handle), Kind: summary.Unknown}
	table := "sql:" + d.Table
	if d.LoadsResult >= 0 || d.LoadsParam >= 0 {
		s.Loads = append(s.Loads, summary.Load{Result: d.LoadsResult, Into: shift(d.LoadsParam), Column: d.Column, Table: table,
			Handle: h, Rows: -1, SQL: -1, Record: d.Column == "", Site: d.site})
	}
	if d.Saves >= 0 {
		numeric := false
		if sig != nil && d.Saves < sig.Params().Len() {
			if b, ok := sig.Params().At(d.Saves).Type().Underlying().(*types.Basic); ok {
				numeric = b.Info()&types.IsNumeric != 0
			}
		}
		s.Writes = append(s.Writes, summary.Write{Param: shift(d.Saves), Whole: d.Column == "", Column: d.Column, Table: table,
			Handle: h, Numeric: numeric, Site: d.site})
		s.Effects = true
	}
	if d.Locks >= 0 {
		s.Locks = append(s.Locks, summary.LockEffect{Handle: summary.HandleRef{Param: shift(d.Locks), Kind: summary.Unknown, InTx: true}, Site: d.site})
	}
	if d.Serializes {
		// A lock of the application's own, on no handle of the caller's:
		// a mutex its other writers take too.
		s.Locks = append(s.Locks, summary.LockEffect{Handle: summary.HandleRef{Param: -1, Kind: summary.Unknown, InTx: true}, Site: d.site, Advisory: true})
	}
	if d.Transaction >= 0 {
		arg := 0
		if sig != nil && d.Transaction < sig.Params().Len() {
			if cb, ok := sig.Params().At(d.Transaction).Type().Underlying().(*types.Signature); ok {
				for i := 0; i < cb.Params().Len(); i++ {
					if apis.HandleKindOf(cb.Params().At(i).Type()) != apis.NotHandle {
						arg = i
						break
					}
				}
			}
		}
		s.RunsInTx = append(s.RunsInTx, summary.RunInTx{Callback: shift(d.Transaction), Arg: arg, Kind: summary.Tx})
	}
	return s
}

func (f passFacts) TableName(tn *types.TypeName) (string, bool) {
	if tn == nil || tn.Pkg() == nil || tn.Pkg() == f.pass.Pkg {
		return "", false
	}
	var t summary.Table
	if f.pass.ImportObjectFact(tn, &t) {
		return t.Name, true
	}
	return "", false
}

func (f passFacts) Summary(fn *types.Func) *summary.Summary {
	if fn == nil || fn.Pkg() == nil || fn.Pkg() == f.pass.Pkg {
		return nil
	}
	var s summary.Summary
	if f.pass.ImportObjectFact(fn.Origin(), &s) {
		return &s
	}
	if f.pass.ImportPackageFact(fn.Pkg(), new(summary.Package)) {
		return &summary.Summary{} // analysed: it does nothing a caller needs
	}
	return nil
}

// debugFlag is the -explain flag (-debug and -trace are the driver's): set, it sends the output to
// standard error.
type debugFlag struct{ w *io.Writer }

func (f debugFlag) String() string {
	if f.w != nil && *f.w != nil {
		return "true"
	}
	return "false"
}

func (f debugFlag) Set(s string) error {
	on, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("-explain takes true or false, not %q", s)
	}
	*f.w = nil
	if on {
		*f.w = os.Stderr
	}
	return nil
}

// IsBoolFlag lets -explain be given without a value.
func (debugFlag) IsBoolFlag() bool { return true }

// debugWrite prints a write as the judge sees it.
func debugWrite(out io.Writer, pass *analysis.Pass, w *flow.Write) {
	fmt.Fprintf(out, "write %s table=%s sets=%v atomic=%v checks=%v tested=%v row=%v keys=%s\n", pass.Fset.Position(w.Pos), w.Table, w.Sets, w.Atomic, w.Checks, w.Tested, w.Row, keyNames(w.KeyArgs))
	for _, v := range w.Values {
		fmt.Fprintf(out, "  value %s %s:", v.Column, v.Name)
		for _, l := range v.Labels {
			if l.Load != nil {
				fmt.Fprintf(out, " [load at %s %s column=%s %s table=%s keys=%s]", pass.Fset.Position(l.Load.Pos), l.Name, l.Column, l.Change, l.Load.Table, keyNames(l.Load.KeyArgs))
			} else {
				fmt.Fprintf(out, " [param %d%s %s]", l.Param, l.PPath, l.Change)
			}
		}
		if v.Const {
			fmt.Fprintf(out, " [constant %q]", v.Value)
		}
		if v.Row.Known() {
			fmt.Fprintf(out, "    row: loads")
			for _, l := range v.Row.Loads {
				fmt.Fprintf(out, " %s keys=%s", pass.Fset.Position(l.Pos), keyNames(l.KeyArgs))
			}
			fmt.Fprintf(out, " params %v elsewhere=%v\n", v.Row.Params, v.Row.Elsewhere)
		}
		fmt.Fprintln(out)
	}
	if len(w.KeyRow.Loads) > 0 {
		fmt.Fprintf(out, "  key row: loads")
		for _, l := range w.KeyRow.Loads {
			fmt.Fprintf(out, " %s", pass.Fset.Position(l.Pos))
		}
		fmt.Fprintln(out)
	}
	for _, g := range w.Guards {
		fmt.Fprintf(out, "  guard %s holds=%q differs=%v:", pass.Fset.Position(g.Pos), g.Holds, g.Differs)
		for _, l := range g.Labels {
			if l.Load != nil {
				fmt.Fprintf(out, " [load %s column=%s keys=%s]", l.Name, l.Column, keyNames(l.Load.KeyArgs))
			}
		}
		fmt.Fprintln(out)
	}
}

// keyNames prints the values key columns are compared with, in column
// order, for -explain.
func keyNames(keys map[string]ssa.Value) string {
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(keys)) {
		parts = append(parts, c+"="+keys[c].String())
	}
	return "[" + strings.Join(parts, " ") + "]"
}
