package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/hosttest"
	"github.com/palisade-wasm/palisade/plugin/dpop"
)

// TestDPoP is RFC 9449 at the edge, in both hosts: a bound token with a
// proof for this request passes once; a replay, a proof for another URL,
// method or token, a stale one, a bound token sent as a bearer token or a
// proof by another key is a 401 with a DPoP challenge.
func TestDPoP(t *testing.T) {
	idp := hosttest.NewIssuer(t, "https://idp.example", "k1", "p256.pem")
	client := hosttest.NewDPoPClient(t)
	thief := hosttest.NewDPoPClient(t)
	exp := time.Now().Unix() + 600
	bound := idp.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": exp, "cnf": map[string]string{"jkt": client.JKT()}})
	unbound := idp.Token(t, map[string]any{"sub": "bob", "aud": "orders", "exp": exp})
	const url = "https://app.local/orders"
	dpopAuth := func(tok string) [2]string { return [2]string{"authorization", "DPoP " + tok} }
	proof := func(p string) [2]string { return [2]string{"dpop", p} }
	optional := userConfig(t, idp, "")
	required := `{"providers":[{"name":"idp","issuer":"https://idp.example","audiences":["orders"],"local_jwks":` + idp.JWKS() + `,"dpop":{"mode":"required","max_age_seconds":30}}]}`

	type step struct {
		headers   [][2]string
		status    int
		reason    string
		challenge string
	}
	reused := client.ProofFor(t, "GET", url, bound)
	tests := []struct {
		name  string
		cfg   string
		steps []step
	}{
		{"proof passes once, its replay is refused", optional, []step{
			{req("/orders", dpopAuth(bound), proof(reused)), 0, "", ""},
			{req("/orders", dpopAuth(bound), proof(reused)), 401, "dpop_replay", `DPoP realm="palisade", error="invalid_dpop_proof"`},
			{req("/orders", dpopAuth(bound), proof(client.ProofFor(t, "GET", url, bound))), 0, "", ""},
		}},
		{"query and normalized path", optional, []step{
			{req("/./orders?page=2", dpopAuth(bound), proof(client.ProofFor(t, "GET", url, bound))), 0, "", ""},
		}},
		{"proof for another URL", optional, []step{
			{req("/orders", dpopAuth(bound), proof(client.ProofFor(t, "GET", "https://app.local/admin", bound))), 401, "dpop_wrong_request", ""},
		}},
		{"proof for another host", optional, []step{
			{req("/orders", dpopAuth(bound), proof(client.ProofFor(t, "GET", "https://evil.example/orders", bound))), 401, "dpop_wrong_request", ""},
		}},
		{"proof for another method", optional, []step{
			{req("/orders", dpopAuth(bound), proof(client.ProofFor(t, "POST", url, bound))), 401, "dpop_wrong_request", ""},
		}},
		{"proof for another token", optional, []step{
			{req("/orders", dpopAuth(bound), proof(client.ProofFor(t, "GET", url, unbound))), 401, "dpop_wrong_token", ""},
		}},
		{"stale proof", optional, []step{
			{req("/orders", dpopAuth(bound), proof(client.Proof(t, map[string]any{"jti": "old", "htm": "GET", "htu": url, "iat": time.Now().Unix() - 600, "ath": hosttest.ATH(bound)}, nil))), 401, "dpop_stale", ""},
		}},
		{"stolen token, thief's own proof", optional, []step{
			{req("/orders", dpopAuth(bound), proof(thief.ProofFor(t, "GET", url, bound))), 401, "dpop_not_bound", `DPoP realm="palisade", error="invalid_token"`},
		}},
		{"bound token sent as a bearer token", optional, []step{
			{req("/orders", bearer(bound)), 401, "dpop_proof_missing", ""},
			{req("/orders", bearer(bound), proof(client.ProofFor(t, "GET", url, bound))), 401, "dpop_proof_missing", ""},
		}},
		{"DPoP scheme without a proof", optional, []step{
			{req("/orders", dpopAuth(bound)), 401, "dpop_proof_missing", ""},
		}},
		{"two proofs", optional, []step{
			{req("/orders", dpopAuth(bound), proof(client.ProofFor(t, "GET", url, bound)), proof(client.ProofFor(t, "GET", url, bound))), 401, "dpop_invalid", ""},
		}},
		{"garbage proof", optional, []step{
			{req("/orders", dpopAuth(bound), proof("eyJhbGciOiJub25lIn0.e30.")), 401, "dpop_invalid", ""},
		}},
		{"unbound token as a bearer token, DPoP optional", optional, []step{
			{req("/orders", bearer(unbound)), 0, "", ""},
		}},
		{"unbound token with the DPoP scheme", optional, []step{
			{req("/orders", dpopAuth(unbound), proof(client.ProofFor(t, "GET", url, unbound))), 401, "dpop_not_bound", ""},
		}},
		{"DPoP required: bearer token refused", required, []step{
			{req("/orders", bearer(unbound)), 401, "dpop_proof_missing", ""},
			{req("/orders", dpopAuth(bound), proof(client.ProofFor(t, "GET", url, bound))), 0, "", ""},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			forEachHost(t, tc.cfg, func(t *testing.T, h pluginHost) {
				for i, s := range tc.steps {
					got := h.request(t, s.headers, nil)
					if got.status != s.status || s.reason != "" && !strings.Contains(got.body, `"reason":"`+s.reason+`"`) {
						t.Fatalf("step %d: %d %s, want %d %s", i, got.status, got.body, s.status, s.reason)
					}
					if c, _ := header(got.headers, "www-authenticate"); s.challenge != "" && !strings.HasPrefix(c, s.challenge) {
						t.Fatalf("step %d: challenge %q, want %q", i, c, s.challenge)
					}
					if s.status == 0 {
						for _, name := range []string{"authorization", "dpop"} {
							if v, ok := header(got.headers, name); ok {
								t.Fatalf("step %d: %s forwarded upstream: %q", i, name, v)
							}
						}
					}
				}
			})
		})
	}
}

// TestDPoPReplaySlotsPrepared: a configuration whose provider may see
// DPoP proofs creates every replay-cache slot before serving, so no slot
// is ever first written (unconditionally, CAS 0) while proofs arrive; a
// slot another VM already holds is left as it is, another VM finds them
// all created at the cost of one read, and a configuration with DPoP
// disabled creates none.
func TestDPoPReplaySlotsPrepared(t *testing.T) {
	mod, _, err := hosttest.Module()
	if err != nil {
		t.Fatal(err)
	}
	idp := hosttest.NewIssuer(t, "https://idp.example", "k1", "p256.pem")
	sd := host.NewSharedData()
	sd.Set("palisade", "palisade/dpop/7", []byte("kept"), 0)
	vm, err := mod.NewVM(context.Background(), host.VMConfig{VMID: "palisade", SharedData: sd, PluginConfiguration: []byte(userConfig(t, idp, ""))})
	if err != nil {
		t.Fatal(err)
	}
	first := vm.HostCalls()
	vm.Close()
	for i := range dpop.Slots {
		v, _, ok := sd.Get("palisade", "palisade/dpop/"+strconv.Itoa(i))
		if !ok || i != 7 && len(v) != 0 || i == 7 && string(v) != "kept" {
			t.Fatalf("slot %d: %q %v", i, v, ok)
		}
	}
	vm, err = mod.NewVM(context.Background(), host.VMConfig{VMID: "palisade", SharedData: sd, PluginConfiguration: []byte(userConfig(t, idp, ""))})
	if err != nil {
		t.Fatal(err)
	}
	if second := vm.HostCalls(); first-second < dpop.Slots {
		t.Errorf("the second VM started with %d host calls, the first with %d: the slots were checked again", second, first)
	}
	vm.Close()
	none := host.NewSharedData()
	vm, err = mod.NewVM(context.Background(), host.VMConfig{VMID: "palisade", SharedData: none,
		PluginConfiguration: []byte(strings.Replace(userConfig(t, idp, ""), `"audiences":["orders"],`, `"audiences":["orders"],"dpop":{"mode":"disabled"},`, 1))})
	if err != nil {
		t.Fatal(err)
	}
	vm.Close()
	if _, _, ok := none.Get("palisade", "palisade/dpop/0"); ok {
		t.Error("slots created with DPoP disabled")
	}
}
