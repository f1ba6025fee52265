package analyzer_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/lostupdate/lostupdate/analyzer"
)

// testModules are the analysistest modules; each requires real library
// modules, which TestMain downloads into the module cache because
// analysistest loads packages with GOPROXY=off.
var testModules = []string{"cases", "pgx", "sqlx", "redis", "redigo", "memcache", "bun", "xorm", "ent", "mongo", "sqlboiler", "gormv1", "unmodelled", "request"}

func TestMain(m *testing.M) {
	for _, mod := range testModules {
		dir := filepath.Join(testdata(), mod)
		cmd := exec.Command("go", "mod", "download")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go mod download in %s: %v\n%s", dir, err, out)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

func testdata() string {
	dir, err := filepath.Abs(filepath.Join("..", "testdata"))
	if err != nil {
		panic(err)
	}
	return dir
}

func TestCases(t *testing.T) {
	tests := []struct {
		name     string
		patterns []string
	}{
		{"database/sql", []string{"./bank"}},
		{"gorm", []string{"./shop"}},
		{"repository layer across packages", []string{"./repo", "./service"}},
		{"repository layer in one package", []string{"./gormrepo"}},
		{"ignore directives", []string{"./ignore"}},
		{"sqlc-style generated queries and DBTX", []string{"./sqlcstyle"}},
		{"pointers kept in results and slices", []string{"./feeds"}},
		{"wrappers that pass SQL on", []string{"./wrapper"}},
		{"SQL built with Sprintf and +", []string{"./builtsql"}},
		{"shapes of real services", []string{"./shapes/..."}},
		{"table names from another package's TableName", []string{"./tablenames/..."}},
		{"a callee's own lost update reported once, where it reads and writes", []string{"./selfreport/..."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			analysistest.Run(t, filepath.Join(testdata(), "cases"), analyzer.Analyzer, tt.patterns...)
		})
	}
}

// TestConfigs runs the analyzer with configurations other than the
// default on the packages that show what they change.
func TestConfigs(t *testing.T) {
	tests := []struct {
		name     string
		cfg      analyzer.Config
		patterns []string
	}{
		{"stale-row in full", analyzer.Config{Enable: []string{analyzer.CategoryStaleRow}}, []string{"./configs/fullstale"}},
		{"findings in test files", analyzer.Config{Tests: true}, []string{"./configs/testfiles"}},
		{"golangci-lint's nolint honoured", analyzer.Config{Nolint: true}, []string{"./configs/nolint"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			analysistest.Run(t, filepath.Join(testdata(), "cases"), analyzer.New(tt.cfg), tt.patterns...)
		})
	}
}

// libraryPatterns are the packages TestLibraries analyses in a module
// where not all of them ("./..."). sqlboiler's generated models are a
// dependency there, not a package checked: the facts they export (the
// table of each model) would need want comments in generated code. The
// singular table page, which only that fact names, checks them through
// ./pages.
var libraryPatterns = map[string][]string{
	"sqlboiler": {"./accounts", "./pages", "./store", "./service"},
}

// TestLibraries runs the analyzer on the test module of each library
// beyond database/sql and GORM, each requiring the real library.
func TestLibraries(t *testing.T) {
	tests := []struct {
		module string
		covers string
	}{
		{"pgx", "v5 and v4: pools, connections, BeginFunc (a method in v4), TxOptions, CollectRows, sqlc's pgx DBTX, a FOR UPDATE of a missing row"},
		{"sqlx", "Get, Select, StructScan, NamedExec with structs and maps, Beginx, embedded database/sql handles; the fork github.com/rpadovani/sqlx-v2, SQL built with Sprintf in a constructor and kept in fields, Rebind, a nullable column checked in Go, sqlx behind an interface of the program's own, rows of a Select with a field opened in place, returned as a slice and in a record's field"},
		{"bun", "NewSelect and NewUpdate with models, Set, Column, For(\"UPDATE\"), RunInTx; a list loaded by the caller, appended to in a helper and written with the columns a helper names; a Set expression that adds as a fix"},
		{"xorm", "Get, Find, Update with Cols, maps, Incr, Decr and SetExpr, Exec, ForUpdate, NewSession with Begin, Transaction, version fields, a repository across packages; Incr or Decr in the Update's chain as a fix; a balance moved by a delta computed from an amount read without a lock and set anew; the same API at github.com/go-xorm/xorm and in the fork github.com/xorm-io/xorm"},
		{"ent", "generated code recognised by shape: Get, Query with Where and ForUpdate, Only, First, UpdateOne, UpdateOneID and Update with SetX and AddX, Save and Exec, client.Tx with Commit and Rollback, a version in Where, a repository across packages, a post kept in the request's context"},
		{"mongo", "MongoDB driver v1 and v2: FindOne with Decode, Find with All, UpdateOne, UpdateMany, UpdateByID and FindOneAndUpdate with bson.M and bson.D documents, $set against $inc, a filter on the value read or a version, ReplaceOne of a whole document, session.WithTransaction, another collection, a repository across packages"},
		{"sqlboiler", "generated models recognised by shape: FindX, X(mods...).One and All, Update with boil.Infer, Whitelist and Blacklist, UpdateAll with models.M, queries.Raw with ExecContext, QueryRowContext and Bind, the executor's ExecContext, qm.Where, the generated where helpers and column names, qm.For(\"update\") inside db.BeginTx and boil.BeginTx and outside a transaction, a version in the mods of UpdateAll, a repository across packages with a transaction helper"},
		{"gormv1", "GORM v1 (github.com/jinzhu/gorm): First, Find, Take then Save, variadic Update and UpdateColumn, Updates of a map, Set(\"gorm:query_option\", \"FOR UPDATE\") locking inside Begin and Transaction and not outside, LOCK IN SHARE MODE, gorm.Expr, a repository across packages"},
		{"redis", "go-redis v9, v8 and v7 (no ctx): GET then SET, INCRBY, WATCH with TxPipelined, MULTI without WATCH, hashes, UniversalClient; the key's IncrBy, DecrBy or HIncrBy as a fix; redsync and redislock locks, directly and through a wrapper of another package; a repository of counters across packages"},
		{"memcache", "Get then Set or Replace, Increment, CompareAndSwap"},
		{"request", "a record a middleware kept for the request (gin's Get and MustGet, echo's Get, context.Context's Value), directly and through a helper of another package, changed and written back with GORM (a list kept as JSON by json-iterator among them); atomic writes, values from the request, a handle and claims kept beside it"},
		{"redigo", "Do and Send: GET then SET, INCRBY, WATCH with MULTI and EXEC, MULTI without WATCH, HGET then HSET, another key, reply converters, a repository across packages; INCRBY, DECRBY or HINCRBY as a fix"},
	}
	for _, tt := range tests {
		t.Run(tt.module, func(t *testing.T) {
			t.Logf("covers %s", tt.covers)
			patterns := libraryPatterns[tt.module]
			if len(patterns) == 0 {
				patterns = []string{"./..."}
			}
			analysistest.Run(t, filepath.Join(testdata(), tt.module), analyzer.Analyzer, patterns...)
		})
	}
}

// fixPackages are the packages whose suggested fixes are checked against
// golden files (the package's file.go against file.go.golden): by
// TestSuggestedFixes, and by TestFixesBuild, which type-checks each
// package with its golden files in place.
var fixPackages = []struct {
	module  string // a module under testdata
	pattern string // the package, relative to the module
}{
	{"cases", "./fixes"},
	{"pgx", "./wallet"},
	{"gormv1", "./store"},
	{"ent", "./posts"},
	{"mongo", "./accounts"},
	{"sqlboiler", "./pages"},
	{"bun", "./counters"},
	{"xorm", "./counters"},
	{"redis", "./counters"},
	{"redigo", "./counters"},
}

// TestSuggestedFixes applies every suggested fix and compares the result
// with the golden files.
func TestSuggestedFixes(t *testing.T) {
	for _, p := range fixPackages {
		t.Run(p.module+"/"+p.pattern, func(t *testing.T) {
			analysistest.RunWithSuggestedFixes(t, filepath.Join(testdata(), p.module), analyzer.Analyzer, p.pattern)
		})
	}
}

// TestTitles checks that every category has a one-line title.
func TestTitles(t *testing.T) {
	for _, c := range analyzer.Categories {
		if title := analyzer.Title(c); title == "" || strings.Contains(title, "\n") {
			t.Errorf("Title(%q) = %q, want one line", c, title)
		}
	}
	if title := analyzer.Title("no-such-category"); title != "" {
		t.Errorf("Title of an unknown category = %q, want empty", title)
	}
}
