package gateway

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/palisade-wasm/palisade/host"
	"github.com/palisade-wasm/palisade/host/envoyconfig"
)

// pki is a throwaway CA with a server and a client certificate, generated
// per test: what is tested here is the handshake, not the keys.
type pki struct {
	dir                   string
	caPool                *x509.CertPool
	client                tls.Certificate
	clientDER             []byte
	caFile, certFile, key string
}

func newPKI(t *testing.T) *pki {
	t.Helper()
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test Mesh CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	issue := func(tmpl *x509.Certificate) ([]byte, *ecdsa.PrivateKey) {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return der, k
	}
	srvDER, srvKey := issue(&x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "gateway"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	spiffe, _ := url.Parse("spiffe://shop.example/ns/payments/sa/payments")
	cliDER, cliKey := issue(&x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "payments", Organization: []string{"shop"}},
		URIs: []*url.URL{spiffe}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	keyDER, _ := x509.MarshalECPrivateKey(srvKey)
	p := &pki{dir: dir, caPool: x509.NewCertPool(), clientDER: cliDER,
		caFile: write("ca.pem", "CERTIFICATE", caDER), certFile: write("server.pem", "CERTIFICATE", srvDER), key: write("server.key", "EC PRIVATE KEY", keyDER)}
	p.caPool.AddCert(ca)
	p.client = tls.Certificate{Certificate: [][]byte{cliDER}, PrivateKey: cliKey}
	return p
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
		SubjectPeer:      "CN=payments,O=shop",
		SHA256PeerDigest: hex.EncodeToString(sum[:]),
	}
	if c != want {
		t.Errorf("connection:\n%+v\nwant\n%+v", c, want)
	}
	if c.SourcePort == 0 || c.SourceAddress == "" {
		t.Errorf("source not set: %+v", c)
	}
}
