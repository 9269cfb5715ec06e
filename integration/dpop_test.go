package integration

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host/hosttest"
)

// TestDPoPThroughGateway sends DPoP-bound tokens through the gateway with
// two plugin VMs: a proof passes once, and its replay is refused whichever
// VM takes it (the replay cache is the proxy's shared data); neither the
// token nor the proof reaches the application.
func TestDPoPThroughGateway(t *testing.T) {
	idp := hosttest.NewIssuer(t, "https://idp.example", "k1", "p256.pem")
	client := hosttest.NewDPoPClient(t)
	tok := idp.Token(t, map[string]any{"sub": "alice", "aud": "orders", "exp": time.Now().Unix() + 600,
		"cnf": map[string]string{"jkt": client.JKT()}})
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok:"+r.Header.Get("X-Palisade-User")+":"+r.Header.Get("Authorization")+r.Header.Get("DPoP"))
	}))
	defer app.Close()
	plugin := `{"providers":[{"name":"idp","issuer":"https://idp.example","audiences":["orders"],"local_jwks":` + idp.JWKS() + `,"dpop":{"mode":"required"}}]}`
	g := runGateway(t, wasmConfig(t, plugin, map[string]int{"app": port(app)}), 2)
	base := "http://" + g.Addrs()[0].String()
	hc := &http.Client{Timeout: 5 * time.Second}
	send := func(path, proof string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "DPoP "+tok)
		if proof != "" {
			req.Header.Set("DPoP", proof)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode == 401 && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "DPoP ") {
			t.Fatalf("401 without a DPoP challenge: %q", resp.Header.Get("WWW-Authenticate"))
		}
		return resp.StatusCode, string(b)
	}

	proof := client.ProofFor(t, "GET", base+"/orders", tok)
	if code, body := send("/orders?x=1", proof); code != 200 || body != "ok:alice:" {
		t.Fatalf("first use: %d %q", code, body)
	}
	for i := 0; i < 6; i++ {
		if code, body := send("/orders", proof); code != 401 || !strings.Contains(body, "dpop_replay") {
			t.Fatalf("replay %d: %d %q", i, code, body)
		}
	}
	cases := []struct{ name, path, proof, reason string }{
		{"no proof", "/orders", "", "dpop_proof_missing"},
		{"proof for another path", "/admin", client.ProofFor(t, "GET", base+"/orders", tok), "dpop_wrong_request"},
		{"proof for another port", "/orders", client.ProofFor(t, "GET", "http://127.0.0.1:1/orders", tok), "dpop_wrong_request"},
		{"proof for another token", "/orders", client.ProofFor(t, "GET", base+"/orders", "another"), "dpop_wrong_token"},
		{"stale proof", "/orders", client.Proof(t, map[string]any{"jti": "stale", "htm": "GET", "htu": base + "/orders",
			"iat": time.Now().Unix() - 3600, "ath": hosttest.ATH(tok)}, nil), "dpop_stale"},
	}
	for _, c := range cases {
		if code, body := send(c.path, c.proof); code != 401 || !strings.Contains(body, `"reason":"`+c.reason+`"`) {
			t.Errorf("%s: %d %q, want 401 %s", c.name, code, body, c.reason)
		}
	}
	if code, body := send("/orders", client.ProofFor(t, "GET", base+"/orders", tok)); code != 200 {
		t.Fatalf("fresh proof: %d %q", code, body)
	}
}
