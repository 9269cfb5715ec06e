package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	const out = `goos: linux
goarch: amd64
pkg: github.com/palisade-wasm/palisade/plugin/jwt
cpu: AMD EPYC
BenchmarkVerify/RS256/palisade-2         	     200	     76667 ns/op	    2432 B/op	      23 allocs/op
BenchmarkVerify/RS256/palisade-2         	     200	     73333 ns/op	    2432 B/op	      25 allocs/op
BenchmarkVerify/HS256/golang-jwt-2       	     200	      3246 ns/op
BenchmarkStages-2       	     200	      4000 ns/op	      1000 policy-ns/op	 300 path-ns/op
BenchmarkStages-2       	     200	      6000 ns/op	      3000 policy-ns/op	 500 path-ns/op	 9 -ns/op
PASS
ok  	github.com/palisade-wasm/palisade/plugin/jwt	0.974s
pkg: github.com/palisade-wasm/palisade/integration/bench/seedpolicy
BenchmarkDecide/cel-go       	     200	     14206 ns/op	    3989 B/op	      63 allocs/op
BenchmarkDecide/opa-16       	     100	     250000 ns/op	    22100 B/op	     420 allocs/op	 3.5 hostcalls/op
BenchmarkDecide/cedar-go-2 is what this log line is about
BenchmarkGateway/palisade-2          	[info] configuration accepted
[info] configuration accepted
    1753	    663991 ns/op	     14457 p50-µs	     99113 p99-µs	   24881 B/op	     193 allocs/op
--- FAIL: BenchmarkDecide/palisade-2
    --- FAIL: BenchmarkDecide/palisade/sub-2
FAIL	github.com/palisade-wasm/palisade/integration/bench/seedpolicy	0.133s
panic: boom
`
	run, err := Parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Result{
		"plugin/jwt BenchmarkVerify/RS256/palisade":              {NsPerOp: 75000, AllocsPerOp: 24, HasAllocs: true, Runs: 2},
		"plugin/jwt BenchmarkVerify/HS256/golang-jwt":            {NsPerOp: 3246, Runs: 1},
		"plugin/jwt BenchmarkStages":                             {NsPerOp: 5000, Runs: 2, Parts: map[string]float64{"policy": 2000, "path": 400}},
		"integration/bench/seedpolicy BenchmarkDecide/cel-go":    {NsPerOp: 14206, AllocsPerOp: 63, HasAllocs: true, Runs: 1},
		"integration/bench/seedpolicy BenchmarkDecide/opa":       {NsPerOp: 250000, AllocsPerOp: 420, HasAllocs: true, Runs: 1},
		"integration/bench/seedpolicy BenchmarkGateway/palisade": {NsPerOp: 663991, AllocsPerOp: 193, HasAllocs: true, Runs: 1},
	}
	if !reflect.DeepEqual(run.Results, want) {
		t.Errorf("results:\n got %v\nwant %v", run.Results, want)
	}
	wantOrder := []string{"plugin/jwt BenchmarkVerify/RS256/palisade", "plugin/jwt BenchmarkVerify/HS256/golang-jwt", "plugin/jwt BenchmarkStages",
		"integration/bench/seedpolicy BenchmarkDecide/cel-go", "integration/bench/seedpolicy BenchmarkDecide/opa", "integration/bench/seedpolicy BenchmarkGateway/palisade"}
	if !reflect.DeepEqual(run.Order, wantOrder) {
		t.Errorf("order: got %q, want %q", run.Order, wantOrder)
	}
	if run.CPU != "AMD EPYC" {
		t.Errorf("cpu: got %q", run.CPU)
	}
	wantFail := []string{"--- FAIL: BenchmarkDecide/palisade-2", "--- FAIL: BenchmarkDecide/palisade/sub-2",
		"FAIL	github.com/palisade-wasm/palisade/integration/bench/seedpolicy	0.133s", "panic: boom"}
	if !reflect.DeepEqual(run.Failures, wantFail) {
		t.Errorf("failures: got %q, want %q", run.Failures, wantFail)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ out, err string }{
		{"pkg: github.com/palisade-wasm/palisade/policies\nBenchmarkX-2 10 1.5 ms/op\n", `policies: BenchmarkX: no ns/op in "BenchmarkX-2 10 1.5 ms/op"`},
		{"BenchmarkX-2 10 fast ns/op\n", `: BenchmarkX: value "fast" of ns/op: strconv.ParseFloat: parsing "fast": invalid syntax`},
	}
	for _, tc := range tests {
		_, err := Parse(strings.NewReader(tc.out))
		if err == nil || err.Error() != tc.err {
			t.Errorf("%q: got error %v, want %s", tc.out, err, tc.err)
		}
	}
}

func TestTrimProcs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"BenchmarkDecide-2", "BenchmarkDecide"},
		{"BenchmarkDecide/cel-go-16", "BenchmarkDecide/cel-go"},
		{"BenchmarkDecide/cel-go", "BenchmarkDecide/cel-go"},
		{"BenchmarkToken/verify-ES256", "BenchmarkToken/verify-ES256"},
		{"BenchmarkX-", "BenchmarkX-"},
	}
	for _, tc := range tests {
		if got := trimProcs(tc.in); got != tc.want {
			t.Errorf("trimProcs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
