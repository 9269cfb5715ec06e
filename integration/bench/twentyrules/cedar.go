package twentyrules

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/cedar-policy/cedar-go"
	"github.com/palisade-wasm/palisade/integration/bench/seedpolicy"
	"github.com/palisade-wasm/palisade/policies"
)

//go:embed twenty.cedar
var twentyCedar []byte

// Cedar decides with twenty.cedar: a policy set whose policies are named
// by their @id, and per request the entities and context they read.
type Cedar struct {
	set   *cedar.PolicySet
	order map[cedar.PolicyID]int // document order, for the deciding policy
}

// NewCedar parses twenty.cedar into a policy set keyed by each policy's @id.
func NewCedar() (*Cedar, error) {
	list, err := cedar.NewPolicyListFromBytes("twenty.cedar", twentyCedar)
	if err != nil {
		return nil, fmt.Errorf("parse twenty.cedar: %w", err)
	}
	c := &Cedar{set: cedar.NewPolicySet(), order: map[cedar.PolicyID]int{}}
	for i, p := range list {
		id, ok := p.Annotations()["id"]
		if !ok {
			return nil, fmt.Errorf("twenty.cedar: policy %d has no @id", i)
		}
		if !c.set.Add(cedar.PolicyID(id), p) {
			return nil, fmt.Errorf("twenty.cedar: @id %q repeated", id)
		}
		c.order[cedar.PolicyID(id)] = i
	}
	return c, nil
}

// Decide builds the request's entities (the user with its token's claims
// as attributes, the routed resource) and context (the calling service,
// the token's scopes, the device's claims), then asks the policy set.
func (c *Cedar) Decide(r *policies.Request) (seedpolicy.Decision, error) {
	entities := cedar.EntityMap{}
	principal := cedar.NewEntityUID("Anonymous", "")
	if r.User.Authenticated {
		var claims cedar.Record
		if len(r.User.Claims) > 0 {
			if err := claims.UnmarshalJSON(r.User.Claims); err != nil {
				return seedpolicy.Decision{}, fmt.Errorf("cedar: user claims: %w", err)
			}
		}
		principal = cedar.NewEntityUID("User", cedar.String(r.User.Subject))
		entities[principal] = cedar.Entity{UID: principal, Attributes: claims}
	}
	resource := route(r.Path)
	entities[resource.UID] = resource

	scope := make([]cedar.Value, len(r.User.Scope))
	for i, s := range r.User.Scope {
		scope[i] = cedar.String(s)
	}
	ctx := cedar.RecordMap{
		"service": cedar.NewRecord(cedar.RecordMap{
			"id":          cedar.String(r.Service.ID),
			"trustDomain": cedar.String(r.Service.TrustDomain),
			"namespace":   cedar.String(r.Service.Namespace),
		}),
		"scope": cedar.NewSet(scope...),
	}
	if r.Thing.Authenticated {
		var device cedar.Record
		if len(r.Thing.Claims) > 0 {
			if err := device.UnmarshalJSON(r.Thing.Claims); err != nil {
				return seedpolicy.Decision{}, fmt.Errorf("cedar: device claims: %w", err)
			}
		}
		ctx["device"] = device
	}
	ok, diag := c.set.IsAuthorized(entities, cedar.Request{
		Principal: principal,
		Action:    cedar.NewEntityUID("Action", cedar.String(r.Method)),
		Resource:  resource.UID,
		Context:   cedar.NewRecord(ctx),
	})
	d := seedpolicy.Decision{Allow: ok == cedar.Allow}
	first := len(c.order)
	for _, reason := range diag.Reasons {
		if i := c.order[reason.PolicyID]; i < first {
			first, d.Rule = i, string(reason.PolicyID)
		}
	}
	return d, nil
}

// route maps a path to the resource twenty.yaml's templates name, standing
// in for what Palisade's path templates do: the type says which template
// family matched, the attributes carry the captures and the shape
// (whether the path is exactly a template without its /**).
func route(path string) cedar.Entity {
	seg := strings.Split(path, "/")
	at := func(i int) string {
		if i < len(seg) {
			return seg[i]
		}
		return ""
	}
	entity := func(typ cedar.EntityType, attrs cedar.RecordMap) cedar.Entity {
		return cedar.Entity{UID: cedar.NewEntityUID(typ, cedar.String(path)), Attributes: cedar.NewRecord(attrs)}
	}
	user := func(sub string) cedar.EntityUID { return cedar.NewEntityUID("User", cedar.String(sub)) }
	switch {
	case path == "/healthz" || path == "/readyz":
		return entity("Probe", nil)
	case path == "/metrics":
		return entity("Metrics", nil)
	case at(1) == "catalog":
		return entity("Catalog", cedar.RecordMap{"item": cedar.Boolean(len(seg) == 4 && at(2) == "items" && at(3) != "")})
	case at(1) == "customers" && at(2) != "" && at(3) == "orders":
		return entity("Orders", cedar.RecordMap{"customer": user(at(2)), "root": cedar.Boolean(len(seg) == 4)})
	case path == "/payments":
		return entity("Payments", nil)
	case at(1) == "payments" && at(2) != "":
		return entity("Payment", cedar.RecordMap{"refunds": cedar.Boolean(len(seg) == 4 && at(3) == "refunds")})
	case at(1) == "inventory" && at(2) != "" && len(seg) == 3:
		return entity("InventoryItem", nil)
	case at(1) == "admin":
		return entity("Admin", nil)
	case at(1) == "patients":
		return entity("Patient", cedar.RecordMap{"patient": user(at(2)), "kind": cedar.String(at(3)), "rest": cedar.Long(max(len(seg)-4, 0))})
	}
	return entity("Path", nil)
}
