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
//
// A document (policy.go) is a default, a combining algorithm
// (deny-overrides, first-applicable, permit-overrides) and rules. Compile
// checks it whole; every error names its JSON field and rule, and
// errors inside a condition or path template give line, column and a
// caret (testdata/errors holds one golden file per kind of mistake).
// When it compiles, an index is built (index.go): a trie of the path
// templates and sets of rules by method, host and route, so Decide
// (decide.go) visits only the rules whose match can apply, in document
// order, and skips those that can no longer change the outcome; with a
// thousand rules a decision costs about what it does with a handful, and
// allocates nothing. An allow or deny rule in mode audit is evaluated
// but decides nothing: Decision.ShadowRule reports it when it would have
// decided, had it been enforced.
package policies
