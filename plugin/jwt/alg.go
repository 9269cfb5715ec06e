package jwt

import (
	"crypto"
	// The digests crypto.Hash.New hands out must be linked in: nothing
	// else in palisade.wasm imports them (the tests did, hiding it).
	_ "crypto/sha256"
	_ "crypto/sha512"
)

// Alg is a JWS algorithm Palisade verifies (RFC 7518 section 3, RFC 8037).
type Alg uint8

// The algorithms. The zero Alg is no algorithm.
const (
	algNone Alg = iota
	RS256
	RS384
	RS512
	PS256
	PS384
	PS512
	ES256
	ES384
	ES512
	EdDSA
	HS256
	HS384
	HS512
)

var algNames = [...]string{"", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "HS256", "HS384", "HS512"}

func (a Alg) String() string { return algNames[a] }

// ParseAlg returns the algorithm named s, exactly as RFC 7518 spells it.
func ParseAlg(s string) (Alg, bool) {
	for i, n := range algNames[1:] {
		if s == n {
			return Alg(i + 1), true
		}
	}
	return algNone, false
}

// hash returns the digest function of an RSA, ECDSA or HMAC algorithm.
func (a Alg) hash() crypto.Hash {
	switch a {
	case RS256, PS256, ES256, HS256:
		return crypto.SHA256
	case RS384, PS384, ES384, HS384:
		return crypto.SHA384
	case RS512, PS512, ES512, HS512:
		return crypto.SHA512
	}
	return 0
}

// kty returns the JWK key type the algorithm needs.
func (a Alg) kty() string {
	switch {
	case a >= RS256 && a <= PS512:
		return "RSA"
	case a >= ES256 && a <= ES512:
		return "EC"
	case a == EdDSA:
		return "OKP"
	}
	return "oct"
}

// IsHMAC reports whether a is a shared-secret algorithm.
func (a Alg) IsHMAC() bool { return a >= HS256 }

// Asymmetric returns the algorithms a provider allows when its
// configuration names none: every public-key algorithm, never HMAC.
func Asymmetric() []Alg {
	return []Alg{RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA}
}
