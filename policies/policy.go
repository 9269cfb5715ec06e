package policies

import (
	"strconv"
	"strings"

	"github.com/palisade-wasm/palisade/policies/jsonv"
)

// Action is what a rule does when it applies.
type Action uint8

// The actions.
const (
	Deny Action = iota
	Allow
	Audit
)

func (a Action) String() string { return [...]string{"deny", "allow", "audit"}[a] }

// Mode says whether an allow or deny rule takes part in decisions.
type Mode uint8

// The modes of a rule.
const (
	// ModeEnforce: the rule decides (the default).
	ModeEnforce Mode = iota
	// ModeAudit: the rule is evaluated and what it would have decided is
	// recorded in Decision.Shadow*, but the document decides as if it
	// were absent. For rolling out a rule: see which requests it would
	// deny before it denies any (Envoy RBAC's shadow rules, Istio's
	// dry-run).
	ModeAudit
)

func (m Mode) String() string { return [...]string{"enforce", "audit"}[m] }

// Combining says how the rules' verdicts combine.
type Combining uint8

// The combining algorithms.
const (
	// DenyOverrides: any applicable deny wins, then any applicable allow,
	// then the default (Istio's AuthorizationPolicy).
	DenyOverrides Combining = iota
	// FirstApplicable: the first applicable rule decides (Envoy Gateway).
	FirstApplicable
	// PermitOverrides: any applicable allow wins, then any deny, then the
	// default.
	PermitOverrides
)

// Policy is a compiled policy document.
type Policy struct {
	Name      string
	Default   Action
	Combining Combining
	Rules     []Rule
	slots     *slotTable
	roots     map[string]bool
	// usesRoute, usesNow and usesSource copy roots' answers (see Uses).
	usesRoute, usesNow, usesSource bool
	// index finds the rules whose match may apply (index.go); nil for a
	// document too large to index, which is evaluated rule by rule.
	index *index
}

// Uses reports whether any condition reads an attribute under root
// ("source", "thing", ...), so the caller gathers only what is read.
//
// The roots a caller asks about per request (route, now, source) are
// answered from fields, not the map: inside wasm a string-keyed map
// lookup costs ~1 µs.
func (p *Policy) Uses(root string) bool {
	switch root {
	case "route":
		return p.usesRoute
	case "now":
		return p.usesNow
	case "source":
		return p.usesSource
	}
	return p.roots[root]
}

// Rule is one compiled rule.
type Rule struct {
	Name   string
	Action Action
	// Mode is ModeAudit for an allow or deny rule being tried out.
	Mode    Mode
	methods []string
	hosts   []string
	routes  []string
	paths   []template
	when    eval
	// test is when as Decide reads it: true, false or failed (tri.go).
	test    triEval
	src     string
	clauses []clause
	// constant marks a condition that reads no attribute.
	constant bool
	// Response, for a deny rule, replaces the default 403 answer.
	Response *Response
}

// Decision is the outcome of a policy for a request.
type Decision struct {
	Action Action // Allow or Deny
	// Rule is the index of the deciding rule, -1 when the default decided.
	Rule int
	// Reason is "rule", "default" or "condition_error" (a condition that
	// failed to evaluate tripped a deny).
	Reason string
	// Audited has bit i set when audit rule i applied (first 64 rules).
	Audited uint64
	// ShadowRule is the index of a rule in audit mode that would have
	// decided the request had the rules in audit mode been enforced, -1
	// when none would have: the decision would then be ShadowAction, for
	// ShadowReason ("rule" or "condition_error"). It may be the action
	// decided anyway (a deny rule in audit mode for a request denied by
	// the default).
	ShadowRule   int
	ShadowAction Action
	ShadowReason string
}

// ShadowRuleName returns the name of the rule in audit mode that would
// have decided ("" when none would have).
func (p *Policy) ShadowRuleName(d Decision) string {
	if d.ShadowRule < 0 {
		return ""
	}
	return p.Rules[d.ShadowRule].Name
}

// RuleName returns the name of the deciding rule ("" for the default).
func (p *Policy) RuleName(d Decision) string {
	if d.Rule < 0 {
		return ""
	}
	return p.Rules[d.Rule].Name
}

// Compile reads a policy document (JSON, as it appears in the plugin
// configuration) and compiles it whole: every error, expression errors
// placed by rule, line and column, sorted and capped.
func Compile(doc []byte, path string) (*Policy, error) {
	if !jsonv.ValidBytes(doc) {
		return nil, Errors{&RuleError{Field: path, Line: 1, Col: 1, Msg: "not valid JSON"}}
	}
	v := jsonv.ParseBytes(doc)
	if !v.IsObject() {
		return nil, Errors{&RuleError{Field: path, Line: 1, Col: 1, Msg: "must be an object"}}
	}
	p := &Policy{Default: Deny, slots: &slotTable{}, roots: map[string]bool{}}
	comp := &compiler{slots: p.slots, roots: p.roots}
	var errs Errors
	fieldErr := func(f, msg string) { errs = append(errs, &fieldError{path: f, msg: msg}) }
	v.ForEach(func(k, f jsonv.Result) bool {
		fp := path + "." + k.String()
		switch k.String() {
		case "name":
			p.Name = f.String()
		case "default":
			switch f.String() {
			case "deny":
				p.Default = Deny
			case "allow":
				p.Default = Allow
			default:
				fieldErr(fp, "must be allow or deny"+notThis(f))
			}
		case "combining":
			switch f.String() {
			case "deny-overrides":
				p.Combining = DenyOverrides
			case "first-applicable":
				p.Combining = FirstApplicable
			case "permit-overrides":
				p.Combining = PermitOverrides
			default:
				fieldErr(fp, "must be deny-overrides, first-applicable or permit-overrides"+notThis(f))
			}
		case "rules":
			if !f.IsArray() {
				fieldErr(fp, "must be an array of rules")
				break
			}
			i := 0
			f.ForEach(func(_, rv jsonv.Result) bool {
				r, rerrs := comp.compileRule(rv, fp+"["+strconv.Itoa(i)+"]")
				errs = append(errs, rerrs...)
				if len(r.routes) > 0 {
					p.roots["route"] = true
				}
				p.Rules = append(p.Rules, r)
				i++
				return true
			})
		default:
			fieldErr(fp, "unknown field (a policy has name, default, combining and rules)")
		}
		return true
	})
	first := map[string]int{}
	for i, r := range p.Rules {
		if j, ok := first[r.Name]; ok && r.Name != "" {
			errs = append(errs, &fieldError{path: path + ".rules[" + strconv.Itoa(i) + "].name", rule: r.Name,
				msg: "the name is taken by " + path + ".rules[" + strconv.Itoa(j) + "]: rule names must be unique (decisions report them)"})
			continue
		}
		first[r.Name] = i
	}
	if len(errs) > 0 {
		return nil, errs.sorted()
	}
	p.index = newIndex(p.Rules)
	p.usesRoute, p.usesNow, p.usesSource = p.roots["route"], p.roots["now"], p.roots["source"]
	return p, nil
}

// fieldError is a mistake in a field of the document other than in a
// condition's text: its JSON path, the rule it is in, what is wrong.
type fieldError struct{ path, rule, msg string }

func (e *fieldError) Error() string {
	if e.rule != "" {
		return e.path + " (rule " + strconv.Quote(e.rule) + "): " + e.msg
	}
	return e.path + ": " + e.msg
}

// notThis says what a field held instead of what it must hold.
func notThis(v jsonv.Result) string {
	if !v.Exists() {
		return ""
	}
	raw := v.Raw
	if len(raw) > 40 {
		raw = raw[:37] + "..."
	}
	return ", not " + raw
}

func (c *compiler) compileRule(v jsonv.Result, path string) (Rule, Errors) {
	var r Rule
	var errs Errors
	if !v.IsObject() {
		return r, Errors{&fieldError{path: path, msg: "must be an object"}}
	}
	r.Name = v.Get("name").String()
	fe := func(f, msg string) { errs = append(errs, &fieldError{path: f, rule: r.Name, msg: msg}) }
	fold := false
	v.ForEach(func(k, f jsonv.Result) bool {
		fp := path + "." + k.String()
		switch k.String() {
		case "name":
			if f.Type != jsonv.String || f.Str == "" {
				fe(fp, "must be a non-empty string")
			}
		case "response":
			r.Response = parseResponse(f, fp, fe)
		case "action":
			switch f.String() {
			case "allow":
				r.Action = Allow
			case "deny":
				r.Action = Deny
			case "audit":
				r.Action = Audit
			default:
				fe(fp, "must be allow, deny or audit"+notThis(f))
			}
		case "mode":
			switch f.String() {
			case "enforce":
				r.Mode = ModeEnforce
			case "audit":
				r.Mode = ModeAudit
			default:
				fe(fp, "must be enforce or audit"+notThis(f))
			}
		case "match":
			if !f.IsObject() {
				fe(fp, "must be an object")
				break
			}
			fold = f.Get("ignore_case").Bool()
			f.ForEach(func(mk, mv jsonv.Result) bool {
				mp := fp + "." + mk.String()
				switch mk.String() {
				case "methods":
					mv.ForEach(func(_, m jsonv.Result) bool { r.methods = append(r.methods, strings.ToUpper(m.String())); return true })
				case "hosts":
					mv.ForEach(func(_, h jsonv.Result) bool { r.hosts = append(r.hosts, strings.ToLower(h.String())); return true })
				case "routes":
					// Envoy route names (xds.route_name), exact.
					mv.ForEach(func(_, n jsonv.Result) bool { r.routes = append(r.routes, n.String()); return true })
				case "paths":
					i := 0
					mv.ForEach(func(_, pv jsonv.Result) bool {
						t, err := compileTemplate(pv.String(), false)
						if err != nil {
							errs = append(errs, placeError(r.Name, mp+"["+strconv.Itoa(i)+"]", pv.String(), err))
						}
						r.paths = append(r.paths, t)
						i++
						return true
					})
				case "ignore_case":
				default:
					fe(mp, "unknown field (a match has methods, hosts, paths, routes and ignore_case)")
				}
				return true
			})
		case "when":
			r.src = f.String()
			e, test, t, err := c.compileCondition(r.src)
			if err != nil {
				errs = append(errs, placeError(r.Name, fp, r.src, err))
				break
			}
			if !t.isDyn() && t.k != kBool {
				errs = append(errs, placeError(r.Name, fp, r.src, &Error{Pos: 0, Msg: "a condition must be a bool, not " + t.String()}))
				break
			}
			r.when, r.test = e, test
			r.clauses = c.splitClauses(r.src)
			probe := &compiler{slots: &slotTable{}, roots: map[string]bool{}}
			probe.compileTyped(r.src)
			r.constant = len(probe.roots) == 0
		default:
			fe(fp, "unknown field (a rule has name, action, mode, match, when and response)")
		}
		return true
	})
	if !v.Get("action").Exists() {
		fe(path+".action", "is required: allow, deny or audit")
	}
	if r.Mode == ModeAudit && r.Action == Audit {
		fe(path+".mode", "an audit rule never decides: mode audit is for allow and deny rules")
	}
	if r.Response != nil && r.Action != Deny {
		fe(path+".response", "only a deny rule answers with a response")
	}
	if fold {
		for i := range r.paths {
			r.paths[i].fold = true
		}
	}
	return r, errs
}

// applies evaluates rule i: whether its match holds and its condition is
// true; err reports a condition that failed to evaluate.
func (rule *Rule) applies(r *Request) (ok, err bool) {
	if len(rule.methods) > 0 && !contains(rule.methods, r.Method) {
		return false, false
	}
	if len(rule.hosts) > 0 && !hostMatch(rule.hosts, r.Host) {
		return false, false
	}
	if len(rule.routes) > 0 && !contains(rule.routes, r.Route) {
		return false, false
	}
	if len(rule.paths) > 0 {
		matched := false
		for i := range rule.paths {
			if rule.paths[i].match(r.Path, r) {
				matched = true
				break
			}
		}
		if !matched {
			return false, false
		}
	} else {
		r.nparam = 0
	}
	if rule.when == nil {
		return true, false
	}
	if rule.test != nil {
		switch rule.test(r) {
		case triTrue:
			return true, false
		case triFalse:
			return false, false
		}
		return false, true
	}
	v := rule.when(r)
	if v.k == kBool {
		return v.b, false
	}
	return false, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// hostMatch compares hosts without case and port; "*.example.com"
// matches any subdomain.
func hostMatch(hosts []string, host string) bool {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	for _, h := range hosts {
		if strings.EqualFold(h, host) || strings.HasPrefix(h, "*.") && len(host) > len(h)-1 && strings.EqualFold(host[len(host)-len(h)+1:], h[1:]) {
			return true
		}
	}
	return false
}
