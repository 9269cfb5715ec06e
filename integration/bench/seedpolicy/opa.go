package seedpolicy

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/palisade-wasm/palisade/policies"
)

//go:embed seed.rego
var seedRego string

// OPA decides with the seed policy in Rego (seed.rego), prepared once and
// evaluated per request, as OPA's documentation embeds it in Go.
type OPA struct{ query rego.PreparedEvalQuery }

// NewOPA compiles seed.rego and prepares the query for its decision.
func NewOPA(ctx context.Context) (*OPA, error) {
	q, err := rego.New(rego.Query("data.palisade.seed.decision"), rego.Module("seed.rego", seedRego)).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("prepare seed.rego: %w", err)
	}
	return &OPA{q}, nil
}

// Decide evaluates the prepared query on the request's attributes.
func (o *OPA) Decide(r *policies.Request) (Decision, error) {
	in, err := input(r)
	if err != nil {
		return Decision{}, err
	}
	rs, err := o.query.Eval(context.Background(), rego.EvalInput(in))
	if err != nil {
		return Decision{}, fmt.Errorf("opa: %w", err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return Decision{}, fmt.Errorf("opa: %d results, want one", len(rs))
	}
	v, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		return Decision{}, fmt.Errorf("opa: decision is %T", rs[0].Expressions[0].Value)
	}
	allow, ok1 := v["allow"].(bool)
	rule, ok2 := v["rule"].(string)
	if !ok1 || !ok2 {
		return Decision{}, fmt.Errorf("opa: malformed decision %v", v)
	}
	return Decision{Allow: allow, Rule: rule}, nil
}
