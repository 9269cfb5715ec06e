package dpop

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host/hosttest"
	"github.com/palisade-wasm/palisade/plugin/jwt"
)

// The example of RFC 9449 section 4.1 (Figure 2), a proof for a token
// request, and the thumbprint section 6.1 gives for its key.
const (
	rfcProof = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg"
	rfcJWK   = `{"kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","crv":"P-256"}`
	rfcJKT   = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"
)

func TestThumbprintRFCExample(t *testing.T) {
	got, err := Thumbprint([]byte(rfcJWK))
	if err != nil || got != rfcJKT {
		t.Fatalf("Thumbprint = %q, %v; want %q", got, err, rfcJKT)
	}
	// Member order and extra members do not change it.
	got, _ = Thumbprint([]byte(`{"crv":"P-256","use":"sig","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs"}`))
	if got != rfcJKT {
		t.Fatalf("reordered: %q", got)
	}
	for _, bad := range []string{`{"kty":"oct","k":"AAAA"}`, `{"kty":"EC","crv":"P-256","x":"a\"b","y":"c"}`, `{"kty":"EC","crv":"P-256","x":"ab"}`, `{}`, `[]`} {
		if _, err := Thumbprint([]byte(bad)); err == nil {
			t.Errorf("Thumbprint(%s) accepted", bad)
		}
	}
}

// TestRFCExampleProof checks the published proof: its signature and
// claims verify at its own time, and only ath (absent: it was made for a
// token request) refuses it here.
func TestRFCExampleProof(t *testing.T) {
	r := &Request{Method: "POST", URL: "https://server.example.com/token", AccessToken: "t", Now: time.Unix(1562262616, 0), MaxAge: time.Minute}
	_, err := Verify(rfcProof, r)
	if !errors.Is(err, ErrTokenHash) {
		t.Fatalf("Verify = %v, want ErrTokenHash (everything else verified)", err)
	}
	r.Now = r.Now.Add(2 * time.Minute)
	if _, err := Verify(rfcProof, r); !errors.Is(err, ErrTime) {
		t.Fatalf("two minutes later: %v, want ErrTime", err)
	}
	r.Now, r.Method = time.Unix(1562262616, 0), "GET"
	if _, err := Verify(rfcProof, r); !errors.Is(err, ErrMethod) {
		t.Fatalf("GET: %v, want ErrMethod", err)
	}
}

func TestVerify(t *testing.T) {
	c := hosttest.NewDPoPClient(t)
	other := hosttest.NewDPoPClient(t)
	const token = "the.access.token"
	const url = "https://api.example/orders/7"
	now := time.Now()
	req := func() *Request {
		return &Request{Method: "POST", URL: url, AccessToken: token, Now: now, MaxAge: time.Minute, Skew: 5 * time.Second}
	}
	claims := func(edit func(map[string]any)) map[string]any {
		m := map[string]any{"jti": "j1", "htm": "POST", "htu": url, "iat": now.Unix(), "ath": hosttest.ATH(token)}
		if edit != nil {
			edit(m)
		}
		return m
	}
	good := c.Proof(t, claims(nil), nil)
	p, err := Verify(good, req())
	if err != nil {
		t.Fatalf("valid proof: %v", err)
	}
	if p.Thumbprint != c.JKT() || p.JTI != "j1" || p.IAT.Unix() != now.Unix() {
		t.Fatalf("proof = %+v, want thumbprint %s", p, c.JKT())
	}
	if CheckBinding(c.JKT(), p) != nil || CheckBinding(other.JKT(), p) == nil || CheckBinding("", p) == nil {
		t.Fatal("CheckBinding does not compare cnf.jkt with the proof's key")
	}

	// A signature by another key under this jwk.
	parts := strings.Split(good, ".")
	forged := strings.Join(parts[:2], ".") + "." + strings.Split(other.Proof(t, claims(nil), nil), ".")[2]

	tests := []struct {
		name  string
		proof string
		req   func(*Request)
		want  error
	}{
		{"htu with query and fragment", c.Proof(t, claims(func(m map[string]any) { m["htu"] = url + "?a=1#f" }), nil), nil, nil},
		{"htu in another case and with the default port", c.Proof(t, claims(func(m map[string]any) { m["htu"] = "HTTPS://API.example:443/orders/7" }), nil), nil, nil},
		{"htu with dot segments", c.Proof(t, claims(func(m map[string]any) { m["htu"] = "https://api.example/orders/x/../7" }), nil), nil, nil},
		{"iat within the skew ahead", c.Proof(t, claims(func(m map[string]any) { m["iat"] = now.Unix() + 4 }), nil), nil, nil},
		{"typ in another case", c.Proof(t, claims(nil), map[string]any{"typ": "DPoP+JWT"}), nil, nil},

		{"wrong htu path", c.Proof(t, claims(func(m map[string]any) { m["htu"] = "https://api.example/orders/8" }), nil), nil, ErrURL},
		{"wrong htu host", c.Proof(t, claims(func(m map[string]any) { m["htu"] = "https://evil.example/orders/7" }), nil), nil, ErrURL},
		{"wrong htu scheme", c.Proof(t, claims(func(m map[string]any) { m["htu"] = "http://api.example/orders/7" }), nil), nil, ErrURL},
		{"relative htu", c.Proof(t, claims(func(m map[string]any) { m["htu"] = "/orders/7" }), nil), nil, ErrURL},
		{"wrong htm", c.Proof(t, claims(func(m map[string]any) { m["htm"] = "GET" }), nil), nil, ErrMethod},
		{"htm in lower case", c.Proof(t, claims(func(m map[string]any) { m["htm"] = "post" }), nil), nil, ErrMethod},
		{"wrong ath", c.Proof(t, claims(func(m map[string]any) { m["ath"] = hosttest.ATH("another token") }), nil), nil, ErrTokenHash},
		{"no ath", c.Proof(t, claims(func(m map[string]any) { delete(m, "ath") }), nil), nil, ErrTokenHash},
		{"stale iat", c.Proof(t, claims(func(m map[string]any) { m["iat"] = now.Unix() - 120 }), nil), nil, ErrTime},
		{"iat in the future", c.Proof(t, claims(func(m map[string]any) { m["iat"] = now.Unix() + 60 }), nil), nil, ErrTime},
		{"iat as a string", c.Proof(t, claims(func(m map[string]any) { m["iat"] = "now" }), nil), nil, ErrMalformed},
		{"no iat", c.Proof(t, claims(func(m map[string]any) { delete(m, "iat") }), nil), nil, ErrMalformed},
		{"no jti", c.Proof(t, claims(func(m map[string]any) { delete(m, "jti") }), nil), nil, ErrMalformed},
		{"empty jti", c.Proof(t, claims(func(m map[string]any) { m["jti"] = "" }), nil), nil, ErrMalformed},
		{"huge jti", c.Proof(t, claims(func(m map[string]any) { m["jti"] = strings.Repeat("j", MaxJTIBytes+1) }), nil), nil, ErrMalformed},
		{"no htu", c.Proof(t, claims(func(m map[string]any) { delete(m, "htu") }), nil), nil, ErrMalformed},
		{"typ JWT", c.Proof(t, claims(nil), map[string]any{"typ": "JWT"}), nil, ErrType},
		{"no typ", c.Proof(t, claims(nil), map[string]any{"typ": nil}), nil, ErrType},
		{"no jwk", c.Proof(t, claims(nil), map[string]any{"jwk": nil}), nil, ErrKey},
		{"jwk as a string", c.Proof(t, claims(nil), map[string]any{"jwk": "key"}), nil, ErrKey},
		{"private key in jwk", c.Proof(t, claims(nil), map[string]any{"jwk": map[string]string{"kty": "EC", "crv": "P-256", "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs", "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA", "d": "AAAA"}}), nil, ErrKey},
		{"symmetric jwk", c.Proof(t, claims(nil), map[string]any{"jwk": map[string]string{"kty": "oct", "k": "c2VjcmV0"}}), nil, ErrKey},
		{"another key's jwk", c.Proof(t, claims(nil), map[string]any{"jwk": map[string]string{"kty": "EC", "crv": "P-256", "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs", "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}}), nil, ErrSignature},
		{"signature of another key", forged, nil, ErrSignature},
		{"alg ES384 with a P-256 key", c.Proof(t, claims(nil), map[string]any{"alg": "ES384"}), nil, ErrSignature},
		{"alg HS256", c.Proof(t, claims(nil), map[string]any{"alg": "HS256"}), nil, ErrAlg},
		{"alg none", c.Proof(t, claims(nil), map[string]any{"alg": "none"}), nil, ErrMalformed},
		{"alg not in the provider's list", good, func(r *Request) { r.Algorithms = []jwt.Alg{jwt.EdDSA} }, ErrAlg},
		{"not a JWS", "not-a-proof", nil, ErrMalformed},
		{"empty", "", nil, ErrMalformed},
		{"request URL unknown", good, func(r *Request) { r.URL = "https://api.example/orders/8" }, ErrURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := req()
			if tc.req != nil {
				tc.req(r)
			}
			_, err := Verify(tc.proof, r)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://a.example/x", "https://a.example/x"},
		{"https://a.example", "https://a.example/"},
		{"HTTPS://A.Example:443/x?q#f", "https://a.example/x"},
		{"http://a.example:80/x", "http://a.example/x"},
		{"http://a.example:8080/x", "http://a.example:8080/x"},
		{"https://a.example:80/x", "https://a.example:80/x"},
		{"https://a.example/%61/./b/../c", "https://a.example/a/c"},
		{"ftp://a.example/x", ""},
		{"https://user@a.example/x", ""},
		{"https:///x", ""},
		{"a.example/x", ""},
	}
	for _, tc := range tests {
		got, ok := URL(tc.in)
		if tc.want == "" && ok || tc.want != "" && got != tc.want {
			t.Errorf("URL(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

func TestRecord(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	p := &Proof{JTI: "a", Thumbprint: "k"}
	key, id := ReplayID("dpop/", p)
	key2, id2 := ReplayID("dpop/", &Proof{JTI: "a", Thumbprint: "other key"})
	if !strings.HasPrefix(key, "dpop/") || id == id2 {
		t.Fatalf("ReplayID: %q %x %q %x", key, id, key2, id2)
	}
	slot, err := Record(nil, id, now, now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Record(slot, id, now.Add(30*time.Second), now.Add(time.Minute)); !errors.Is(err, ErrReplay) {
		t.Fatalf("replay within the window: %v", err)
	}
	// Past the window the entry is dropped: the proof is refused by its
	// iat by then anyway.
	if next, err := Record(slot, id, now.Add(2*time.Minute), now.Add(3*time.Minute)); err != nil || len(next) != entryBytes {
		t.Fatalf("after the window: %d bytes, %v", len(next), err)
	}
	// A slot fills up and then refuses, never forgets a live entry.
	for i := 1; i < SlotEntries; i++ {
		var other [16]byte
		other[0], other[1] = byte(i), byte(i>>8)
		if slot, err = Record(slot, other, now, now.Add(time.Minute)); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
	var last [16]byte
	last[15] = 1
	if _, err := Record(slot, last, now, now.Add(time.Minute)); !errors.Is(err, ErrReplayFull) {
		t.Fatalf("full slot: %v", err)
	}
	if _, err := Record([]byte("garbage"), last, now, now.Add(time.Minute)); !errors.Is(err, ErrReplayFull) {
		t.Fatalf("foreign value: %v", err)
	}
}
