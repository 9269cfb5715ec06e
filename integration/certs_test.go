package integration

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host/envoyconfig"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

// TestClientCertificates: service identity end to end over mTLS with
// certificates made here: SPIFFE IDs of two trusted trust domains and an
// untrusted one, a certificate without any SAN, and an expired one (which
// the listener refuses in the handshake, as Envoy does).
func TestClientCertificates(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Header.Get("X-Palisade-Service"))
	}))
	defer app.Close()
	pki := hosttest.NewPKI(t)
	cfg := wasmConfig(t, `{"service":{"trust_domains":["shop.example","video.example"]}}`, map[string]int{"app": port(app)})
	cfg.Listeners[0].TLS = &envoyconfig.DownstreamTLS{CertFile: pki.CertFile, KeyFile: pki.KeyFile, CAFile: pki.CAFile}
	g := runGateway(t, cfg, 1)
	u, _ := url.Parse("spiffe://shop.example/ns/a/sa/b")
	cases := []struct {
		name    string
		cert    tls.Certificate
		service string
		refused bool
	}{
		{"shop.example", pki.Client("spiffe://shop.example/ns/payments/sa/payments"), "spiffe://shop.example/ns/payments/sa/payments", false},
		{"video.example", pki.Client("spiffe://video.example/ns/reco/sa/recommendation"), "spiffe://video.example/ns/reco/sa/recommendation", false},
		{"untrusted trust domain", pki.Client("spiffe://evil.example/ns/payments/sa/payments"), "", false},
		{"malformed SPIFFE ID", pki.Client("spiffe://shop.example/ns/../sa/x"), "", false},
		{"no SAN", pki.Issue(&x509.Certificate{Subject: pkix.Name{CommonName: "spiffe://shop.example/ns/a/sa/b"},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}), "", false},
		{"expired", pki.Issue(&x509.Certificate{Subject: pkix.Name{CommonName: "old"}, URIs: []*url.URL{u},
			NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour),
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}), "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
				RootCAs: pki.Pool, ServerName: "localhost", Certificates: []tls.Certificate{c.cert}}}}
			resp, err := hc.Get("https://" + g.Addrs()[0].String() + "/")
			if c.refused {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("an expired certificate was accepted: %d", resp.StatusCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(body) != c.service {
				t.Fatalf("%d service %q, want %q", resp.StatusCode, body, c.service)
			}
		})
	}
}
