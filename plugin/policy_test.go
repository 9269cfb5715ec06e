package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host/hosttest"
	"gopkg.in/yaml.v3"
)

// TestPolicy is the decision stage: tokens and mTLS identities through the
// seed policy (policies/examples/seed.yaml), in both hosts.
func TestPolicy(t *testing.T) {
	idp := hosttest.NewIssuer(t, "https://idp.example", "k1", "p256.pem")
	p, err := os.ReadFile("../policies/examples/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	yaml.Unmarshal(p, &doc)
	seed, _ := json.Marshal(doc)
	cfg := `{"service":{"trust_domains":["shop.example","video.example"]},
		"providers":[{"name":"idp","issuer":"https://idp.example","audiences":["orders"],"local_jwks":` + idp.JWKS() + `}],
		"policy":` + string(seed) + `}`
	exp := time.Now().Unix() + 600
	alice := idp.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": exp})
	mtls := func(id string) map[string][]byte {
		return map[string][]byte{"connection.mtls": {1}, "connection.uri_san_peer_certificate": []byte(id)}
	}
	tests := []struct {
		name    string
		cfg     string
		headers [][2]string
		props   map[string][]byte
		status  int    // 0: forwarded
		rule    string // x-palisade-decision upstream
	}{
		{"alice reads her orders", cfg, req("/customers/alice/orders/7", bearer(alice)), nil, 0, "customer-reads-own-orders"},
		{"alice may not read bob's orders", cfg, req("/customers/bob/orders/7", bearer(alice)), nil, 403, ""},
		{"anonymous reaches the policy, which denies", cfg, req("/customers/alice/orders/7"), nil, 403, ""},
		{"an invalid token is still a 401", cfg, req("/customers/alice/orders/7", bearer("x.y.z")), nil, 401, ""},
		{"payments service reads payments", cfg, req("/payments/2024"), mtls("spiffe://shop.example/ns/payments/sa/payments"), 0, "payments-read-by-payments-service"},
		{"the path is normalized before it matches", cfg, req("/public/../payments/2024"), mtls("spiffe://shop.example/ns/payments/sa/payments"), 0, "payments-read-by-payments-service"},
		{"another service may not", cfg, req("/payments/2024"), mtls("spiffe://shop.example/ns/web/sa/web"), 403, ""},
		{"delivery never sees history, even with the user's token", cfg, req("/users/alice/history", bearer(alice)), mtls("spiffe://video.example/ns/delivery/sa/delivery"), 403, ""},
		{"audit mode forwards a denied request", strings.Replace(cfg, `"service"`, `"mode":"audit","service"`, 1), req("/customers/bob/orders/7", bearer(alice)), nil, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			forEachHost(t, tc.cfg, func(t *testing.T, h pluginHost) {
				got := h.request(t, tc.headers, tc.props)
				if got.status != tc.status {
					t.Fatalf("got %s %d %s, want status %d", got.action, got.status, got.body, tc.status)
				}
				if tc.status == 403 && !strings.Contains(got.body, `"error":"forbidden","reason":"policy_denied"`) {
					t.Errorf("403 body %s", got.body)
				}
				if tc.status == 0 {
					if r, _ := header(got.headers, "x-palisade-decision"); r != tc.rule {
						t.Errorf("x-palisade-decision = %q, want %q", r, tc.rule)
					}
				}
			})
		})
	}
}

// TestRouteRules: a rule selecting on Envoy route names reads
// xds.route_name, in both hosts; a request on no named route matches none.
func TestRouteRules(t *testing.T) {
	cfg := `{"policy":{"default":"deny","rules":[{"name":"public","action":"allow","match":{"routes":["public-api"]}}]}}`
	forEachHost(t, cfg, func(t *testing.T, h pluginHost) {
		for route, status := range map[string]int{"public-api": 0, "admin-api": 403, "": 403} {
			var props map[string][]byte
			if route != "" {
				props = map[string][]byte{"xds.route_name": []byte(route)}
			}
			if got := h.request(t, req("/x"), props); got.status != status {
				t.Errorf("route %q: %d %s, want %d", route, got.status, got.body, status)
			}
		}
	})
}

// TestRuleResponse: a deny rule's own response (status, body, headers)
// replaces the 403, in both hosts; other denials keep the default.
func TestRuleResponse(t *testing.T) {
	cfg := `{"policy":{"default":"deny","rules":[
		{"name":"hide-internal","action":"deny","match":{"paths":["/internal/**"]},"response":{"status":404,"body":"not found\n","headers":{"Content-Type":"text/plain"}}},
		{"name":"public","action":"allow","match":{"paths":["/public/**","/internal/**"]}}]}}`
	forEachHost(t, cfg, func(t *testing.T, h pluginHost) {
		got := h.request(t, req("/internal/metrics"), nil)
		if ct, _ := header(got.headers, "content-type"); got.status != 404 || got.body != "not found\n" || ct != "text/plain" {
			t.Errorf("rule response: %d %q %q", got.status, got.body, ct)
		}
		if got := h.request(t, req("/other"), nil); got.status != 403 || !strings.Contains(got.body, `"reason":"policy_denied"`) {
			t.Errorf("default deny: %d %s", got.status, got.body)
		}
		if got := h.request(t, req("/public/x"), nil); got.status != 0 {
			t.Errorf("allowed: %d %s", got.status, got.body)
		}
	})
}

// TestTraceHeader: with headers.trace set, local answers carry the
// decision; without it, nothing is said.
func TestTraceHeader(t *testing.T) {
	policy := `"policy":{"default":"deny","rules":[{"name":"public","action":"allow","match":{"paths":["/public/**"]}},
		{"name":"hide","action":"deny","match":{"paths":["/internal/**"]},"response":{"status":404}}]}`
	forEachHost(t, `{"headers":{"trace":"x-palisade-trace"},`+policy+`}`, func(t *testing.T, h pluginHost) {
		for path, want := range map[string]string{
			"/other":      "decision=deny; reason=policy_denied",
			"/internal/x": "decision=deny; rule=hide; reason=policy_denied",
		} {
			got := h.request(t, req(path), nil)
			if v, _ := header(got.headers, "x-palisade-trace"); v != want {
				t.Errorf("%s: trace %q, want %q", path, v, want)
			}
		}
	})
	forEachHost(t, `{`+policy+`}`, func(t *testing.T, h pluginHost) {
		if v, ok := header(h.request(t, req("/other"), nil).headers, "x-palisade-trace"); ok {
			t.Errorf("trace without the option: %q", v)
		}
	})
}

// TestRuleModeAudit: a deny rule being rolled out in audit mode denies
// nothing, and each request it would have decided says so in the
// decision log and the metrics, in both hosts; an allow rule in audit
// mode likewise allows nothing.
func TestRuleModeAudit(t *testing.T) {
	cfg := `{"decision_log":true,"policy":{"default":"deny","rules":[
		{"name":"orders","action":"allow","match":{"paths":["/orders/**"]}},
		{"name":"no-bulk-export","action":"deny","mode":"audit","match":{"paths":["/orders/export"]}},
		{"name":"open-status","action":"allow","mode":"audit","match":{"paths":["/status"]}},
		{"name":"no-archive","action":"deny","mode":"audit","match":{"paths":["/orders/archive/**"]},"when":"request.headers[\"x-year\"] < '2020'"}]}}`
	tests := []struct {
		path   string
		status int
		log    map[string]any // fields of the decision log line; absent fields marked nil
	}{
		{"/orders/export", 0, map[string]any{"decision": "allow", "rule": "orders", "audit_rule": "no-bulk-export", "audit_decision": "deny", "audit_reason": nil}},
		{"/orders/7", 0, map[string]any{"decision": "allow", "rule": "orders", "audit_rule": nil, "audit_decision": nil}},
		{"/status", 403, map[string]any{"decision": "deny", "rule": nil, "audit_rule": "open-status", "audit_decision": "allow"}},
		{"/orders/archive/1", 0, map[string]any{"decision": "allow", "audit_rule": "no-archive", "audit_decision": "deny", "audit_reason": "condition_error"}},
	}
	forEachHost(t, cfg, func(t *testing.T, h pluginHost) {
		for _, tc := range tests {
			if got := h.request(t, req(tc.path), nil); got.status != tc.status {
				t.Fatalf("%s: %d %s, want %d", tc.path, got.status, got.body, tc.status)
			}
		}
		var lines []map[string]any
		for _, l := range h.logs("info") {
			if strings.HasPrefix(l, `{"request_id"`) {
				var m map[string]any
				if err := json.Unmarshal([]byte(l), &m); err != nil {
					t.Fatalf("not JSON: %s", l)
				}
				lines = append(lines, m)
			}
		}
		if len(lines) != len(tests) {
			t.Fatalf("%d decision lines, want %d", len(lines), len(tests))
		}
		for i, tc := range tests {
			for k, v := range tc.log {
				if lines[i][k] != v {
					t.Errorf("%s: %s = %#v, want %#v (%v)", tc.path, k, lines[i][k], v, lines[i])
				}
			}
		}
		for name, want := range map[string]int64{
			"palisade_audit_mode_decided_total":                                   3,
			"palisade_audit_mode_would_deny_total":                                2,
			"palisade_audit_mode_would_allow_total":                               1,
			"decision=.=deny;.;reason=.=policy_denied;.;palisade_decisions_total": 1,
			"palisade_audit_rules_matched_total":                                  0,
		} {
			if n := h.counter(t, name); n != want {
				t.Errorf("%s = %d, want %d", name, n, want)
			}
		}
	})
}
