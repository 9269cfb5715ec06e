package policies

import "github.com/palisade-wasm/palisade/policies/jsonv"

// The macros exists, all and exists_one, as CEL expands them: a
// comprehension over a list's elements or a map's keys, the variable
// bound to each in turn. The variable is resolved when the policy
// compiles to a slot, Request.vars[depth], the depth of its macro: no
// lookup by name at decision time. A nested macro has its own slot, a
// sibling reuses one (evaluations never overlap).
//
// Nested macros multiply: three over a 1,000-element claim are a billion
// steps, and a header's values are the client's to choose. A decision
// runs at most maxSteps macro iterations; past that the macro is an
// error (the condition fails closed), where CEL would run on.
//
// Errors follow CEL's logical operators, since the expansions are folds
// with || (exists) and && (all): an element that decides (true for
// exists, false for all) decides even when another element's predicate
// failed, in whatever order they come; otherwise a failure is the
// result. exists_one counts, and any failure is its result.

// maxSteps bounds the macro iterations of one decision.
const maxSteps = 100000

var errTooManySteps = errVal("evaluation budget exceeded: more than 100000 macro iterations in one decision")

func (c *compiler) compileMacro(n *node) (eval, error) {
	rng, err := c.compileNode(n.target)
	if err != nil {
		return nil, err
	}
	slot := len(c.scope)
	c.scope = append(c.scope, n.bind)
	pred, err := c.compileNode(n.args[1])
	c.scope = c.scope[:slot]
	if err != nil {
		return nil, err
	}
	switch n.name {
	case "exists":
		return newQuantifier(rng, pred, slot, true), nil
	case "all":
		return newQuantifier(rng, pred, slot, false), nil
	}
	return newExistsOne(rng, pred, slot), nil
}

// variable reads the innermost macro variable called name.
func (c *compiler) variable(name string) eval {
	slot := len(c.scope) - 1
	for c.scope[slot] != name {
		slot--
	}
	return func(r *Request) value { return r.vars[slot] }
}

// iterate calls f with each element of a list or each key of a map until
// f returns false; it reports whether v can be iterated.
func (v value) iterate(f func(value) bool) bool {
	switch {
	case v.isList():
		v.each(f)
	case v.isMap():
		v.j.ForEach(func(k, _ jsonv.Result) bool { return f(strVal(k.Str)) })
	default:
		return false
	}
	return true
}

// newQuantifier is exists (decider true) or all (decider false).
func newQuantifier(rng, pred eval, slot int, decider bool) eval {
	return func(r *Request) value {
		l := rng(r)
		if l.k == kError {
			return l
		}
		decided, hasFailed, over := false, false, false
		var failed value
		ok := l.iterate(func(e value) bool {
			if r.steps++; r.steps > maxSteps {
				over = true
				return false
			}
			r.vars[slot] = e
			p := pred(r)
			switch {
			case p.k == kBool && p.b == decider:
				decided = true
				return false
			case p.k == kBool || hasFailed:
			case p.k == kError:
				failed, hasFailed = p, true
			default:
				failed, hasFailed = errNoSuchOverload, true
			}
			return true
		})
		switch {
		case !ok:
			return errNoSuchOverload
		case over:
			return errTooManySteps
		case decided:
			return boolVal(decider)
		case hasFailed:
			return failed
		}
		return boolVal(!decider)
	}
}

// newExistsOne is exists_one: exactly one element satisfies pred.
func newExistsOne(rng, pred eval, slot int) eval {
	return func(r *Request) value {
		l := rng(r)
		if l.k == kError {
			return l
		}
		n := 0
		failed := value{k: kBool} // not an error until one comes
		ok := l.iterate(func(e value) bool {
			if r.steps++; r.steps > maxSteps {
				failed = errTooManySteps
				return false
			}
			r.vars[slot] = e
			switch p := pred(r); {
			case p.k == kBool:
				if p.b {
					n++
				}
			case p.k == kError:
				failed = p
				return false
			default:
				failed = errNoSuchOverload
				return false
			}
			return true
		})
		switch {
		case !ok:
			return errNoSuchOverload
		case failed.k == kError:
			return failed
		}
		return boolVal(n == 1)
	}
}
