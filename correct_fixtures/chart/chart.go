// Package chart draws the load harness's sweep as an SVG: for each service and
// backend a row of three panels, throughput (successful operations per second), the
// updates lost, and the p99 latency of one operation, each against the number of
// concurrent clients (workers) on a log₂ axis, with one line per strategy. Side by
// side they show the trade-off: the racy original may run as fast as the correct
// strategies, but it is the only one whose lost line leaves zero.
//
// It takes the []harness.Result of a sweep (loadharness -workers 1,4,16,…) and needs
// nothing else. A strategy keeps its colour in every panel, so the panels compare at a
// glance (and in every chart, when Options.Strategies names them all); the racy originals named in Options.Racy are drawn grey and dashed, as the
// unsafe baseline the correct strategies are measured against. Past nine correct
// strategies the colours repeat with a dotted line. Every panel has its own y scale,
// from zero: the backends differ by an order of magnitude, and a shared scale would
// flatten the slow ones.
//
// The output is deterministic: the same rows and options give the same bytes. Panels
// and legend entries follow the order in which the rows name them; nothing depends on
// map order, the clock or the machine. Each point carries a <title> (its strategy,
// workers and value), which browsers show on hover.
package chart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/lostupdate/lostupdate/correct_fixtures/harness"
)

// Options describe the chart around the data.
type Options struct {
	// Title is the heading; empty means "<service>: throughput, updates lost and p99
	// latency against concurrency" (the services joined with ", " when the rows hold
	// several).
	Title string
	// Machine describes where the numbers were measured ("2 cores, 24 GiB, Debian 12");
	// shown under the title as "measured on …" when set.
	Machine string
	// Caption is a line of small print at the bottom, such as the command that
	// produced the rows; omitted when empty.
	Caption string
	// Racy names the strategies that are racy originals (they lose updates): drawn in
	// grey, dashed.
	Racy []string
	// Strategies fixes the order in which strategies take their colours and their
	// places in the legend. Name every strategy of the services a reader compares,
	// and a strategy looks the same in each of their charts even where some are
	// missing. Strategies not named follow in the order the rows name them.
	Strategies []string
}

// ErrNoResults is returned for an empty sweep: there is nothing to draw.
var ErrNoResults = errors.New("chart: no results to draw")

// Layout, in SVG user units (pixels).
const (
	margin      = 16.0
	panelW      = 330.0
	panelH      = 250.0
	gapX        = 16.0
	gapY        = 12.0
	plotLeft    = 56.0 // from the panel's left edge to the plot area: room for y tick labels
	plotRight   = 14.0
	plotTop     = 30.0 // room for the panel's title
	plotBottom  = 46.0 // room for x tick labels and the axis label
	legendRowH  = 20.0
	charW       = 6.6  // estimated width of one character at font-size 12
	plotInset   = 10.0 // from the plot area's sides to the first and last worker count
	markerR     = 3.0
	yTickTarget = 5 // about this many y intervals
)

// palette colours the correct strategies in order of appearance (Tableau 10 without
// its grey); greys colour the racy originals.
var (
	palette = []string{"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"}
	greys   = []string{"#79706e", "#3f3a39", "#b3aca9"}
)

// Dash patterns: the racy originals', and those of correct strategies once the
// palette has gone round (solid first, then dotted, then dash-dot).
const racyDash = "5 4"

var cycleDash = []string{"", "1.5 3", "8 3 2 3"}

// style is how one strategy's line is drawn.
type style struct {
	colour, dash string
}

// dashAttr is the stroke-dasharray attribute for st, or nothing for a solid line.
func (st style) dashAttr() string {
	if st.dash == "" {
		return ""
	}
	return ` stroke-dasharray="` + st.dash + `"`
}

// metric is one quantity the chart plots, in a column of panels of its own.
type metric struct {
	// key names it in the SVG (the panel's data-metric); title in the panel's heading;
	// axis on its y axis.
	key, title, axis string
	// integer marks a count: its y ticks are whole numbers, at least 0 to 5.
	integer bool
	// value reads it from a row.
	value func(harness.Result) float64
	// text says a value in a point's title: "3100 ops/s".
	text func(float64) string
	// tick labels a y tick.
	tick func(float64) string
}

// metrics are the panels of each backend, left to right.
var metrics = []metric{
	{key: "ops_per_sec", title: "throughput", axis: "ops/s",
		value: func(r harness.Result) float64 { return r.OpsPerSec },
		text:  func(v float64) string { return fmt.Sprintf("%.0f ops/s", v) },
		tick:  tickLabel},
	{key: "lost", title: "updates lost", axis: "lost", integer: true,
		value: func(r harness.Result) float64 { return float64(r.Lost) },
		text:  func(v float64) string { return fmt.Sprintf("%.0f lost", v) },
		tick:  tickLabel},
	{key: "p99_ms", title: "p99 latency", axis: "p99 ms",
		value: func(r harness.Result) float64 { return r.P99Ms },
		text:  func(v float64) string { return fmt.Sprintf("p99 %.2f ms", v) },
		tick:  func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }},
}

// point is one measured row: workers and the value of each metric, in the order of
// metrics.
type point struct {
	workers int
	values  []float64
}

// series is one strategy's line in one panel.
type series struct {
	strategy string
	points   []point // sorted by workers
}

// panel is one service on one backend: a row of panels, one per metric.
type panel struct {
	service, backend string
	series           []series
}

// group sorts rs into panels and checks them; see SVG for what is refused.
func group(rs []harness.Result) (panels []*panel, strategies []string, err error) {
	if len(rs) == 0 {
		return nil, nil, ErrNoResults
	}
	for _, r := range rs {
		id := fmt.Sprintf("%s/%s/%s at %d workers", r.Service, r.Strategy, r.Backend, r.Workers)
		switch {
		case r.Service == "" || r.Strategy == "" || r.Backend == "":
			return nil, nil, fmt.Errorf("chart: row %s: service, strategy and backend must all be named", id)
		case r.Workers < 1:
			return nil, nil, fmt.Errorf("chart: row %s: workers must be at least 1", id)
		case bad(r.OpsPerSec):
			return nil, nil, fmt.Errorf("chart: row %s: ops/s is %v, want a finite number ≥ 0", id, r.OpsPerSec)
		case r.Lost < 0:
			return nil, nil, fmt.Errorf("chart: row %s: lost is %d, want a number ≥ 0", id, r.Lost)
		case bad(r.P99Ms):
			return nil, nil, fmt.Errorf("chart: row %s: p99 is %v ms, want a finite number ≥ 0", id, r.P99Ms)
		}
		i := slices.IndexFunc(panels, func(p *panel) bool { return p.service == r.Service && p.backend == r.Backend })
		if i < 0 {
			panels = append(panels, &panel{service: r.Service, backend: r.Backend})
			i = len(panels) - 1
		}
		p := panels[i]
		j := slices.IndexFunc(p.series, func(s series) bool { return s.strategy == r.Strategy })
		if j < 0 {
			p.series = append(p.series, series{strategy: r.Strategy})
			j = len(p.series) - 1
		}
		s := &p.series[j]
		if slices.ContainsFunc(s.points, func(q point) bool { return q.workers == r.Workers }) {
			return nil, nil, fmt.Errorf("chart: row %s appears twice: chart one sweep at a time", id)
		}
		q := point{workers: r.Workers}
		for _, m := range metrics {
			q.values = append(q.values, m.value(r))
		}
		s.points = append(s.points, q)
		if !slices.Contains(strategies, r.Strategy) {
			strategies = append(strategies, r.Strategy)
		}
	}
	for _, p := range panels {
		for _, s := range p.series {
			slices.SortFunc(s.points, func(a, b point) int { return a.workers - b.workers })
		}
	}
	return panels, strategies, nil
}

// bad reports whether v cannot be plotted on an axis from zero: NaN, infinite or
// negative.
func bad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) || v < 0 }

// SVG returns the chart of rs as a standalone SVG document. It refuses, with an error
// naming the row, an empty rs (ErrNoResults), a row without service, strategy or
// backend, fewer than 1 worker, an ops/s or a p99 that is negative, NaN or infinite,
// a negative lost, and the same service, strategy, backend and workers twice. A value
// of 0 is drawn at the bottom of its panel; a sweep of a single worker count is drawn
// as points in the middle of the x axis.
func SVG(rs []harness.Result, o Options) ([]byte, error) {
	panels, strategies, err := group(rs)
	if err != nil {
		return nil, err
	}
	cols, rows := len(metrics), len(panels)

	var services []string
	for _, p := range panels {
		if !slices.Contains(services, p.service) {
			services = append(services, p.service)
		}
	}
	title := o.Title
	if title == "" {
		title = strings.Join(services, ", ") + ": throughput, updates lost and p99 latency against concurrency"
	}

	width := 2*margin + float64(cols)*panelW + float64(cols-1)*gapX
	var order []string
	for _, s := range append(slices.Clone(o.Strategies), strategies...) {
		if !slices.Contains(order, s) {
			order = append(order, s)
		}
	}
	styles := styles(order, o.Racy)
	present := slices.DeleteFunc(order, func(s string) bool { return !slices.Contains(strategies, s) })
	legend, legendH := legendItems(present, styles, width-2*margin)

	y := margin + 16 // baseline of the title
	var head bytes.Buffer
	elemf(&head, `<text x="%s" y="%s" font-size="16" font-weight="bold">%s</text>`, num(margin), num(y), esc(title))
	if o.Machine != "" {
		y += 20
		elemf(&head, `<text x="%s" y="%s" fill="#444">measured on %s</text>`, num(margin), num(y), esc(o.Machine))
	}
	y += 14
	legendTop := y
	panelsTop := legendTop + legendH + 6
	height := panelsTop + float64(rows)*panelH + float64(rows-1)*gapY + margin
	if o.Caption != "" {
		height += 16
	}

	var b bytes.Buffer
	elemf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="sans-serif" font-size="12">`,
		num(width), num(height), num(width), num(height))
	elemf(&b, `<rect width="100%%" height="100%%" fill="#fff"/>`)
	b.Write(head.Bytes())
	for _, it := range legend {
		writeLegendItem(&b, it, margin, legendTop)
	}
	xTicks := workerTicks(panels)
	oneService := len(services) == 1
	for i, p := range panels {
		top := panelsTop + float64(i)*(panelH+gapY)
		label := p.service + " on " + p.backend
		if oneService {
			label = p.backend
		}
		for j, m := range metrics {
			left := margin + float64(j)*(panelW+gapX)
			writePanel(&b, p, j, m, label+": "+m.title, left, top, xTicks, styles)
		}
	}
	if o.Caption != "" {
		elemf(&b, `<text x="%s" y="%s" font-size="10" fill="#666">%s</text>`, num(margin), num(height-margin+4), esc(o.Caption))
	}
	b.WriteString("</svg>\n")
	return b.Bytes(), nil
}

// styles assigns each strategy its line, by first appearance: the palette (then
// again dotted, …) for correct strategies, dashed greys for racy ones.
func styles(strategies, racy []string) map[string]style {
	st := make(map[string]style, len(strategies))
	correct, unsafe := 0, 0
	for _, s := range strategies {
		if slices.Contains(racy, s) {
			st[s] = style{greys[unsafe%len(greys)], racyDash}
			unsafe++
			continue
		}
		st[s] = style{palette[correct%len(palette)], cycleDash[correct/len(palette)%len(cycleDash)]}
		correct++
	}
	return st
}

// legendItem is one strategy's entry in the legend, at an offset from its top left.
type legendItem struct {
	strategy string
	style    style
	dx, dy   float64
}

// legendItems lays the legend out in rows no wider than width and returns its height.
func legendItems(strategies []string, styles map[string]style, width float64) ([]legendItem, float64) {
	var items []legendItem
	x, y := 0.0, 0.0
	for _, s := range strategies {
		w := 30 + charW*float64(len([]rune(s))) + 18
		if x > 0 && x+w > width {
			x, y = 0, y+legendRowH
		}
		items = append(items, legendItem{strategy: s, style: styles[s], dx: x, dy: y})
		x += w
	}
	return items, y + legendRowH
}

func writeLegendItem(b *bytes.Buffer, it legendItem, left, top float64) {
	x, y := left+it.dx, top+it.dy+legendRowH/2
	elemf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"%s/>`,
		num(x), num(y), num(x+24), num(y), it.style.colour, it.style.dashAttr())
	elemf(b, `<circle cx="%s" cy="%s" r="%s" fill="%s"/>`, num(x+12), num(y), num(markerR), it.style.colour)
	elemf(b, `<text x="%s" y="%s" dominant-baseline="middle">%s</text>`, num(x+30), num(y+1), esc(it.strategy))
}

// workerTicks returns every worker count in the chart, ascending: the x ticks of every
// panel, so that the panels share one x axis.
func workerTicks(panels []*panel) []int {
	var ws []int
	for _, p := range panels {
		for _, s := range p.series {
			for _, q := range s.points {
				ws = append(ws, q.workers)
			}
		}
	}
	slices.Sort(ws)
	return slices.Compact(ws)
}

// scale maps data values onto a pixel range. A log scale maps log₂ of the value; a
// scale whose data range is a single value maps it to the middle.
type scale struct {
	lo, hi   float64 // data range
	px0, px1 float64 // pixels for lo and hi
	log      bool
}

func (s scale) at(v float64) float64 {
	lo, hi := s.lo, s.hi
	if s.log {
		v, lo, hi = math.Log2(v), math.Log2(lo), math.Log2(hi)
	}
	if hi == lo {
		return (s.px0 + s.px1) / 2
	}
	return s.px0 + (v-lo)/(hi-lo)*(s.px1-s.px0)
}

// yTicks returns ticks from 0 to the smallest "nice" value (1, 2, 2.5 or 5 × 10ⁿ steps)
// at or above max; a max of 0 gives the axis 0 to 1. With integer (a count) the axis
// goes at least to 5 and the steps are whole numbers: no 2.5 steps.
func yTicks(max float64, integer bool) []float64 {
	if integer {
		max = math.Max(max, yTickTarget)
	}
	if max <= 0 {
		max = 1
	}
	raw := max / yTickTarget
	exp := math.Floor(math.Log10(raw))
	mag := math.Pow(10, exp)
	mult := 10.0
	for _, m := range []float64{1, 2, 2.5, 5} {
		if integer && m == 2.5 && mag < 10 {
			continue
		}
		if m*mag >= raw {
			mult = m
			break
		}
	}
	n := int(math.Ceil(max/(mult*mag) - 1e-9))
	ticks := make([]float64, n+1)
	for i := range ticks {
		// i·mult is exact (a multiple of 0.5); dividing it by a power of ten rather
		// than multiplying by a fraction keeps 0.6 from becoming 0.6000000000000001.
		units := float64(i) * mult
		if exp < 0 {
			ticks[i] = units / math.Pow(10, -exp)
		} else {
			ticks[i] = units * mag
		}
	}
	return ticks
}

// tickLabel formats an ops/s tick: 0, 250, 2.5k, 40k.
func tickLabel(v float64) string {
	if v >= 1000 {
		return strconv.FormatFloat(v/1000, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// writePanel draws metric m (the mi-th of metrics) of panel p with its top left corner
// at (left, top).
func writePanel(b *bytes.Buffer, p *panel, mi int, m metric, label string, left, top float64, xTicks []int, styles map[string]style) {
	x0, x1 := left+plotLeft, left+panelW-plotRight
	y0, y1 := top+plotTop, top+panelH-plotBottom // y0 top of the plot area, y1 its bottom
	maxV := 0.0
	for _, s := range p.series {
		for _, q := range s.points {
			maxV = math.Max(maxV, q.values[mi])
		}
	}
	ticks := yTicks(maxV, m.integer)
	xs := scale{lo: float64(xTicks[0]), hi: float64(xTicks[len(xTicks)-1]), px0: x0 + plotInset, px1: x1 - plotInset, log: true}
	ys := scale{lo: 0, hi: ticks[len(ticks)-1], px0: y1, px1: y0}

	elemf(b, `<g class="panel" data-service="%s" data-backend="%s" data-metric="%s">`, esc(p.service), esc(p.backend), m.key)
	elemf(b, `<text x="%s" y="%s" font-weight="bold">%s</text>`, num(x0), num(top+plotTop-10), esc(label))
	elemf(b, `<rect class="plot" x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#999"/>`,
		num(x0), num(y0), num(x1-x0), num(y1-y0))
	for _, t := range ticks {
		y := ys.at(t)
		if t > 0 {
			elemf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e4e4e4"/>`, num(x0), num(y), num(x1), num(y))
		}
		elemf(b, `<text x="%s" y="%s" text-anchor="end" dominant-baseline="middle">%s</text>`, num(x0-6), num(y), m.tick(t))
	}
	lastLabel := math.Inf(-1)
	for _, w := range xTicks {
		x := xs.at(float64(w))
		elemf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#999"/>`, num(x), num(y1), num(x), num(y1+4))
		if x-lastLabel >= 18 { // skip a label that would run into the previous one
			elemf(b, `<text x="%s" y="%s" text-anchor="middle">%d</text>`, num(x), num(y1+17), w)
			lastLabel = x
		}
	}
	elemf(b, `<text x="%s" y="%s" text-anchor="middle" fill="#444">workers (concurrent clients, log scale)</text>`, num((x0+x1)/2), num(y1+35))
	ly := (y0 + y1) / 2
	elemf(b, `<text x="%s" y="%s" text-anchor="middle" fill="#444" transform="rotate(-90 %s %s)">%s</text>`,
		num(left+12), num(ly), num(left+12), num(ly), esc(m.axis))
	for _, s := range p.series {
		st := styles[s.strategy]
		pts := make([]string, len(s.points))
		for i, q := range s.points {
			pts[i] = num(xs.at(float64(q.workers))) + "," + num(ys.at(q.values[mi]))
		}
		elemf(b, `<polyline class="series" data-strategy="%s" points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`,
			esc(s.strategy), strings.Join(pts, " "), st.colour, st.dashAttr())
		for _, q := range s.points {
			elemf(b, `<circle cx="%s" cy="%s" r="%s" fill="%s"><title>%s, %s: %s</title></circle>`,
				num(xs.at(float64(q.workers))), num(ys.at(q.values[mi])), num(markerR), st.colour, esc(s.strategy), workersText(q.workers), m.text(q.values[mi]))
		}
	}
	b.WriteString("</g>\n")
}

// elemf writes one line of SVG: format with args, then a newline.
func elemf(b *bytes.Buffer, format string, args ...any) {
	fmt.Fprintf(b, format, args...)
	b.WriteByte('\n')
}

// workersText says "1 worker", "4 workers".
func workersText(n int) string {
	if n == 1 {
		return "1 worker"
	}
	return strconv.Itoa(n) + " workers"
}

// num formats a coordinate with at most one decimal: enough for a screen, and short.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// esc escapes s for SVG text and attribute values.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}
