package integration

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host/envoyconfig"
	"github.com/palisade-wasm/palisade/host/hosttest"
	"gopkg.in/yaml.v3"
)

// TestSeedScenarios runs the seed policy (policies/examples/seed.yaml, as
// is) in the gateway over TLS, with callers identified by client
// certificates, users by tokens and devices by device tokens: for each
// scenario a request that must pass and one that must not.
func TestSeedScenarios(t *testing.T) {
	raw, err := os.ReadFile("../policies/examples/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	policy, _ := json.Marshal(doc)

	idp := hosttest.NewIssuer(t, "https://idp.example", "k1", "p256.pem")
	mdm := hosttest.NewIssuer(t, "https://mdm.example", "d1", "p384.pem")
	exp := time.Now().Unix() + 600
	userTok := func(sub string, roles ...string) string {
		return idp.Token(t, map[string]any{"sub": sub, "aud": "shop", "exp": exp, "roles": roles})
	}
	deviceTok := func(compliant bool) string {
		return mdm.Token(t, map[string]any{"sub": "tablet-7", "exp": exp, "compliant": compliant})
	}
	plugin := `{"service":{"trust_domains":["shop.example","video.example"]},"require_user":false,
		"providers":[{"name":"idp","issuer":"https://idp.example","audiences":["shop"],"local_jwks":` + idp.JWKS() + `},
			{"name":"mdm","issuer":"https://mdm.example","local_jwks":` + mdm.JWKS() + `,"from_headers":[{"name":"x-device-token"}]}],
		"thing":{"provider":"mdm"},"policy":` + string(policy) + `}`

	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer app.Close()
	pki := hosttest.NewPKI(t)
	cfg := wasmConfig(t, plugin, map[string]int{"app": port(app)})
	cfg.Listeners[0].TLS = &envoyconfig.DownstreamTLS{CertFile: pki.CertFile, KeyFile: pki.KeyFile, CAFile: pki.CAFile}
	g := runGateway(t, cfg, 2)
	addr := g.Addrs()[0].String()

	const (
		payments = "spiffe://shop.example/ns/payments/sa/payments"
		shipping = "spiffe://shop.example/ns/shipping/sa/shipping"
		reco     = "spiffe://video.example/ns/reco/sa/recommendation"
		delivery = "spiffe://video.example/ns/delivery/sa/delivery"
	)
	cases := []struct {
		name, path, client, user, device string
		want                             int
	}{
		{"payment data to the payment service", "/payments/42", payments, "", "", 200},
		{"payment data to another service", "/payments/42", shipping, "", "", 403},
		{"payment data without a client certificate", "/payments/42", "", "", "", 403},
		{"own orders", "/customers/alice/orders/7", "", userTok("alice"), "", 200},
		{"someone else's orders", "/customers/bob/orders/7", "", userTok("alice"), "", 403},
		{"orders without a token", "/customers/alice/orders/7", "", "", "", 403},
		{"history to its user", "/users/alice/history/today", "", userTok("alice"), "", 200},
		{"history to the recommendation service", "/users/alice/history/today", reco, "", "", 200},
		{"history never to video delivery, even with the user's token", "/users/alice/history/today", delivery, userTok("alice"), "", 403},
		{"history to another user", "/users/alice/history/today", "", userTok("bob"), "", 403},
		{"records to a clinician on a compliant device", "/records/9", "", userTok("dr-grey", "clinician"), deviceTok(true), 200},
		{"records on a non-compliant device", "/records/9", "", userTok("dr-grey", "clinician"), deviceTok(false), 403},
		{"records without a device", "/records/9", "", userTok("dr-grey", "clinician"), "", 403},
		{"records to a non-clinician", "/records/9", "", userTok("nurse", "staff"), deviceTok(true), 403},
		{"records path bypass with dot segments", "/public/%2e%2e/records/9", "", userTok("nurse", "staff"), deviceTok(true), 403},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tc := &tls.Config{RootCAs: pki.Pool, ServerName: "localhost"}
			if c.client != "" {
				tc.Certificates = []tls.Certificate{pki.Client(c.client)}
			}
			hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: tc}}
			req, _ := http.NewRequest("GET", "https://"+addr+c.path, nil)
			if c.user != "" {
				req.Header.Set("Authorization", "Bearer "+c.user)
			}
			if c.device != "" {
				req.Header.Set("X-Device-Token", c.device)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Fatalf("%d %s, want %d", resp.StatusCode, body, c.want)
			}
		})
	}
}
