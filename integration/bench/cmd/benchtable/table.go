package main

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Table writes the rows as one Markdown table of the run's figures, each
// alternative beside the row's Palisade figures with the ratio of their
// times, then a table of the run's benchmarks no row names, a table of
// the parts of each benchmark that reports some ("<part>-ns/op"), then the
// benchmarks the rows name that the run lacks (never dropped silently)
// and the run's failures. It returns the missing keys.
func Table(w io.Writer, run *Run, rows []Row) (missing []string) {
	named := map[string]bool{}
	miss := func(key string) {
		if !named[key] {
			if _, ok := run.Results[key]; !ok {
				missing = append(missing, key)
			}
		}
		named[key] = true
	}
	fmt.Fprintln(w, "| comparison | Palisade | ns/op | allocs/op | compared with | ns/op | allocs/op | time ÷ Palisade's |")
	fmt.Fprintln(w, "|---|---|--:|--:|---|--:|--:|--:|")
	for _, row := range rows {
		miss(row.Base.Bench)
		base, baseOK := run.Results[row.Base.Bench]
		for i, alt := range row.Alts {
			miss(alt.Bench)
			what, baseCells := "", "| | |"
			if i == 0 {
				what = row.What
				baseCells = "| " + figures(base, baseOK) + " |"
				baseCells = "| " + row.Base.Label + " " + baseCells
			} else {
				baseCells = "| " + baseCells
			}
			res, ok := run.Results[alt.Bench]
			ratio := "–"
			if ok && baseOK && base.NsPerOp > 0 {
				ratio = fmtRatio(res.NsPerOp / base.NsPerOp)
			}
			fmt.Fprintf(w, "| %s %s %s | %s | %s |\n", what, baseCells, alt.Label, figures(res, ok), ratio)
		}
	}

	var others []string
	for _, key := range run.Order {
		if !named[key] {
			others = append(others, key)
		}
	}
	if len(others) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| other benchmarks of the run | ns/op | allocs/op |")
		fmt.Fprintln(w, "|---|--:|--:|")
		for _, key := range others {
			fmt.Fprintf(w, "| `%s` | %s |\n", key, figures(run.Results[key], true))
		}
	}
	for _, key := range run.Order {
		parts := run.Results[key].Parts
		if len(parts) == 0 {
			continue
		}
		names := slices.Collect(maps.Keys(parts))
		slices.SortFunc(names, func(a, b string) int { return cmp.Compare(parts[b], parts[a]) })
		fmt.Fprintln(w)
		fmt.Fprintf(w, "| parts of `%s` | ns/op |\n", key)
		fmt.Fprintln(w, "|---|--:|")
		for _, part := range names {
			fmt.Fprintf(w, "| %s | %s |\n", part, fmtNs(parts[part]))
		}
	}
	if len(missing) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "missing from this run (%d): %s\n", len(missing), strings.Join(missing, ", "))
	}
	if len(run.Failures) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "failures reported by the run (%d):\n", len(run.Failures))
		for _, f := range run.Failures {
			fmt.Fprintln(w, "  "+f)
		}
	}
	return missing
}

// figures is the "ns/op | allocs/op" cell pair of a result.
func figures(r Result, ok bool) string {
	if !ok {
		return "missing | missing"
	}
	allocs := "–"
	if r.HasAllocs {
		allocs = strconv.FormatFloat(r.AllocsPerOp, 'f', 0, 64)
	}
	return fmtNs(r.NsPerOp) + " | " + allocs
}

// fmtNs writes a duration in nanoseconds with three significant digits
// and the unit that keeps it between 1 and 1000.
func fmtNs(ns float64) string {
	v, unit := ns, "ns"
	for _, u := range []string{"µs", "ms", "s"} {
		if v < 999.5 {
			break
		}
		v, unit = v/1000, u
	}
	switch {
	case v >= 99.95:
		return fmt.Sprintf("%.0f %s", v, unit)
	case v >= 9.995:
		return fmt.Sprintf("%.1f %s", v, unit)
	}
	return fmt.Sprintf("%.2f %s", v, unit)
}

// fmtRatio writes a ratio with three significant digits from 1 up, two
// decimals down to 0.1, then two significant digits.
func fmtRatio(r float64) string {
	switch {
	case r >= 99.95:
		return fmt.Sprintf("%.0f×", r)
	case r >= 9.995:
		return fmt.Sprintf("%.1f×", r)
	case r >= 0.0995:
		return fmt.Sprintf("%.2f×", r)
	}
	return strconv.FormatFloat(r, 'g', 2, 64) + "×"
}
