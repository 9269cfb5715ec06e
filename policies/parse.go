package policies

import (
	"math"
	"strconv"
)

// parser is a precedence-climbing parser for the CEL grammar's
// expression rules:
//
//	Expr    = ConditionalOr ["?" ConditionalOr ":" Expr]
//	CondOr  = CondAnd {"||" CondAnd}
//	CondAnd = Relation {"&&" Relation}
//	Relation= Addition {relop Addition}      (relop: < <= >= > == != in)
//	Addition= Unary {("+" | "-") Unary}      (typed for timestamps and durations only)
//	Unary   = Member | "!" {"!"} Member | "-" {"-"} Member
//	Member  = Primary {"." IDENT ["(" args ")"] | "[" Expr "]"}
type parser struct {
	toks  []token
	i     int
	depth int
}

// maxDepth bounds nesting, so a hostile expression cannot exhaust the
// stack at load time.
const maxDepth = 64

func parse(src string) (*node, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, &Error{Pos: t.pos, Msg: "unexpected " + describe(t) + ", expected the end of the expression"}
	}
	return n, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) isOp(op string) bool { t := p.peek(); return t.kind == tOp && t.text == op }

func (p *parser) expect(op string) (token, error) {
	t := p.next()
	if t.kind != tOp || t.text != op {
		return t, &Error{Pos: t.pos, Msg: "unexpected " + describe(t) + ", expected " + strconv.Quote(op)}
	}
	return t, nil
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of expression"
	case tIdent:
		return "identifier " + strconv.Quote(t.text)
	case tString, tBytes:
		return "string"
	case tOp:
		return strconv.Quote(t.text)
	}
	return "number " + t.text
}

func (p *parser) enter(pos int) error {
	p.depth++
	if p.depth > maxDepth {
		return &Error{Pos: pos, Msg: "expression nested too deeply"}
	}
	return nil
}

func (p *parser) expr() (*node, error) {
	if err := p.enter(p.peek().pos); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	c, err := p.binary(0)
	if err != nil {
		return nil, err
	}
	if !p.isOp("?") {
		return c, nil
	}
	q := p.next()
	t, err := p.binary(0)
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(":"); err != nil {
		return nil, err
	}
	f, err := p.expr()
	if err != nil {
		return nil, err
	}
	return &node{kind: nCond, pos: q.pos, args: []*node{c, t, f}}, nil
}

var precedence = map[string]int{"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3, "in": 3, "+": 4, "-": 4}

func (p *parser) binary(min int) (*node, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		op := t.text
		if t.kind == tIdent && op != "in" || t.kind != tOp && t.kind != tIdent {
			return left, nil
		}
		if op == "*" || op == "/" || op == "%" {
			return nil, &Error{Pos: t.pos, Msg: "arithmetic (" + op + ") is not supported in conditions"}
		}
		prec, ok := precedence[op]
		if !ok || prec <= min {
			return left, nil
		}
		p.next()
		right, err := p.binary(prec)
		if err != nil {
			return nil, err
		}
		left = &node{kind: nBinary, pos: t.pos, op: op, args: []*node{left, right}}
	}
}

func (p *parser) unary() (*node, error) {
	t := p.peek()
	if t.kind == tOp && t.text == "!" {
		n := 0
		for p.isOp("!") {
			p.next()
			n++
		}
		x, err := p.member()
		if err != nil || n%2 == 0 {
			// CEL's parser drops an even run of !: !!x is x, whatever
			// its type, not a double negation.
			return x, err
		}
		return &node{kind: nUnary, pos: t.pos, op: "!", args: []*node{x}}, nil
	}
	if t.kind == tOp && t.text == "-" {
		p.next()
		n := p.peek()
		if n.kind != tInt && n.kind != tDouble {
			return nil, &Error{Pos: t.pos, Msg: "negation is only supported on number literals"}
		}
		p.next()
		return p.number(n, true)
	}
	return p.member()
}

func (p *parser) member() (*node, error) {
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		switch {
		case p.isOp("."):
			dot := p.next()
			id := p.next()
			if id.kind != tIdent {
				return nil, &Error{Pos: id.pos, Msg: "unexpected " + describe(id) + ", expected a field name"}
			}
			if p.isOp("(") {
				args, err := p.args()
				if err != nil {
					return nil, err
				}
				if x.kind == nIdent && x.name == "ip" && id.text == "isCanonical" {
					// A function in a namespace, not a method of ip.
					x = &node{kind: nCall, pos: x.pos, name: "ip.isCanonical", args: args}
					continue
				}
				if isMacro(id.text) {
					if x, err = macro(id, x, args); err != nil {
						return nil, err
					}
					continue
				}
				x = &node{kind: nCall, pos: id.pos, name: id.text, target: x, args: args}
				continue
			}
			x = &node{kind: nSelect, pos: dot.pos, name: id.text, target: x}
		case p.isOp("["):
			b := p.next()
			idx, err := p.expr()
			if err != nil {
				return nil, err
			}
			if _, err := p.expect("]"); err != nil {
				return nil, err
			}
			x = &node{kind: nIndex, pos: b.pos, args: []*node{x, idx}}
		default:
			return x, nil
		}
	}
}

func (p *parser) args() ([]*node, error) {
	p.next() // (
	var out []*node
	if p.isOp(")") {
		p.next()
		return out, nil
	}
	for {
		a, err := p.expr()
		if err != nil {
			return nil, err
		}
		out = append(out, a)
		if p.isOp(",") {
			p.next()
			continue
		}
		if _, err := p.expect(")"); err != nil {
			return nil, err
		}
		return out, nil
	}
}

func (p *parser) primary() (*node, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return &node{kind: nLit, pos: t.pos, lit: strVal(t.text)}, nil
	case tBytes:
		return &node{kind: nLit, pos: t.pos, lit: value{k: kBytes, s: t.text}}, nil
	case tInt, tDouble:
		return p.number(t, false)
	case tUint:
		u, err := strconv.ParseUint(t.text, 0, 64)
		if err != nil {
			return nil, &Error{Pos: t.pos, Msg: "uint literal out of range"}
		}
		return &node{kind: nLit, pos: t.pos, lit: value{k: kUint, u: u}}, nil
	case tIdent:
		switch t.text {
		case "true", "false":
			return &node{kind: nLit, pos: t.pos, lit: boolVal(t.text == "true")}, nil
		case "null":
			return &node{kind: nLit, pos: t.pos, lit: value{k: kNull}}, nil
		}
		if p.isOp("(") {
			args, err := p.args()
			if err != nil {
				return nil, err
			}
			if t.text == "has" {
				if len(args) != 1 || args[0].kind != nSelect {
					return nil, &Error{Pos: t.pos, Msg: "has() takes one field selection, like has(user.claims.email)"}
				}
				return &node{kind: nHas, pos: t.pos, args: args}, nil
			}
			return &node{kind: nCall, pos: t.pos, name: t.text, args: args}, nil
		}
		return &node{kind: nIdent, pos: t.pos, name: t.text}, nil
	case tOp:
		switch t.text {
		case "(":
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			_, err = p.expect(")")
			return x, err
		case "[":
			var elems []*node
			for !p.isOp("]") {
				e, err := p.expr()
				if err != nil {
					return nil, err
				}
				elems = append(elems, e)
				if !p.isOp(",") {
					break
				}
				p.next()
			}
			if _, err := p.expect("]"); err != nil {
				return nil, err
			}
			return &node{kind: nList, pos: t.pos, args: elems}, nil
		case "{":
			return nil, &Error{Pos: t.pos, Msg: "map literals are not supported"}
		}
	}
	return nil, &Error{Pos: t.pos, Msg: "unexpected " + describe(t) + ", expected a value"}
}

func (p *parser) number(t token, neg bool) (*node, error) {
	text := t.text
	if neg {
		text = "-" + text
	}
	if t.kind == tDouble {
		d, err := strconv.ParseFloat(text, 64)
		if err != nil && !math.IsInf(d, 0) {
			return nil, &Error{Pos: t.pos, Msg: "bad double literal"}
		}
		return &node{kind: nLit, pos: t.pos, lit: value{k: kDouble, d: d}}, nil
	}
	i, err := strconv.ParseInt(text, 0, 64)
	if err != nil {
		return nil, &Error{Pos: t.pos, Msg: "int literal out of range"}
	}
	return &node{kind: nLit, pos: t.pos, lit: value{k: kInt, i: i}}, nil
}

func isMacro(name string) bool { return name == "exists" || name == "all" || name == "exists_one" }

// macro is a comprehension over target: its first argument names the
// variable, bound to each element (or map key) while the second, the
// predicate, is evaluated. CEL expands these in the parser too.
func macro(id token, target *node, args []*node) (*node, error) {
	if len(args) != 2 {
		return nil, &Error{Pos: id.pos, Msg: id.text + "() takes a variable and a condition, like list." + id.text + "(x, x > 0)"}
	}
	if args[0].kind != nIdent {
		return nil, &Error{Pos: start(args[0]), Msg: "the first argument of " + id.text + "() must be a simple name"}
	}
	return &node{kind: nMacro, pos: id.pos, name: id.text, bind: args[0].name, target: target, args: args}, nil
}

// start is where the text of n begins.
func start(n *node) int {
	switch {
	case n.target != nil:
		return start(n.target)
	case n.kind == nSelect, n.kind == nIndex, n.kind == nBinary:
		return start(n.args[0])
	}
	return n.pos
}
