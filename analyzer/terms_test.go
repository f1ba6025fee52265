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
