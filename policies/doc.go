// Package policies is Palisade's rule language and policy documents:
// named rules with a match (methods, hosts, path templates) and a
// condition written in a subset of CEL (https://github.com/google/cel-spec),
// compiled once when the configuration loads and evaluated per request
// with no parsing, no lookup by name and, for the common forms, no
// allocation.
//
// The pipeline (compile.go) runs in named stages: parse (parse.go,
// lex.go) → type-check (check.go, funcs.go) → compile to closures,
// attribute chains resolved to accessors and macro variables to slots
// (compile.go, attrs.go, slots.go), the evaluators grouped by family
// (macro.go, multi.go, time.go, network.go). A condition is compiled
// twice: to its value, and to the true/false/failed test Decide reads
// (tri.go); the subexpressions that read only one token's claims are
// kept, once evaluated, in the token's claims memo (derive.go). Every
// expression it accepts
// means what it means in CEL, errors included: an error inside && or ||
// is absorbed by a deciding operand on either side, as CEL's commutative
// logical operators do, and inside exists and all as CEL's expansions of
// them do; cel-go is the oracle in the tests (a table, and a randomized
// differential test).
//
// Supported in this stage: literals (string, int, uint, double, bool,
// null, lists), attribute selection and constant indexing, == != < <= >
// >=, && || !, in (list membership; key presence in claims and in
// request.headers, request.query, never an error), ?:, has(), size,
// startsWith, endsWith, contains, matches (RE2, pattern literal),
// lowerAscii, and the macros exists, all and exists_one over lists and
// over maps' keys (macro.go). request.headerValues["h"] and
// request.queryValues["p"] are every value of a header or parameter, in
// order (multi.go). Time (time.go): now (Request.Now), timestamp(string
// RFC 3339 | int Unix seconds), duration(string), int(x), comparisons,
// timestamp ± duration, duration ± duration, timestamp - timestamp, with
// CEL's range and overflow errors, and the accessors getFullYear,
// getMonth, getDayOfYear, getDate, getDayOfMonth, getDayOfWeek,
// getHours, getMinutes, getSeconds, getMilliseconds in UTC (the last
// four on durations too). Networks (network.go), named and meant
// as in the Kubernetes CEL library: ip(), cidr(), isIP(), isCIDR(),
// ip.isCanonical(), family(), isLoopback(), isGlobalUnicast(),
// isLinkLocalMulticast(), isLinkLocalUnicast(), isUnspecified(),
// containsIP(), containsCIDR(), ip(), masked(), prefixLength(), isMask().
//
// Refused where CEL would accept, so never given another meaning: a
// literal argument of timestamp(), duration(), int(), ip() or cidr()
// that cannot convert (cel-go fails each evaluation; Palisade refuses the
// policy); + and - unless an operand is a timestamp or duration by its
// static type; a macro variable named like an attribute root (user,
// request...). And one limit CEL does not have: a decision runs at most
// 100,000 macro iterations (nested macros multiply, and a header's values
// are the client's); past that a macro is an error, which fails closed. Not yet: the map and filter macros, accessors with a time
// zone argument, arithmetic on numbers, uint(), double(), string(),
// type(): using them is a compile error naming the construct.
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
