package hosttest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// PKI is a throwaway certificate authority for tests of TLS and mTLS:
// what such tests check is the handshake and what it proves, not keys, so
// the keys are made fresh per test.
type PKI struct {
	// CAFile, CertFile and KeyFile are PEM files: the CA, and a server
	// certificate for localhost and 127.0.0.1 with its key.
	CAFile, CertFile, KeyFile string
	Pool                      *x509.CertPool

	t      testing.TB
	dir    string
	ca     *x509.Certificate
	caKey  *ecdsa.PrivateKey
	serial int64
}

// NewPKI makes a CA and a server certificate in a temp dir of t.
func NewPKI(t testing.TB) *PKI {
	t.Helper()
	p := &PKI{t: t, dir: t.TempDir(), Pool: x509.NewCertPool(), serial: 1}
	p.caKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test Mesh CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &p.caKey.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	p.ca, _ = x509.ParseCertificate(der)
	p.Pool.AddCert(p.ca)
	p.CAFile = p.write("ca.pem", "CERTIFICATE", der)
	srv := p.Issue(&x509.Certificate{Subject: pkix.Name{CommonName: "gateway"}, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	p.CertFile = p.write("server.pem", "CERTIFICATE", srv.Certificate[0])
	keyDER, _ := x509.MarshalECPrivateKey(srv.PrivateKey.(*ecdsa.PrivateKey))
	p.KeyFile = p.write("server.key", "EC PRIVATE KEY", keyDER)
	return p
}

// Issue signs a certificate from tmpl (the serial, and the validity unless
// tmpl sets one, are filled in).
func (p *PKI) Issue(tmpl *x509.Certificate) tls.Certificate {
	p.t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p.serial++
	tmpl.SerialNumber = big.NewInt(p.serial)
	if tmpl.NotAfter.IsZero() { // a template may set its own validity (an expired certificate)
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &k.PublicKey, p.caKey)
	if err != nil {
		p.t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k, Leaf: leaf}
}

// Client issues a client certificate whose URI SAN is spiffeID.
func (p *PKI) Client(spiffeID string) tls.Certificate {
	u, err := url.Parse(spiffeID)
	if err != nil {
		p.t.Fatal(err)
	}
	return p.Issue(&x509.Certificate{Subject: pkix.Name{CommonName: u.Path, Organization: []string{"test"}}, URIs: []*url.URL{u},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
}

func (p *PKI) write(name, typ string, der []byte) string {
	path := filepath.Join(p.dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		p.t.Fatal(err)
	}
	return path
}
