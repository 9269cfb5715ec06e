package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

func userConfig(t *testing.T, idp *hosttest.Issuer, extra string) string {
	return `{"providers":[{"name":"idp","issuer":"` + idp.URL + `","audiences":["orders"],"local_jwks":` + idp.JWKS() + `,
		"from_headers":[{"name":"authorization","value_prefix":"Bearer "}],"from_params":["access_token"],
		"claim_to_headers":[{"claim":"email","header":"x-user-email"},{"claim":"realm_access.roles","header":"x-user-roles"}]}]` + extra + `}`
}

func bearer(tok string) [2]string { return [2]string{"authorization", "Bearer " + tok} }

// TestUser is the user-identity behaviour table, run in both hosts.
func TestUser(t *testing.T) {
	idp := hosttest.NewIssuer(t, "https://idp.example", "k1", "p256.pem")
	other := hosttest.NewIssuer(t, "https://idp.example", "k1", "p384.pem")
	now := time.Now().Unix()
	good := idp.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": now + 600, "email": "alice@example.com",
		"realm_access": map[string]any{"roles": []string{"clinician", "staff"}}})
	cfg := userConfig(t, idp, "")
	type want struct {
		action    string
		status    int
		reason    string
		challenge string
		set       map[string]string
		absent    []string
	}
	tests := []struct {
		name    string
		cfg     string
		headers [][2]string
		want    want
	}{
		{name: "valid token", cfg: cfg, headers: req("/orders", bearer(good)),
			want: want{action: "continue", set: map[string]string{"x-palisade-user": "alice", "x-palisade-issuer": "https://idp.example",
				"x-palisade-provider": "idp", "x-user-email": "alice@example.com", "x-user-roles": `["clinician","staff"]`},
				absent: []string{"authorization"}}},
		{name: "scheme is case-insensitive", cfg: cfg, headers: req("/orders", [2]string{"authorization", "bearer " + good}),
			want: want{action: "continue", set: map[string]string{"x-palisade-user": "alice"}}},
		{name: "token in a query parameter", cfg: cfg, headers: req("/orders?access_token=" + good),
			want: want{action: "continue", set: map[string]string{"x-palisade-user": "alice"}}},
		{name: "forged claim header is replaced", cfg: cfg, headers: req("/orders", bearer(good), [2]string{"x-user-email", "mallory@example.com"}),
			want: want{action: "continue", set: map[string]string{"x-user-email": "alice@example.com"}}},
		{name: "missing token", cfg: cfg, headers: req("/orders"),
			want: want{action: "respond", status: 401, reason: "token_missing", challenge: `Bearer realm="palisade"`}},
		{name: "missing token allowed when not required", cfg: userConfig(t, idp, `,"require_user":false`), headers: req("/orders", [2]string{"x-palisade-user", "forged"}),
			want: want{action: "continue", absent: []string{"x-palisade-user"}}},
		{name: "expired", cfg: cfg, headers: req("/orders", bearer(idp.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": now - 120}))),
			want: want{action: "respond", status: 401, reason: "expired", challenge: `Bearer realm="palisade", error="invalid_token", error_description="expired"`}},
		{name: "wrong audience", cfg: cfg, headers: req("/orders", bearer(idp.Token(t, map[string]any{"sub": "alice", "aud": "billing", "exp": now + 600}))),
			want: want{action: "respond", status: 401, reason: "wrong_audience"}},
		{name: "unknown issuer", cfg: cfg, headers: req("/orders", bearer(idp.Token(t, map[string]any{"iss": "https://evil.example", "sub": "alice", "aud": "orders", "exp": now + 600}))),
			want: want{action: "respond", status: 401, reason: "wrong_issuer"}},
		{name: "signed by another key under a known kid", cfg: cfg, headers: req("/orders", bearer(other.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": now + 600}))),
			want: want{action: "respond", status: 401, reason: "key_mismatch"}},
		{name: "unknown kid", cfg: cfg, headers: req("/orders", bearer(hosttest.NewIssuer(t, "https://idp.example", "k9", "p256.pem").Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": now + 600}))),
			want: want{action: "respond", status: 401, reason: "unknown_kid"}},
		{name: "garbage token", cfg: cfg, headers: req("/orders", bearer("not.a.token")),
			want: want{action: "respond", status: 401, reason: "token_malformed"}},
		{name: "two different tokens", cfg: cfg, headers: req("/orders?access_token="+idp.Token(t, map[string]any{"sub": "bob", "aud": "orders", "exp": now + 600}), bearer(good)),
			want: want{action: "respond", status: 401, reason: "token_ambiguous"}},
		{name: "audit mode lets an invalid token pass without identity", cfg: userConfig(t, idp, `,"mode":"audit"`), headers: req("/orders", bearer("not.a.token")),
			want: want{action: "continue", absent: []string{"x-palisade-user"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			forEachHost(t, tc.cfg, func(t *testing.T, h pluginHost) {
				got := h.request(t, tc.headers, nil)
				w := tc.want
				if got.action != w.action || got.status != w.status {
					t.Fatalf("got %s %d %s, want %s %d", got.action, got.status, got.body, w.action, w.status)
				}
				if w.action == "respond" {
					var body struct{ Error, Reason, RequestID string }
					json.Unmarshal([]byte(got.body), &body)
					if body.Reason != w.reason || body.Error != "unauthorized" {
						t.Errorf("body %s, want reason %s", got.body, w.reason)
					}
					if c, _ := header(got.headers, "www-authenticate"); w.challenge != "" && c != w.challenge {
						t.Errorf("www-authenticate %q, want %q", c, w.challenge)
					}
					if strings.Contains(got.body, good[:20]) {
						t.Error("the answer echoes the token")
					}
					return
				}
				for k, v := range w.set {
					if g, _ := header(got.headers, k); g != v {
						t.Errorf("%s upstream = %q, want %q", k, g, v)
					}
				}
				for _, k := range w.absent {
					if v, ok := header(got.headers, k); ok {
						t.Errorf("%s reached the upstream: %q", k, v)
					}
				}
			})
		})
	}
}

// A repeated token is served from the cache: one verification.
func TestVerifiedTokenCache(t *testing.T) {
	idp := hosttest.NewIssuer(t, "https://idp.example", "k1", "p256.pem")
	tok := idp.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": time.Now().Unix() + 600})
	forEachHost(t, userConfig(t, idp, ""), func(t *testing.T, h pluginHost) {
		for i := 0; i < 3; i++ {
			if got := h.request(t, req("/orders", bearer(tok)), nil); got.action != "continue" {
				t.Fatalf("request %d: %+v", i, got)
			}
		}
		if v, c := h.counter(t, "palisade_tokens_verified_total"), h.counter(t, "result=.=hit;.;palisade_token_cache_total"); v != 1 || c != 2 {
			t.Errorf("verified %d, cache hits %d; want 1 and 2", v, c)
		}
	})
}

// A token verified by one VM is not verified again by another VM of the
// same proxy: the proxy-wide cache in shared data answers.
func TestSharedTokenCacheAcrossVMs(t *testing.T) {
	mod, _, err := hosttest.Module()
	if err != nil {
		t.Fatal(err)
	}
	idp := hosttest.NewIssuer(t, "https://idp.example", "k1", "p256.pem")
	tok := idp.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": time.Now().Unix() + 600})
	cfg := []byte(userConfig(t, idp, ""))
	shared, metrics := host.NewSharedData(), host.NewMetrics()
	var vms []*host.VM
	for i := 0; i < 2; i++ {
		vm, err := mod.NewVM(context.Background(), host.VMConfig{PluginConfiguration: cfg, SharedData: shared, Metrics: metrics})
		if err != nil {
			t.Fatal(err)
		}
		defer vm.Close()
		vms = append(vms, vm)
	}
	for _, vm := range vms {
		s, _ := vm.NewStream(host.Properties{})
		if r := s.RequestHeaders(req("/orders", bearer(tok)), true); r.Action != host.Continue {
			t.Fatalf("%v %+v", r.Action, r.Local)
		}
		if v, _ := s.Request().Headers.Get("x-palisade-user"); v != "alice" {
			t.Errorf("user header %q", v)
		}
		s.Close()
	}
	verified, _ := metrics.Value("palisade_tokens_verified_total")
	sharedHits, _ := metrics.Value("result=.=shared_hit;.;palisade_token_cache_total")
	if verified != 1 || sharedHits != 1 {
		t.Errorf("verified %d, shared hits %d; want 1 and 1", verified, sharedHits)
	}
}

// RFC 8705: a certificate-bound token passes only on a connection whose
// client certificate it is bound to.
func TestCertificateBoundTokens(t *testing.T) {
	idp := hosttest.NewIssuer(t, "https://idp.example", "k1", "p256.pem")
	digest := sha256.Sum256([]byte("the client certificate, DER"))
	other := sha256.Sum256([]byte("another certificate"))
	thumb := base64.RawURLEncoding.EncodeToString(digest[:])
	exp := time.Now().Unix() + 600
	bound := idp.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": exp, "cnf": map[string]string{"x5t#S256": thumb}})
	unbound := idp.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": exp})
	peer := func(d [32]byte) map[string][]byte {
		return map[string][]byte{"connection.sha256_peer_certificate_digest": []byte(hex.EncodeToString(d[:]))}
	}
	required := `{"providers":[{"name":"idp","issuer":"https://idp.example","audiences":["orders"],"local_jwks":` + idp.JWKS() + `,"certificate_bound":"required"}]}`
	tests := []struct {
		name   string
		cfg    string
		token  string
		props  map[string][]byte
		status int
		reason string
	}{
		{"bound token on its certificate", userConfig(t, idp, ""), bound, peer(digest), 0, ""},
		{"bound token on another certificate", userConfig(t, idp, ""), bound, peer(other), 401, "token_binding_mismatch"},
		{"bound token without a client certificate", userConfig(t, idp, ""), bound, nil, 401, "token_binding_mismatch"},
		{"unbound token, binding optional", userConfig(t, idp, ""), unbound, nil, 0, ""},
		{"unbound token, binding required", required, unbound, peer(digest), 401, "token_binding_missing"},
		{"bound token, binding required", required, bound, peer(digest), 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			forEachHost(t, tc.cfg, func(t *testing.T, h pluginHost) {
				// Twice: the second answer comes from the token cache and
				// must still check the binding.
				for i := 0; i < 2; i++ {
					got := h.request(t, req("/orders", bearer(tc.token)), tc.props)
					if got.status != tc.status || (tc.reason != "" && !strings.Contains(got.body, `"reason":"`+tc.reason+`"`)) {
						t.Fatalf("request %d: %d %s, want %d %s", i, got.status, got.body, tc.status, tc.reason)
					}
				}
			})
		})
	}
}

// TestContextReuseLeaksNothing: palisade.wasm reuses a stream's context
// for a later stream once the host deleted it. Requests alternating
// between users, a service certificate, a missing token (when not
// required) and a bad path on one VM must each see only their own
// identity: nothing of an earlier request survives into a later one.
func TestContextReuseLeaksNothing(t *testing.T) {
	idp := hosttest.NewIssuer(t, "https://idp.example", "k1", "p256.pem")
	now := time.Now().Unix()
	alice := idp.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": now + 600, "email": "alice@example.com"})
	bob := idp.Token(t, map[string]any{"sub": "bob", "aud": "orders", "exp": now + 600})
	cfg := userConfig(t, idp, `,"require_user":false`)
	forEachHost(t, cfg, func(t *testing.T, h pluginHost) {
		for round := range 50 {
			got := h.request(t, req("/orders", bearer(alice)), nil)
			if got.action != "continue" || hv(got.headers, "x-palisade-user") != "alice" || hv(got.headers, "x-user-email") != "alice@example.com" {
				t.Fatalf("round %d alice: %+v", round, got)
			}
			got = h.request(t, req("/orders"), nil)
			if got.action != "continue" || hv(got.headers, "x-palisade-user") != "" || hv(got.headers, "x-user-email") != "" {
				t.Fatalf("round %d anonymous request carries an identity: %+v", round, got)
			}
			got = h.request(t, req("/a%2Fb", bearer(alice)), nil)
			if got.action != "respond" || got.status != 400 {
				t.Fatalf("round %d bad path: %+v", round, got)
			}
			got = h.request(t, req("/orders", bearer(bob)), nil)
			if got.action != "continue" || hv(got.headers, "x-palisade-user") != "bob" || hv(got.headers, "x-user-email") != "" {
				t.Fatalf("round %d bob: %+v", round, got)
			}
		}
	})
}

func hv(h [][2]string, name string) string {
	v, _ := header(h, name)
	return v
}

// TestTaggedMetrics: each request's outcome is counted by decision and
// reason, token failures by provider and reason, token cache lookups by
// result, configuration loads by result, with the tags in the metric name
// as Istio's stats tag regexes take them out.
func TestTaggedMetrics(t *testing.T) {
	idp := hosttest.NewIssuer(t, "https://idp.example", "k1", "p256.pem")
	now := time.Now().Unix()
	good := idp.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": now + 600})
	expired := idp.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": now - 600})
	forEachHost(t, userConfig(t, idp, ""), func(t *testing.T, h pluginHost) {
		h.request(t, req("/orders", bearer(good)), nil)
		h.request(t, req("/orders", bearer(good)), nil)
		h.request(t, req("/orders", bearer(expired)), nil)
		h.request(t, req("/orders"), nil)
		h.request(t, req("/a%2Fb"), nil)
		for name, want := range map[string]int64{
			"decision=.=allow;.;reason=.=none;.;palisade_decisions_total":              2,
			"decision=.=deny;.;reason=.=expired;.;palisade_decisions_total":            1,
			"decision=.=deny;.;reason=.=token_missing;.;palisade_decisions_total":      1,
			"decision=.=deny;.;reason=.=path_encoded_slash;.;palisade_decisions_total": 1,
			"provider=.=idp;.;reason=.=expired;.;palisade_token_failures_total":        1,
			"provider=.=none;.;reason=.=token_missing;.;palisade_token_failures_total": 1,
			"result=.=miss;.;palisade_token_cache_total":                               2,
			"result=.=hit;.;palisade_token_cache_total":                                1,
			"result=.=accepted;.;palisade_config_loads_total":                          1,
		} {
			if got := h.counter(t, name); got != want {
				t.Errorf("%s = %d, want %d", name, got, want)
			}
		}
	})
}
