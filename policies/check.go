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

// check returns the static type of n.
func check(n *node) (typ, error) {
	switch n.kind {
	case nLit:
		return typ{k: n.lit.k}, nil
	case nList:
		var elem *typ
		for _, a := range n.args {
			t, err := check(a)
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
		if t, ok := attrType(n); ok {
			return t, nil
		}
		if n.kind == nSelect {
			t, err := check(n.target)
			if err != nil {
				return typ{}, err
			}
			if !t.isDyn() {
				return typ{}, &Error{Pos: n.pos, Msg: "type " + t.String() + " has no fields"}
			}
			return tyDyn, nil
		}
		if n.kind == nIndex {
			c, err := check(n.args[0])
			if err != nil {
				return typ{}, err
			}
			i, err := check(n.args[1])
			if err != nil {
				return typ{}, err
			}
			switch {
			case c.isDyn():
				return tyDyn, nil
			case c.k == kList && (i.isDyn() || i.k == kInt || i.k == kUint):
				return *c.elem, nil
			}
			return typ{}, overloadErr(n, "_[_]", c, i)
		}
		return tyDyn, nil
	case nHas:
		return tyBool, nil
	case nUnary:
		t, err := check(n.args[0])
		if err != nil {
			return typ{}, err
		}
		if !t.isDyn() && t.k != kBool {
			return typ{}, overloadErr(n, "!_", t)
		}
		return tyBool, nil
	case nCond:
		c, err := check(n.args[0])
		if err != nil {
			return typ{}, err
		}
		a, err := check(n.args[1])
		if err != nil {
			return typ{}, err
		}
		b, err := check(n.args[2])
		if err != nil {
			return typ{}, err
		}
		if (!c.isDyn() && c.k != kBool) || !same(a, b) {
			return typ{}, overloadErr(n, "_?_:_", c, a, b)
		}
		if a.isDyn() {
			return b, nil
		}
		return a, nil
	case nBinary:
		return checkBinary(n)
	case nCall:
		return checkCall(n)
	}
	return tyDyn, nil
}

func checkBinary(n *node) (typ, error) {
	a, err := check(n.args[0])
	if err != nil {
		return typ{}, err
	}
	b, err := check(n.args[1])
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
	return k == kInt || k == kUint || k == kDouble || k == kString || k == kBytes || k == kBool
}

func checkCall(n *node) (typ, error) {
	var recv typ
	if n.target != nil {
		var err error
		if recv, err = check(n.target); err != nil {
			return typ{}, err
		}
	}
	args := make([]typ, len(n.args))
	for i, a := range n.args {
		t, err := check(a)
		if err != nil {
			return typ{}, err
		}
		args[i] = t
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
func attrType(n *node) (typ, bool) {
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
