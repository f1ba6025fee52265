package chart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// row is a harness result with only what the chart reads.
func row(service, strategy, backend string, workers int, ops float64) harness.Result {
	return harness.Result{Service: service, Strategy: strategy, Backend: backend, Workers: workers, OpsPerSec: ops}
}

// measured is a row with the updates lost and the p99 latency too.
func measured(service, strategy, backend string, workers int, ops float64, lost int64, p99 float64) harness.Result {
	r := row(service, strategy, backend, workers, ops)
	r.Lost, r.P99Ms = lost, p99
	return r
}

// sweep is a small fixed sweep: two backends, the racy original and two strategies,
// one of which does not run on the second backend. The racy original loses updates
// from 4 workers on (with one worker nothing runs concurrently); serializable's tail
// grows with its retries.
var sweep = []harness.Result{
	measured("counter", "racy", "postgres", 1, 1600, 0, 2.1), measured("counter", "racy", "postgres", 4, 3100, 3650, 9.8), measured("counter", "racy", "postgres", 16, 3000, 4829, 54.14),
	measured("counter", "atomic", "postgres", 1, 1500, 0, 2.2), measured("counter", "atomic", "postgres", 4, 3000, 0, 10.5), measured("counter", "atomic", "postgres", 16, 3200, 0, 59.96),
	measured("counter", "serializable", "postgres", 1, 1400, 0, 2.5), measured("counter", "serializable", "postgres", 4, 900, 0, 80.25), measured("counter", "serializable", "postgres", 16, 350, 0, 265.74),
	measured("counter", "atomic", "mariadb", 1, 7000, 0, 0.9), measured("counter", "atomic", "mariadb", 4, 11000, 0, 2.3), measured("counter", "atomic", "mariadb", 16, 10500, 0, 4.55),
	measured("counter", "racy", "mariadb", 1, 3000, 0, 1.1), measured("counter", "racy", "mariadb", 4, 7500, 4102, 6.4), measured("counter", "racy", "mariadb", 16, 7400, 4741, 20.33),
}

func TestGolden(t *testing.T) {
	opts := Options{Machine: "2 cores, 24 GiB, Debian 12", Caption: "loadharness -workers 1,4,16 -svg counter.svg", Racy: []string{"racy"}}
	got, err := SVG(sweep, opts)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "counter.golden.svg")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./chart -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("SVG differs from %s; if the change is intended, run go test ./chart -update and look at the file", golden)
	}
	again, err := SVG(slices.Clone(sweep), opts)
	if err != nil || !bytes.Equal(again, got) {
		t.Errorf("a second rendering of the same rows differs (err %v): the output is not deterministic", err)
	}
}

// doc is the part of a rendered chart the tests look at.
type doc struct {
	texts  []string
	panels []panelDoc
}

type panelDoc struct {
	backend    string
	metric     string
	plot       rect
	points     map[string][2]float64 // point title → centre
	lines      map[string]string     // strategy → polyline points
	yTickTexts []string
}

type rect struct{ x, y, w, h float64 }

// parse reads svg as XML (failing the test if it is not well-formed) and collects the
// panels' plot areas, points, lines and y tick labels.
func parse(t *testing.T, svg []byte) doc {
	t.Helper()
	var d doc
	var cur *panelDoc
	var inCircle bool
	var circle [2]float64
	var textAttrs []xml.Attr
	dec := xml.NewDecoder(bytes.NewReader(svg))
	attr := func(as []xml.Attr, name string) string {
		for _, a := range as {
			if a.Name.Local == name {
				return a.Value
			}
		}
		return ""
	}
	f := func(as []xml.Attr, name string) float64 {
		v, err := strconv.ParseFloat(attr(as, name), 64)
		if err != nil {
			t.Fatalf("attribute %s: %v", name, err)
		}
		return v
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("the SVG is not well-formed XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			switch tok.Name.Local {
			case "g":
				d.panels = append(d.panels, panelDoc{backend: attr(tok.Attr, "data-backend"), metric: attr(tok.Attr, "data-metric"), points: map[string][2]float64{}, lines: map[string]string{}})
				cur = &d.panels[len(d.panels)-1]
			case "rect":
				if attr(tok.Attr, "class") == "plot" {
					cur.plot = rect{f(tok.Attr, "x"), f(tok.Attr, "y"), f(tok.Attr, "width"), f(tok.Attr, "height")}
				}
			case "polyline":
				cur.lines[attr(tok.Attr, "data-strategy")] = attr(tok.Attr, "points")
			case "circle":
				inCircle, circle = true, [2]float64{f(tok.Attr, "cx"), f(tok.Attr, "cy")}
			case "text":
				textAttrs = tok.Attr
			}
		case xml.EndElement:
			switch tok.Name.Local {
			case "g":
				cur = nil
			case "circle":
				inCircle = false
			}
		case xml.CharData:
			s := string(tok)
			switch {
			case inCircle && cur != nil:
				cur.points[s] = circle
			case textAttrs != nil:
				d.texts = append(d.texts, s)
				if cur != nil && attr(textAttrs, "text-anchor") == "end" {
					cur.yTickTexts = append(cur.yTickTexts, s)
				}
				textAttrs = nil
			}
		}
	}
	return d
}

func near(a, b float64) bool { return math.Abs(a-b) <= 0.11 } // coordinates carry one decimal

func TestValuesMapToCoordinates(t *testing.T) {
	type at struct {
		title string
		x, y  float64 // 0..1 across and up the plotted range (inside the inset)
	}
	tests := []struct {
		name   string
		rows   []harness.Result
		yTicks []string
		want   []at
	}{
		{
			name:   "log2 workers across, ops/s up from zero to the top tick",
			rows:   []harness.Result{row("s", "a", "b", 1, 0), row("s", "a", "b", 4, 500), row("s", "a", "b", 16, 1000)},
			yTicks: []string{"0", "200", "400", "600", "800", "1k"},
			want:   []at{{"a, 1 worker: 0 ops/s", 0, 0}, {"a, 4 workers: 500 ops/s", 0.5, 0.5}, {"a, 16 workers: 1000 ops/s", 1, 1}},
		},
		{
			name:   "the top tick is rounded up to a nice value",
			rows:   []harness.Result{row("s", "a", "b", 2, 1100), row("s", "a", "b", 8, 11000), row("s", "a", "b", 32, 2750)},
			yTicks: []string{"0", "2.5k", "5k", "7.5k", "10k", "12.5k"},
			want:   []at{{"a, 2 workers: 1100 ops/s", 0, 1100.0 / 12500}, {"a, 8 workers: 11000 ops/s", 0.5, 11000.0 / 12500}, {"a, 32 workers: 2750 ops/s", 1, 2750.0 / 12500}},
		},
		{
			name:   "one worker count sits in the middle",
			rows:   []harness.Result{row("s", "a", "b", 32, 40), row("s", "c", "b", 32, 10)},
			yTicks: []string{"0", "10", "20", "30", "40"},
			want:   []at{{"a, 32 workers: 40 ops/s", 0.5, 1}, {"c, 32 workers: 10 ops/s", 0.5, 0.25}},
		},
		{
			name:   "zero ops/s everywhere is a flat line at the bottom of a 0 to 1 axis",
			rows:   []harness.Result{row("s", "a", "b", 1, 0), row("s", "a", "b", 64, 0)},
			yTicks: []string{"0", "0.2", "0.4", "0.6", "0.8", "1"},
			want:   []at{{"a, 1 worker: 0 ops/s", 0, 0}, {"a, 64 workers: 0 ops/s", 1, 0}},
		},
		{
			name: "uneven worker counts keep their log distances",
			rows: []harness.Result{row("s", "a", "b", 1, 100), row("s", "a", "b", 16, 100), row("s", "a", "b", 32, 100), row("s", "a", "b", 64, 100)},
			want: []at{{"a, 1 worker: 100 ops/s", 0, 1}, {"a, 16 workers: 100 ops/s", 4.0 / 6, 1}, {"a, 32 workers: 100 ops/s", 5.0 / 6, 1}, {"a, 64 workers: 100 ops/s", 1, 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg, err := SVG(tt.rows, Options{})
			if err != nil {
				t.Fatal(err)
			}
			d := parse(t, svg)
			if len(d.panels) != 3 {
				t.Fatalf("got %d panels, want 3 (throughput, lost, p99)", len(d.panels))
			}
			p := d.panels[0]
			if p.metric != "ops_per_sec" {
				t.Fatalf("first panel plots %q, want ops_per_sec", p.metric)
			}
			if tt.yTicks != nil && !slices.Equal(p.yTickTexts, tt.yTicks) {
				t.Errorf("y ticks = %v, want %v", p.yTickTexts, tt.yTicks)
			}
			left, right := p.plot.x+plotInset, p.plot.x+p.plot.w-plotInset
			bottom, top := p.plot.y+p.plot.h, p.plot.y
			for _, w := range tt.want {
				got, ok := p.points[w.title]
				if !ok {
					t.Errorf("no point titled %q; have %v", w.title, p.points)
					continue
				}
				wantX, wantY := left+w.x*(right-left), bottom-w.y*(bottom-top)
				if !near(got[0], wantX) || !near(got[1], wantY) {
					t.Errorf("%q at (%v, %v), want (%.1f, %.1f)", w.title, got[0], got[1], wantX, wantY)
				}
			}
		})
	}
}

func TestPanelsLegendAndStyle(t *testing.T) {
	svg, err := SVG(sweep, Options{Machine: "a <small> & quiet box", Caption: "loadharness -workers 1,4,16", Racy: []string{"racy"}})
	if err != nil {
		t.Fatal(err)
	}
	d := parse(t, svg)
	var panels []string
	for _, p := range d.panels {
		panels = append(panels, p.backend+" "+p.metric)
	}
	want := []string{"postgres ops_per_sec", "postgres lost", "postgres p99_ms", "mariadb ops_per_sec", "mariadb lost", "mariadb p99_ms"}
	if !slices.Equal(panels, want) {
		t.Errorf("panels = %v, want %v (a row per backend, in the order the rows name them)", panels, want)
	}
	for _, want := range []string{"counter: throughput, updates lost and p99 latency against concurrency", "measured on a <small> & quiet box", "loadharness -workers 1,4,16",
		"racy", "atomic", "serializable", "postgres: throughput", "postgres: updates lost", "postgres: p99 latency", "mariadb: updates lost", "ops/s", "lost", "p99 ms"} {
		if !slices.Contains(d.texts, want) {
			t.Errorf("no text %q in %q", want, d.texts)
		}
	}
	for _, p := range d.panels {
		if _, ok := p.lines["serializable"]; ok && p.backend == "mariadb" {
			t.Errorf("mariadb %s panel has a serializable line, but no row measured it", p.metric)
		}
		if p.backend == "postgres" {
			if n := strings.Count(p.lines["atomic"], ","); n != 3 {
				t.Errorf("postgres %s: atomic line has %d points, want 3", p.metric, n)
			}
		}
	}
	// The same strategy has the same colour in every panel; the racy original is dashed.
	s := string(svg)
	for _, strategy := range []string{"racy", "atomic"} {
		re := fmt.Sprintf(`data-strategy="%s" points="`, strategy)
		var strokes []string
		for _, part := range strings.Split(s, re)[1:] {
			_, after, _ := strings.Cut(part, `stroke="`)
			stroke, rest, _ := strings.Cut(after, `"`)
			strokes = append(strokes, stroke)
			dashed := strings.HasPrefix(strings.SplitN(rest, "/>", 2)[0], ` stroke-width="2" stroke-dasharray`)
			if dashed != (strategy == "racy") {
				t.Errorf("%s line dashed = %v, want %v", strategy, dashed, strategy == "racy")
			}
		}
		if len(strokes) != 6 || slices.Compact(slices.Clone(strokes))[0] != strokes[0] || len(slices.Compact(slices.Clone(strokes))) != 1 {
			t.Errorf("%s strokes = %v, want the same colour in all six panels", strategy, strokes)
		}
	}
}

func TestSeveralServicesNamePanelsByServiceAndBackend(t *testing.T) {
	rows := []harness.Result{row("counter", "atomic", "postgres", 1, 10), row("bank", "atomic", "postgres", 1, 20)}
	svg, err := SVG(rows, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := parse(t, svg)
	for _, want := range []string{"counter, bank: throughput, updates lost and p99 latency against concurrency", "counter on postgres: throughput", "bank on postgres: updates lost", "bank on postgres: p99 latency"} {
		if !slices.Contains(d.texts, want) {
			t.Errorf("no text %q in %q", want, d.texts)
		}
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		rows []harness.Result
		want string
	}{
		{"no rows", nil, "no results to draw"},
		{"NaN ops/s", []harness.Result{row("counter", "atomic", "postgres", 4, math.NaN())}, "counter/atomic/postgres at 4 workers: ops/s is NaN"},
		{"infinite ops/s", []harness.Result{row("counter", "atomic", "postgres", 4, math.Inf(1))}, "ops/s is +Inf"},
		{"negative ops/s", []harness.Result{row("counter", "atomic", "postgres", 4, -1)}, "ops/s is -1"},
		{"negative lost", []harness.Result{measured("counter", "atomic", "postgres", 4, 10, -3, 1)}, "counter/atomic/postgres at 4 workers: lost is -3, want a number ≥ 0"},
		{"NaN p99", []harness.Result{measured("counter", "atomic", "postgres", 4, 10, 0, math.NaN())}, "counter/atomic/postgres at 4 workers: p99 is NaN ms"},
		{"infinite p99", []harness.Result{measured("counter", "atomic", "postgres", 4, 10, 0, math.Inf(1))}, "p99 is +Inf ms"},
		{"negative p99", []harness.Result{measured("counter", "atomic", "postgres", 4, 10, 0, -0.5)}, "p99 is -0.5 ms"},
		{"zero workers", []harness.Result{row("counter", "atomic", "postgres", 0, 10)}, "counter/atomic/postgres at 0 workers: workers must be at least 1"},
		{"no strategy", []harness.Result{row("counter", "", "postgres", 4, 10)}, "service, strategy and backend must all be named"},
		{"a point twice", []harness.Result{row("counter", "atomic", "postgres", 4, 10), row("counter", "atomic", "postgres", 4, 12)}, "counter/atomic/postgres at 4 workers appears twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg, err := SVG(tt.rows, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("SVG(%v) = %d bytes, error %v; want an error mentioning %q", tt.rows, len(svg), err, tt.want)
			}
			if svg != nil {
				t.Errorf("SVG returned %d bytes along with the error", len(svg))
			}
		})
	}
	if _, err := SVG(nil, Options{}); !errors.Is(err, ErrNoResults) {
		t.Errorf("SVG(nil) error = %v, want ErrNoResults", err)
	}
}

func TestYTicks(t *testing.T) {
	tests := []struct {
		max     float64
		integer bool
		want    []float64
	}{
		{1000, false, []float64{0, 200, 400, 600, 800, 1000}},
		{1001, false, []float64{0, 250, 500, 750, 1000, 1250}},
		{56496, false, []float64{0, 20000, 40000, 60000}},
		{11597, false, []float64{0, 2500, 5000, 7500, 10000, 12500}},
		{3, false, []float64{0, 1, 2, 3}},
		{0.3, false, []float64{0, 0.1, 0.2, 0.3}},
		{0.07, false, []float64{0, 0.02, 0.04, 0.06, 0.08}},
		{0, false, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		// Counts: whole steps, and nothing lost is an axis from 0 to 5.
		{0, true, []float64{0, 1, 2, 3, 4, 5}},
		{3, true, []float64{0, 1, 2, 3, 4, 5}},
		{11, true, []float64{0, 5, 10, 15}},
		{11597, true, []float64{0, 2500, 5000, 7500, 10000, 12500}},
		{4829, true, []float64{0, 1000, 2000, 3000, 4000, 5000}},
	}
	for _, tt := range tests {
		if got := yTicks(tt.max, tt.integer); !slices.Equal(got, tt.want) {
			t.Errorf("yTicks(%v, %v) = %v, want %v", tt.max, tt.integer, got, tt.want)
		}
	}
}

func TestTickLabel(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{{0, "0"}, {250, "250"}, {1000, "1k"}, {2500, "2.5k"}, {60000, "60k"}, {0.2, "0.2"}}
	for _, tt := range tests {
		if got := tickLabel(tt.v); got != tt.want {
			t.Errorf("tickLabel(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestLegendWrapsWithinTheWidth(t *testing.T) {
	var names []string
	for i := range 12 {
		names = append(names, fmt.Sprintf("strategy-%02d", i))
	}
	width := 400.0
	items, height := legendItems(names, styles(names, nil), width)
	rows := map[float64]bool{}
	for _, it := range items {
		end := it.dx + 30 + charW*float64(len(it.strategy))
		if end > width {
			t.Errorf("%s ends at %.1f, past the width %.0f", it.strategy, end, width)
		}
		rows[it.dy] = true
	}
	if len(rows) < 2 || height != float64(len(rows))*legendRowH {
		t.Errorf("legend of 12 entries in %.0f px: %d rows, height %.0f; want several rows and their height", width, len(rows), height)
	}
}

func TestStyles(t *testing.T) {
	var many []string
	for i := range 20 {
		many = append(many, fmt.Sprintf("s%d", i))
	}
	tests := []struct {
		name       string
		strategies []string
		racy       []string
		want       map[string]style
	}{
		{
			name:       "palette in order of appearance, racy originals in dashed greys",
			strategies: []string{"racy", "forupdate", "racy-gorm", "atomic"},
			racy:       []string{"racy", "racy-gorm"},
			want: map[string]style{
				"racy": {greys[0], racyDash}, "forupdate": {palette[0], ""},
				"racy-gorm": {greys[1], racyDash}, "atomic": {palette[1], ""},
			},
		},
		{
			name:       "nothing is racy unless named",
			strategies: []string{"racy", "atomic"},
			want:       map[string]style{"racy": {palette[0], ""}, "atomic": {palette[1], ""}},
		},
		{
			name:       "past the palette the colours come round dotted, then dash-dot",
			strategies: many,
			want: map[string]style{
				"s0": {palette[0], ""}, "s8": {palette[8], ""},
				"s9": {palette[0], cycleDash[1]}, "s17": {palette[8], cycleDash[1]},
				"s18": {palette[0], cycleDash[2]},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := styles(tt.strategies, tt.racy)
			for s, want := range tt.want {
				if got[s] != want {
					t.Errorf("style of %s = %+v, want %+v", s, got[s], want)
				}
			}
		})
	}
}

func TestStrategiesFixColoursAndLegendOrder(t *testing.T) {
	rows := []harness.Result{row("bank", "optimistic", "postgres", 1, 10), row("bank", "atomic", "postgres", 1, 20)}
	order := []string{"racy", "forupdate", "atomic", "upsert", "optimistic"}
	svg, err := SVG(rows, Options{Strategies: order, Racy: []string{"racy"}})
	if err != nil {
		t.Fatal(err)
	}
	// As in a chart with every strategy: forupdate palette[0], atomic [1], upsert [2], optimistic [3].
	for strategy, colour := range map[string]string{"atomic": palette[1], "optimistic": palette[3]} {
		re := regexp.MustCompile(`data-strategy="` + strategy + `" points="[^"]*" fill="none" stroke="([^"]*)"`)
		if m := re.FindStringSubmatch(string(svg)); m == nil || m[1] != colour {
			t.Errorf("%s line stroke = %v, want %s", strategy, m, colour)
		}
	}
	var legend []string
	for _, text := range parse(t, svg).texts {
		if slices.Contains(order, text) {
			legend = append(legend, text)
		}
	}
	if want := []string{"atomic", "optimistic"}; !slices.Equal(legend, want) {
		t.Errorf("legend = %v, want %v: the given order, only what the rows hold", legend, want)
	}
}

// TestLostAndP99PanelsShowTheTradeOff checks the two panels beside throughput: the
// racy original's lost line leaves zero while every correct strategy's stays on it,
// and each point of the lost and p99 panels sits at its value.
func TestLostAndP99PanelsShowTheTradeOff(t *testing.T) {
	svg, err := SVG(sweep, Options{Racy: []string{"racy"}})
	if err != nil {
		t.Fatal(err)
	}
	d := parse(t, svg)
	type at struct {
		backend, metric, title string
		y                      float64 // 0..1 up the panel's y axis
	}
	tests := []at{
		{"postgres", "lost", "racy, 16 workers: 4829 lost", 4829.0 / 5000},
		{"postgres", "lost", "racy, 4 workers: 3650 lost", 3650.0 / 5000},
		{"postgres", "lost", "racy, 1 worker: 0 lost", 0},
		{"postgres", "lost", "atomic, 16 workers: 0 lost", 0},
		{"postgres", "lost", "serializable, 16 workers: 0 lost", 0},
		{"mariadb", "lost", "racy, 16 workers: 4741 lost", 4741.0 / 5000},
		{"mariadb", "lost", "atomic, 4 workers: 0 lost", 0},
		{"postgres", "p99_ms", "serializable, 16 workers: p99 265.74 ms", 265.74 / 300},
		{"postgres", "p99_ms", "racy, 16 workers: p99 54.14 ms", 54.14 / 300},
		{"mariadb", "p99_ms", "racy, 16 workers: p99 20.33 ms", 20.33 / 25},
		{"mariadb", "ops_per_sec", "atomic, 4 workers: 11000 ops/s", 11000.0 / 12500},
	}
	for _, tt := range tests {
		i := slices.IndexFunc(d.panels, func(p panelDoc) bool { return p.backend == tt.backend && p.metric == tt.metric })
		if i < 0 {
			t.Fatalf("no %s panel for %s", tt.metric, tt.backend)
		}
		p := d.panels[i]
		got, ok := p.points[tt.title]
		if !ok {
			t.Errorf("%s %s: no point titled %q; have %v", tt.backend, tt.metric, tt.title, p.points)
			continue
		}
		bottom, top := p.plot.y+p.plot.h, p.plot.y
		if want := bottom - tt.y*(bottom-top); !near(got[1], want) {
			t.Errorf("%s %s: %q at y %v, want %.1f", tt.backend, tt.metric, tt.title, got[1], want)
		}
	}
	for _, p := range d.panels {
		if p.metric != "lost" {
			continue
		}
		if want := []string{"0", "1k", "2k", "3k", "4k", "5k"}; !slices.Equal(p.yTickTexts, want) {
			t.Errorf("%s lost y ticks = %v, want %v", p.backend, p.yTickTexts, want)
		}
		for strategy, line := range p.lines {
			flat := true
			for _, xy := range strings.Fields(line) {
				_, y, _ := strings.Cut(xy, ",")
				if v, _ := strconv.ParseFloat(y, 64); !near(v, p.plot.y+p.plot.h) {
					flat = false
				}
			}
			if flat == (strategy == "racy") {
				t.Errorf("%s lost: %s line flat on zero = %v, want %v", p.backend, strategy, flat, strategy != "racy")
			}
		}
	}
}

func TestNothingLostIsAFlatLineOnACountAxis(t *testing.T) {
	svg, err := SVG([]harness.Result{measured("s", "a", "b", 1, 10, 0, 1), measured("s", "a", "b", 8, 20, 0, 4)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parse(t, svg).panels {
		if p.metric != "lost" {
			continue
		}
		if want := []string{"0", "1", "2", "3", "4", "5"}; !slices.Equal(p.yTickTexts, want) {
			t.Errorf("y ticks = %v, want %v: whole counts from 0", p.yTickTexts, want)
		}
		for _, title := range []string{"a, 1 worker: 0 lost", "a, 8 workers: 0 lost"} {
			if got, ok := p.points[title]; !ok || !near(got[1], p.plot.y+p.plot.h) {
				t.Errorf("%q at %v (found %v), want on the bottom edge %v", title, got, ok, p.plot.y+p.plot.h)
			}
		}
	}
}
