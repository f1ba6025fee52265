package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
)

// statFile is a writer whose Stat says what the test wants: the file mode of a
// terminal, or an error.
type statFile struct {
	io.Writer
	mode os.FileMode
	err  error
}

func (f statFile) Stat() (os.FileInfo, error) { return modeInfo(f.mode), f.err }

// modeInfo is an os.FileInfo with only a mode.
type modeInfo os.FileMode

func (m modeInfo) Name() string       { return "stderr" }
func (m modeInfo) Size() int64        { return 0 }
func (m modeInfo) Mode() os.FileMode  { return os.FileMode(m) }
func (m modeInfo) ModTime() time.Time { return time.Time{} }
func (m modeInfo) IsDir() bool        { return false }
func (m modeInfo) Sys() any           { return nil }

func TestWantProgress(t *testing.T) {
	regular, err := os.Create(filepath.Join(t.TempDir(), "stderr.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer regular.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	terminal := statFile{Writer: io.Discard, mode: os.ModeDevice | os.ModeCharDevice | 0o620}
	tests := []struct {
		name   string
		json   bool
		stderr io.Writer
		want   bool
	}{
		{"a terminal", false, terminal, true},
		{"a terminal, but -json", true, terminal, false},
		{"a file", false, regular, false},
		{"a pipe", false, pw, false},
		{"a buffer (not a file)", false, &bytes.Buffer{}, false},
		{"a file that cannot be stat'ed", false, statFile{Writer: io.Discard, mode: os.ModeCharDevice, err: errors.New("bad file descriptor")}, false},
		{"a block device", false, statFile{Writer: io.Discard, mode: os.ModeDevice}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := wantProgress(tt.json, tt.stderr); got != tt.want {
				t.Errorf("wantProgress(json %v, %s) = %v, want %v", tt.json, tt.name, got, tt.want)
			}
		})
	}
}

func TestProgressLine(t *testing.T) {
	tests := []struct {
		name string
		s    status
		want string
	}{
		{
			name: "a run bounded by -ops, nothing lost yet",
			s:    status{Run: 3, Runs: 22, Strategy: "atomic", Backend: "postgres", Workers: 32, Done: 1234, Ops: 5000, RunElapsed: 2100 * time.Millisecond, Elapsed: 45 * time.Second},
			want: "[3/22] atomic/postgres 32w: 1234/5000 ops | lost 0 | 45s",
		},
		{
			name: "losses by the racy original only",
			s:    status{Run: 9, Runs: 22, Strategy: "upsert", Backend: "mariadb", Workers: 8, Done: 10, Ops: 5000, Elapsed: 4*time.Minute + 5*time.Second, LostRacy: 9570},
			want: "[9/22] upsert/mariadb 8w: 10/5000 ops | lost 9570 (racy) | 4m05s",
		},
		{
			name: "a correct strategy lost updates: said loudly",
			s:    status{Run: 2, Runs: 3, Strategy: "cache", Backend: "redis", Workers: 4, Done: 99, Ops: 100, Elapsed: 3 * time.Second, LostRacy: 5, LostCorrect: 2},
			want: "[2/3] cache/redis 4w: 99/100 ops | lost 7 (2 by correct ones!) | 3.0s",
		},
		{
			name: "a run bounded by -duration, with failures: its time so far",
			s:    status{Run: 1, Runs: 4, Strategy: "forupdate", Backend: "postgres", Workers: 32, Done: 3757, Failed: 620, Duration: 2 * time.Second, RunElapsed: 1500 * time.Millisecond, Elapsed: 1500 * time.Millisecond},
			want: "[1/4] forupdate/postgres 32w: 3757 ops, 620 failed, 1.5s/2.0s | lost 0 | 1.5s",
		},
		{
			name: "both bounds: the operations count",
			s:    status{Run: 1, Runs: 1, Strategy: "atomic", Backend: "sqlite", Workers: 1, Done: 5, Ops: 10, Duration: time.Second},
			want: "[1/1] atomic/sqlite 1w: 5/10 ops | lost 0 | 0.0s",
		},
		{
			name: "too long for 80 columns: cut with an ellipsis",
			s: status{Run: 118, Runs: 120, Strategy: "gorm-serializable", Backend: "memcached", Workers: 64, Done: 123456, Ops: 1000000, Failed: 12345,
				Elapsed: 2*time.Hour + 3*time.Minute, LostRacy: 1234567, LostCorrect: 1},
			want: "[118/120] gorm-serializable/memcached 64w: 123456/1000000 ops, 12345 failed | …",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := progressLine(tt.s)
			if got != tt.want {
				t.Errorf("progressLine =\n%q, want\n%q", got, tt.want)
			}
			if n := len([]rune(got)); n > lineWidth {
				t.Errorf("line of %d characters, want at most %d", n, lineWidth)
			}
		})
	}
}

func TestShortDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0.0s"}, {440 * time.Millisecond, "0.4s"}, {9940 * time.Millisecond, "9.9s"}, {12 * time.Second, "12s"},
		{4*time.Minute + 5*time.Second, "4m05s"}, {time.Hour + 2*time.Minute + 30*time.Second, "1h02m"},
	}
	for _, tt := range tests {
		if got := shortDuration(tt.d); got != tt.want {
			t.Errorf("shortDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// TestProgressRewritesItsLineInPlace follows what the display writes, step by step,
// on a clock the test moves: each drawing starts with a carriage return, a shorter
// line is padded over the longer one before it, drawings come at most every
// progressEvery, and clear leaves an empty line.
func TestProgressRewritesItsLineInPlace(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &progress{w: &buf, now: func() time.Time { return clock }, began: clock, cur: status{Runs: 3}}
	var cfg harness.Config
	steps := []struct {
		name    string
		advance time.Duration
		do      func()
		want    string // written by the step
	}{
		{"the first run starts", 0, func() {
			p.start(harness.Labels{Strategy: "serializable", Backend: "postgres"}, 16, 400, 0, &cfg)
		}, "\r[1/3] serializable/postgres 16w: 0/400 ops | lost 0 | 0.0s"},
		{"an update too soon is not drawn", 100 * time.Millisecond, func() {
			cfg.Progress(harness.Progress{Done: 10, Elapsed: 100 * time.Millisecond})
		}, ""},
		{"a later one is", 200 * time.Millisecond, func() {
			cfg.Progress(harness.Progress{Done: 150, Failed: 2, Elapsed: 300 * time.Millisecond})
		}, "\r[1/3] serializable/postgres 16w: 150/400 ops, 2 failed | lost 0 | 0.3s"},
		{"a finished run adds its losses, drawn with the next run", 0, func() {
			p.finish(harness.Result{Lost: 7}, true)
		}, ""},
		{"a shorter line covers the longer one", 300 * time.Millisecond, func() {
			p.start(harness.Labels{Strategy: "racy", Backend: "sqlite"}, 4, 400, 0, &cfg)
		}, "\r[2/3] racy/sqlite 4w: 0/400 ops | lost 7 (racy) | 0.6s" + strings.Repeat(" ", 16)},
		{"a run that will not take place", 0, func() { p.skipRuns(1) }, ""},
		{"clear blanks the line", 0, func() { p.clear() }, "\r" + strings.Repeat(" ", 54) + "\r"},
		{"clear again writes nothing", 0, func() { p.clear() }, ""},
	}
	for _, st := range steps {
		clock = clock.Add(st.advance)
		buf.Reset()
		st.do()
		if got := buf.String(); got != st.want {
			t.Errorf("%s: wrote\n%q, want\n%q", st.name, got, st.want)
		}
	}
	if cfg.ProgressEvery != progressEvery {
		t.Errorf("start set ProgressEvery %v, want %v", cfg.ProgressEvery, progressEvery)
	}
	if p.cur.Runs != 2 {
		t.Errorf("runs planned after skipping one: %d, want 2", p.cur.Runs)
	}
}

func TestNilProgressShowsNothing(t *testing.T) {
	p := newProgress(&bytes.Buffer{}, false, 5)
	if p != nil {
		t.Fatalf("newProgress(show false) = %v, want nil", p)
	}
	var cfg harness.Config
	p.start(harness.Labels{Strategy: "atomic"}, 1, 1, 0, &cfg)
	p.finish(harness.Result{Lost: 3}, false)
	p.skipRuns(1)
	p.clear()
	if cfg.Progress != nil {
		t.Error("a nil progress set Config.Progress: the harness would call it")
	}
}

// TestRunShowsProgressOnATerminalOnly runs the harness with stderr a terminal (by its
// file mode), a terminal under -json, and a buffer: only the first gets the progress
// line, which is cleared before the command ends.
func TestRunShowsProgressOnATerminalOnly(t *testing.T) {
	cleared := regexp.MustCompile("\r +\r$")
	tests := []struct {
		name     string
		terminal bool
		json     bool
		want     bool
	}{
		{"a terminal", true, false, true},
		{"a terminal, but -json", true, true, false},
		{"not a terminal", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errBuf bytes.Buffer
			var stderr io.Writer = &errBuf
			if tt.terminal {
				stderr = statFile{Writer: &errBuf, mode: os.ModeDevice | os.ModeCharDevice}
			}
			args := []string{"-backend", "sqlite", "-strategy", "racy,atomic", "-workers", "4", "-ops", "200"}
			if tt.json {
				args = append(args, "-json")
			}
			if code := run(context.Background(), args, &out, stderr); code != 0 {
				t.Fatalf("exit %d; stderr:\n%q", code, errBuf.String())
			}
			got := errBuf.String()
			shown := strings.Contains(got, "\r[1/2] racy/sqlite 4w: ")
			if shown != tt.want || strings.Contains(got, "\r") != tt.want {
				t.Errorf("progress shown: %v, want %v; stderr:\n%q", shown, tt.want, got)
			}
			if tt.want && !cleared.MatchString(got) {
				t.Errorf("stderr does not end with the line cleared:\n%q", got)
			}
			if strings.Contains(out.String(), "\r") {
				t.Errorf("stdout got a carriage return:\n%q", out.String())
			}
		})
	}
}
