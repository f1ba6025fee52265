// Package version says which lostupdate a binary is: the module version it
// was installed at (go install …@v1.2.0), or, for a build from a clone,
// "(devel)" with the commit it was built from.
package version

import (
	"runtime/debug"
	"strings"
)

// String returns the version of the running binary: "v1.2.0" for a
// release; for a build from a clone, the pseudo-version Go stamps from the
// commit ("v0.0.0-20261202015128-bcc13278f569", with "+dirty" when the tree
// had uncommitted changes) or, where the build stamped no version (built
// with -buildvcs=false), "(devel) 4f3c2a1b9e0d" (with "-dirty" when the tree had
// uncommitted changes) for a build from a clone, "(devel)" when the build
// recorded no commit, and "(unknown)" when the binary carries no build
// information.
func String() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	return fromBuildInfo(info)
}

func fromBuildInfo(info *debug.BuildInfo) string {
	v := info.Main.Version
	if v != "" && v != "(devel)" {
		return v
	}
	var rev string
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "(devel)"
	}
	rev = rev[:min(len(rev), 12)]
	if dirty {
		rev += "-dirty"
	}
	return "(devel) " + rev
}

// Exact reports whether v (a String result) names exactly one build: a
// version of a commit, not of a tree with uncommitted changes or of an
// unknown one.
func Exact(v string) bool { return strings.HasPrefix(v, "v") && !strings.HasSuffix(v, "+dirty") }
