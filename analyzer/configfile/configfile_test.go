package configfile

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var categories = []string{"lost-update", "mutex", "stale-row"}

func TestParse(t *testing.T) {
	tests := []struct {
		name, data string
		want       File   // when err is ""
		err        string // a substring of the error
	}{
		{name: "empty", data: ""},
		{name: "all keys", data: "disable: [mutex]\nenable:\n  - stale-row\ntests: true\nexclude: [internal/legacy, '**/*_gen.go']\nbaseline: base.json\n",
			want: File{Disable: []string{"mutex"}, Enable: []string{"stale-row"}, Tests: true,
				Exclude: []string{"internal/legacy", "**/*_gen.go"}, Baseline: filepath.Join("/repo", "base.json")}},
		{name: "one string for a list", data: "disable: mutex\n", want: File{Disable: []string{"mutex"}}},
		{name: "JSON", data: `{"disable": ["mutex"], "tests": false}`, want: File{Disable: []string{"mutex"}}},
		{name: "unknown key", data: "disable: [mutex]\nexlude: [x]\n", err: `/repo/.lostupdate.yml:2: unknown key "exlude": the keys are baseline, disable, enable, exclude, functions, tests`},
		{name: "unknown category", data: "disable:\n  - mutex\n  - lostupdate\n", err: `/repo/.lostupdate.yml:3: unknown category "lostupdate": the categories are lost-update, mutex, stale-row`},
		{name: "tests not a bool", data: "tests: sometimes\n", err: ":1: tests must be true or false"},
		{name: "list of maps", data: "exclude: [{a: b}]\n", err: ":1: exclude must be a list of strings"},
		{name: "pattern outside", data: "exclude: [../other]\n", err: `exclude pattern "../other" reaches outside`},
		{name: "absolute pattern", data: "exclude: [/etc]\n", err: `exclude pattern "/etc" reaches outside`},
		{name: "bad pattern", data: "exclude: ['a/[b']\n", err: `exclude pattern "a/[b": syntax error in pattern`},
		{name: "not a mapping", data: "- disable\n", err: ":1: the configuration must be a mapping"},
		{name: "not YAML", data: "disable: [mutex\n", err: "/repo/.lostupdate.yml: "},
		{name: "empty baseline", data: "baseline: ''\n", err: ":1: baseline must be the name of a baseline file"},
		{name: "functions", data: "functions:\n  example.com/app/store.Balance: {loads: result 0, table: accounts, column: balance, handle: param 1}\n" +
			"  (*example.com/app/store.Repo).Save: {saves: param 1, table: public.accounts}\n  example.com/app/db.InTx:\n    runs-in-transaction: param 1\n" +
			"  example.com/app/db.Lock: {locks: param 0}\n  example.com/app/store.Fill: {loads: param 2, table: accounts}\n  example.com/app/event.New: {serializes: true}\n",
			want: File{Functions: []Function{
				{Name: "example.com/app/store.Balance", Line: 2, LoadsResult: 0, LoadsParam: -1, Saves: -1, Table: "accounts", Column: "balance", Handle: 1, Locks: -1, Transaction: -1},
				{Name: "(*example.com/app/store.Repo).Save", Line: 3, LoadsResult: -1, LoadsParam: -1, Saves: 1, Table: "public.accounts", Handle: -1, Locks: -1, Transaction: -1},
				{Name: "example.com/app/db.InTx", Line: 4, LoadsResult: -1, LoadsParam: -1, Saves: -1, Handle: -1, Locks: -1, Transaction: 1},
				{Name: "example.com/app/db.Lock", Line: 6, LoadsResult: -1, LoadsParam: -1, Saves: -1, Handle: -1, Locks: 0, Transaction: -1},
				{Name: "example.com/app/store.Fill", Line: 7, LoadsResult: -1, LoadsParam: 2, Saves: -1, Table: "accounts", Handle: -1, Locks: -1, Transaction: -1},
				{Name: "example.com/app/event.New", Line: 8, LoadsResult: -1, LoadsParam: -1, Saves: -1, Handle: -1, Locks: -1, Transaction: -1, Serializes: true},
			}}},
		{name: "functions not a mapping", data: "functions: [a.B]\n", err: ":1: functions must map full function names"},
		{name: "function name", data: "functions:\n  Balance: {loads: result 0, table: t}\n", err: `:2: "Balance" is not a full function name`},
		{name: "function key", data: "functions:\n  a/b.C: {reads: result 0}\n", err: `:2: a/b.C: unknown key "reads": the keys are column, handle, loads, locks, runs-in-transaction, saves, serializes, table`},
		{name: "function serializes", data: "functions:\n  a/b.C: {serializes: yes please}\n", err: `:2: serializes must be true or false`},
		{name: "function position", data: "functions:\n  a/b.C: {loads: first, table: t}\n", err: `:2: loads must be "result N" or "param N", counting from 0`},
		{name: "function saves a result", data: "functions:\n  a/b.C: {saves: result 0, table: t}\n", err: `:2: saves must be "param N"`},
		{name: "function without table", data: "functions:\n  a/b.C: {saves: param 1}\n", err: `:2: a/b.C: name the table it reads or writes`},
		{name: "function does nothing", data: "functions:\n  a/b.C: {table: t}\n", err: `:2: a/b.C: say what it does`},
		{name: "function twice", data: "functions:\n  a/b.C: {locks: param 0}\n  a/b.C: {locks: param 1}\n", err: `:3: a/b.C is declared twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("/repo/.lostupdate.yml", []byte(tt.data), categories)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Parse: error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.want.Path = "/repo/.lostupdate.yml"
			if !slices.Equal(f.Disable, tt.want.Disable) || !slices.Equal(f.Enable, tt.want.Enable) || f.Tests != tt.want.Tests ||
				!slices.Equal(f.Exclude, tt.want.Exclude) || f.Baseline != tt.want.Baseline || f.Path != tt.want.Path ||
				!slices.Equal(f.Functions, tt.want.Functions) {
				t.Errorf("Parse = %+v, want %+v", *f, tt.want)
			}
		})
	}
}

func TestExcludes(t *testing.T) {
	f := &File{Path: "/repo/.lostupdate.yml", Exclude: []string{"internal/legacy", "**/*_gen.go", "cmd/*/main.go"}}
	tests := []struct {
		file string
		want bool
	}{
		{"/repo/internal/legacy/a.go", true},
		{"/repo/internal/legacy/sub/b.go", true},
		{"/repo/internal/legacyx/a.go", false},
		{"/repo/internal/store/user_gen.go", true},
		{"/repo/user_gen.go", true},
		{"/repo/internal/store/user.go", false},
		{"/repo/cmd/server/main.go", true},
		{"/repo/cmd/server/run.go", false},
		{"/elsewhere/internal/legacy/a.go", false},
	}
	for _, tt := range tests {
		if got := f.Excludes(tt.file); got != tt.want {
			t.Errorf("Excludes(%s) = %v, want %v", tt.file, got, tt.want)
		}
	}
	if (*File)(nil).Excludes("/repo/a.go") {
		t.Error("a nil File excludes a file")
	}
}

// write creates a file and its directories.
func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFinder(t *testing.T) {
	root := t.TempDir()
	// A repository with a configuration at its root, a module without
	// one in svc/ (it uses the root's), a module with its own in tool/,
	// and a module with two files in bad/.
	write(t, filepath.Join(root, ".git", "HEAD"), "ref: refs/heads/main\n")
	write(t, filepath.Join(root, ".lostupdate.yml"), "disable: [mutex]\n")
	write(t, filepath.Join(root, "svc", "go.mod"), "module svc\n")
	write(t, filepath.Join(root, "tool", "go.mod"), "module tool\n")
	write(t, filepath.Join(root, "tool", "lostupdate.json"), `{"tests": true}`)
	write(t, filepath.Join(root, "bad", "go.mod"), "module bad\n")
	write(t, filepath.Join(root, "bad", ".lostupdate.yml"), "")
	write(t, filepath.Join(root, "bad", ".lostupdate.yaml"), "")
	// Outside the repository: a configuration above it is not read.
	write(t, filepath.Join(filepath.Dir(root), ".lostupdate.yml"), "")

	tests := []struct {
		dir, want, err string
	}{
		{dir: "svc/internal/store", want: ".lostupdate.yml"},
		{dir: "tool/cmd", want: "tool/lostupdate.json"},
		{dir: "bad/pkg", err: "holds .lostupdate.yml and .lostupdate.yaml: keep one configuration file"},
	}
	fi := NewFinder(categories)
	for _, tt := range tests {
		dir := filepath.Join(root, tt.dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := fi.For(dir)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("For(%s): error %v, want %q", tt.dir, err, tt.err)
			}
		case err != nil:
			t.Errorf("For(%s): %v", tt.dir, err)
		case f == nil || f.Path != filepath.Join(root, tt.want):
			t.Errorf("For(%s) = %+v, want %s", tt.dir, f, tt.want)
		}
	}

	// A repository without configuration: none, and no stamp.
	bare := t.TempDir()
	write(t, filepath.Join(bare, ".git", "HEAD"), "")
	write(t, filepath.Join(bare, "go.mod"), "module bare\n")
	if f, err := NewFinder(categories).For(bare); f != nil || err != nil {
		t.Errorf("For(bare) = %v, %v; want none", f, err)
	}
	if s := Stamp(bare, categories); s != "" {
		t.Errorf("Stamp(bare) = %q, want empty", s)
	}
}

// TestStamp checks that the stamp changes with the configuration and with
// the baseline it names.
func TestStamp(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, ".git", "HEAD"), "")
	write(t, filepath.Join(dir, "go.mod"), "module m\n")
	write(t, filepath.Join(dir, ".lostupdate.yml"), "baseline: base.json\n")
	write(t, filepath.Join(dir, "base.json"), "one")
	first := Stamp(dir, categories)
	write(t, filepath.Join(dir, "base.json"), "two")
	second := Stamp(dir, categories)
	write(t, filepath.Join(dir, ".lostupdate.yml"), "baseline: base.json\ndisable: [mutex]\n")
	third := Stamp(dir, categories)
	if first == "" || first == second || second == third || first == third {
		t.Errorf("stamps %q, %q, %q: want three different ones", first, second, third)
	}
}
