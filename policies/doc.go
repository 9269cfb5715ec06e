// Package policies is Palisade's rule language and policy documents:
// named rules with a match (methods, hosts, path templates) and a
// condition written in a subset of CEL (https://github.com/google/cel-spec),
// compiled once when the configuration loads and evaluated per request
// with no parsing, no lookup by name and, for the common forms, no
// allocation.
//
// The pipeline (compile.go) runs in named stages: parse (parse.go) →
// resolve attributes to accessors (attrs.go) → compile to closures
// (compile.go) → evaluate (eval.go). Every expression it accepts means
// what it means in CEL, errors included: an error inside && or || is
// absorbed by a deciding operand on either side, as CEL's commutative
// logical operators do; cel-go is the oracle in the tests.
//
// Supported in this stage: literals (string, int, uint, double, bool,
// null, lists), attribute selection and constant indexing, == != < <= >
// >=, && || !, in, ?:, has(), size, startsWith, endsWith, contains,
// matches (RE2, pattern literal), lowerAscii. Not yet: the exists/all
// macros, timestamps and durations, IP and CIDR functions: using them is a
// compile error naming the construct.
package policies
