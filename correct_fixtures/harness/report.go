package harness

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteTable prints rs as an aligned table with one row per Result.
func WriteTable(w io.Writer, rs []Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "service\tstrategy\tbackend\tworkers\tops\texpected\tfinal\tlost\terrors\tretries\tops/s\tp50 ms\tp99 ms\t")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.0f\t%.2f\t%.2f\t\n",
			r.Service, r.Strategy, r.Backend, r.Workers, r.Ops, r.Expected, r.Final, r.Lost,
			r.Errors, r.Retries, r.OpsPerSec, r.P50Ms, r.P99Ms)
	}
	return tw.Flush()
}

// WriteJSON prints one JSON object per Result, one per line.
func WriteJSON(w io.Writer, rs []Result) error {
	enc := json.NewEncoder(w)
	for _, r := range rs {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("harness: encode result %s/%s/%s: %w", r.Service, r.Strategy, r.Backend, err)
		}
	}
	return nil
}

// Notes returns one line per Result that needs explaining: failed operations whose
// outcome is unknown, chaos, a violated invariant.
func Notes(rs []Result) []string {
	var out []string
	for _, r := range rs {
		id := r.Service + "/" + r.Strategy + "/" + r.Backend
		if r.Violation != "" {
			out = append(out, fmt.Sprintf("%s: invariant violated: %s", id, r.Violation))
		}
		if r.Kills > 0 {
			out = append(out, fmt.Sprintf("%s: chaos dropped %d connections during the run", id, r.Kills))
		}
		if r.Errors > 0 {
			out = append(out, fmt.Sprintf("%s: %d operations failed (first: %s); the final value may lie anywhere in [%d, %d] without anything lost",
				id, r.Errors, r.FirstError, r.UnsureLow, r.UnsureHigh))
		}
	}
	return out
}
