package policies

// A decision needs of a condition only whether it is true, false, or
// failed (an error, or a value that is not a bool): Rule.applies reads
// nothing else. Each condition is therefore compiled a second time, as a
// tri-valued test, for Decide, beside the evaluation that gives values
// and error messages (for Explain, the clauses, the tests).
//
// Inside wasm this matters: a value is too large for the compiler to keep
// in registers, and a call returning one costs several times a call
// returning a byte. The test combines &&, ||, ! and ?: as bytes, compares
// strings read straight from the request (user.sub == path.patient,
// service.namespace == 'analytics'), looks for a string in user.scope and
// user.aud in place, and reads a value kept in a claims memo without
// building it. Every other node is evaluated as a value, its outcome then
// reduced to a tri.
//
// The reduction is exact: CEL's && and || are commutative over errors
// (false, or true, on either side decides; otherwise an error wins, and a
// non-bool operand is an error too), ! and ?: propagate errors, and for
// each of these only the operands' bool-or-not matters, never which error.

// tri is a condition's outcome: true, false, or failed.
type tri uint8

const (
	triFalse tri = iota
	triTrue
	triFailed
)

// triEval is a condition compiled as a test.
type triEval func(r *Request) tri

func triOf(v value) tri {
	if v.k != kBool {
		return triFailed
	}
	if v.b {
		return triTrue
	}
	return triFalse
}

// compileTest compiles n, a condition compileNode compiled without error,
// as a test.
func (c *compiler) compileTest(n *node) (triEval, error) {
	thing, i, e, ok, err := c.derived(n)
	if err != nil {
		return nil, err
	}
	if ok {
		return c.slots.memoTest(thing, i, e), nil
	}
	switch n.kind {
	case nLit:
		if n.lit.k == kBool {
			t := triOf(n.lit)
			return func(*Request) tri { return t }, nil
		}
	case nUnary:
		x, err := c.compileTest(n.args[0])
		if err != nil {
			return nil, err
		}
		return func(r *Request) tri {
			switch x(r) {
			case triTrue:
				return triFalse
			case triFalse:
				return triTrue
			}
			return triFailed
		}, nil
	case nCond:
		cond, err1 := c.compileTest(n.args[0])
		t, err2 := c.compileTest(n.args[1])
		f, err3 := c.compileTest(n.args[2])
		if err := firstErr(err1, err2, err3); err != nil {
			return nil, err
		}
		return func(r *Request) tri {
			switch cond(r) {
			case triTrue:
				return t(r)
			case triFalse:
				return f(r)
			}
			return triFailed
		}, nil
	case nBinary:
		if t, ok, err := c.compileBinaryTest(n); ok || err != nil {
			return t, err
		}
	}
	v, err := c.compileNode(n)
	if err != nil {
		return nil, err
	}
	return func(r *Request) tri { return triOf(v(r)) }, nil
}

// compileBinaryTest compiles the operators a test evaluates itself: &&
// and ||, == and != between strings read in place, a string in aud or
// scope. ok is false for the others.
func (c *compiler) compileBinaryTest(n *node) (triEval, bool, error) {
	switch n.op {
	case "&&", "||":
		a, err1 := c.compileTest(n.args[0])
		b, err2 := c.compileTest(n.args[1])
		if err := firstErr(err1, err2); err != nil {
			return nil, true, err
		}
		// decider is the outcome that decides from either side.
		decider := triFalse
		if n.op == "||" {
			decider = triTrue
		}
		return func(r *Request) tri {
			x := a(r)
			if x == decider {
				return x
			}
			y := b(r)
			if y == decider {
				return y
			}
			if x == triFailed || y == triFailed {
				return triFailed
			}
			return x
		}, true, nil
	case "==", "!=":
		a, ok1 := c.stringOperand(n.args[0])
		b, ok2 := c.stringOperand(n.args[1])
		if !ok1 || !ok2 {
			return nil, false, nil
		}
		eq, ne := triTrue, triFalse
		if n.op == "!=" {
			eq, ne = triFalse, triTrue
		}
		return func(r *Request) tri {
			x, ok := a(r)
			if !ok {
				return triFailed
			}
			y, ok := b(r)
			if !ok {
				return triFailed
			}
			if x == y {
				return eq
			}
			return ne
		}, true, nil
	case "in":
		x, ok1 := c.stringOperand(n.args[0])
		thing, aud, ok2 := c.stringsAttribute(n.args[1])
		if !ok1 || !ok2 {
			return nil, false, nil
		}
		return func(r *Request) tri {
			s, ok := x(r)
			if !ok {
				return triFailed
			}
			p := r.principal(thing)
			list := p.Scope
			if aud {
				list = p.Audience
			}
			for _, e := range list {
				if e == s {
					return triTrue
				}
			}
			return triFalse
		}, true, nil
	}
	return nil, false, nil
}

// stringOperand returns, for a string literal or an attribute that is a
// string field of the request (its method, a principal's subject, the
// service's namespace, a path capture...), a reader of that string; ok
// false means "no string", an error. It reads as attribute does; false
// for anything else.
func (c *compiler) stringOperand(n *node) (func(*Request) (string, bool), bool) {
	if n.kind == nLit {
		if n.lit.k != kString {
			return nil, false
		}
		s := n.lit.s
		return func(*Request) (string, bool) { return s, true }, true
	}
	path, ok := c.attributePath(n)
	if !ok || len(path) != 2 {
		return nil, false
	}
	switch path[0] + "." + path[1] {
	case "request.method":
		return func(r *Request) (string, bool) { return r.Method, true }, true
	case "request.path":
		return func(r *Request) (string, bool) { return r.Path, true }, true
	case "request.host":
		return func(r *Request) (string, bool) { return r.Host, true }, true
	case "request.scheme":
		return func(r *Request) (string, bool) { return r.Scheme, true }, true
	case "source.ip":
		return func(r *Request) (string, bool) { return r.SourceIP, true }, true
	case "user.sub":
		return func(r *Request) (string, bool) { return r.User.Subject, true }, true
	case "thing.id":
		return func(r *Request) (string, bool) { return r.Thing.Subject, true }, true
	case "user.iss":
		return func(r *Request) (string, bool) { return r.User.Issuer, true }, true
	case "thing.iss":
		return func(r *Request) (string, bool) { return r.Thing.Issuer, true }, true
	case "user.provider":
		return func(r *Request) (string, bool) { return r.User.Provider, true }, true
	case "thing.provider":
		return func(r *Request) (string, bool) { return r.Thing.Provider, true }, true
	case "service.id":
		return func(r *Request) (string, bool) { return r.Service.ID, true }, true
	case "service.trustDomain":
		return func(r *Request) (string, bool) { return r.Service.TrustDomain, true }, true
	case "service.namespace":
		return func(r *Request) (string, bool) { return r.Service.Namespace, true }, true
	case "service.serviceAccount":
		return func(r *Request) (string, bool) { return r.Service.ServiceAccount, true }, true
	}
	if path[0] == "path" {
		name := path[1]
		return func(r *Request) (string, bool) { return r.param(name) }, true
	}
	return nil, false
}

// stringsAttribute reports whether n is user.aud, user.scope, thing.aud
// or thing.scope, and which.
func (c *compiler) stringsAttribute(n *node) (thing, aud, ok bool) {
	path, ok := c.attributePath(n)
	if !ok || len(path) != 2 || path[0] != "user" && path[0] != "thing" || path[1] != "aud" && path[1] != "scope" {
		return false, false, false
	}
	return path[0] == "thing", path[1] == "aud", true
}

// memoTest is the test of a subexpression kept as entry i of the user's
// (or thing's) memo: read from the memo without building its value.
//
//go:noinline
func (t *slotTable) memoTest(thing bool, i int, e eval) triEval {
	return func(r *Request) tri {
		p := r.principal(thing)
		m := p.Memo
		if m == nil || !m.holds(t, thing, p.Claims) || i >= len(m.derived) {
			return triOf(e(r))
		}
		d := &m.derived[i]
		if !d.known {
			v := e(r)
			d.keep(v)
			return triOf(v)
		}
		if d.k != kBool {
			return triFailed
		}
		if d.b {
			return triTrue
		}
		return triFalse
	}
}
