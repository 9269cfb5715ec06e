package policies

import (
	"math"
	"strconv"
)

// A subexpression that reads nothing but one principal's claims (and
// literals) has one value per token: `has(user.claims.status)`,
// `'admin' in user.claims.realm_access.roles`. When the principal has a
// ClaimsMemo, such a subexpression is evaluated once per token and its
// value kept in the memo beside the slots; the next decisions for the
// same token read it back instead of scanning the claims again (inside
// wasm, a scan or a walk over a claims array costs µs).
//
// Only the largest such subexpressions are kept (in `has(user.claims.x)
// && user.claims.x == 'y'`, the whole), each distinct one once per
// policy (by its syntax tree: the same condition in a hundred rules is
// one entry), at most maxDerived per principal, and only the values that
// fit an entry (bools, errors, strings, null); another value is
// recomputed each time. Macros are never kept: their iterations count
// against the decision's budget, which a kept value would skip.

// maxDerived bounds the subexpressions kept per principal in a memo, so
// a memo's size does not grow with the policy.
const maxDerived = 64

// derived is one kept value: k, b and s are all a bool, an error, a
// string or null holds.
type derived struct {
	known bool
	k     kind
	b     bool
	s     string
}

// The dependencies of a subexpression: which principal's claims it
// reads, and whether it reads anything else (or iterates).
const (
	depUser uint8 = 1 << iota
	depThing
	depOther
)

// deps is what n reads, as compileNode would compile it in the current
// scope. Whatever it does not know is depOther.
func (c *compiler) deps(n *node) uint8 {
	if !n.depsKnown {
		n.deps, n.depsKnown = c.deps1(n), true
	}
	return n.deps
}

func (c *compiler) deps1(n *node) uint8 {
	var d uint8
	switch n.kind {
	case nLit:
		return 0
	case nIdent, nSelect, nIndex:
		if path, ok := c.attributePath(n); ok {
			switch {
			case len(path) >= 2 && path[0] == "user" && path[1] == "claims":
				return depUser
			case len(path) >= 2 && path[0] == "thing" && path[1] == "claims":
				return depThing
			}
			return depOther
		}
		switch n.kind {
		case nSelect:
			return c.deps(n.target)
		case nIndex:
			return c.deps(n.args[0]) | c.deps(n.args[1])
		}
		return depOther // a macro variable
	case nHas:
		return c.deps(n.args[0])
	case nBinary:
		if _, ok := c.requestMap(n.args[1]); ok && n.op == "in" {
			return depOther
		}
	case nUnary, nCond, nList, nCall:
	default:
		return depOther // macros, and anything added later until it is known here
	}
	if n.target != nil {
		d |= c.deps(n.target)
	}
	for _, a := range n.args {
		d |= c.deps(a)
	}
	return d
}

// keep reports whether n is worth keeping in a memo, and for which
// principal: it reads one principal's claims and nothing else, and is
// more than a literal or a claim read from its slot.
func (c *compiler) keep(n *node) (thing, ok bool) {
	switch n.kind {
	case nLit, nList, nMacro:
		return false, false
	case nIdent, nSelect, nIndex:
		if _, chain := c.attributePath(n); chain {
			return false, false
		}
	}
	switch c.deps(n) {
	case depUser:
		return false, true
	case depThing:
		return true, true
	}
	return false, false
}

// derive returns the memo entry of the subexpression key for a
// principal, a new one if it has none; false past maxDerived.
func (t *slotTable) derive(thing bool, key string) (int, bool) {
	w := 0
	if thing {
		w = 1
	}
	if t.derivedIndex == nil {
		t.derivedIndex = map[string]int{}
	}
	key = string(rune('u'+w)) + key
	if i, ok := t.derivedIndex[key]; ok {
		return i, true
	}
	if t.derived[w] >= maxDerived {
		return 0, false
	}
	i := t.derived[w]
	t.derived[w]++
	t.derivedIndex[key] = i
	return i, true
}

// memoized is e, kept as entry i of the memo of the user (or thing) once
// evaluated for a token. (Not inlined: the closure of an inlined function
// is compiled as a copy in which the compiler inlines no call, here
// holds.)
//
//go:noinline
func (t *slotTable) memoized(thing bool, i int, e eval) eval {
	return func(r *Request) value {
		p := &r.User
		if thing {
			p = &r.Thing
		}
		m := p.Memo
		if m == nil || !m.holds(t, thing, p.Claims) || i >= len(m.derived) {
			return e(r)
		}
		d := &m.derived[i]
		if d.known {
			return value{k: d.k, b: d.b, s: d.s}
		}
		v := e(r)
		d.keep(v)
		return v
	}
}

// keep records v, when it fits.
func (d *derived) keep(v value) {
	switch v.k {
	case kBool, kError, kString, kNull:
		*d = derived{known: true, k: v.k, b: v.b, s: v.s}
	}
}

// nodeKey appends to b a text that only n and trees equal to it give.
func nodeKey(b []byte, n *node) []byte {
	str := func(b []byte, s string) []byte {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		return append(append(b, ':'), s...)
	}
	b = append(b, '(', byte('a'+n.kind))
	b = str(b, n.op)
	b = str(b, n.name)
	b = str(b, n.bind)
	if n.kind == nLit {
		l := n.lit
		b = append(b, byte('a'+l.k))
		if l.b {
			b = append(b, 't')
		}
		b = strconv.AppendInt(append(b, ' '), l.i, 10)
		b = strconv.AppendUint(append(b, ' '), l.u, 10)
		b = strconv.AppendUint(append(b, ' '), math.Float64bits(l.d), 10)
		b = strconv.AppendInt(append(b, ' '), int64(l.bits), 10)
		b = str(append(b, ' '), l.s)
	}
	if n.target != nil {
		b = nodeKey(append(b, '.'), n.target)
	}
	for _, a := range n.args {
		b = nodeKey(b, a)
	}
	return append(b, ')')
}
