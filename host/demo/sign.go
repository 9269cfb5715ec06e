package demo

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
)

var b64 = base64.RawURLEncoding

// Sign makes a compact JWS of claims with key (RSA: RS256, ECDSA: ES256/384/512
// by curve, Ed25519: EdDSA), for tests, demos and debugging.
func Sign(key crypto.Signer, kid string, claims map[string]any) (string, error) {
	var alg string
	var h crypto.Hash
	var opts crypto.SignerOpts
	size := 0
	switch k := key.(type) {
	case *rsa.PrivateKey:
		alg, h = "RS256", crypto.SHA256
	case *ecdsa.PrivateKey:
		size = (k.Curve.Params().BitSize + 7) / 8
		switch size {
		case 32:
			alg, h = "ES256", crypto.SHA256
		case 48:
			alg, h = "ES384", crypto.SHA384
		default:
			alg, h = "ES512", crypto.SHA512
		}
	case ed25519.PrivateKey:
		alg = "EdDSA"
	}
	header := map[string]string{"alg": alg, "typ": "JWT"}
	if kid != "" {
		header["kid"] = kid
	}
	hb, _ := json.Marshal(header)
	cb, _ := json.Marshal(claims)
	input := b64.EncodeToString(hb) + "." + b64.EncodeToString(cb)
	msg := []byte(input)
	if h != 0 {
		d := h.New()
		d.Write(msg)
		msg, opts = d.Sum(nil), h
	} else {
		opts = crypto.Hash(0)
	}
	sig, err := key.Sign(rand.Reader, msg, opts)
	if err != nil {
		return "", err
	}
	if size > 0 { // ASN.1 to the raw r||s JWS wants
		if sig, err = ecdsaRaw(sig, size); err != nil {
			return "", err
		}
	}
	return input + "." + b64.EncodeToString(sig), nil
}

// JWK returns the public JWK of pub.
func JWK(pub crypto.PublicKey, kid string) (map[string]string, error) {
	m := map[string]string{"use": "sig"}
	if kid != "" {
		m["kid"] = kid
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		m["kty"], m["alg"], m["n"], m["e"] = "RSA", "RS256", b64.EncodeToString(k.N.Bytes()), b64.EncodeToString(bigEndian(k.E))
	case *ecdsa.PublicKey:
		b, err := k.Bytes()
		if err != nil {
			return nil, err
		}
		size := (len(b) - 1) / 2
		m["kty"], m["crv"] = "EC", k.Curve.Params().Name
		m["alg"] = map[int]string{32: "ES256", 48: "ES384", 66: "ES512"}[size]
		m["x"], m["y"] = b64.EncodeToString(b[1:1+size]), b64.EncodeToString(b[1+size:])
	case ed25519.PublicKey:
		m["kty"], m["crv"], m["alg"], m["x"] = "OKP", "Ed25519", "EdDSA", b64.EncodeToString(k)
	default:
		return nil, fmt.Errorf("unsupported key type %T", pub)
	}
	return m, nil
}

func bigEndian(e int) []byte {
	var out []byte
	for e > 0 {
		out = append([]byte{byte(e)}, out...)
		e >>= 8
	}
	return out
}

// ecdsaRaw converts an ASN.1 ECDSA signature to JWS's fixed-size r||s
// (RFC 7518 section 3.4).
func ecdsaRaw(der []byte, size int) ([]byte, error) {
	var sig struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &sig); err != nil {
		return nil, err
	}
	if sig.R.BitLen() > 8*size || sig.S.BitLen() > 8*size {
		return nil, errors.New("ecdsa signature larger than the curve")
	}
	out := make([]byte, 2*size)
	sig.R.FillBytes(out[:size])
	sig.S.FillBytes(out[size:])
	return out, nil
}
