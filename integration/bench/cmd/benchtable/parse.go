package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// modulePath is trimmed from package paths, so that rows name benchmarks
// by the package's directory ("plugin/jwt", "integration/bench/seedpolicy").
const modulePath = "github.com/palisade-wasm/palisade/"

// Result is one benchmark's figures, averaged over the lines the run
// printed for it (one per -count).
type Result struct {
	NsPerOp     float64
	AllocsPerOp float64
	HasAllocs   bool // the line had allocs/op (-benchmem or b.ReportAllocs)
	Runs        int
	// Parts are the times a benchmark reports of its parts, in units
	// "<part>-ns/op" (plugin BenchmarkDecisionStages), by part, averaged
	// like the rest.
	Parts map[string]float64
}

// Run is what a go test -bench output holds: results by key
// ("<package dir> <benchmark name>", GOMAXPROCS suffix removed), in the
// order first seen, and the lines that tell of a failure.
type Run struct {
	Results  map[string]Result
	Order    []string
	CPU      string
	Failures []string
}

// Parse reads the output of one or more go test -bench runs, concatenated.
// A benchmark line is "Name-P  N  v1 unit1  v2 unit2 ...": the "-P"
// GOMAXPROCS suffix is dropped so that keys do not depend on the machine.
// Lines that are not benchmark results are ignored, except "pkg:" and
// "cpu:" headers and failures ("--- FAIL", "FAIL", "panic:"). Output a
// benchmark writes while it runs comes between its name and its figures;
// figures on a line of their own belong to the last name seen.
func Parse(r io.Reader) (*Run, error) {
	run := &Run{Results: map[string]Result{}}
	sums := map[string]*Result{}
	pkg := ""
	pending := "" // the name of a benchmark whose figures are still to come
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "pkg: "):
			pkg = strings.TrimPrefix(strings.TrimSpace(line[len("pkg: "):]), modulePath)
			pending = ""
			continue
		case strings.HasPrefix(line, "cpu: "):
			run.CPU = strings.TrimSpace(line[len("cpu: "):])
			continue
		case strings.HasPrefix(trimmed, "--- FAIL"), strings.HasPrefix(line, "FAIL"), strings.HasPrefix(line, "panic:"):
			run.Failures = append(run.Failures, trimmed)
			continue
		}
		name, res, ok, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pkg, err)
		}
		if !ok && pending != "" {
			// The benchmark logged while it ran: go test printed its
			// name, then the log, then the figures on a line of their own.
			name, res, ok, err = parseLine(pending + " " + line)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", pkg, err)
			}
		}
		if !ok {
			if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], "Benchmark") {
				pending = f[0]
			}
			continue
		}
		pending = ""
		key := pkg + " " + name
		s, seen := sums[key]
		if !seen {
			s = &Result{HasAllocs: true}
			sums[key] = s
			run.Order = append(run.Order, key)
		}
		s.NsPerOp += res.NsPerOp
		s.AllocsPerOp += res.AllocsPerOp
		for part, v := range res.Parts {
			if s.Parts == nil {
				s.Parts = map[string]float64{}
			}
			s.Parts[part] += v
		}
		s.HasAllocs = s.HasAllocs && res.HasAllocs
		s.Runs++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read benchmark output: %w", err)
	}
	for key, s := range sums {
		for part := range s.Parts {
			s.Parts[part] /= float64(s.Runs)
		}
		run.Results[key] = Result{NsPerOp: s.NsPerOp / float64(s.Runs), AllocsPerOp: s.AllocsPerOp / float64(s.Runs), HasAllocs: s.HasAllocs, Runs: s.Runs, Parts: s.Parts}
	}
	return run, nil
}

// parseLine reports whether line is a benchmark result, and its figures.
// A line that starts like a result but has no ns/op is an error: the
// output is not what this program understands.
func parseLine(line string) (name string, res Result, ok bool, err error) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
		return "", Result{}, false, nil
	}
	if _, err := strconv.ParseUint(f[1], 10, 64); err != nil {
		return "", Result{}, false, nil // e.g. a log line that starts with a benchmark's name
	}
	name = trimProcs(f[0])
	hasNs := false
	for i := 2; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return "", Result{}, false, fmt.Errorf("%s: value %q of %s: %w", name, f[i], f[i+1], err)
		}
		switch f[i+1] {
		case "ns/op":
			res.NsPerOp, hasNs = v, true
		case "allocs/op":
			res.AllocsPerOp, res.HasAllocs = v, true
		default:
			if part, ok := strings.CutSuffix(f[i+1], "-ns/op"); ok && part != "" {
				if res.Parts == nil {
					res.Parts = map[string]float64{}
				}
				res.Parts[part] = v
			}
		}
	}
	if !hasNs {
		return "", Result{}, false, fmt.Errorf("%s: no ns/op in %q", name, line)
	}
	return name, res, true, nil
}

// trimProcs drops the "-P" suffix go test appends to a benchmark's name
// when GOMAXPROCS is not 1.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 || i == len(name)-1 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}
