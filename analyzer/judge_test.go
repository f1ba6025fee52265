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

func TestEditor(t *testing.T) {
	tests := []struct {
		col  string
		want bool
	}{
		{"update_by", true},
		{"updated_by", true},
		{"last_modified_by", true},
		{"editor", true},
		{"created_by", false},
		{"owner", false},
		{"update_time", false},
	}
	for _, tt := range tests {
		if got := editor(tt.col); got != tt.want {
			t.Errorf("editor(%q) = %v, want %v", tt.col, got, tt.want)
		}
	}
}
