package gateway

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"net"
	"net/http"
	"testing"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/envoyconfig"
	"github.com/palisade-wasm/palisade/host/hosttest"
)

// newPKI is the shared test CA with a payments client certificate.
func newPKI(t *testing.T) *pki {
	p := hosttest.NewPKI(t)
	c := p.Client("spiffe://shop.example/ns/payments/sa/payments")
	return &pki{PKI: p, client: c, clientDER: c.Certificate[0], caPool: p.Pool, caFile: p.CAFile, certFile: p.CertFile, key: p.KeyFile}
}

type pki struct {
	*hosttest.PKI
	client                tls.Certificate
	clientDER             []byte
	caPool                *x509.CertPool
	caFile, certFile, key string
}

func TestTLSAndMTLS(t *testing.T) {
	p := newPKI(t)
	up := echo(t)
	g := startGateway(t, up.URL, nil, func(c *envoyconfig.Config) {
		c.Listeners[0].TLS = &envoyconfig.DownstreamTLS{CertFile: p.certFile, KeyFile: p.key, CAFile: p.caFile}
	})
	base := "https://" + g.Addrs()[0].String()
	tests := []struct {
		name      string
		cert      bool
		wantProto string
	}{
		{name: "tls without client certificate", cert: false, wantProto: "HTTP/2.0"},
		{name: "mtls", cert: true, wantProto: "HTTP/2.0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc2 := &tls.Config{RootCAs: p.caPool}
			if tc.cert {
				tc2.Certificates = []tls.Certificate{p.client}
			}
			client := &http.Client{Transport: &http.Transport{TLSClientConfig: tc2, ForceAttemptHTTP2: true}}
			resp, err := client.Get(base + "/x")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Proto != tc.wantProto {
				t.Errorf("status %d over %s, want 200 over %s", resp.StatusCode, resp.Proto, tc.wantProto)
			}
		})
	}
}

func TestRequireClientCertificate(t *testing.T) {
	p := newPKI(t)
	up := echo(t)
	g := startGateway(t, up.URL, nil, func(c *envoyconfig.Config) {
		c.Listeners[0].TLS = &envoyconfig.DownstreamTLS{CertFile: p.certFile, KeyFile: p.key, CAFile: p.caFile, RequireClientCertificate: true}
	})
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.caPool}}}
	if resp, err := client.Get("https://" + g.Addrs()[0].String() + "/x"); err == nil {
		resp.Body.Close()
		t.Fatal("a client without a certificate got through a listener that requires one")
	}
}

// The connection properties a plugin reads come from the verified peer
// certificate, as Envoy's connection.* attributes do.
func TestConnectionProperties(t *testing.T) {
	p := newPKI(t)
	got := make(chan host.Connection, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got <- connection(r) })}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	cert, err := tls.LoadX509KeyPair(p.certFile, p.key)
	if err != nil {
		t.Fatal(err)
	}
	tl := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, ClientCAs: p.caPool,
		ClientAuth: tls.VerifyClientCertIfGiven, MinVersion: tls.VersionTLS13})
	go srv.Serve(tl)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.caPool,
		Certificates: []tls.Certificate{p.client}, ServerName: "localhost"}}}
	resp, err := client.Get("https://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c := <-got
	sum := sha256.Sum256(p.clientDER)
	want := host.Connection{
		SourceAddress: c.SourceAddress, SourcePort: c.SourcePort, // ephemeral
		DestinationAddress: ln.Addr().String(), DestinationPort: ln.Addr().(*net.TCPAddr).Port,
		TLS: true, TLSVersion: "TLSv1.3", MTLS: true, RequestedSNI: "localhost",
		URISANPeer:       "spiffe://shop.example/ns/payments/sa/payments",
		SubjectPeer:      "CN=/ns/payments/sa/payments,O=test",
		SHA256PeerDigest: hex.EncodeToString(sum[:]),
	}
	if c != want {
		t.Errorf("connection:\n%+v\nwant\n%+v", c, want)
	}
	if c.SourcePort == 0 || c.SourceAddress == "" {
		t.Errorf("source not set: %+v", c)
	}
}
