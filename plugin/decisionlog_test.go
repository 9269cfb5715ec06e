package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host/hosttest"
)

// TestDecisionLog: with decision_log on, each request writes one JSON
// line with its identities, rule and decision, in both hosts; the token
// never appears; hostile values stay inside their JSON strings.
func TestDecisionLog(t *testing.T) {
	idp := hosttest.NewIssuer(t, "https://idp.example", "k1", "p256.pem")
	tok := idp.Token(t, map[string]any{"sub": `ali"ce` + "\n", "aud": "orders", "exp": time.Now().Unix() + 600})
	policy := `,"decision_log":true,"require_user":false,"policy":{"default":"deny","rules":[{"name":"orders","action":"allow","match":{"paths":["/orders/**"]},"when":"user.authenticated"}]}`
	for _, mode := range []string{"enforce", "audit"} {
		t.Run(mode, func(t *testing.T) {
			cfg := strings.Replace(userConfig(t, idp, policy), `{"providers"`, `{"mode":"`+mode+`","service":{"trust_domains":["shop.example"]},"providers"`, 1)
			forEachHost(t, cfg, func(t *testing.T, h pluginHost) {
				h.request(t, req("/orders/7", bearer(tok)), mtlsPayments)
				h.request(t, req("/admin", bearer(tok)), nil)
				h.request(t, req("/orders/7", bearer("garbage")), nil)
				var lines []map[string]any
				for _, l := range h.logs("info") {
					if strings.Contains(l, tok) || strings.Contains(l, "garbage") {
						t.Fatalf("token in the log: %s", l)
					}
					if !strings.HasPrefix(l, `{"request_id"`) {
						continue
					}
					var m map[string]any
					if err := json.Unmarshal([]byte(l), &m); err != nil {
						t.Fatalf("not JSON: %s: %v", l, err)
					}
					lines = append(lines, m)
				}
				if len(lines) != 3 {
					t.Fatalf("%d decision lines, want 3", len(lines))
				}
				want := []map[string]any{
					{"decision": "allow", "rule": "orders", "user": `ali"ce` + "\n", "service": "spiffe://shop.example/ns/payments/sa/payments", "path": "/orders/7", "method": "GET", "request_id": "rid-1"},
					{"decision": "deny", "status": 403.0, "reason": "policy_denied"},
					{"decision": "deny", "status": 401.0, "reason": "token_malformed"},
				}
				if mode == "audit" {
					want[1] = map[string]any{"decision": "audit", "reason": "policy_denied"}
					want[2] = map[string]any{"decision": "audit", "reason": "token_malformed"}
				}
				for i, w := range want {
					for k, v := range w {
						if lines[i][k] != v {
							t.Errorf("line %d: %s = %#v, want %#v (%v)", i, k, lines[i][k], v, lines[i])
						}
					}
				}
			})
		})
	}
}
