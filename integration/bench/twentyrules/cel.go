package twentyrules

import (
	"fmt"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"github.com/palisade-wasm/palisade/integration/bench/seedpolicy"
	"github.com/palisade-wasm/palisade/policies"
)

// celRules is twenty.yaml as one CEL expression per rule, in document
// order. CEL has no path templates: the path's segments are handed over
// as request.seg (split once per request, seg[1] the first), and each
// rule tests them before its condition, as Palisade's match comes before
// its when.
var celRules = []struct {
	name  string
	allow bool
	expr  string
}{
	{"suspended-accounts", false,
		`has(user.claims.status) && user.claims.status == "suspended"`},
	{"health-probes", true,
		`request.method == "GET" && request.path in ["/healthz", "/readyz"]`},
	{"metrics-scraped-by-monitoring", true,
		`request.method == "GET" && request.path == "/metrics" && service.namespace == "monitoring"`},
	{"public-catalog-read", true,
		`request.method == "GET" && request.seg[1] == "catalog"`},
	{"catalog-write-by-merchandisers", true,
		`request.method in ["PUT", "POST", "DELETE"] && size(request.seg) == 4 &&
		 request.seg[1] == "catalog" && request.seg[2] == "items" && request.seg[3] != "" &&
		 "merchandiser" in user.claims.realm_access.roles && "catalog:write" in user.scope`},
	{"customer-reads-own-orders", true,
		`request.method == "GET" && size(request.seg) >= 4 && request.seg[1] == "customers" &&
		 request.seg[2] != "" && request.seg[3] == "orders" &&
		 user.sub == request.seg[2] && "orders:read" in user.scope`},
	{"customer-places-orders", true,
		`request.method == "POST" && size(request.seg) == 4 && request.seg[1] == "customers" &&
		 request.seg[2] != "" && request.seg[3] == "orders" &&
		 user.sub == request.seg[2] && "orders:write" in user.scope`},
	{"support-reads-orders", true,
		`request.method == "GET" && size(request.seg) >= 4 && request.seg[1] == "customers" &&
		 request.seg[2] != "" && request.seg[3] == "orders" && "support" in user.claims.realm_access.roles`},
	{"checkout-creates-payments", true,
		`request.method == "POST" && request.path == "/payments" &&
		 service.id == "spiffe://shop.example/ns/checkout/sa/checkout"`},
	{"payments-read-by-payments-service", true,
		`request.method == "GET" && size(request.seg) >= 3 && request.seg[1] == "payments" && request.seg[2] != "" &&
		 service.id == "spiffe://shop.example/ns/payments/sa/payments"`},
	{"finance-issues-refunds", true,
		`request.method == "POST" && size(request.seg) == 4 && request.seg[1] == "payments" &&
		 request.seg[2] != "" && request.seg[3] == "refunds" &&
		 "finance" in user.claims.realm_access.roles && user.claims.acr == "mfa"`},
	{"warehouse-syncs-inventory", true,
		`request.method == "PUT" && size(request.seg) == 3 && request.seg[1] == "inventory" && request.seg[2] != "" &&
		 service.trustDomain == "warehouse.example" && service.namespace == "sync"`},
	{"admin-needs-admin-role", false,
		`request.seg[1] == "admin" && !("admin" in user.claims.realm_access.roles)`},
	{"admins-manage-the-shop", true,
		`request.seg[1] == "admin" && "admin" in user.claims.realm_access.roles`},
	{"patients-never-to-analytics", false,
		`request.seg[1] == "patients" && service.namespace == "analytics"`},
	{"records-for-clinicians-on-compliant-devices", true,
		`request.method == "GET" && size(request.seg) >= 4 && request.seg[1] == "patients" &&
		 request.seg[2] != "" && request.seg[3] == "records" &&
		 "clinician" in user.claims.realm_access.roles && thing.claims.compliant == true`},
	{"patients-read-own-records", true,
		`request.method == "GET" && size(request.seg) >= 4 && request.seg[1] == "patients" &&
		 request.seg[2] != "" && request.seg[3] == "records" &&
		 user.sub == request.seg[2] && "records:read" in user.scope`},
	{"appointments-for-patient-or-staff", true,
		`request.method in ["GET", "POST"] && size(request.seg) >= 4 && request.seg[1] == "patients" &&
		 request.seg[2] != "" && request.seg[3] == "appointments" &&
		 (user.sub == request.seg[2] || "staff" in user.claims.realm_access.roles)`},
	{"lab-posts-results", true,
		`request.method in ["POST", "PUT"] && size(request.seg) == 5 && request.seg[1] == "patients" &&
		 request.seg[2] != "" && request.seg[3] == "labs" && request.seg[4] != "" &&
		 service.id == "spiffe://clinic.example/ns/lab/sa/lab-gateway"`},
	{"doctors-prescribe", true,
		`request.method == "POST" && size(request.seg) == 4 && request.seg[1] == "patients" &&
		 request.seg[2] != "" && request.seg[3] == "prescriptions" &&
		 "doctor" in user.claims.realm_access.roles && "prescriptions:write" in user.scope`},
}

type celRule struct {
	name  string
	allow bool
	prg   cel.Program
}

// CEL decides with cel-go: each rule's expression compiled and planned
// once, evaluated per request over an activation of Go maps, combined in
// Go as Palisade combines (deny-overrides; a deny rule that fails to
// evaluate denies, an allow rule that fails does not allow; the first in
// document order decides).
type CEL struct{ rules []celRule }

// NewCEL compiles celRules.
func NewCEL() (*CEL, error) {
	env, err := cel.NewEnv(
		cel.Variable("request", cel.DynType), cel.Variable("user", cel.DynType),
		cel.Variable("service", cel.DynType), cel.Variable("thing", cel.DynType),
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

// Decide evaluates every deny rule, then the allow rules, in document order.
func (c *CEL) Decide(r *policies.Request) (seedpolicy.Decision, error) {
	act, err := input(r, strings.Split(r.Path, "/"))
	if err != nil {
		return seedpolicy.Decision{}, err
	}
	for _, rule := range c.rules {
		if rule.allow {
			continue
		}
		if out, _, err := rule.prg.Eval(act); err != nil || out == types.True {
			return seedpolicy.Decision{Rule: rule.name}, nil
		}
	}
	for _, rule := range c.rules {
		if !rule.allow {
			continue
		}
		if out, _, err := rule.prg.Eval(act); err == nil && out == types.True {
			return seedpolicy.Decision{Allow: true, Rule: rule.name}, nil
		}
	}
	return seedpolicy.Decision{}, nil
}
