package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"

	"github.com/lostupdate/lostupdate/analyzer"
	"github.com/lostupdate/lostupdate/analyzer/configfile"
	"github.com/lostupdate/lostupdate/version"
)

// versionQuery answers -V and -V=full, the second being how go vet learns
// a vettool's version so that it can cache its results: a binary of one
// commit says its version, and any other build says "devel", its version
// and, last, a buildID hashed from the executable, so that go vet notices
// a rebuilt binary. Where the working directory's module has a
// configuration file, -V=full adds a hash of it and of the baseline it
// names, so that go vet does not answer from its cache after either
// changed. It reports whether args were such a query.
func versionQuery(args []string, w io.Writer) (bool, error) {
	if len(args) != 1 || args[0] != "-V" && args[0] != "-V=full" && args[0] != "--V=full" {
		return false, nil
	}
	v := version.String()
	if args[0] == "-V" {
		_, err := fmt.Fprintf(w, "lostupdate version %s\n", v)
		return true, err
	}
	stamp := ""
	if dir, err := os.Getwd(); err == nil {
		stamp = configfile.Stamp(dir, analyzer.Categories)
	}
	if version.Exact(v) {
		if stamp != "" {
			v += " config=" + stamp
		}
		_, err := fmt.Fprintf(w, "lostupdate version %s\n", v)
		return true, err
	}
	exe, err := os.Executable()
	if err != nil {
		return true, err
	}
	f, err := os.Open(exe)
	if err != nil {
		return true, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return true, err
	}
	h.Write([]byte(stamp))
	_, err = fmt.Fprintf(w, "lostupdate version devel %s buildID=%x\n", v, h.Sum(nil))
	return true, err
}
