package jwt

import (
	"strings"
	"time"
)

// Verifier verifies tokens of one issuer, as an Envoy jwt_authn provider
// does, and stricter.
type Verifier struct {
	// Issuer must equal the token's iss exactly. Empty accepts any issuer
	// (as jwt_authn does when a provider names none).
	Issuer string
	// Audiences, when not empty, must intersect the token's aud. Empty
	// means the audience is not checked; configure audiences in
	// production, or a token minted for another service is accepted.
	Audiences []string
	// Algorithms are those accepted; nil means every asymmetric one.
	// Listing only what the issuer uses closes the door to algorithm
	// substitution.
	Algorithms []Alg
	// Keys are the public keys (a JWKS).
	Keys KeySet
	// Secret, when set, verifies HS256/384/512 tokens, and only those
	// algorithms listed in Algorithms. Never derived from a public key.
	Secret []byte
	// ClockSkew is allowed on exp, nbf and iat.
	ClockSkew time.Duration
	// RequireExpiry refuses tokens without exp (the default in
	// configurations; a token that never expires cannot be revoked).
	RequireExpiry bool
	// MaxAge, when set, refuses tokens issued (iat) longer ago, and tokens
	// without iat.
	MaxAge time.Duration
	// Typ, when set, must match the header's typ, compared without case
	// and with or without "application/" (RFC 7515 section 4.1.9), e.g.
	// "at+jwt" for OAuth access tokens (RFC 9068).
	Typ string
}

// Verified is a token that passed every check, with its claims.
type Verified struct {
	Token  *Token
	Claims Claims
}

// Verify parses raw and checks, in order: form, algorithm, issuer,
// signature, then the time and audience claims. now is the verifier's
// clock (injected, so tests and the token CLI can fix it).
func (v *Verifier) Verify(raw string, now time.Time) (*Verified, error) {
	t, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	return v.VerifyParsed(t, now)
}

// VerifyParsed is Verify for a token already parsed (to pick a provider
// by its unverified issuer first).
func (v *Verifier) VerifyParsed(t *Token, now time.Time) (*Verified, error) {
	if !v.allows(t.Alg) {
		return nil, fail(ErrAlgNotAllowed, "alg "+t.Alg.String()+" is not allowed for this issuer")
	}
	if v.Typ != "" && !sameType(t.Typ, v.Typ) {
		return nil, fail(ErrWrongType, "typ does not match")
	}
	c, err := parseClaims(t.Payload)
	if err != nil {
		return nil, err
	}
	if v.Issuer != "" && c.Issuer != v.Issuer {
		return nil, fail(ErrWrongIssuer, "iss does not match")
	}
	if err := v.checkSignature(t); err != nil {
		return nil, err
	}
	if err := v.checkTimes(&c, now); err != nil {
		return nil, err
	}
	if len(v.Audiences) > 0 && !intersects(c.Audience, v.Audiences) {
		return nil, fail(ErrWrongAudience, "aud does not include an accepted audience")
	}
	return &Verified{Token: t, Claims: c}, nil
}

func (v *Verifier) allows(a Alg) bool {
	if a.IsHMAC() && v.Secret == nil {
		return false
	}
	algs := v.Algorithms
	if algs == nil {
		algs = Asymmetric()
	}
	for _, x := range algs {
		if x == a {
			return true
		}
	}
	return false
}

func (v *Verifier) checkSignature(t *Token) error {
	if t.Alg.IsHMAC() {
		if !t.verifyHMAC(v.Secret) {
			return fail(ErrBadSignature, "HMAC does not match")
		}
		return nil
	}
	if v.Keys == nil {
		return fail(ErrUnknownKID, "no keys")
	}
	candidates := v.Keys.Lookup(t.KID)
	tried := false
	for _, k := range candidates {
		if !k.fits(t.Alg) {
			continue
		}
		tried = true
		if t.verifySignature(k) {
			return nil
		}
	}
	if !tried {
		if t.KID != "" && len(candidates) > 0 {
			return fail(ErrKeyMismatch, "the key of the token's kid does not fit its alg")
		}
		return fail(ErrUnknownKID, "no key fits the token's kid and alg")
	}
	return fail(ErrBadSignature, "signature does not verify")
}

func (v *Verifier) checkTimes(c *Claims, now time.Time) error {
	t := float64(now.UnixNano()) / 1e9
	skew := v.ClockSkew.Seconds()
	switch {
	case !c.HasExpiry && v.RequireExpiry:
		return fail(ErrMissingClaim, "exp is required")
	case c.HasExpiry && t >= c.Expiry+skew:
		return fail(ErrExpired, "exp has passed")
	case c.HasNotBefore && t < c.NotBefore-skew:
		return fail(ErrNotYetValid, "nbf is in the future")
	case c.HasIssuedAt && c.IssuedAt > t+skew:
		return fail(ErrIssuedInFuture, "iat is in the future")
	}
	if v.MaxAge > 0 {
		if !c.HasIssuedAt {
			return fail(ErrMissingClaim, "iat is required with a maximum age")
		}
		if t-c.IssuedAt > v.MaxAge.Seconds()+skew {
			return fail(ErrTooOld, "iat is older than the maximum age")
		}
	}
	return nil
}

func intersects(have, want []string) bool {
	for _, h := range have {
		for _, w := range want {
			if h == w {
				return true
			}
		}
	}
	return false
}

func sameType(got, want string) bool {
	trim := func(s string) string {
		if len(s) > 12 && strings.EqualFold(s[:12], "application/") {
			return s[12:]
		}
		return s
	}
	return strings.EqualFold(trim(got), trim(want))
}
