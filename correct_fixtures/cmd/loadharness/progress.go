package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
)

// wantProgress reports whether to show progress on stderr: never under -json, and
// only when stderr is a terminal. Without golang.org/x/term a terminal is told by its
// file mode, a character device; a file or a pipe is not one (/dev/null is, and gets
// progress it throws away).
func wantProgress(jsonOut bool, stderr io.Writer) bool {
	if jsonOut {
		return false
	}
	f, ok := stderr.(interface{ Stat() (os.FileInfo, error) })
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// status is what one progress line shows.
type status struct {
	// Run is the number of the run under way (from 1), Runs how many are planned.
	Run, Runs int
	// Strategy and Backend name the run; Workers is its number of clients.
	Strategy, Backend string
	Workers           int
	// Done and Failed are its operations finished and failed so far; Ops is how
	// many it will do (0: it is bounded by Duration alone).
	Done, Failed, Ops int64
	Duration          time.Duration
	// RunElapsed is the time of this run so far (shown for a run bounded by
	// Duration alone), Elapsed of the whole invocation.
	RunElapsed, Elapsed time.Duration
	// LostRacy and LostCorrect are the updates the finished runs lost, by the racy
	// originals and by correct strategies (a failure).
	LostRacy, LostCorrect int64
}

// lineWidth is the most a progress line takes, so that it fits a terminal of 80
// columns: a line that wraps cannot be rewritten in place with a carriage return.
const lineWidth = 79

// progressLine renders s on one line of at most lineWidth characters, cut with an
// ellipsis if it is longer: the run, its operations done (and failed), for a run
// bounded by time alone its time so far, the updates the finished runs lost, and the
// time since the start.
//
//	[3/22] atomic/postgres 32w: 1234/5000 ops | lost 4829 (racy) | 45s
func progressLine(s status) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%d/%d] %s/%s %dw: ", s.Run, s.Runs, s.Strategy, s.Backend, s.Workers)
	if s.Ops > 0 {
		fmt.Fprintf(&b, "%d/%d ops", s.Done, s.Ops)
	} else {
		fmt.Fprintf(&b, "%d ops", s.Done)
	}
	if s.Failed > 0 {
		fmt.Fprintf(&b, ", %d failed", s.Failed)
	}
	if s.Ops <= 0 && s.Duration > 0 {
		fmt.Fprintf(&b, ", %s/%s", shortDuration(s.RunElapsed), shortDuration(s.Duration))
	}
	fmt.Fprintf(&b, " | lost %d", s.LostRacy+s.LostCorrect)
	switch {
	case s.LostCorrect > 0:
		fmt.Fprintf(&b, " (%d by correct ones!)", s.LostCorrect)
	case s.LostRacy > 0:
		b.WriteString(" (racy)")
	}
	b.WriteString(" | " + shortDuration(s.Elapsed))
	line := []rune(b.String())
	if len(line) > lineWidth {
		return string(line[:lineWidth-1]) + "…"
	}
	return string(line)
}

// shortDuration formats d for a progress line: 0.4s, 9.9s, 12s, 4m05s, 1h02m.
func shortDuration(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	}
	return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// progressEvery is the least time between two drawings of the line.
const progressEvery = 250 * time.Millisecond

// progress keeps one line on stderr up to date while the runs go on, rewriting it in
// place with a carriage return (and spaces over what is left of a longer line before
// it, so that no terminal escape is needed). A nil *progress shows nothing: every
// method is then a no-op.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	now      func() time.Time
	began    time.Time
	lastDraw time.Time
	shown    int // characters of the line on screen; 0 when there is none
	cur      status
}

// newProgress returns a progress display on w for runs runs, or nil if show is false.
func newProgress(w io.Writer, show bool, runs int) *progress {
	if !show {
		return nil
	}
	return &progress{w: w, now: time.Now, began: time.Now(), cur: status{Runs: runs}}
}

// start begins the next run, and has cfg report its operations to the display.
func (p *progress) start(l harness.Labels, workers int, ops int64, d time.Duration, cfg *harness.Config) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &p.cur
	s.Run++
	s.Strategy, s.Backend, s.Workers = l.Strategy, l.Backend, workers
	s.Done, s.Failed, s.Ops, s.Duration, s.RunElapsed = 0, 0, ops, d, 0
	cfg.Progress, cfg.ProgressEvery = p.update, progressEvery
	p.draw()
}

// update shows a run's counts; the harness calls it while the run goes on.
func (p *progress) update(hp harness.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cur.Done, p.cur.Failed, p.cur.RunElapsed = hp.Done, hp.Failed, hp.Elapsed
	p.draw()
}

// finish adds what a finished run lost to the count of losses.
func (p *progress) finish(r harness.Result, racy bool) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if racy {
		p.cur.LostRacy += r.Lost
	} else {
		p.cur.LostCorrect += r.Lost
	}
}

// skipRuns counts n planned runs that will not take place.
func (p *progress) skipRuns(n int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cur.Runs -= n
}

// clear removes the line, so that what is printed next starts on a clean line.
func (p *progress) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown > 0 {
		fmt.Fprint(p.w, "\r"+strings.Repeat(" ", p.shown)+"\r")
		p.shown = 0
	}
}

// draw writes the current line over the previous one, at most once per
// progressEvery. The caller holds p.mu.
func (p *progress) draw() {
	now := p.now()
	if !p.lastDraw.IsZero() && now.Sub(p.lastDraw) < progressEvery {
		return
	}
	p.lastDraw = now
	p.cur.Elapsed = now.Sub(p.began)
	line := progressLine(p.cur)
	n := len([]rune(line))
	fmt.Fprint(p.w, "\r"+line+strings.Repeat(" ", max(p.shown-n, 0)))
	p.shown = n
}
