package integration

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
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

// TestCertificateBoundToken: an RFC 8705 token passes only over the mTLS
// connection of the certificate it is bound to.
func TestCertificateBoundToken(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Header.Get("X-Palisade-User")) }))
	defer app.Close()
	pki := hosttest.NewPKI(t)
	idp := hosttest.NewIssuer(t, "https://idp.example", "k1", "p256.pem")
	mine := pki.Client("spiffe://shop.example/ns/a/sa/client")
	other := pki.Client("spiffe://shop.example/ns/a/sa/thief")
	sum := sha256.Sum256(mine.Certificate[0])
	tok := idp.Token(t, map[string]any{"sub": "alice", "aud": "shop", "exp": time.Now().Unix() + 600,
		"cnf": map[string]string{"x5t#S256": base64.RawURLEncoding.EncodeToString(sum[:])}})
	cfg := wasmConfig(t, `{"service":{"trust_domains":["shop.example"]},"providers":[{"name":"idp","issuer":"https://idp.example","audiences":["shop"],"local_jwks":`+idp.JWKS()+`}]}`,
		map[string]int{"app": port(app)})
	cfg.Listeners[0].TLS = &envoyconfig.DownstreamTLS{CertFile: pki.CertFile, KeyFile: pki.KeyFile, CAFile: pki.CAFile}
	g := runGateway(t, cfg, 2)
	for _, c := range []struct {
		name  string
		certs []tls.Certificate
		want  int
	}{{"its certificate", []tls.Certificate{mine}, 200}, {"another certificate", []tls.Certificate{other}, 401}, {"no certificate", nil, 401}} {
		hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
			RootCAs: pki.Pool, ServerName: "localhost", Certificates: c.certs}}}
		req, _ := http.NewRequest("GET", "https://"+g.Addrs()[0].String()+"/", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, resp.StatusCode, body, c.want)
		}
	}
}
