package analyzer

import "testing"

func TestWithin(t *testing.T) {
	tests := []struct {
		m, n string
		want bool
	}{
		{"tree.Name", "tree", true},
		{"ps[i].Stock", "ps[i]", true},
		{"ps[i]", "ps", true},
		{"tree", "tree", false},
		{"treeName", "tree", false},
		{"tree", "tree.Name", false},
	}
	for _, tt := range tests {
		if got := within(tt.m, tt.n); got != tt.want {
			t.Errorf("within(%q, %q) = %v, want %v", tt.m, tt.n, got, tt.want)
		}
	}
}
