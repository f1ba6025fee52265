//go:build unix

package sarif_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lostupdate/lostupdate/sarif"
)

// TestSpecialFiles gives diagnostics in files that are not regular files:
// /dev/zero, which never ends, and a FIFO nobody writes to, which would
// block a read. The conversion reads neither and still reports the
// findings, without snippets.
func TestSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "bank.go")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cannot make a FIFO: %v", err)
		}
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	input := fmt.Sprintf(`{"p": {"lostupdate": [
		{"posn": "/dev/zero:3:1", "message": "lost update: a", "category": "lost-update"},
		{"posn": %q, "message": "lost update: b", "category": "lost-update"}]}}`, fifo+":3:1")
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() {
		_, err := sarif.Convert(strings.NewReader(input), &out, sarif.Options{Base: "/"})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Convert: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Convert blocked on a FIFO or read /dev/zero without end")
	}
	if n := strings.Count(out.String(), `"ruleId"`); n != 2 {
		t.Errorf("%d results, want 2:\n%s", n, out.String())
	}
	if strings.Contains(out.String(), `"snippet"`) {
		t.Errorf("a snippet from a file that is not regular:\n%s", out.String())
	}
}
