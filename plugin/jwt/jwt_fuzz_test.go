package jwt_test

import (
	"strings"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/plugin/jwt"
)

// FuzzVerify: Parse never panics and never accepts what it should refuse;
// and a mutation of a valid token never verifies unless it is the token
// itself (so the signature binds every byte).
func FuzzVerify(f *testing.F) {
	// Ed25519 signatures are deterministic: every fuzz worker computes the
	// same good token.
	good := sign(f, "EdDSA", "ed", edKey, claims())
	f.Add(good)
	f.Add(strings.Repeat(".", 100))
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add(good[:len(good)-2])
	v := verifier()
	f.Fuzz(func(t *testing.T, tok string) {
		got, err := v.Verify(tok, now)
		if err == nil && tok != good {
			t.Fatalf("a token other than the signed one verified: %q (%+v)", tok, got.Claims)
		}
		if err != nil && jwt.Reason(err) == "" {
			t.Fatal("error without a reason")
		}
	})
}

// FuzzParse: a parsed token has one of the supported algorithms and a
// payload that is a JSON object.
func FuzzParse(f *testing.F) {
	f.Add(sign(f, "EdDSA", "ed", edKey, claims()))
	f.Add("e30.e30.e30")
	f.Fuzz(func(t *testing.T, tok string) {
		p, err := jwt.Parse(tok)
		if err != nil {
			return
		}
		if _, ok := jwt.ParseAlg(p.Alg.String()); !ok || len(p.Payload) < 2 || p.Payload[0] != '{' && p.Payload[0] != ' ' && p.Payload[0] != '\t' && p.Payload[0] != '\n' && p.Payload[0] != '\r' {
			t.Fatalf("parsed %q into alg %v payload %q", tok, p.Alg, p.Payload)
		}
		_ = time.Now
	})
}
