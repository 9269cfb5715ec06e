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

// decodeClaims decodes a token payload for the engines that take Go maps.
func decodeClaims(payload []byte) (map[string]any, error) {
	m := map[string]any{}
	if len(payload) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(payload, &m); err != nil {
		return nil, fmt.Errorf("decode claims: %w", err)
	}
	return m, nil
}
