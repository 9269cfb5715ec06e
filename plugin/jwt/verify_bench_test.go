package jwt_test

import (
	"crypto/ed25519"
	"testing"
	"time"

	gjwt "github.com/golang-jwt/jwt/v5"
	"github.com/palisade-wasm/palisade/plugin/jwt"
)

// BenchmarkVerify compares Palisade's verification with golang-jwt's on
// the same tokens and keys, per algorithm: full verification (signature,
// issuer, audience, expiry) in both.
func BenchmarkVerify(b *testing.B) {
	cases := []struct {
		alg, kid string
		key      any
		pub      any
	}{
		{"RS256", "rsa", rsaKey, &rsaKey.PublicKey},
		{"PS256", "rsa", rsaKey, &rsaKey.PublicKey},
		{"ES256", "p256", p256, &p256.PublicKey},
		{"ES384", "p384", p384, &p384.PublicKey},
		{"EdDSA", "ed", edKey, edKey.Public().(ed25519.PublicKey)},
		{"HS256", "", []byte("a shared secret of at least thirty-two bytes"), []byte("a shared secret of at least thirty-two bytes")},
	}
	for _, c := range cases {
		tok := sign(b, c.alg, c.kid, c.key, claims())
		b.Run(c.alg+"/palisade", func(b *testing.B) {
			v := verifier()
			if secret, ok := c.key.([]byte); ok {
				v.Secret, v.Algorithms = secret, []jwt.Alg{jwt.HS256}
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(tok, now); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.alg+"/golang-jwt", func(b *testing.B) {
			p := gjwt.NewParser(gjwt.WithValidMethods([]string{c.alg}), gjwt.WithIssuer(issuer), gjwt.WithAudience("orders"),
				gjwt.WithExpirationRequired(), gjwt.WithLeeway(60e9), gjwt.WithTimeFunc(func() time.Time { return now }))
			keyFunc := func(*gjwt.Token) (any, error) { return c.pub, nil }
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Parse(tok, keyFunc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
