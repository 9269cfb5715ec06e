package provider

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/plugin/jwt"
	"github.com/palisade-wasm/palisade/policies/jsonv"
)

func introspector(t *testing.T, extra string) *Provider {
	t.Helper()
	ps, err := Parse(jsonv.Parse(`[{"name":"opaque","issuer":"https://idp.example","audiences":["orders"],
		"introspection":{"cluster":"idp","path":"/oauth2/introspect","client_id":"palisade proxy","client_secret":"s&cr=t",
		"cache_seconds":60}`+extra+`}]`), "providers")
	if err != nil {
		t.Fatal(err)
	}
	return ps[0]
}

// TestIntrospectionRequest: RFC 7662 section 2.1, a form-encoded POST with
// the client credentials as HTTP Basic (each form-encoded first, RFC 6749
// section 2.3.1).
func TestIntrospectionRequest(t *testing.T) {
	p := introspector(t, "")
	headers, body := p.Introspection.Request("tok+en/=")
	want := [][2]string{
		{":method", "POST"}, {":path", "/oauth2/introspect"}, {":authority", "idp"},
		{"content-type", "application/x-www-form-urlencoded"}, {"accept", "application/json"},
		{"authorization", "Basic cGFsaXNhZGUrcHJveHk6cyUyNmNyJTNEdA=="}, // palisade+proxy:s%26cr%3Dt
	}
	if len(headers) != len(want) {
		t.Fatalf("headers %q", headers)
	}
	for i := range want {
		if headers[i] != want[i] {
			t.Errorf("header %d = %q, want %q", i, headers[i], want[i])
		}
	}
	if got := string(body); got != "token=tok%2Ben%2F%3D&token_type_hint=access_token" {
		t.Errorf("body %q", got)
	}
}

// TestIntrospected: RFC 7662 section 2.2 answers, each field honoured, and
// everything that is not a clear yes refused.
func TestIntrospected(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tests := []struct {
		name   string
		status int
		body   string
		reason string
		expiry time.Time // when the answer may be cached until
	}{
		{"active", 200, `{"active":true,"sub":"alice","iss":"https://idp.example","aud":"orders","scope":"orders:read orders:write","exp":1800000030}`, "", now.Add(30 * time.Second)},
		{"cached no longer than cache_seconds", 200, `{"active":true,"aud":["billing","orders"],"exp":1800003600}`, "", now.Add(time.Minute)},
		{"inactive", 200, `{"active":false,"sub":"alice","aud":"orders","exp":1800000030}`, "token_inactive", time.Time{}},
		{"active as a string", 200, `{"active":"true","aud":"orders","exp":1800000030}`, "token_inactive", time.Time{}},
		{"no active", 200, `{"aud":"orders","exp":1800000030}`, "token_inactive", time.Time{}},
		{"expired", 200, `{"active":true,"aud":"orders","exp":1799999900}`, "expired", time.Time{}},
		{"no exp", 200, `{"active":true,"aud":"orders"}`, "missing_claim", time.Time{}},
		{"exp a string", 200, `{"active":true,"aud":"orders","exp":"1800000030"}`, "introspection_unavailable", time.Time{}},
		{"exp infinite", 200, `{"active":true,"aud":"orders","exp":1e999}`, "introspection_unavailable", time.Time{}},
		{"wrong issuer", 200, `{"active":true,"iss":"https://evil.example","aud":"orders","exp":1800000030}`, "wrong_issuer", time.Time{}},
		{"no iss is accepted (optional in RFC 7662)", 200, `{"active":true,"aud":"orders","exp":1800000030}`, "", now.Add(30 * time.Second)},
		{"wrong audience", 200, `{"active":true,"aud":"billing","exp":1800000030}`, "wrong_audience", time.Time{}},
		{"no audience", 200, `{"active":true,"exp":1800000030}`, "wrong_audience", time.Time{}},
		{"server error", 500, `{"active":true,"aud":"orders","exp":1800000030}`, "introspection_unavailable", time.Time{}},
		{"unauthorized client", 401, `{"error":"invalid_client"}`, "introspection_unavailable", time.Time{}},
		{"garbage", 200, `<html>`, "introspection_unavailable", time.Time{}},
		{"not an object", 200, `[{"active":true}]`, "introspection_unavailable", time.Time{}},
	}
	p := introspector(t, "")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := p.Introspected(tc.status, []byte(tc.body), now)
			if tc.reason != "" {
				if id != nil || Reason(err) != tc.reason {
					t.Fatalf("got %v, %v (%q), want %s", id, err, Reason(err), tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !id.Expiry.Equal(tc.expiry) || id.Provider != p || string(id.Payload) != tc.body {
				t.Errorf("expiry %v, want %v; payload %q", id.Expiry, tc.expiry, id.Payload)
			}
		})
	}
	id, err := p.Introspected(200, []byte(tests[0].body), now)
	if err != nil {
		t.Fatal(err)
	}
	if c := id.Claims; c.Subject != "alice" || strings.Join(c.Scope, ",") != "orders:read,orders:write" || strings.Join(c.Audience, ",") != "orders" {
		t.Errorf("claims %+v", c)
	}
	if _, err := p.Introspected(200, []byte(`{"active":true,"aud":"orders","exp":1800000030}`), now.Add(31*time.Second+p.Verifier.ClockSkew)); !errors.Is(err, jwt.ErrExpired) {
		t.Errorf("past exp and skew: %v", err)
	}
}
