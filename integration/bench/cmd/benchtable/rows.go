package main

// An Entry is one measured thing: a label for people and the benchmark
// that measures it, "<package dir> <benchmark name>" as Parse keys it.
type Entry struct {
	Label string
	Bench string
}

// A Row compares Palisade (Base) with what a user would pick instead, or
// with itself in other conditions (Alts), all measured in the same run.
type Row struct {
	What string
	Base Entry
	Alts []Entry
}

// rows are the comparisons of issue #9, the one place that pairs
// benchmarks: a renamed benchmark shows up here as missing.
var rows = []Row{
	verifyRow("RS256"), verifyRow("PS256"), verifyRow("ES256"), verifyRow("ES384"), verifyRow("EdDSA"), verifyRow("HS256"),
	{
		What: "ES256 token inside palisade.wasm (whole request)",
		Base: Entry{"new token, verified", "plugin BenchmarkToken/verify-ES256"},
		Alts: []Entry{
			{"same token again, cached", "plugin BenchmarkToken/cached"},
			{"golang-jwt v5 verify, native", "plugin/jwt BenchmarkVerify/ES256/golang-jwt"},
		},
	},
	{
		What: "condition, 3 clauses, from token JSON",
		Base: Entry{"palisade", "policies BenchmarkCondition/palisade"},
		Alts: []Entry{
			{"cel-go", "policies BenchmarkCondition/cel-go"},
			{"cel-go, claims decoded in advance", "policies BenchmarkCondition/cel-go-predecoded"},
		},
	},
	{
		What: "seed policy, 6 rules, one request",
		Base: Entry{"palisade", "integration/bench/seedpolicy BenchmarkDecide/palisade"},
		Alts: []Entry{
			{"cel-go", "integration/bench/seedpolicy BenchmarkDecide/cel-go"},
			{"OPA", "integration/bench/seedpolicy BenchmarkDecide/opa"},
			{"cedar-go", "integration/bench/seedpolicy BenchmarkDecide/cedar-go"},
		},
	},
	{
		What: "whole request inside palisade.wasm",
		Base: Entry{"no token", "plugin BenchmarkRequest/allow"},
		Alts: []Entry{
			{"cached token", "plugin BenchmarkToken/cached"},
			{"host alone, minimal guest", "host BenchmarkEmptyRequest"},
		},
	},
	{
		What: "gateway, 32 keep-alive clients",
		Base: Entry{"with palisade.wasm", "host/gateway BenchmarkGateway/palisade"},
		Alts: []Entry{{"without a plugin", "host/gateway BenchmarkGateway/no-plugin"}},
	},
}

// verifyRow compares Palisade's native verification of a token signed
// with alg with golang-jwt's (signature, issuer, audience, expiry).
func verifyRow(alg string) Row {
	return Row{
		What: alg + " token verification, native",
		Base: Entry{"palisade", "plugin/jwt BenchmarkVerify/" + alg + "/palisade"},
		Alts: []Entry{{"golang-jwt v5", "plugin/jwt BenchmarkVerify/" + alg + "/golang-jwt"}},
	}
}
