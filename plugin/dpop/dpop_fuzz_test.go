package dpop

import (
	"strings"
	"testing"
	"time"
)

// FuzzVerify: any proof text is refused with one of this package's
// errors or verified; a verified one has a jti within bounds and the
// thumbprint of its key. The seeds include the RFC example, whose
// signature verifies, so mutations reach the claim checks.
func FuzzVerify(f *testing.F) {
	f.Add(rfcProof, "https://server.example.com/token")
	f.Add("e30.e30.AAAA", "https://a.example/")
	f.Add(strings.Repeat(".", 64), "http://x/")
	f.Fuzz(func(t *testing.T, proof, url string) {
		r := &Request{Method: "POST", URL: url, AccessToken: "t", Now: time.Unix(1562262616, 0), MaxAge: time.Minute}
		p, err := Verify(proof, r)
		if err != nil {
			if Reason(err) == "" {
				t.Fatalf("error without a reason: %v", err)
			}
			return
		}
		if p.JTI == "" || len(p.JTI) > MaxJTIBytes || len(p.Thumbprint) != 43 {
			t.Fatalf("verified proof out of bounds: %+v", p)
		}
	})
}

// FuzzURL: normalizing is idempotent, and what it returns is an http or
// https URL without query or fragment.
func FuzzURL(f *testing.F) {
	for _, s := range []string{"https://a.example/x?q#f", "HTTP://A:80/./b/../c", "https://a.example", "ftp://x/", "https://a/%2e%2e/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, ok := URL(raw)
		if !ok {
			return
		}
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") || strings.ContainsAny(u, "?#") {
			t.Fatalf("URL(%q) = %q", raw, u)
		}
		if again, ok := URL(u); !ok || again != u {
			t.Fatalf("URL not idempotent: %q -> %q -> %q %v", raw, u, again, ok)
		}
	})
}

// FuzzThumbprint: any JSON refused or digested, never a panic; a
// thumbprint is 43 base64url characters.
func FuzzThumbprint(f *testing.F) {
	f.Add([]byte(rfcJWK))
	f.Add([]byte(`{"kty":"RSA","n":"AQAB","e":"AQAB"}`))
	f.Add([]byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`))
	f.Fuzz(func(t *testing.T, jwk []byte) {
		if s, err := Thumbprint(jwk); err == nil && len(s) != 43 {
			t.Fatalf("thumbprint %q", s)
		}
	})
}
