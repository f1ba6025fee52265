package version

import (
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	rev := []debug.BuildSetting{{Key: "vcs.revision", Value: "4f3c2a1b9e0d77aa"}}
	tests := []struct {
		name     string
		version  string
		settings []debug.BuildSetting
		want     string
		exact    bool
	}{
		{"release", "v1.2.0", rev, "v1.2.0", true},
		{"pseudo-version", "v0.0.0-20261201120000-4f3c2a1b9e0d", nil, "v0.0.0-20261201120000-4f3c2a1b9e0d", true},
		{"dirty pseudo-version", "v0.0.0-20261201120000-4f3c2a1b9e0d+dirty", nil, "v0.0.0-20261201120000-4f3c2a1b9e0d+dirty", false},
		{"clone", "(devel)", rev, "(devel) 4f3c2a1b9e0d", false},
		{"dirty clone", "(devel)", append(rev, debug.BuildSetting{Key: "vcs.modified", Value: "true"}), "(devel) 4f3c2a1b9e0d-dirty", false},
		{"no vcs", "(devel)", nil, "(devel)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/lostupdate/lostupdate", Version: tt.version}, Settings: tt.settings}
			got := fromBuildInfo(info)
			if got != tt.want || Exact(got) != tt.exact {
				t.Errorf("fromBuildInfo = %q (exact %v), want %q (exact %v)", got, Exact(got), tt.want, tt.exact)
			}
		})
	}
}
