package report

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

func TestEnclosingFunc(t *testing.T) {
	const src = `package p

type Store struct{}
type List[T any] struct{}

var top = 1

func F() { _ = 1 }

func (s *Store) Save() { _ = func() int { return 2 } }

func (s Store) Load() { _ = 3 }

func (l *List[T]) Add() { _ = 4 }
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ at, want string }{
		{"top = 1", ""},
		{"_ = 1", "F"},
		{"return 2", "(*Store).Save"},
		{"_ = 3", "Store.Load"},
		{"_ = 4", "(*List).Add"},
	}
	for _, tt := range tests {
		off := strings.Index(src, tt.at)
		pos := fset.File(f.Pos()).Pos(off)
		if got := enclosingFunc(f, pos); got != tt.want {
			t.Errorf("enclosingFunc at %q = %q, want %q", tt.at, got, tt.want)
		}
	}
	if got := enclosingFunc(nil, token.NoPos); got != "" {
		t.Errorf("enclosingFunc(nil) = %q", got)
	}
}
