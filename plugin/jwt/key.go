package jwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
)

// MinRSABits is the smallest RSA modulus accepted (RFC 7518 section 3.3
// requires 2048).
const MinRSABits = 2048

// Key is a verification key, from a JWKS or the configuration.
type Key struct {
	KID string
	// Alg, when set, is the only algorithm the key may be used with.
	Alg Alg
	// Use and Ops are the JWK "use" and "key_ops" members; a key whose use
	// is not "sig", or whose key_ops lack "verify", never verifies.
	Use string
	Ops []string
	// Public is an *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey.
	Public crypto.PublicKey
}

// fits reports whether k may verify a token signed with alg: the key's
// type and curve match the algorithm, and alg, use and key_ops agree.
func (k *Key) fits(alg Alg) bool {
	if k.Alg != algNone && k.Alg != alg {
		return false
	}
	if k.Use != "" && k.Use != "sig" {
		return false
	}
	if k.Ops != nil {
		ok := false
		for _, op := range k.Ops {
			ok = ok || op == "verify"
		}
		if !ok {
			return false
		}
	}
	switch pub := k.Public.(type) {
	case *rsa.PublicKey:
		return alg >= RS256 && alg <= PS512 && pub.N.BitLen() >= MinRSABits
	case *ecdsa.PublicKey:
		switch alg {
		case ES256:
			return pub.Curve == elliptic.P256()
		case ES384:
			return pub.Curve == elliptic.P384()
		case ES512:
			return pub.Curve == elliptic.P521()
		}
	case ed25519.PublicKey:
		return alg == EdDSA && len(pub) == ed25519.PublicKeySize
	}
	return false
}

// KeySet is where a verifier finds keys: a parsed JWKS (plugin/jwks), or a
// fixed list.
type KeySet interface {
	// Lookup returns the keys with this key id ("" when the token has
	// none: then every key is a candidate), in order.
	Lookup(kid string) []*Key
}

// Keys is a fixed KeySet.
type Keys []*Key

// Lookup implements KeySet.
func (ks Keys) Lookup(kid string) []*Key {
	if kid == "" {
		return ks
	}
	var out []*Key
	for _, k := range ks {
		if k.KID == kid {
			out = append(out, k)
		}
	}
	return out
}
