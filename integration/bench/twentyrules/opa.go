package twentyrules

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/palisade-wasm/palisade/integration/bench/seedpolicy"
	"github.com/palisade-wasm/palisade/policies"
)

//go:embed twenty.rego
var twentyRego string

// OPA decides with twenty.rego, prepared once and evaluated per request.
type OPA struct{ query rego.PreparedEvalQuery }

// NewOPA compiles twenty.rego and prepares the query for its decision.
func NewOPA(ctx context.Context) (*OPA, error) {
	q, err := rego.New(rego.Query("data.palisade.twenty.decision"), rego.Module("twenty.rego", twentyRego)).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("prepare twenty.rego: %w", err)
	}
	return &OPA{q}, nil
}

// Decide evaluates the prepared query on the request's attributes.
func (o *OPA) Decide(r *policies.Request) (seedpolicy.Decision, error) {
	in, err := input(r, nil)
	if err != nil {
		return seedpolicy.Decision{}, err
	}
	rs, err := o.query.Eval(context.Background(), rego.EvalInput(in))
	if err != nil {
		return seedpolicy.Decision{}, fmt.Errorf("opa: %w", err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return seedpolicy.Decision{}, fmt.Errorf("opa: %d results, want one", len(rs))
	}
	v, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		return seedpolicy.Decision{}, fmt.Errorf("opa: decision is %T", rs[0].Expressions[0].Value)
	}
	allow, ok1 := v["allow"].(bool)
	rule, ok2 := v["rule"].(string)
	if !ok1 || !ok2 {
		return seedpolicy.Decision{}, fmt.Errorf("opa: malformed decision %v", v)
	}
	return seedpolicy.Decision{Allow: allow, Rule: rule}, nil
}
