package notice

import (
	"reflect"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		u    Unmodelled
		line string
	}{
		{
			Unmodelled{Library: "redigo", Paths: []string{"github.com/gomodule/redigo"}, Packages: 2, Listed: []string{"example.com/a", "example.com/b"}},
			"lostupdate: 2 packages import redigo (github.com/gomodule/redigo), which lostupdate does not model: their data access through it was not checked (example.com/a, example.com/b)",
		},
		{
			Unmodelled{Library: "MongoDB Go driver", Paths: []string{"go.mongodb.org/mongo-driver"}, Packages: 1, Listed: []string{"example.com/store"}},
			"lostupdate: 1 package imports MongoDB Go driver (go.mongodb.org/mongo-driver), which lostupdate does not model: its data access through it was not checked (example.com/store)",
		},
		{
			Unmodelled{Library: "xorm", Paths: []string{"github.com/go-xorm/xorm", "xorm.io/xorm"}, Packages: 5, Listed: []string{"a", "b", "c"}},
			"lostupdate: 5 packages import xorm (github.com/go-xorm/xorm, xorm.io/xorm), which lostupdate does not model: their data access through it was not checked (a, b, c and 2 more)",
		},
	}
	for _, tt := range tests {
		if got := tt.u.String(); got != tt.line {
			t.Errorf("String() =\n%s\nwant\n%s", got, tt.line)
		}
		got, ok := Parse(tt.line)
		if !ok || !reflect.DeepEqual(got, tt.u) {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tt.line, got, ok, tt.u)
		}
	}
}

func TestRead(t *testing.T) {
	stderr := strings.Join([]string{
		"/src/bank.go:29:12: lost update: balance is read at bank.go:26 and written back here …",
		"lostupdate: internal error while analysing x: boom",
		"lostupdate: 1 package imports GORM v1 (github.com/jinzhu/gorm), which lostupdate does not model: its data access through it was not checked (example.com/legacy)",
		"lostupdate: 2 packages import redigo (github.com/gomodule/redigo), which lostupdate does not model: their data access through it was not checked (a, b)",
	}, "\n")
	got, err := Read(strings.NewReader(stderr))
	if err != nil {
		t.Fatal(err)
	}
	var libs []string
	for _, u := range got {
		libs = append(libs, u.Library)
	}
	if want := []string{"GORM v1", "redigo"}; !reflect.DeepEqual(libs, want) {
		t.Errorf("Read found %q, want %q", libs, want)
	}
}
