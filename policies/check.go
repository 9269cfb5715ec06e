package policies

// The type-check stage: every node gets a static type, and an operation
// no CEL overload accepts for those types is a compile error, as in CEL's
// checker. Claims are dyn: what they hold is only known per request, and
// operations on them follow CEL's runtime rules.

type typ struct {
	k    kind // kError here means dyn
	elem *typ // list element type
}

var (
	tyDyn    = typ{k: kError}
	tyBool   = typ{k: kBool}
	tyInt    = typ{k: kInt}
	tyString = typ{k: kString}
	tyStrs   = typ{k: kList, elem: &tyString}
)

func (t typ) isDyn() bool { return t.k == kError }

func (t typ) String() string {
	if t.isDyn() {
		return "dyn"
	}
	if t.k == kList {
		return "list(" + t.elem.String() + ")"
	}
	if t.k == kMap {
		return "map(string, " + t.elem.String() + ")"
	}
	return kindNames[t.k]
}

func same(a, b typ) bool {
	if a.isDyn() || b.isDyn() {
		return true
	}
	if a.k != b.k {
		return false
	}
	if a.k == kList || a.k == kMap {
		return same(*a.elem, *b.elem)
	}
	return true
}

func overloadErr(n *node, op string, ts ...typ) error {
	msg := "found no matching overload for " + op + " applied to ("
	for i, t := range ts {
		if i > 0 {
			msg += ", "
		}
		msg += t.String()
	}
	return &Error{Pos: n.pos, Msg: msg + ")"}
}

// checker type-checks one expression; scope holds the variables of the
// macros around the node being checked, innermost last.
type checker struct {
	scope []binding
}

type binding struct {
	name string
	t    typ
}

// lookup returns the type of macro variable name, if one is in scope.
func (c *checker) lookup(name string) (typ, bool) {
	for i := len(c.scope) - 1; i >= 0; i-- {
		if c.scope[i].name == name {
			return c.scope[i].t, true
		}
	}
	return typ{}, false
}

// check returns the static type of n.
func (c *checker) check(n *node) (typ, error) {
	switch n.kind {
	case nLit:
		return typ{k: n.lit.k}, nil
	case nList:
		var elem *typ
		for _, a := range n.args {
			t, err := c.check(a)
			if err != nil {
				return typ{}, err
			}
			if elem == nil {
				e := t
				elem = &e
			} else if !same(*elem, t) || t.isDyn() {
				elem = &tyDyn
			}
		}
		if elem == nil {
			elem = &tyDyn
		}
		return typ{k: kList, elem: elem}, nil
	case nIdent, nSelect, nIndex:
		if t, ok := c.attrType(n); ok {
			return t, nil
		}
		if n.kind == nSelect {
			t, err := c.check(n.target)
			if err != nil {
				return typ{}, err
			}
			if !t.isDyn() {
				return typ{}, &Error{Pos: n.pos, Msg: "type " + t.String() + " has no fields"}
			}
			return tyDyn, nil
		}
		if n.kind == nIdent {
			if t, ok := c.lookup(n.name); ok {
				return t, nil
			}
		}
		if n.kind == nIndex {
			ct, err := c.check(n.args[0])
			if err != nil {
				return typ{}, err
			}
			i, err := c.check(n.args[1])
			if err != nil {
				return typ{}, err
			}
			switch {
			case ct.isDyn():
				return tyDyn, nil
			case ct.k == kList && (i.isDyn() || i.k == kInt || i.k == kUint):
				return *ct.elem, nil
			case ct.k == kMap && (i.isDyn() || i.k == kString):
				return *ct.elem, nil
			}
			return typ{}, overloadErr(n, "_[_]", ct, i)
		}
		return tyDyn, nil
	case nHas:
		return tyBool, nil
	case nMacro:
		return c.checkMacro(n)
	case nUnary:
		t, err := c.check(n.args[0])
		if err != nil {
			return typ{}, err
		}
		if !t.isDyn() && t.k != kBool {
			return typ{}, overloadErr(n, "!_", t)
		}
		return tyBool, nil
	case nCond:
		cond, err := c.check(n.args[0])
		if err != nil {
			return typ{}, err
		}
		a, err := c.check(n.args[1])
		if err != nil {
			return typ{}, err
		}
		b, err := c.check(n.args[2])
		if err != nil {
			return typ{}, err
		}
		if (!cond.isDyn() && cond.k != kBool) || !same(a, b) {
			return typ{}, overloadErr(n, "_?_:_", cond, a, b)
		}
		if a.isDyn() {
			return b, nil
		}
		return a, nil
	case nBinary:
		return c.checkBinary(n)
	case nCall:
		return c.checkCall(n)
	}
	return tyDyn, nil
}

func (c *checker) checkBinary(n *node) (typ, error) {
	a, err := c.check(n.args[0])
	if err != nil {
		return typ{}, err
	}
	b, err := c.check(n.args[1])
	if err != nil {
		return typ{}, err
	}
	switch n.op {
	case "&&", "||":
		for _, t := range []typ{a, b} {
			if !t.isDyn() && t.k != kBool {
				return typ{}, &Error{Pos: n.pos, Msg: "expected type bool but found " + t.String()}
			}
		}
		return tyBool, nil
	case "==", "!=":
		if !same(a, b) {
			return typ{}, overloadErr(n, "_"+n.op+"_", a, b)
		}
		return tyBool, nil
	case "<", "<=", ">", ">=":
		if !same(a, b) || !a.isDyn() && !orderable(a.k) || !b.isDyn() && !orderable(b.k) {
			return typ{}, overloadErr(n, "_"+n.op+"_", a, b)
		}
		return tyBool, nil
	case "+", "-":
		return checkArith(n, a, b)
	case "in":
		switch {
		case b.isDyn():
		case b.k == kList && same(a, *b.elem):
		case b.k == kMap && (a.isDyn() || a.k == kString):
		default:
			return typ{}, overloadErr(n, "@in", a, b)
		}
		return tyBool, nil
	}
	return typ{}, &Error{Pos: n.pos, Msg: "unsupported operator " + n.op}
}

func orderable(k kind) bool {
	return k == kInt || k == kUint || k == kDouble || k == kString || k == kBytes || k == kBool || k == kTimestamp || k == kDuration
}

// checkArith types + and -, which Palisade has for timestamps and
// durations only (CEL's overloads: timestamp ± duration, duration ±
// duration, duration + timestamp, timestamp - timestamp). With a dyn
// operand, the type is what the other side leaves possible.
func checkArith(n *node, a, b typ) (typ, error) {
	isTime := func(t typ) bool { return t.k == kTimestamp || t.k == kDuration }
	if !isTime(a) && !isTime(b) {
		return typ{}, &Error{Pos: n.pos, Msg: "arithmetic (" + n.op + ") is only supported on timestamps and durations"}
	}
	ts, dur := tyTimestamp, tyDuration
	switch {
	case a.isDyn() && n.op == "+" && b.k == kTimestamp, b.isDyn() && n.op == "+" && a.k == kTimestamp:
		return ts, nil
	case a.isDyn() && n.op == "-" && b.k == kTimestamp, b.isDyn() && n.op == "-" && a.k == kDuration:
		return dur, nil
	case a.isDyn() || b.isDyn():
		return tyDyn, nil
	case a.k == kTimestamp && b.k == kDuration, n.op == "+" && a.k == kDuration && b.k == kTimestamp:
		return ts, nil
	case a.k == kDuration && b.k == kDuration, n.op == "-" && a.k == kTimestamp && b.k == kTimestamp:
		return dur, nil
	}
	return typ{}, overloadErr(n, "_"+n.op+"_", a, b)
}

func (c *checker) checkCall(n *node) (typ, error) {
	var recv typ
	if n.target != nil {
		var err error
		if recv, err = c.check(n.target); err != nil {
			return typ{}, err
		}
	}
	args := make([]typ, len(n.args))
	for i, a := range n.args {
		t, err := c.check(a)
		if err != nil {
			return typ{}, err
		}
		args[i] = t
	}
	if ovs := overloadsOf(n.name); ovs != nil {
		all := args
		if n.target != nil {
			all = append([]typ{recv}, args...)
		}
		t, ok := resolve(ovs, n.target != nil, all)
		if !ok {
			return typ{}, overloadErr(n, n.name, all...)
		}
		return t, nil
	}
	isStr := func(t typ) bool { return t.isDyn() || t.k == kString }
	switch n.name {
	case "size":
		x := recv
		if n.target == nil && len(args) == 1 {
			x = args[0]
		}
		if !x.isDyn() && x.k != kString && x.k != kBytes && x.k != kList {
			return typ{}, overloadErr(n, "size", x)
		}
		return tyInt, nil
	case "startsWith", "endsWith", "contains", "matches":
		if n.target != nil && len(args) == 1 && (!isStr(recv) || !isStr(args[0])) {
			return typ{}, overloadErr(n, n.name, recv, args[0])
		}
		return tyBool, nil
	case "lowerAscii":
		if n.target != nil && !isStr(recv) {
			return typ{}, overloadErr(n, n.name, recv)
		}
		return tyString, nil
	}
	return tyDyn, nil
}

// attrType is the static type of an attribute chain.
func (c *checker) attrType(n *node) (typ, bool) {
	var path []string
	for cur := n; ; {
		switch cur.kind {
		case nSelect:
			path = append([]string{cur.name}, path...)
			cur = cur.target
			continue
		case nIndex:
			if cur.args[1].kind != nLit || cur.args[1].lit.k != kString {
				return typ{}, false
			}
			path = append([]string{cur.args[1].lit.s}, path...)
			cur = cur.args[0]
			continue
		case nIdent:
			path = append([]string{cur.name}, path...)
		default:
			return typ{}, false
		}
		break
	}
	if _, ok := c.lookup(path[0]); ok {
		return typ{}, false
	}
	if len(path) == 1 && path[0] == "now" {
		return tyTimestamp, true
	}
	if len(path) < 2 {
		return typ{}, false
	}
	switch path[0] {
	case "request":
		switch path[1] {
		case "headers", "query":
			if len(path) == 2 {
				return typ{k: kMap, elem: &tyString}, true
			}
		case "headerValues", "queryValues":
			if len(path) == 2 {
				return typ{k: kMap, elem: &tyStrs}, true
			}
			return tyStrs, true
		}
		return tyString, true
	case "path", "service":
		if path[0] == "service" && path[1] == "authenticated" {
			return tyBool, true
		}
		return tyString, true
	case "source":
		if path[1] == "port" {
			return tyInt, true
		}
		return tyString, true
	case "user", "thing":
		switch path[1] {
		case "authenticated":
			return tyBool, true
		case "aud", "scope":
			return tyStrs, true
		case "claims":
			return tyDyn, true
		}
		return tyString, true
	}
	return typ{}, false
}

// roots are the attribute roots: a macro variable may not take their
// names, so a rule always means the attribute when it names one.
var roots = map[string]bool{"request": true, "path": true, "source": true, "user": true, "service": true, "thing": true, "now": true}

// maxVars bounds how deep macros nest (each level has its variable).
const maxVars = 8

// checkMacro: the range is a list (the variable has its element type)
// or a map or dyn (the variable is dyn), the predicate a bool.
func (c *checker) checkMacro(n *node) (typ, error) {
	rt, err := c.check(n.target)
	if err != nil {
		return typ{}, err
	}
	elem := tyDyn
	switch {
	case rt.isDyn():
	case rt.k == kList:
		elem = *rt.elem
	case rt.k == kMap:
		return typ{}, &Error{Pos: n.pos, Msg: n.name + "() cannot range over the request's headers or parameters; test a name with \"x\" in request.headers"}
	default:
		return typ{}, &Error{Pos: n.pos, Msg: "expression of type " + rt.String() + " cannot be the range of " + n.name + "() (must be a list or a map)"}
	}
	if roots[n.bind] {
		return typ{}, &Error{Pos: n.args[0].pos, Msg: "the variable of " + n.name + "() may not be named " + quote(n.bind) + ", which is an attribute; choose another name"}
	}
	if len(c.scope) == maxVars {
		return typ{}, &Error{Pos: n.pos, Msg: "macros nested more than 8 deep"}
	}
	c.scope = append(c.scope, binding{n.bind, elem})
	pt, err := c.check(n.args[1])
	c.scope = c.scope[:len(c.scope)-1]
	if err != nil {
		return typ{}, err
	}
	if !pt.isDyn() && pt.k != kBool {
		return typ{}, &Error{Pos: n.args[1].pos, Msg: "expected type bool but found " + pt.String()}
	}
	return tyBool, nil
}
