// Package jwks parses JSON Web Key Sets (RFC 7517) into verification keys
// for plugin/jwt: RSA (RFC 7518 section 6.3), EC on P-256, P-384 and P-521
// (section 6.2), and Ed25519 OKP keys (RFC 8037).
//
// A key that cannot be used safely is left out, with the reason recorded:
// RSA under 2048 bits, EC points off their curve, symmetric ("oct") keys
// (shared secrets come from the configuration, never from a key set
// fetched over the network), and any key carrying private members. A set
// with no usable key is an error, so the caller keeps the keys it had.
package jwks

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"math/big"
	"strconv"

	"github.com/buger/jsonparser"
	"github.com/palisade-wasm/palisade/plugin/jwt"
	"github.com/palisade-wasm/palisade/policies/jsonv"
)

// Limits on what a key set may cost to read.
const (
	MaxBytes = 1 << 20
	MaxKeys  = 100
)

// Errors of Parse.
var (
	ErrMalformed = errors.New("jwks: malformed key set")
	ErrNoKeys    = errors.New("jwks: no usable key")
)

// Set is a parsed key set. It implements jwt.KeySet.
type Set struct {
	Keys []*jwt.Key
	// Skipped says, for each key left out, why (by position, never by
	// content): "key 2: rsa modulus under 2048 bits".
	Skipped []string
}

// Lookup implements jwt.KeySet.
func (s *Set) Lookup(kid string) []*jwt.Key { return jwt.Keys(s.Keys).Lookup(kid) }

var b64 = base64.RawURLEncoding

// Parse reads a JWKS document.
func Parse(doc []byte) (*Set, error) {
	if len(doc) > MaxBytes {
		return nil, errors.New("jwks: key set larger than 1 MiB")
	}
	if !jsonv.ValidBytes(doc) {
		return nil, ErrMalformed
	}
	keys, typ, _, err := jsonparser.Get(doc, "keys")
	if err != nil || typ != jsonparser.Array {
		return nil, errors.New("jwks: no \"keys\" array")
	}
	s := &Set{}
	i := 0
	jsonparser.ArrayEach(keys, func(v []byte, vt jsonparser.ValueType, _ int, _ error) {
		defer func() { i++ }()
		if i >= MaxKeys {
			s.Skipped = append(s.Skipped, "key "+strconv.Itoa(i)+": more than 100 keys")
			return
		}
		if vt != jsonparser.Object {
			s.Skipped = append(s.Skipped, "key "+strconv.Itoa(i)+": not an object")
			return
		}
		k, why := parseKey(v)
		if k == nil {
			s.Skipped = append(s.Skipped, "key "+strconv.Itoa(i)+": "+why)
			return
		}
		s.Keys = append(s.Keys, k)
	})
	if len(s.Keys) == 0 {
		return s, ErrNoKeys
	}
	return s, nil
}

func str(v []byte, name string) string {
	s, err := jsonparser.GetString(v, name)
	if err != nil {
		return ""
	}
	return s
}

func num(v []byte, name string) ([]byte, bool) {
	s := str(v, name)
	if s == "" {
		return nil, false
	}
	b, err := b64.DecodeString(s)
	return b, err == nil
}

// ParseKey reads one public JWK (a DPoP proof's jwk header), with the
// checks a key of a set gets: no private members, a supported type and
// curve, RSA of 2048 bits or more, a point on its curve.
func ParseKey(jwk []byte) (*jwt.Key, error) {
	k, why := parseKey(jwk)
	if k == nil {
		return nil, errors.New("jwk " + why)
	}
	return k, nil
}

// parseKey returns the key, or nil and why it was left out.
func parseKey(v []byte) (*jwt.Key, string) {
	for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "k"} {
		if _, _, _, err := jsonparser.Get(v, private); err == nil {
			return nil, "carries private or secret key material"
		}
	}
	k := &jwt.Key{KID: str(v, "kid"), Use: str(v, "use")}
	if a := str(v, "alg"); a != "" {
		alg, ok := jwt.ParseAlg(a)
		if !ok || alg.IsHMAC() {
			return nil, "alg is not a supported signature algorithm"
		}
		k.Alg = alg
	}
	if ops, typ, _, err := jsonparser.Get(v, "key_ops"); err == nil {
		if typ != jsonparser.Array {
			return nil, "key_ops is not an array"
		}
		k.Ops = []string{}
		jsonparser.ArrayEach(ops, func(o []byte, ot jsonparser.ValueType, _ int, _ error) {
			if ot == jsonparser.String {
				k.Ops = append(k.Ops, string(o))
			}
		})
	}
	switch kty := str(v, "kty"); kty {
	case "RSA":
		n, ok1 := num(v, "n")
		e, ok2 := num(v, "e")
		if !ok1 || !ok2 || len(e) == 0 || len(e) > 4 {
			return nil, "rsa key lacks n or e"
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		if pub.N.BitLen() < jwt.MinRSABits {
			return nil, "rsa modulus under 2048 bits"
		}
		if pub.E < 3 || pub.E%2 == 0 {
			return nil, "rsa exponent is not an odd number of 3 or more"
		}
		k.Public = pub
	case "EC":
		var curve elliptic.Curve
		switch str(v, "crv") {
		case "P-256":
			curve = elliptic.P256()
		case "P-384":
			curve = elliptic.P384()
		case "P-521":
			curve = elliptic.P521()
		default:
			return nil, "ec curve is not P-256, P-384 or P-521"
		}
		x, ok1 := num(v, "x")
		y, ok2 := num(v, "y")
		size := (curve.Params().BitSize + 7) / 8
		if !ok1 || !ok2 || len(x) != size || len(y) != size {
			return nil, "ec key lacks x or y of the curve's size"
		}
		point := append(append([]byte{4}, x...), y...)
		pub, err := ecdsa.ParseUncompressedPublicKey(curve, point)
		if err != nil {
			return nil, "ec point is not on the curve"
		}
		k.Public = pub
	case "OKP":
		if str(v, "crv") != "Ed25519" {
			return nil, "okp curve is not Ed25519"
		}
		x, ok := num(v, "x")
		if !ok || len(x) != ed25519.PublicKeySize {
			return nil, "ed25519 key is not 32 bytes"
		}
		k.Public = ed25519.PublicKey(x)
	case "oct":
		return nil, "symmetric keys are never taken from a key set"
	default:
		return nil, "unsupported kty"
	}
	return k, ""
}
