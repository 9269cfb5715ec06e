package gateway

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"net"
	"net/http"
	"strconv"

	"github.com/palisade-wasm/palisade/host"
)

var tlsVersions = map[uint16]string{
	tls.VersionTLS10: "TLSv1",
	tls.VersionTLS11: "TLSv1.1",
	tls.VersionTLS12: "TLSv1.2",
	tls.VersionTLS13: "TLSv1.3",
}

// connection describes the downstream connection of r as Envoy's
// attributes do. The peer certificate counts (connection.mtls) only when
// it was verified against the listener's trusted CA.
func connection(r *http.Request) host.Connection {
	var c host.Connection
	c.SourceAddress = r.RemoteAddr
	if _, p, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		c.SourcePort, _ = strconv.Atoi(p)
	}
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		c.DestinationAddress = la.String()
		if _, p, err := net.SplitHostPort(la.String()); err == nil {
			c.DestinationPort, _ = strconv.Atoi(p)
		}
	}
	if r.TLS == nil {
		return c
	}
	c.TLS = true
	c.TLSVersion = tlsVersions[r.TLS.Version]
	c.RequestedSNI = r.TLS.ServerName
	if len(r.TLS.VerifiedChains) == 0 || len(r.TLS.PeerCertificates) == 0 {
		return c
	}
	cert := r.TLS.PeerCertificates[0]
	c.MTLS = true
	if len(cert.URIs) > 0 {
		c.URISANPeer = cert.URIs[0].String()
	}
	if len(cert.DNSNames) > 0 {
		c.DNSSANPeer = cert.DNSNames[0]
	}
	c.SubjectPeer = cert.Subject.String()
	sum := sha256.Sum256(cert.Raw)
	c.SHA256PeerDigest = hex.EncodeToString(sum[:])
	return c
}
