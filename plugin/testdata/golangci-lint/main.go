// Command golangci-lint is golangci-lint with the lostupdate module plugin
// compiled in: what `golangci-lint custom` builds from a .custom-gcl.yml
// naming github.com/lostupdate/lostupdate/plugin. The plugin tests build it
// this way because `golangci-lint custom` clones golangci-lint from GitHub,
// and only the Go module proxy is reachable where they run.
package main

import (
	"fmt"
	"os"

	"github.com/golangci/golangci-lint/v2/pkg/commands"
	"github.com/golangci/golangci-lint/v2/pkg/exitcodes"

	_ "github.com/lostupdate/lostupdate/plugin"
)

func main() {
	info := commands.BuildInfo{Version: "2.15.0-lostupdate", Commit: "test", Date: "(unknown)", GoVersion: "go"}
	if err := commands.Execute(info); err != nil {
		_, _ = fmt.Fprintf(os.Stderr, "The command is terminated due to an error: %v\n", err)
		os.Exit(exitcodes.Failure)
	}
}
