package hosttest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	_ "crypto/sha256" // ES256
	_ "crypto/sha512" // ES384
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Issuer mints tokens for tests with a checked-in test key
// (plugin/jwt/testdata/p256.pem, p384.pem or rsa2048.pem: ES256, ES384 or
// RS256), and publishes its JWKS.
type Issuer struct {
	URL    string // the iss of its tokens
	KID    string
	key    *ecdsa.PrivateKey
	rsaKey *rsa.PrivateKey
}

// NewIssuer returns an issuer named url with key id kid. keyFile names a
// PEM in plugin/jwt/testdata ("p256.pem").
func NewIssuer(t testing.TB, url, kid, keyFile string) *Issuer {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "plugin", "jwt", "testdata", keyFile))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if rk, ok := k.(*rsa.PrivateKey); ok {
		return &Issuer{URL: url, KID: kid, rsaKey: rk}
	}
	return &Issuer{URL: url, KID: kid, key: k.(*ecdsa.PrivateKey)}
}

var b64 = base64.RawURLEncoding

// Token signs claims (iss is added unless present).
func (i *Issuer) Token(t testing.TB, claims map[string]any) string {
	t.Helper()
	if _, ok := claims["iss"]; !ok {
		claims["iss"] = i.URL
	}
	if i.rsaKey != nil {
		hb, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": i.KID, "typ": "JWT"})
		c, _ := json.Marshal(claims)
		input := b64.EncodeToString(hb) + "." + b64.EncodeToString(c)
		d := crypto.SHA256.New()
		d.Write([]byte(input))
		sig, err := rsa.SignPKCS1v15(rand.Reader, i.rsaKey, crypto.SHA256, d.Sum(nil))
		if err != nil {
			t.Fatal(err)
		}
		return input + "." + b64.EncodeToString(sig)
	}
	size := (i.key.Curve.Params().BitSize + 7) / 8
	alg, h := "ES256", crypto.SHA256
	if size == 48 {
		alg, h = "ES384", crypto.SHA384
	}
	hb, _ := json.Marshal(map[string]string{"alg": alg, "kid": i.KID, "typ": "JWT"})
	c, _ := json.Marshal(claims)
	input := b64.EncodeToString(hb) + "." + b64.EncodeToString(c)
	d := h.New()
	d.Write([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, i.key, d.Sum(nil))
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 2*size)
	r.FillBytes(sig[:size])
	s.FillBytes(sig[size:])
	return input + "." + b64.EncodeToString(sig)
}

// JWKS returns the issuer's public key set.
func (i *Issuer) JWKS() string {
	if i.rsaKey != nil {
		doc, _ := json.Marshal(map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "kid": i.KID, "use": "sig", "alg": "RS256",
			"n": b64.EncodeToString(i.rsaKey.N.Bytes()), "e": b64.EncodeToString(big.NewInt(int64(i.rsaKey.E)).Bytes()),
		}}})
		return string(doc)
	}
	b, _ := i.key.PublicKey.Bytes()
	size := (len(b) - 1) / 2
	crv, alg := "P-256", "ES256"
	if size == 48 {
		crv, alg = "P-384", "ES384"
	}
	doc, _ := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "EC", "crv": crv, "kid": i.KID, "use": "sig", "alg": alg,
		"x": b64.EncodeToString(b[1 : 1+size]), "y": b64.EncodeToString(b[1+size:]),
	}}})
	return string(doc)
}
