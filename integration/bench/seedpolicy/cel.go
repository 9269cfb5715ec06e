package seedpolicy

import (
	"fmt"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/ext"
	"github.com/palisade-wasm/palisade/policies"
)

// celRules is the seed policy as one CEL expression per rule, path
// matching included (CEL has no path templates: the path is split into
// segments, bound to p). The audit rule only records, so it has no
// counterpart here.
var celRules = []struct {
	name  string
	allow bool
	expr  string
}{
	{"payments-read-by-payments-service", true,
		`request.method == "GET" && request.path.split("/")[1] == "payments" &&
		 service.id == "spiffe://shop.example/ns/payments/sa/payments"`},
	{"customer-reads-own-orders", true,
		`request.method == "GET" && cel.bind(p, request.path.split("/"),
		 size(p) >= 4 && p[1] == "customers" && p[3] == "orders" && user.authenticated && user.sub == p[2])`},
	{"history-for-its-user-and-recommendations", true,
		`cel.bind(p, request.path.split("/"), size(p) >= 4 && p[1] == "users" && p[3] == "history" &&
		 (user.sub == p[2] || service.id == "spiffe://video.example/ns/reco/sa/recommendation"))`},
	{"history-never-to-video-delivery", false,
		`cel.bind(p, request.path.split("/"), size(p) >= 4 && p[1] == "users" && p[3] == "history") &&
		 service.id == "spiffe://video.example/ns/delivery/sa/delivery"`},
	{"records-for-clinicians-on-compliant-devices", true,
		`request.path.split("/")[1] == "records" && "clinician" in user.claims.roles && thing.claims.compliant == true`},
}

type celRule struct {
	name  string
	allow bool
	prg   cel.Program
}

// CEL decides with cel-go: each rule's expression compiled and planned
// once, evaluated per request over an activation of Go maps, combined in
// Go as Palisade combines (deny-overrides; a deny rule that fails to
// evaluate denies, an allow rule that fails does not allow).
type CEL struct{ rules []celRule }

// NewCEL compiles celRules.
func NewCEL() (*CEL, error) {
	env, err := cel.NewEnv(
		cel.Variable("request", cel.DynType), cel.Variable("user", cel.DynType),
		cel.Variable("service", cel.DynType), cel.Variable("thing", cel.DynType),
		ext.Strings(), ext.Bindings(),
	)
	if err != nil {
		return nil, fmt.Errorf("cel environment: %w", err)
	}
	c := &CEL{}
	for _, r := range celRules {
		ast, iss := env.Compile(r.expr)
		if iss.Err() != nil {
			return nil, fmt.Errorf("rule %s: %w", r.name, iss.Err())
		}
		prg, err := env.Program(ast)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.name, err)
		}
		c.rules = append(c.rules, celRule{r.name, r.allow, prg})
	}
	return c, nil
}

// Decide evaluates every deny rule, then the allow rules in order.
func (c *CEL) Decide(r *policies.Request) (Decision, error) {
	act, err := input(r)
	if err != nil {
		return Decision{}, err
	}
	for _, rule := range c.rules {
		if rule.allow {
			continue
		}
		if out, _, err := rule.prg.Eval(act); err != nil || out == types.True {
			return Decision{Rule: rule.name}, nil
		}
	}
	for _, rule := range c.rules {
		if !rule.allow {
			continue
		}
		if out, _, err := rule.prg.Eval(act); err == nil && out == types.True {
			return Decision{Allow: true, Rule: rule.name}, nil
		}
	}
	return Decision{}, nil
}
