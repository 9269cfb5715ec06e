package seedpolicy

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/cedar-policy/cedar-go"
	"github.com/palisade-wasm/palisade/policies"
)

//go:embed seed.cedar
var seedCedar []byte

// Cedar decides with the seed policy in Cedar (seed.cedar): a policy set
// whose policies are named by their @id, and per request the entities
// and context the policies read.
type Cedar struct{ set *cedar.PolicySet }

// NewCedar parses seed.cedar into a policy set keyed by each policy's @id.
func NewCedar() (*Cedar, error) {
	list, err := cedar.NewPolicyListFromBytes("seed.cedar", seedCedar)
	if err != nil {
		return nil, fmt.Errorf("parse seed.cedar: %w", err)
	}
	set := cedar.NewPolicySet()
	for i, p := range list {
		id, ok := p.Annotations()["id"]
		if !ok {
			return nil, fmt.Errorf("seed.cedar: policy %d has no @id", i)
		}
		if !set.Add(cedar.PolicyID(id), p) {
			return nil, fmt.Errorf("seed.cedar: @id %q repeated", id)
		}
	}
	return &Cedar{set}, nil
}

// Decide builds the request's entities (the user with its token's claims
// as attributes, the routed resource) and context (the calling service,
// the device's claims), then asks the policy set.
func (c *Cedar) Decide(r *policies.Request) (Decision, error) {
	entities := cedar.EntityMap{}
	principal := cedar.NewEntityUID("Anonymous", "")
	if r.User.Authenticated {
		var claims cedar.Record
		if len(r.User.Claims) > 0 {
			if err := claims.UnmarshalJSON(r.User.Claims); err != nil {
				return Decision{}, fmt.Errorf("cedar: user claims: %w", err)
			}
		}
		principal = cedar.NewEntityUID("User", cedar.String(r.User.Subject))
		entities[principal] = cedar.Entity{UID: principal, Attributes: claims}
	}
	resource := route(r.Path)
	entities[resource.UID] = resource

	ctx := cedar.RecordMap{"service": cedar.String(r.Service.ID)}
	if r.Thing.Authenticated {
		var device cedar.Record
		if len(r.Thing.Claims) > 0 {
			if err := device.UnmarshalJSON(r.Thing.Claims); err != nil {
				return Decision{}, fmt.Errorf("cedar: device claims: %w", err)
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
	d := Decision{Allow: ok == cedar.Allow}
	if len(diag.Reasons) > 0 {
		d.Rule = string(diag.Reasons[0].PolicyID)
	}
	return d, nil
}

// route maps a path to the resource the seed policy's templates name,
// standing in for what Palisade's path templates do: /payments/**,
// /customers/{customer}/orders/**, /users/{user}/history/**, /records/**.
func route(path string) cedar.Entity {
	seg := strings.Split(path, "/")
	at := func(i int) string {
		if i < len(seg) {
			return seg[i]
		}
		return ""
	}
	owned := func(typ cedar.EntityType, owner string) cedar.Entity {
		uid := cedar.NewEntityUID(typ, cedar.String(path))
		return cedar.Entity{UID: uid, Attributes: cedar.NewRecord(cedar.RecordMap{
			"owner": cedar.NewEntityUID("User", cedar.String(owner)),
		})}
	}
	switch {
	case at(1) == "payments":
		return cedar.Entity{UID: cedar.NewEntityUID("Payment", cedar.String(path))}
	case at(1) == "customers" && at(3) == "orders":
		return owned("Order", at(2))
	case at(1) == "users" && at(3) == "history":
		return owned("History", at(2))
	case at(1) == "records":
		return cedar.Entity{UID: cedar.NewEntityUID("Record", cedar.String(path))}
	}
	return cedar.Entity{UID: cedar.NewEntityUID("Path", cedar.String(path))}
}
