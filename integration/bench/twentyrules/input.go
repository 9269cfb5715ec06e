package twentyrules

import (
	"github.com/palisade-wasm/palisade/integration/bench/seedpolicy"
	"github.com/palisade-wasm/palisade/policies"
)

// nonNil returns an empty list for nil: a token without scopes has an
// empty user.scope, not a null one.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// input decodes the request's token payloads and returns the request as
// OPA and cel-go read it, Go maps of the attributes the policy uses.
// seg, the path's segments, is for cel-go, which has no path templates
// (Rego splits the path itself).
func input(r *policies.Request, seg []string) (map[string]any, error) {
	user, err := seedpolicy.DecodeClaims(r.User.Claims)
	if err != nil {
		return nil, err
	}
	thing, err := seedpolicy.DecodeClaims(r.Thing.Claims)
	if err != nil {
		return nil, err
	}
	req := map[string]any{"method": r.Method, "path": r.Path}
	if seg != nil {
		req["seg"] = seg
	}
	return map[string]any{
		"request": req,
		"user":    map[string]any{"authenticated": r.User.Authenticated, "sub": r.User.Subject, "scope": nonNil(r.User.Scope), "claims": user},
		"service": map[string]any{"id": r.Service.ID, "trustDomain": r.Service.TrustDomain, "namespace": r.Service.Namespace},
		"thing":   map[string]any{"authenticated": r.Thing.Authenticated, "claims": thing},
	}, nil
}
