package policies

import "strings"

// RuleTrace is how one rule fared for a request, for people.
type RuleTrace struct {
	Name    string
	Action  Action
	Mode    Mode
	Matched bool // methods, hosts and paths matched
	// Condition is "true", "false", "error: <why>", or "" when the rule
	// has none or did not match.
	Condition string
	// Clauses are the top-level && or || operands of the condition with
	// their values: which part decided.
	Clauses []ClauseTrace
}

// ClauseTrace is one operand of a rule's condition and its value.
type ClauseTrace struct {
	Src   string
	Value string
}

// Explain evaluates every rule for r and reports each, with the decision.
func (p *Policy) Explain(r *Request) ([]RuleTrace, Decision) {
	p.slots.fill(r)
	out := make([]RuleTrace, len(p.Rules))
	for i := range p.Rules {
		rule := &p.Rules[i]
		t := RuleTrace{Name: rule.Name, Action: rule.Action, Mode: rule.Mode}
		saved := *rule
		saved.when = nil
		t.Matched, _ = saved.applies(r)
		if t.Matched && rule.when != nil {
			t.Condition = show(rule.when(r))
			for _, c := range rule.clauses {
				t.Clauses = append(t.Clauses, ClauseTrace{Src: c.src, Value: show(c.e(r))})
			}
		}
		out[i] = t
	}
	return out, p.Decide(r)
}

func show(v value) string {
	switch v.k {
	case kBool:
		if v.b {
			return "true"
		}
		return "false"
	case kError:
		return "error: " + v.s
	}
	return "not a bool (" + kindNames[v.k] + ")"
}

type clause struct {
	src string
	e   eval
}

// splitClauses compiles the top-level operands of a && or || chain
// separately, so Explain can say which one decided.
func (c *compiler) splitClauses(src string) []clause {
	n, err := parse(src)
	if err != nil || n.kind != nBinary || n.op != "&&" && n.op != "||" {
		return nil
	}
	op := n.op
	var parts []*node
	var walk func(*node)
	walk = func(x *node) {
		if x.kind == nBinary && x.op == op {
			walk(x.args[0])
			walk(x.args[1])
			return
		}
		parts = append(parts, x)
	}
	walk(n)
	// Cut the source at the operator positions of this chain.
	var cuts []int
	var ops func(*node)
	ops = func(x *node) {
		if x.kind == nBinary && x.op == op {
			ops(x.args[0])
			cuts = append(cuts, x.pos)
			ops(x.args[1])
		}
	}
	ops(n)
	var out []clause
	start := 0
	for i, part := range parts {
		end := len(src)
		if i < len(cuts) {
			end = cuts[i]
		}
		text := strings.TrimSpace(src[start:end])
		if i < len(cuts) {
			start = cuts[i] + len(op)
		}
		e, err := c.compileNode(part)
		if err != nil {
			return nil
		}
		out = append(out, clause{src: text, e: e})
	}
	return out
}

// Warnings are findings of `palisade policy check` that do not stop a
// policy from loading: rules that can never decide, conditions that do
// not depend on the request.
func (p *Policy) Warnings() []string {
	var w []string
	for i, r := range p.Rules {
		unconditional := len(r.methods) == 0 && len(r.hosts) == 0 && len(r.paths) == 0 && r.when == nil
		if r.when != nil && r.constant {
			v := show(r.when(&Request{}))
			w = append(w, "rule "+quote(r.Name)+": its condition does not depend on the request (always "+v+")")
		}
		if !unconditional || r.Action == Audit {
			continue
		}
		once := ""
		if r.Mode == ModeAudit {
			once = " once enforced (it is in audit mode)"
		}
		switch {
		case p.Combining == FirstApplicable && i < len(p.Rules)-1:
			w = append(w, "rule "+quote(r.Name)+" applies to every request: the rules after it are unreachable"+once)
		case p.Combining == DenyOverrides && r.Action == Deny:
			w = append(w, "rule "+quote(r.Name)+" denies every request"+once)
		case p.Combining == PermitOverrides && r.Action == Allow:
			w = append(w, "rule "+quote(r.Name)+" allows every request"+once)
		}
	}
	return w
}
