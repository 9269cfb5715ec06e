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

// rows are the comparisons of issues #9, #5 and #7, the one place that pairs
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
	twentyRulesRow("allow"), twentyRulesRow("deny"),
	{
		What: "matches(), anchored path pattern, native",
		Base: Entry{"palisade (policies/regex)", "policies/regex BenchmarkMatch/path/palisade"},
		Alts: []Entry{{"Go regexp (what cel-go runs)", "policies/regex BenchmarkMatch/path/regexp"}},
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
		What: "full decision inside palisade.wasm, 20 rules, mTLS caller",
		Base: Entry{"cached token, allowed", "plugin BenchmarkDecision/cached-token-allow"},
		Alts: []Entry{
			{"cached token, denied", "plugin BenchmarkDecision/cached-token-deny"},
			{"first-seen RS256 token", "plugin BenchmarkDecision/first-seen-RS256"},
			{"first-seen ES256 token", "plugin BenchmarkDecision/first-seen-ES256"},
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

// twentyRulesRow compares Palisade's decision on the 20-rule policy
// (policies/examples/twenty.yaml) with the alternatives', for the request
// of the benchmark named outcome ("allow" or "deny").
func twentyRulesRow(outcome string) Row {
	bench := "integration/bench/twentyrules BenchmarkTwentyRules/"
	return Row{
		What: "20-rule policy, one request, " + map[string]string{"allow": "allowed", "deny": "denied"}[outcome],
		Base: Entry{"palisade", bench + "palisade/" + outcome},
		Alts: []Entry{
			{"cel-go", bench + "cel-go/" + outcome},
			{"OPA", bench + "opa/" + outcome},
			{"cedar-go", bench + "cedar-go/" + outcome},
		},
	}
}
