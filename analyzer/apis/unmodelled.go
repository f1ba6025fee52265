package apis

import "strings"

// An UnmodelledLibrary is a data library that lostupdate knows it does not
// model: a package that reaches its database or cache through it is not
// checked, and a run that finds it says so rather than stay silent.
type UnmodelledLibrary struct {
	// Name is what users call the library: "go-redis v8".
	Name string
	// Path is the import path of the library's module or root package:
	// its packages and subpackages are the library.
	Path string
}

// unmodelled lists the libraries, each by the import paths of its major
// versions and forks.
var unmodelled = []UnmodelledLibrary{
	{"go-redis v6", "github.com/go-redis/redis"},
	{"rueidis", "github.com/redis/rueidis"},
	{"pocketbase/dbx", "github.com/pocketbase/dbx"},
	{"sqlboiler v3", "github.com/volatiletech/sqlboiler"},
	{"go-pg", "github.com/go-pg/pg"},
	{"upper/db", "github.com/upper/db"},
	{"gocql", "github.com/gocql/gocql"},
}

// Unmodelled returns the library that the package at import path belongs
// to, if it is one that lostupdate does not model. An entry covers the
// library's packages and its major versions under its path, except those
// that are modelled (go-redis v7 and v8 under github.com/go-redis/redis,
// sqlboiler v4 under github.com/volatiletech/sqlboiler).
func Unmodelled(path string) (UnmodelledLibrary, bool) {
	if IsLibrary(path) {
		return UnmodelledLibrary{}, false
	}
	for _, l := range unmodelled {
		if path == l.Path || strings.HasPrefix(path, l.Path+"/") {
			return l, true
		}
	}
	return UnmodelledLibrary{}, false
}
