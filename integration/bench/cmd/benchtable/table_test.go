package main

import (
	"bytes"
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestTablePartial renders a captured run of the native benchmarks only
// (testdata/partial.txt: go test -bench . -benchmem -benchtime=200x of
// plugin/jwt, policies, policies/regex, plugin/internal/abi, integration/bench/seedpolicy and
// integration/bench/twentyrules): the wasm and gateway comparisons must show as
// missing, and be listed.
func TestTablePartial(t *testing.T) {
	run := parseFile(t, "testdata/partial.txt")
	var buf bytes.Buffer
	missing := Table(&buf, run, rows)
	wantMissing := []string{"plugin BenchmarkToken/verify-ES256", "plugin BenchmarkToken/cached", "plugin BenchmarkRequest/allow",
		"host BenchmarkEmptyRequest", "plugin BenchmarkDecision/cached-token-allow", "plugin BenchmarkDecision/cached-token-deny",
		"plugin BenchmarkDecision/first-seen-RS256", "plugin BenchmarkDecision/first-seen-ES256",
		"host/gateway BenchmarkGateway/palisade", "host/gateway BenchmarkGateway/no-plugin"}
	if !reflect.DeepEqual(missing, wantMissing) {
		t.Errorf("missing: got %q, want %q", missing, wantMissing)
	}
	for _, line := range []string{
		"| RS256 token verification, native | palisade | 76.7 µs | 23 | golang-jwt v5 | 177 µs | 61 | 2.31× |",
		"| ES256 token inside palisade.wasm (whole request) | new token, verified | missing | missing | same token again, cached | missing | missing | – |",
		"|  | | | | OPA | 254 µs | 420 | 186× |",
		"| `policies BenchmarkDecide` | 1.28 µs | 0 |",
		"| 20-rule policy, one request, allowed | palisade | 5.28 µs | 0 | cel-go | 18.4 µs | 167 | 3.49× |",
		"|  | | | | OPA | 871 µs | 890 | 153× |",
		"| full decision inside palisade.wasm, 20 rules, mTLS caller | cached token, allowed | missing | missing | cached token, denied | missing | missing | – |",
		"missing from this run (10): plugin BenchmarkToken/verify-ES256, plugin BenchmarkToken/cached, plugin BenchmarkRequest/allow, host BenchmarkEmptyRequest, " +
			"plugin BenchmarkDecision/cached-token-allow, plugin BenchmarkDecision/cached-token-deny, plugin BenchmarkDecision/first-seen-RS256, plugin BenchmarkDecision/first-seen-ES256, " +
			"host/gateway BenchmarkGateway/palisade, host/gateway BenchmarkGateway/no-plugin",
	} {
		if !strings.Contains(buf.String(), line+"\n") {
			t.Errorf("no line %q in\n%s", line, buf.String())
		}
	}
	golden(t, "testdata/partial.golden", buf.Bytes())
}

// TestTableNamesEveryBenchmarkOnce checks the rows' declarations: a
// benchmark compared twice in one row, or a row without alternatives,
// is a mistake in rows.go.
func TestTableNamesEveryBenchmarkOnce(t *testing.T) {
	for _, row := range rows {
		if len(row.Alts) == 0 {
			t.Errorf("%s: no alternatives", row.What)
		}
		seen := map[string]bool{row.Base.Bench: true}
		for _, a := range row.Alts {
			if seen[a.Bench] {
				t.Errorf("%s: %s twice", row.What, a.Bench)
			}
			seen[a.Bench] = true
			if strings.Count(a.Bench, " ") != 1 || !strings.Contains(a.Bench, " Benchmark") {
				t.Errorf("%s: %q is not \"<package dir> <benchmark>\"", row.What, a.Bench)
			}
		}
	}
}

func TestFormats(t *testing.T) {
	ns := []struct {
		in   float64
		want string
	}{{854.7, "855 ns"}, {999.4, "999 ns"}, {999.6, "1.00 µs"}, {1355, "1.35 µs"}, {76667, "76.7 µs"}, {2.2e6, "2.20 ms"}, {4.04e9, "4.04 s"}, {12, "12.0 ns"}}
	for _, tc := range ns {
		if got := fmtNs(tc.in); got != tc.want {
			t.Errorf("fmtNs(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
	ratios := []struct {
		in   float64
		want string
	}{{186.1, "186×"}, {19.87, "19.9×"}, {1.9, "1.90×"}, {1, "1.00×"}, {0.793, "0.79×"}, {0.8, "0.80×"}, {0.072, "0.072×"}, {0.01363, "0.014×"}}
	for _, tc := range ratios {
		if got := fmtRatio(tc.in); got != tc.want {
			t.Errorf("fmtRatio(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func parseFile(t *testing.T, name string) *Run {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	run, err := Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// golden compares got with the file, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(name, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", name, got)
	}
}

// TestTableFull renders a whole captured make bench run
// (testdata/full.txt, both modules, with the plugin's log lines between
// a benchmark's name and its figures): every row's benchmarks are there.
func TestTableFull(t *testing.T) {
	run := parseFile(t, "testdata/full.txt")
	var buf bytes.Buffer
	if missing := Table(&buf, run, rows); len(missing) != 0 {
		t.Errorf("missing: %q", missing)
	}
	if len(run.Failures) != 0 {
		t.Errorf("failures: %q", run.Failures)
	}
	line := "| gateway, 32 keep-alive clients | with palisade.wasm | 277 µs | 190 | without a plugin | 214 µs | 169 | 0.77× |"
	if !strings.Contains(buf.String(), line+"\n") {
		t.Errorf("no line %q in\n%s", line, buf.String())
	}
	golden(t, "testdata/full.golden", buf.Bytes())
}

// A benchmark that reports the times of its parts gets a table of them,
// longest first.
func TestTableParts(t *testing.T) {
	run, err := Parse(strings.NewReader("pkg: github.com/palisade-wasm/palisade/plugin\n" +
		"BenchmarkDecisionStages-2   3000   61830 ns/op   1393 path-ns/op   11073 policy-ns/op   9785 read-headers-ns/op\n"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	Table(&b, run, nil)
	want := "| parts of `plugin BenchmarkDecisionStages` | ns/op |\n|---|--:|\n| policy | 11.1 µs |\n| read-headers | 9.79 µs |\n| path | 1.39 µs |\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("table:\n%s\nlacks\n%s", b.String(), want)
	}
}
