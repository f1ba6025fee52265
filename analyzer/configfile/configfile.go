// Package configfile finds and reads a project's lostupdate configuration:
// a .lostupdate.yml (or .lostupdate.yaml, or lostupdate.json) in the root
// of the module being analysed or in a directory above it, up to the root
// of its repository. It says which categories to disable or report in
// full, whether to report findings in tests, and which paths to leave out
// (generated code, legacy packages), and what the project's own functions
// that the analysis cannot see into do with their data. Every driver reads it the same way:
// the standalone command, go vet and golangci-lint.
package configfile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Names are the file names looked for in each directory. A directory may
// hold only one of them.
var Names = []string{".lostupdate.yml", ".lostupdate.yaml", "lostupdate.json"}

// File is a configuration file as read.
type File struct {
	// Path is where it was read.
	Path string
	// Disable lists categories not to report.
	Disable []string
	// Enable lists categories to report in full.
	Enable []string
	// Tests reports findings in _test.go files too.
	Tests bool
	// Exclude lists slash-separated patterns, relative to the file's
	// directory, of files and directories whose findings are not
	// reported: path.Match patterns per path element, where ** stands
	// for any number of elements. A pattern that names a directory
	// excludes everything under it.
	Exclude []string
	// Baseline names a baseline file (see package baseline), relative to
	// the file's directory; empty when none is named. Naming it here
	// rather than with -baseline lets go vet, which caches a package's
	// results, see when it changes (lostupdate -V=full hashes both).
	Baseline string
	// Functions declares what the project's functions the analysis
	// cannot see into do with their data.
	Functions []Function
}

// keys are the keys a file may have, in the order errors list them.
var keys = []string{"baseline", "disable", "enable", "exclude", "functions", "tests"}

// Parse reads a configuration file's contents; name is its path, for
// errors and to resolve its exclude patterns. Categories are the names
// disable and enable may hold. An unknown key, an unknown category or a
// pattern that cannot match is an error that names it and its line.
func Parse(name string, data []byte, categories []string) (*File, error) {
	f := &File{Path: name}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return f, nil // an empty file configures nothing
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: the configuration must be a mapping of keys (%s) to values", name, root.Line, strings.Join(keys, ", "))
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var err error
		switch k.Value {
		case "disable":
			f.Disable, err = categoryList(v, categories)
		case "enable":
			f.Enable, err = categoryList(v, categories)
		case "tests":
			if v.Kind != yaml.ScalarNode || v.Decode(&f.Tests) != nil {
				err = fmt.Errorf("%d: tests must be true or false", v.Line)
			}
		case "exclude":
			f.Exclude, err = patterns(v)
		case "functions":
			f.Functions, err = functions(v)
		case "baseline":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!str" || v.Value == "" {
				err = fmt.Errorf("%d: baseline must be the name of a baseline file, relative to this one", v.Line)
				break
			}
			f.Baseline = v.Value
			if !filepath.IsAbs(v.Value) {
				f.Baseline = filepath.Join(filepath.Dir(name), filepath.FromSlash(v.Value))
			}
		default:
			err = fmt.Errorf("%d: unknown key %q: the keys are %s", k.Line, k.Value, strings.Join(keys, ", "))
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%w", name, err)
		}
	}
	return f, nil
}

// stringList decodes a list of strings (or one string).
func stringList(v *yaml.Node, what string) ([]string, error) {
	var list []string
	if v.Kind == yaml.ScalarNode && v.Tag == "!!str" {
		return []string{v.Value}, nil
	}
	if v.Kind != yaml.SequenceNode || v.Decode(&list) != nil {
		return nil, fmt.Errorf("%d: %s must be a list of strings", v.Line, what)
	}
	return list, nil
}

// categoryList decodes a list of category names and checks each.
func categoryList(v *yaml.Node, categories []string) ([]string, error) {
	list, err := stringList(v, "a category list")
	if err != nil {
		return nil, err
	}
	for i, c := range list {
		if !slices.Contains(categories, c) {
			line := v.Line
			if v.Kind == yaml.SequenceNode {
				line = v.Content[i].Line
			}
			return nil, fmt.Errorf("%d: unknown category %q: the categories are %s", line, c, strings.Join(categories, ", "))
		}
	}
	return list, nil
}

// patterns decodes and checks exclude patterns.
func patterns(v *yaml.Node) ([]string, error) {
	list, err := stringList(v, "exclude")
	if err != nil {
		return nil, err
	}
	for i, p := range list {
		line := v.Line
		if v.Kind == yaml.SequenceNode {
			line = v.Content[i].Line
		}
		clean := path.Clean(p)
		switch {
		case p == "" || strings.Contains(p, `\`):
			return nil, fmt.Errorf("%d: exclude pattern %q: write a slash-separated path relative to the configuration file", line, p)
		case path.IsAbs(p) || clean == ".." || strings.HasPrefix(clean, "../"):
			return nil, fmt.Errorf("%d: exclude pattern %q reaches outside the directory of the configuration file: patterns are relative to it", line, p)
		}
		for _, elem := range strings.Split(clean, "/") {
			if _, err := path.Match(elem, ""); err != nil {
				return nil, fmt.Errorf("%d: exclude pattern %q: %v", line, p, err)
			}
		}
		list[i] = clean
	}
	return list, nil
}

// Excludes reports whether the findings of the named file are left out.
func (f *File) Excludes(filename string) bool {
	if f == nil || len(f.Exclude) == 0 {
		return false
	}
	rel, err := filepath.Rel(filepath.Dir(f.Path), filename)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return false
	}
	elems := strings.Split(filepath.ToSlash(rel), "/")
	for _, p := range f.Exclude {
		pe := strings.Split(p, "/")
		// The file itself, or a directory above it.
		for n := 1; n <= len(elems); n++ {
			if match(pe, elems[:n]) {
				return true
			}
		}
	}
	return false
}

// match matches path elements against pattern elements, ** standing for
// any number of elements.
func match(pattern, elems []string) bool {
	if len(pattern) == 0 {
		return len(elems) == 0
	}
	if pattern[0] == "**" {
		for i := 0; i <= len(elems); i++ {
			if match(pattern[1:], elems[i:]) {
				return true
			}
		}
		return false
	}
	if len(elems) == 0 {
		return false
	}
	ok, _ := path.Match(pattern[0], elems[0])
	return ok && match(pattern[1:], elems[1:])
}

// Stamp returns a hash of the configuration found for dir and of the
// baseline it names, or "" when there is none: lostupdate -V=full adds it
// to its version, which go vet makes part of the key under which it caches
// a package's results, so that an edited configuration or baseline is not
// answered from that cache.
func Stamp(dir string, categories []string) string {
	f, err := NewFinder(categories).For(dir)
	if err != nil || f == nil {
		return ""
	}
	h := sha256.New()
	for _, name := range []string{f.Path, f.Baseline} {
		if name == "" {
			continue
		}
		data, _ := os.ReadFile(name)
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Finder finds the configuration that applies to a directory, reading
// each file once. It is safe for concurrent use.
type Finder struct {
	categories []string
	mu         sync.Mutex
	found      map[string]found // module root → its configuration
}

type found struct {
	file *File
	err  error
}

// NewFinder returns a finder whose files may name the given categories.
func NewFinder(categories []string) *Finder {
	return &Finder{categories: categories, found: make(map[string]found)}
}

// For returns the configuration of the package in dir: the first file
// found in the root of its module (the directory of the nearest go.mod)
// or a directory above it, up to the root of the repository (a directory
// with .git) or of the file system. It returns nil if there is none.
func (fi *Finder) For(dir string) (*File, error) {
	start, ok := ModuleRoot(dir)
	if !ok {
		start = dir
	}
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if r, ok := fi.found[start]; ok {
		return r.file, r.err
	}
	f, err := find(start, fi.categories)
	fi.found[start] = found{f, err}
	return f, err
}

// ModuleRoot returns the directory of the nearest go.mod at or above dir;
// ok is false when there is none.
func ModuleRoot(dir string) (root string, ok bool) {
	for d := dir; ; {
		if st, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && st.Mode().IsRegular() {
			return d, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}

// find looks for a configuration file from dir up.
func find(dir string, categories []string) (*File, error) {
	for d := dir; ; {
		var names []string
		for _, n := range Names {
			if st, err := os.Stat(filepath.Join(d, n)); err == nil && st.Mode().IsRegular() {
				names = append(names, n)
			}
		}
		switch len(names) {
		case 0:
		case 1:
			name := filepath.Join(d, names[0])
			data, err := os.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("reading the configuration: %w", err)
			}
			return Parse(name, data, categories)
		default:
			return nil, fmt.Errorf("%s holds %s: keep one configuration file", d, strings.Join(names, " and "))
		}
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return nil, nil // the repository's root
		}
		parent := filepath.Dir(d)
		if parent == d {
			return nil, nil
		}
		d = parent
	}
}
