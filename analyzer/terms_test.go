package analyzer

import "testing"

func TestEntPascal(t *testing.T) {
	tests := []struct{ col, want string }{
		{"downloads", "Downloads"},
		{"user_id", "UserID"},
		{"download_url", "DownloadURL"},
		{"api_key_uuid", "APIKeyUUID"},
		{"identity", "Identity"},
		{"full-name", "FullName"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := entPascal(tt.col); got != tt.want {
			t.Errorf("entPascal(%q) = %q, want %q", tt.col, got, tt.want)
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
