package jwt_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/palisade-wasm/palisade/plugin/jwt"
)

// Test keys: checked in under testdata (see testdata/README.md).
var (
	rsaKey   = loadKey("rsa2048.pem").(*rsa.PrivateKey)
	rsaSmall = loadKey("rsa1024.pem").(*rsa.PrivateKey)
	p256     = loadKey("p256.pem").(*ecdsa.PrivateKey)
	p384     = loadKey("p384.pem").(*ecdsa.PrivateKey)
	p521     = loadKey("p521.pem").(*ecdsa.PrivateKey)
	edKey    = loadKey("ed25519.pem").(ed25519.PrivateKey)
)

func loadKey(name string) crypto.Signer {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		panic(err)
	}
	block, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		panic(err)
	}
	return k.(crypto.Signer)
}

var enc = base64.RawURLEncoding

// signRaw makes a compact JWS from a raw header and payload, signed with
// key for alg (a []byte key means HMAC).
func signRaw(t testing.TB, alg string, key any, header, payload string) string {
	t.Helper()
	input := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
	return input + "." + enc.EncodeToString(signature(t, alg, key, []byte(input)))
}

func signature(t testing.TB, alg string, key any, msg []byte) []byte {
	a, ok := jwt.ParseAlg(alg)
	if !ok {
		t.Fatalf("alg %q", alg)
	}
	var h crypto.Hash
	switch alg[2:] {
	case "256":
		h = crypto.SHA256
	case "384":
		h = crypto.SHA384
	case "512":
		h = crypto.SHA512
	}
	digest := func() []byte {
		d := h.New()
		d.Write(msg)
		return d.Sum(nil)
	}
	switch k := key.(type) {
	case []byte:
		m := hmac.New(h.New, k)
		m.Write(msg)
		return m.Sum(nil)
	case *rsa.PrivateKey:
		if alg[0] == 'P' {
			s, err := rsa.SignPSS(rand.Reader, k, h, digest(), &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		s, err := rsa.SignPKCS1v15(rand.Reader, k, h, digest())
		if err != nil {
			t.Fatal(err)
		}
		return s
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, k, digest())
		if err != nil {
			t.Fatal(err)
		}
		size := (k.Curve.Params().BitSize + 7) / 8
		out := make([]byte, 2*size)
		r.FillBytes(out[:size])
		s.FillBytes(out[size:])
		return out
	case ed25519.PrivateKey:
		_ = a
		return ed25519.Sign(k, msg)
	}
	t.Fatalf("key type %T", key)
	return nil
}

// sign makes a token with header {"alg":alg,"kid":kid} and claims.
func sign(t testing.TB, alg, kid string, key any, claims map[string]any) string {
	h := map[string]any{"alg": alg}
	if kid != "" {
		h["kid"] = kid
	}
	hb, _ := json.Marshal(h)
	cb, _ := json.Marshal(claims)
	return signRaw(t, alg, key, string(hb), string(cb))
}
