package twentyrules

import (
	"encoding/json"
	"fmt"

	"github.com/palisade-wasm/palisade/policies"
)

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
	user, err := decodeClaims(r.User.Claims)
	if err != nil {
		return nil, err
	}
	thing, err := decodeClaims(r.Thing.Claims)
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
