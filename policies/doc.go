// Package policies is Palisade's rule language and policy documents:
// named rules with a match (methods, hosts, path templates) and a
// condition written in a subset of CEL (https://github.com/google/cel-spec),
// compiled once when the configuration loads and evaluated per request
// with no parsing, no lookup by name and, for the common forms, no
// allocation.
//
// The pipeline (compile.go) runs in named stages: parse (parse.go, lex.go)
// → type-check (check.go) → compile to closures, attribute chains
// resolved to accessors and macro variables to slots (compile.go,
// attrs.go, slots.go), the evaluators grouped by family (macro.go,
// multi.go). Every expression it accepts means
// what it means in CEL, errors included: an error inside && or || is
// absorbed by a deciding operand on either side, as CEL's commutative
// logical operators do; cel-go is the oracle in the tests.
//
// Supported in this stage: literals (string, int, uint, double, bool,
// null, lists), attribute selection and constant indexing, == != < <= >
// >=, && || !, in (list membership; key presence in claims and in
// request.headers, request.query), ?:, has(), size, startsWith, endsWith,
// contains, matches (RE2, pattern literal), lowerAscii, and the macros
// exists, all and exists_one over lists and over maps' keys (macro.go).
// request.headerValues["h"] and request.queryValues["p"] are every value
// of a header or parameter, in order (multi.go). Not yet: the map and
// filter macros, timestamps and durations, IP and CIDR functions, other
// arithmetic and conversions: using them is a compile error naming the
// construct.
package policies
