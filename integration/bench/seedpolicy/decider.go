package seedpolicy

import (
	"encoding/json"
	"fmt"

	"github.com/palisade-wasm/palisade/policies"
)

// Decision is what every engine answers: whether the request may pass, and
// the name of the seed rule that decided ("" when the default denied).
type Decision struct {
	Allow bool
	Rule  string
}

// A Decider decides requests on the seed policy.
type Decider interface {
	Decide(r *policies.Request) (Decision, error)
}

// Palisade is Palisade's own compiled policy, behind the same interface.
type Palisade struct{ p *policies.Policy }

// NewPalisade wraps a compiled policy.
func NewPalisade(p *policies.Policy) Palisade { return Palisade{p} }

// Decide reports Palisade's decision and the deciding rule.
func (d Palisade) Decide(r *policies.Request) (Decision, error) {
	dec := d.p.Decide(r)
	return Decision{Allow: dec.Action == policies.Allow, Rule: d.p.RuleName(dec)}, nil
}

// input decodes the request's token payloads and returns the request as
// OPA and cel-go read it: Go maps of the attributes the seed policy uses.
func input(r *policies.Request) (map[string]any, error) {
	user, err := DecodeClaims(r.User.Claims)
	if err != nil {
		return nil, err
	}
	thing, err := DecodeClaims(r.Thing.Claims)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"request": map[string]any{"method": r.Method, "path": r.Path},
		"user":    map[string]any{"authenticated": r.User.Authenticated, "sub": r.User.Subject, "claims": user},
		"service": map[string]any{"id": r.Service.ID},
		"thing":   map[string]any{"authenticated": r.Thing.Authenticated, "claims": thing},
	}, nil
}

// DecodeClaims decodes a token payload for the engines that take Go maps.
func DecodeClaims(payload []byte) (map[string]any, error) {
	m := map[string]any{}
	if len(payload) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(payload, &m); err != nil {
		return nil, fmt.Errorf("decode claims: %w", err)
	}
	return m, nil
}
