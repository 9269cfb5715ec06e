package policies

import (
	"strings"

	"github.com/palisade-wasm/palisade/policies/regex"
)

// eval is a compiled expression: it reads the request and returns a value.
type eval func(r *Request) value

// compileExpr is the pipeline for one condition, stage by stage:
//
//  1. parse: text to syntax tree (lexing included), positioned errors;
//  2. compile: each node to a closure; attribute chains (user.claims.x,
//     request.headers["h"]) are resolved here, once, into accessors, and
//     regular expressions compiled, so evaluation does no lookup by name
//     and no compilation. Unknown attributes, functions and unsupported
//     constructs are errors here, never at request time.
func compileExpr(src string) (eval, error) {
	e, _, err := compileTyped(src)
	return e, err
}

// compileTyped also returns the expression's static type (conditions
// must be bool or dyn).
func compileTyped(src string) (eval, typ, error) {
	return (&compiler{slots: &slotTable{}, own: true}).compileTyped(src)
}

// compiler compiles the expressions of one policy, sharing its claim
// slots. own marks a standalone expression (tests, tools), which fills
// its slots itself on each evaluation.
type compiler struct {
	slots *slotTable
	own   bool
	roots map[string]bool // attribute roots the expressions read
	// scope holds the variables of the macros being compiled, innermost
	// last; a variable's value lives in Request.vars at its depth.
	scope []string
	// keeping is set while a subexpression kept in claims memos compiles:
	// its parts are not kept apart (see derive.go).
	keeping bool
}

// bound reports whether name is a macro variable in scope.
func (c *compiler) bound(name string) bool {
	for _, v := range c.scope {
		if v == name {
			return true
		}
	}
	return false
}

func (c *compiler) compileTyped(src string) (eval, typ, error) {
	e, _, t, err := c.compile(src, false)
	return e, t, err
}

// compileCondition also compiles src as a test (see tri.go).
func (c *compiler) compileCondition(src string) (eval, triEval, typ, error) {
	return c.compile(src, true)
}

func (c *compiler) compile(src string, test bool) (eval, triEval, typ, error) {
	n, err := parse(src)
	if err != nil {
		return nil, nil, typ{}, err
	}
	t, err := (&checker{}).check(n)
	if err != nil {
		return nil, nil, typ{}, err
	}
	e, err := c.compileNode(n)
	if err != nil {
		return nil, nil, t, err
	}
	var te triEval
	if test {
		if te, err = c.compileTest(n); err != nil {
			return nil, nil, t, err
		}
	}
	if !c.own {
		return e, te, t, nil
	}
	st := c.slots
	if te != nil {
		inner := te
		te = func(r *Request) tri {
			st.fill(r)
			return inner(r)
		}
	}
	return func(r *Request) value {
		st.fill(r)
		return e(r)
	}, te, t, nil
}

// compileNode compiles n, kept in the principal's claims memo when it
// reads nothing but that principal's claims (see derive.go).
func (c *compiler) compileNode(n *node) (eval, error) {
	thing, i, e, ok, err := c.derived(n)
	if err != nil {
		return nil, err
	}
	if !ok {
		return c.compileNode1(n)
	}
	return c.slots.memoized(thing, i, e), nil
}

// derived compiles n for the claims memo when n reads nothing but one
// principal's claims (thing tells which) and the memo has an entry i for
// it; e evaluates n, with no memo inside. ok is false when n is not kept
// (or a kept node encloses it).
func (c *compiler) derived(n *node) (thing bool, i int, e eval, ok bool, err error) {
	if c.keeping {
		return false, 0, nil, false, nil
	}
	if thing, ok = c.keep(n); !ok {
		return false, 0, nil, false, nil
	}
	if i, ok = c.slots.derive(thing, string(nodeKey(nil, n))); !ok {
		return false, 0, nil, false, nil
	}
	c.keeping = true
	e, err = c.compileNode1(n)
	c.keeping = false
	return thing, i, e, err == nil, err
}

func (c *compiler) compileNode1(n *node) (eval, error) {
	switch n.kind {
	case nLit:
		v := n.lit
		return func(*Request) value { return v }, nil
	case nList:
		return c.compileList(n)
	case nIdent, nSelect, nIndex:
		if n.kind == nIdent && c.bound(n.name) {
			return c.variable(n.name), nil
		}
		if a, ok, err := c.attribute(n); ok || err != nil {
			return a, err
		}
		if n.kind == nIndex {
			return c.compileIndex(n)
		}
		if n.kind == nSelect {
			return c.compileSelect(n)
		}
		return nil, &Error{Pos: n.pos, Msg: "undeclared reference to " + quote(n.name) + " (known: request, path, source, user, service, thing, now)"}
	case nHas:
		return c.compileHas(n.args[0])
	case nUnary:
		x, err := c.compileNode(n.args[0])
		if err != nil {
			return nil, err
		}
		return func(r *Request) value {
			v := x(r)
			if v.k == kError {
				return v
			}
			if v.k != kBool {
				return errNoSuchOverload
			}
			return boolVal(!v.b)
		}, nil
	case nBinary:
		return c.compileBinary(n)
	case nCond:
		cond, err1 := c.compileNode(n.args[0])
		t, err2 := c.compileNode(n.args[1])
		f, err3 := c.compileNode(n.args[2])
		if err := firstErr(err1, err2, err3); err != nil {
			return nil, err
		}
		return func(r *Request) value {
			v := cond(r)
			if v.k == kError {
				return v
			}
			if v.k != kBool {
				return errNoSuchOverload
			}
			if v.b {
				return t(r)
			}
			return f(r)
		}, nil
	case nCall:
		return c.compileCall(n)
	case nMacro:
		return c.compileMacro(n)
	}
	return nil, &Error{Pos: n.pos, Msg: "unsupported expression"}
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// quote is kept out of line: inlined at its 32 calls (messages) it cost
// palisade.wasm 2.7 KB.
//
//go:noinline
func quote(s string) string { return "\"" + s + "\"" }

func (c *compiler) compileList(n *node) (eval, error) {
	elems := make([]eval, len(n.args))
	constant := true
	for i, a := range n.args {
		e, err := c.compileNode(a)
		if err != nil {
			return nil, err
		}
		elems[i] = e
		constant = constant && a.kind == nLit
	}
	if constant {
		vals := make([]value, len(elems))
		for i, e := range elems {
			vals[i] = e(nil)
		}
		v := value{k: kList, list: vals}
		return func(*Request) value { return v }, nil
	}
	return func(r *Request) value {
		vals := make([]value, len(elems))
		for i, e := range elems {
			if vals[i] = e(r); vals[i].k == kError {
				return vals[i] // a list holding an error is that error, as in CEL
			}
		}
		return value{k: kList, list: vals}
	}, nil
}

func (c *compiler) compileBinary(n *node) (eval, error) {
	if from, ok := c.requestMap(n.args[1]); ok && n.op == "in" {
		return c.presence(n.args[0], from)
	}
	l, err1 := c.compileNode(n.args[0])
	rr, err2 := c.compileNode(n.args[1])
	if err := firstErr(err1, err2); err != nil {
		return nil, err
	}
	switch n.op {
	case "&&":
		return func(r *Request) value { return and(l(r), rr, r) }, nil
	case "||":
		return func(r *Request) value { return or(l(r), rr, r) }, nil
	case "==":
		return func(r *Request) value { return equal(l(r), rr(r)) }, nil
	case "!=":
		return func(r *Request) value {
			v := equal(l(r), rr(r))
			if v.k == kBool {
				v.b = !v.b
			}
			return v
		}, nil
	case "<", "<=", ">", ">=":
		op := n.op
		return func(r *Request) value { return compare(op, l(r), rr(r)) }, nil
	case "in":
		return func(r *Request) value { return in(l(r), rr(r)) }, nil
	case "+":
		return func(r *Request) value { return add(l(r), rr(r)) }, nil
	case "-":
		return func(r *Request) value { return sub(l(r), rr(r)) }, nil
	}
	return nil, &Error{Pos: n.pos, Msg: "unsupported operator " + n.op}
}

// and is CEL's commutative logical AND: false on either side decides,
// even if the other side is an error; otherwise an error wins.
func and(a value, right eval, r *Request) value {
	if a.k == kBool && !a.b {
		return a
	}
	b := right(r)
	switch {
	case b.k == kBool && !b.b:
		return b
	case a.k == kError:
		return a
	case b.k == kError:
		return b
	case a.k != kBool || b.k != kBool:
		return errNoSuchOverload
	}
	return boolVal(true)
}

// or is CEL's commutative logical OR: true on either side decides.
func or(a value, right eval, r *Request) value {
	if a.k == kBool && a.b {
		return a
	}
	b := right(r)
	switch {
	case b.k == kBool && b.b:
		return b
	case a.k == kError:
		return a
	case b.k == kError:
		return b
	case a.k != kBool || b.k != kBool:
		return errNoSuchOverload
	}
	return boolVal(false)
}

func compare(op string, a, b value) value {
	if a.k == kError {
		return a
	}
	if b.k == kError {
		return b
	}
	var c int
	switch {
	case isNumber(a.k) && isNumber(b.k):
		if a.k == kDouble && a.d != a.d || b.k == kDouble && b.d != b.d {
			return boolVal(false)
		}
		c = cmpNumbers(a, b)
	case a.k == kString && b.k == kString, a.k == kBytes && b.k == kBytes:
		c = strings.Compare(a.s, b.s)
	case a.k == kBool && b.k == kBool:
		c = cmp3(!a.b && b.b, a.b && !b.b)
	case a.k == kTimestamp && b.k == kTimestamp, a.k == kDuration && b.k == kDuration:
		c = cmpTime(a, b)
	default:
		return errNoSuchOverload
	}
	switch op {
	case "<":
		return boolVal(c < 0)
	case "<=":
		return boolVal(c <= 0)
	case ">":
		return boolVal(c > 0)
	}
	return boolVal(c >= 0)
}

// in tests list membership (by CEL equality) or map key presence.
func in(x, c value) value {
	if x.k == kError {
		return x
	}
	if c.k == kError {
		return c
	}
	switch {
	case c.k == kList && c.strs != nil && !c.many:
		// A string list attribute (aud, scope): only a string can equal
		// an element, compared here without a call per element.
		if x.k != kString {
			return boolVal(false)
		}
		for _, s := range c.strs {
			if s == x.s {
				return boolVal(true)
			}
		}
		return boolVal(false)
	case c.isList():
		found := false
		c.each(func(e value) bool {
			if v := equal(x, e); v.k == kBool && v.b {
				found = true
			}
			return !found
		})
		return boolVal(found)
	case c.isMap():
		if x.k != kString {
			return boolVal(false)
		}
		return boolVal(c.j.Get(pathKey(x.s)).Exists())
	}
	return errNoSuchOverload
}

// pathKey escapes a member name for use as one jsonv path component
// (a backslash before every byte the path syntax reserves).
func pathKey(k string) string {
	if !strings.ContainsAny(k, `.*?|#@\!=<>%[{`) {
		return k
	}
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		if strings.IndexByte(`.*?|#@\!=<>%[{`, k[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(k[i])
	}
	return b.String()
}

// compileSelect is a field selection on a computed value (a claims map).
func (c *compiler) compileSelect(n *node) (eval, error) {
	x, err := c.compileNode(n.target)
	if err != nil {
		return nil, err
	}
	key := pathKey(n.name)
	return func(r *Request) value { return selectKey(x(r), key) }, nil
}

func selectKey(v value, key string) value {
	if v.k == kError {
		return v
	}
	if !v.isMap() {
		return errNoSuchOverload
	}
	res := v.j.Get(key)
	if !res.Exists() {
		return errNoSuchKey
	}
	return fromJSON(res)
}

func (c *compiler) compileIndex(n *node) (eval, error) {
	x, err1 := c.compileNode(n.args[0])
	idx, err2 := c.compileNode(n.args[1])
	if err := firstErr(err1, err2); err != nil {
		return nil, err
	}
	return func(r *Request) value {
		c, i := x(r), idx(r)
		if c.k == kError {
			return c
		}
		if i.k == kError {
			return i
		}
		switch {
		case c.isMap() && i.k == kString:
			return selectKey(c, pathKey(i.s))
		case c.isList() && (i.k == kInt || i.k == kUint || i.k == kDouble && i.d == float64(int64(i.d))):
			n := int64(-1)
			switch i.k {
			case kInt:
				n = i.i
			case kUint:
				n = int64(i.u)
			default:
				n = int64(i.d)
			}
			var out value
			found := false
			k := int64(0)
			c.each(func(e value) bool {
				if k == n {
					out, found = e, true
					return false
				}
				k++
				return true
			})
			if !found {
				return errVal("index out of range")
			}
			return out
		}
		return errNoSuchOverload
	}, nil
}

// compileHas is has(x.f): whether the field is present; errors in x
// propagate, as in CEL.
func (c *compiler) compileHas(sel *node) (eval, error) {
	// The parent is evaluated (an error there, a missing intermediate
	// claim, is an error of has(), as in CEL), then the key looked up.
	if parent, ok, err := c.attribute(sel.target); ok && err == nil {
		return hasKey(parent, pathKey(sel.name)), nil
	}
	// Map-valued groups (request.headers, request.query, path) have no
	// value of their own: the full attribute says whether the key is there.
	if a, ok, err := c.attribute(sel); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return func(r *Request) value {
			v := a(r)
			if v.k == kError && v.s == errNoSuchKey.s {
				return boolVal(false)
			}
			if v.k == kError {
				return v
			}
			return boolVal(true)
		}, nil
	}
	x, err := c.compileNode(sel.target)
	if err != nil {
		return nil, err
	}
	return hasKey(x, pathKey(sel.name)), nil
}

// hasKey tests whether the map parent evaluates to holds key.
func hasKey(parent eval, key string) eval {
	return func(r *Request) value {
		p := parent(r)
		if p.k == kError {
			return p
		}
		if !p.isMap() {
			return errNoSuchOverload
		}
		return boolVal(p.j.Get(key).Exists())
	}
}

func (c *compiler) compileCall(n *node) (eval, error) {
	switch n.name {
	case "exists", "all", "exists_one":
		return nil, &Error{Pos: n.pos, Msg: n.name + "() is a macro on a list or map: list." + n.name + "(x, x > 0)"}
	case "map", "filter":
		return nil, &Error{Pos: n.pos, Msg: "the " + n.name + "() macro is not supported yet"}
	}
	var recv eval
	if n.target != nil {
		var err error
		if recv, err = c.compileNode(n.target); err != nil {
			return nil, err
		}
	}
	args := make([]eval, len(n.args))
	for i, a := range n.args {
		e, err := c.compileNode(a)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	arity := func(want int) error {
		if len(args) != want {
			return &Error{Pos: n.pos, Msg: n.name + "() takes " + itoa(want) + " argument(s)"}
		}
		return nil
	}
	switch n.name {
	case "size":
		if recv == nil {
			if err := arity(1); err != nil {
				return nil, err
			}
			recv = args[0]
		} else if err := arity(0); err != nil {
			return nil, err
		}
		return func(r *Request) value { return recv(r).size() }, nil
	case "startsWith", "endsWith", "contains":
		if recv == nil {
			return nil, &Error{Pos: n.pos, Msg: n.name + "() is a method: s." + n.name + "(t)"}
		}
		if err := arity(1); err != nil {
			return nil, err
		}
		f := map[string]func(string, string) bool{"startsWith": strings.HasPrefix, "endsWith": strings.HasSuffix, "contains": strings.Contains}[n.name]
		return func(r *Request) value {
			s, t := recv(r), args[0](r)
			if s.k == kError {
				return s
			}
			if t.k == kError {
				return t
			}
			if s.k != kString || t.k != kString {
				return errNoSuchOverload
			}
			return boolVal(f(s.s, t.s))
		}, nil
	case "lowerAscii":
		if recv == nil || len(args) != 0 {
			return nil, &Error{Pos: n.pos, Msg: "lowerAscii() is a method without arguments: s.lowerAscii()"}
		}
		return func(r *Request) value {
			s := recv(r)
			if s.k != kString {
				if s.k == kError {
					return s
				}
				return errNoSuchOverload
			}
			return strVal(lowerASCII(s.s))
		}, nil
	case "matches":
		if recv == nil {
			return nil, &Error{Pos: n.pos, Msg: "matches() is a method: s.matches('re')"}
		}
		if err := arity(1); err != nil {
			return nil, err
		}
		if n.args[0].kind != nLit || n.args[0].lit.k != kString {
			return nil, &Error{Pos: n.args[0].pos, Msg: "matches() needs a string literal pattern, compiled when the policy loads"}
		}
		re, err := regex.Compile(n.args[0].lit.s)
		if err != nil {
			what := "invalid regular expression: "
			if e, ok := err.(*regex.Error); ok && e.Code != regex.ErrSyntax {
				what = "regular expression: "
			}
			return nil, &Error{Pos: n.args[0].pos, Msg: what + err.Error()}
		}
		return func(r *Request) value {
			s := recv(r)
			if s.k != kString {
				if s.k == kError {
					return s
				}
				return errNoSuchOverload
			}
			return boolVal(re.MatchString(s.s))
		}, nil
	case "timestamp", "duration", "int":
		return c.compileConversion(n, recv, args)
	case "getHours", "getMinutes", "getSeconds", "getMilliseconds", "getFullYear", "getMonth", "getDayOfYear", "getDate",
		"getDayOfMonth", "getDayOfWeek":
		return compileAccessor(n, recv, args)
	case "ip", "cidr", "isIP", "isCIDR", "ip.isCanonical", "family", "isLoopback", "isGlobalUnicast", "isLinkLocalMulticast",
		"isLinkLocalUnicast", "isUnspecified", "containsIP", "containsCIDR", "masked", "prefixLength", "isMask":
		return c.compileNetwork(n, recv, args)
	case "uint", "double", "string", "bytes", "dyn", "type":
		return nil, &Error{Pos: n.pos, Msg: n.name + "() is not supported yet"}
	}
	return nil, &Error{Pos: n.pos, Msg: "unknown function " + quote(n.name)}
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func itoa(n int) string { return string(rune('0' + n)) }
