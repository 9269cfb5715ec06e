package provider

import (
	"errors"
	"time"

	"github.com/palisade-wasm/palisade/plugin/jwt"
	"github.com/palisade-wasm/palisade/policies"
)

// Errors of the user stage that are not the jwt package's.
var (
	ErrTwoTokens       = errors.New("request carries two different tokens")
	ErrNoProvider      = errors.New("no provider accepts the token's issuer")
	ErrJWKSUnavailable = errors.New("the provider's keys are unavailable")
)

// Reason is jwt.Reason extended with this package's errors.
func Reason(err error) string {
	switch {
	case errors.Is(err, ErrTwoTokens):
		return "token_ambiguous"
	case errors.Is(err, ErrNoProvider):
		return "wrong_issuer"
	case errors.Is(err, ErrJWKSUnavailable):
		return "jwks_unavailable"
	case errors.Is(err, ErrBindingMismatch):
		return "token_binding_mismatch"
	case errors.Is(err, ErrBindingMissing):
		return "token_binding_missing"
	case errors.Is(err, ErrInactive):
		return "token_inactive"
	case errors.Is(err, ErrIntrospectionUnavailable):
		return "introspection_unavailable"
	}
	return jwt.Reason(err)
}

// Identity is a verified user.
type Identity struct {
	Provider *Provider
	Claims   jwt.Claims
	// Payload is the verified claims set (JSON), for claims policies read.
	Payload []byte
	// Expiry bounds how long the identity may be cached.
	Expiry time.Time
	// bindingChecked and bound cache whether the payload carries a
	// certificate binding (cnf.x5t#S256): read once, not per request.
	bindingChecked, bound bool
	// jkt memoizes cnf.jkt the same way.
	jktChecked bool
	jkt        string
	// Memo keeps the claims the policy read from Payload, for the next
	// request with the same (cached) identity.
	Memo policies.ClaimsMemo
}

// Choose returns the provider whose issuer the token names (read before
// verification, trusted only after the chosen provider verified it).
// A provider without an issuer accepts any.
func Choose(providers []*Provider, t *jwt.Token) (*Provider, error) {
	iss := jwt.Unverified(t)
	var fallback *Provider
	for _, p := range providers {
		if p.Verifier.Issuer == iss && iss != "" {
			return p, nil
		}
		if p.Verifier.Issuer == "" && fallback == nil {
			fallback = p
		}
	}
	if fallback != nil {
		return fallback, nil
	}
	return nil, ErrNoProvider
}

// Verify checks a parsed token with provider p at time now. keys, when
// not nil, are the provider's current remote keys.
func (p *Provider) Verify(t *jwt.Token, keys jwt.KeySet, now time.Time) (*Identity, error) {
	v := p.Verifier
	if keys != nil {
		v.Keys = keys
	}
	if v.Keys == nil && v.Secret == nil {
		return nil, ErrJWKSUnavailable
	}
	got, err := v.VerifyParsed(t, now)
	if err != nil {
		return nil, err
	}
	id := &Identity{Provider: p, Claims: got.Claims, Payload: t.Payload}
	if got.Claims.HasExpiry {
		id.Expiry = time.Unix(0, int64(got.Claims.Expiry*1e9))
	}
	return id, nil
}
